/**
 * `pnpm bench scale` (issue #18): a large studio — 100,000 tasks, thousands of bots, an event
 * log grown from 10,000 to 1,000,000 rows — seeded straight into the server's database; the
 * latency of the first page of the lists at each size of the log, and the live feed's delivery
 * to 100, 500 and 1,000 subscribers while events are made at 100 a second.
 *
 * Knobs for a quicker run: BENCH_SCALE_EVENTS (the largest log, 1,000,000; the growth steps
 * are a hundredth and a tenth of it), BENCH_SCALE_TASKS (100,000), BENCH_SCALE_SUBSCRIBERS
 * (the most live subscribers, 1,000), BENCH_SCALE_COUNTS (the subscriber counts measured,
 * 100,500,1000), BENCH_SCALE_SECONDS (of live load, 10),
 * BENCH_SCALE_SAMPLES (requests per latency row, 100), BENCH_SCALE_DIALECTS (sqlite,postgres),
 * BENCH_SCALE_LIVE (the live listeners measured: sse, socketio, or both, the default).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createTestDatabase, type TestDatabase } from '@clapper/db/testing';
import { openBulkDb } from '../lib/bulk-db';
import {
  alive,
  cpuMicros,
  type Dialect,
  peakRssMb,
  RAISED_RATE_LIMIT,
  type ServerProcess,
  settle,
  startServerProcess,
  trpcInput,
} from '../lib/processes';
import { fmt, percentile, type Row, type Section } from '../lib/report';
import {
  ARTIST_PROJECTS,
  BULK_BOTS,
  BULK_USERS,
  countEvents,
  createPrincipals,
  growEvents,
  type Principals,
  SCALE_PROJECTS,
  type ScaleStudio,
  seedStudio,
  VENDOR_TASKS,
} from '../lib/scale-seed';

const num = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};
const FINAL_EVENTS = num('BENCH_SCALE_EVENTS', 1_000_000);
const TASKS = num('BENCH_SCALE_TASKS', 100_000);
const MAX_SUBSCRIBERS = num('BENCH_SCALE_SUBSCRIBERS', 1000);
const LIVE_SECONDS = num('BENCH_SCALE_SECONDS', 10);
const SAMPLES = num('BENCH_SCALE_SAMPLES', 100);
const WARM_UPS = 10;
const DIALECTS = (process.env.BENCH_SCALE_DIALECTS ?? 'sqlite,postgres')
  .split(',')
  .map((d) => d.trim()) as Dialect[];
/** The live listeners measured: SSE subscribers, gazu's Socket.IO listeners (issue #31). */
type Protocol = 'sse' | 'socketio';
const PROTOCOLS = (process.env.BENCH_SCALE_LIVE ?? 'sse,socketio')
  .split(',')
  .map((p) => p.trim()) as Protocol[];
if (PROTOCOLS.some((p) => p !== 'sse' && p !== 'socketio')) {
  throw new Error('BENCH_SCALE_LIVE lists sse and socketio');
}
/** The log's sizes when the lists are measured. */
const STEPS = [FINAL_EVENTS / 100, FINAL_EVENTS / 10, FINAL_EVENTS].map(Math.round);
const SUBSCRIBER_COUNTS = (process.env.BENCH_SCALE_COUNTS ?? '100,500,1000')
  .split(',')
  .map(Number)
  .filter((n) => n > 0 && n <= MAX_SUBSCRIBERS);
if (!SUBSCRIBER_COUNTS.includes(MAX_SUBSCRIBERS)) SUBSCRIBER_COUNTS.push(MAX_SUBSCRIBERS);
/** Events made a second during the live rows. */
const RATE = 100;

/** Issue #18's targets. */
const LIST_MS = 10;
const LIST_GROWTH = 1.5;
const LIVE_P99_MS = 250;
const LIVE_CORES = 1;

/** Wall-clock milliseconds, comparable across this process's threads (the SSE worker's too). */
const now = () => performance.timeOrigin + performance.now();

/** Milliseconds as a row shows them; n/a when nothing was measured. */
const ms = (n: number) => (Number.isNaN(n) ? 'n/a' : fmt(n, 1));

const count = (n: number) =>
  n >= 1_000_000 && n % 1_000_000 === 0
    ? `${n / 1_000_000}M`
    : n >= 1000 && n % 1000 === 0
      ? `${fmt(n / 1000)}k`
      : fmt(n);

/**
 * The server with node's diagnostic report on a fatal error or an uncaught exception, so a
 * server that dies under the load says why (its stderr is not kept).
 */
async function startServer(dialect: Dialect, db: TestDatabase, reports: string) {
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  nodeArgs.push(
    '--report-on-fatalerror',
    '--report-uncaught-exception',
    `--report-directory=${reports}`,
  );
  return startServerProcess(dialect, RAISED_RATE_LIMIT, { db, nodeArgs });
}

/** Why a server process is gone, from the report it left (if any). */
function causeOfDeath(reports: string, pid: number) {
  const found = readdirSync(reports).filter((f) => f.includes(`.${pid}.`) && f.endsWith('.json'));
  if (found.length === 0) return 'the server process died, leaving no report (killed by a signal?)';
  const report = JSON.parse(readFileSync(join(reports, found[found.length - 1]!), 'utf8')) as {
    header?: { event?: string; trigger?: string };
    javascriptHeap?: { totalMemory?: number };
  };
  const heap = report.javascriptHeap?.totalMemory;
  return `the server process died: ${report.header?.event ?? '?'} (${report.header?.trigger ?? '?'})${heap ? `, JS heap ${fmt(heap / 2 ** 20)} MB` : ''}`;
}

// ---------------------------------------------------------------------------------------------
// The lists

interface Probe {
  name: string;
  /** Whether the server's read cache can answer it, said in the row's name. */
  cache: string;
  path: string;
  token: string;
  /** The input of request i (warm-ups first): the same every time, or a new key every time. */
  input: (i: number) => unknown;
}

function probes(studio: ScaleStudio, principals: Principals): Probe[] {
  const admin = principals.adminToken;
  const firstProject = studio.projects[0]!.id;
  const projectOf = (i: number) => studio.projects[i % SCALE_PROJECTS]!.id;
  const total = WARM_UPS + SAMPLES;
  if (studio.commentedTaskIds.length < total || Math.ceil(total / SCALE_PROJECTS) > 100) {
    throw new Error('too few tasks with comments, or too many samples, for distinct inputs');
  }
  const repeated = 'repeated input: read cache (1 s) applies';
  const distinct = 'new input each request: read cache missed';
  return [
    {
      name: 'events.list as the admin',
      cache: 'page read each request',
      path: 'events.list',
      token: admin,
      input: () => ({}),
    },
    {
      name: `events.list as an \`artist\` bot on ${ARTIST_PROJECTS} project teams`,
      cache: 'page read each request',
      path: 'events.list',
      token: principals.artist.token,
      input: () => ({}),
    },
    {
      name: `events.list as a \`vendor\` bot with ${VENDOR_TASKS} tasks`,
      cache: 'page read each request',
      path: 'events.list',
      token: principals.vendor.token,
      input: () => ({}),
    },
    {
      name: 'tasks.list by project',
      cache: repeated,
      path: 'tasks.list',
      token: admin,
      input: () => ({ projectId: firstProject }),
    },
    {
      name: 'tasks.list by project',
      cache: distinct,
      path: 'tasks.list',
      token: admin,
      // Each project in turn, the page size one less each round: never the same key twice.
      input: (i) => ({ projectId: projectOf(i), limit: 100 - Math.floor(i / SCALE_PROJECTS) }),
    },
    {
      name: 'tasks.list by assignee',
      cache: repeated,
      path: 'tasks.list',
      token: admin,
      input: () => ({ projectId: firstProject, assigneeId: studio.botsOf[0]![0]! }),
    },
    {
      name: 'tasks.list by assignee',
      cache: distinct,
      path: 'tasks.list',
      token: admin,
      input: (i) => ({
        projectId: projectOf(i),
        assigneeId: studio.botsOf[i % SCALE_PROJECTS]![Math.floor(i / SCALE_PROJECTS)]!,
      }),
    },
    {
      name: 'comments.list on a task',
      cache: repeated,
      path: 'comments.list',
      token: admin,
      input: () => ({ taskId: studio.commentedTaskIds[0]! }),
    },
    {
      name: 'comments.list on a task',
      cache: distinct,
      path: 'comments.list',
      token: admin,
      input: (i) => ({ taskId: studio.commentedTaskIds[i]! }),
    },
    {
      name: 'projects.byName',
      cache: repeated,
      path: 'projects.byName',
      token: admin,
      input: () => ({ name: studio.projects[0]!.name }),
    },
  ];
}

interface Latency {
  p50: number;
  p99: number;
  /** Rows on the last page answered: a list's page may be short while the log is small. */
  rows: number;
}

/** The rows a tRPC answer holds: a list's items, or one for a single record. */
function rowsIn(body: string): number {
  const { result } = JSON.parse(body) as { result?: { data?: unknown } };
  let data = result?.data as { json?: unknown; items?: unknown } | undefined;
  if (data && typeof data === 'object' && 'json' in data) data = data.json as typeof data;
  if (Array.isArray(data)) return data.length;
  if (data && Array.isArray(data.items)) return data.items.length;
  return data ? 1 : 0;
}

/** WARM_UPS then SAMPLES requests, one after another; each timed to its whole body. */
async function measureProbe(url: string, probe: Probe): Promise<Latency> {
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < WARM_UPS + SAMPLES; i++) {
    const started = performance.now();
    const res = await fetch(`${url}/trpc/${probe.path}?input=${trpcInput(probe.input(i))}`, {
      headers: { authorization: `Bearer ${probe.token}` },
    });
    const body = await res.text();
    const ms = performance.now() - started;
    if (res.status !== 200) throw new Error(`${probe.path}: HTTP ${res.status} ${body}`);
    if (i >= WARM_UPS) times.push(ms);
    if (i === WARM_UPS + SAMPLES - 1) rows = rowsIn(body);
  }
  return { p50: percentile(times, 0.5), p99: percentile(times, 0.99), rows };
}

function listRows(dialect: Dialect, all: Probe[], measured: Map<number, Latency[]>): Row[] {
  const first = STEPS[0]!;
  const last = STEPS[STEPS.length - 1]!;
  return all.map((probe, i) => {
    const series = STEPS.map((step) => measured.get(step)![i]!);
    const start = series[0]!;
    const end = series[series.length - 1]!;
    const ratio = end.p50 / start.p50;
    const arrow = (pick: (l: Latency) => number) => series.map((l) => fmt(pick(l), 1)).join(' → ');
    return {
      name: `${dialect}: ${probe.name} (${probe.cache})`,
      value: `p50 ${arrow((l) => l.p50)} ms · p99 ${arrow((l) => l.p99)} ms · ${series.map((l) => fmt(l.rows)).join(' → ')} rows a page (${STEPS.map(count).join(' → ')} events)`,
      baseline: `p50 ${fmt(start.p50, 1)} ms at ${count(first)} events`,
      ratio,
      target: `p50 ≤ ${LIST_MS} ms at ${count(last)} events and ≤ ${LIST_GROWTH} × at ${count(first)}`,
      met: end.p50 <= LIST_MS && ratio <= LIST_GROWTH,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// The live feed

type Reply = Record<string, unknown> & { op: string };

/** The live listeners' worker thread, asked one thing at a time. */
function startSubscribers(url: string, protocol: Protocol) {
  const worker = new Worker(new URL('../lib/fanout-worker.mjs', import.meta.url), {
    workerData: { url, protocol },
  });
  let failure: Error | undefined;
  let pending: { op: unknown; resolve: (reply: Reply) => void; reject: (e: Error) => void } | null =
    null;
  const fail = (error: Error) => {
    failure ??= error;
    pending?.reject(error);
    pending = null;
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the subscribers' worker exited (code ${code})`)));
  worker.on('message', (reply: Reply) => {
    const asked = pending;
    pending = null;
    if (!asked) fail(new Error(`the subscribers' worker said ${reply.op} unasked`));
    else if (reply.op !== asked.op) asked.reject(new Error(`asked ${asked.op}, got ${reply.op}`));
    else asked.resolve(reply);
  });
  const ask = <T extends Reply>(message: Record<string, unknown>) =>
    new Promise<T>((resolve, reject) => {
      if (failure) return reject(failure);
      if (pending) return reject(new Error(`asked ${message.op} while ${pending.op} is pending`));
      pending = { op: message.op, resolve: resolve as (reply: Reply) => void, reject };
      worker.postMessage(message);
    });
  const stop = async () => {
    if (!failure) await ask({ op: 'close' });
    await worker.terminate();
  };
  return { ask, stop };
}

interface Collected extends Reply {
  subscribers: number;
  closed: string[];
  subs: Int32Array;
  ids: Float64Array;
  times: Float64Array;
  targets: [number, string | null][];
  others: string[];
  otherCount: number;
  reconnects: number;
}

async function addComment(url: string, token: string, taskId: string, text: string) {
  const res = await fetch(`${url}/trpc/comments.add`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ json: { taskId, text } }),
    // A server that stopped answering fails the call rather than hold the run for minutes.
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await res.json()) as { result?: { data: { json: { id: string } } } };
  const at = now();
  if (!body.result) throw new Error(`comments.add: HTTP ${res.status} ${JSON.stringify(body)}`);
  return { id: body.result.data.json.id, at };
}

interface LiveResult {
  protocol: Protocol;
  subscribers: number;
  comments: number;
  expected: number;
  delivered: number;
  lost: number;
  duplicates: number;
  foreign: number;
  p50: number;
  p99: number;
  max: number;
  /** From the moment the comments.add request was sent (the server's queue before it answered included). */
  sendP50: number;
  sendP99: number;
  serverCores: number;
  benchCores: number;
  seconds: number;
  mutationP50: number;
  mutationP99: number;
  sendSeconds: number;
  /** Streams the server ended and the subscriber opened again from its last event id. */
  reconnects: number;
  /** comments.add calls that failed (not answered): their events are not expected. */
  failedComments: number;
  problems: string[];
  /** Why the server process is gone, if it died during this count's load. */
  died?: string;
  /** The server's peak RSS so far, after this count's load. */
  rssMb: number;
}

/**
 * Subscribers added up to each count (one distinct bot each, all on the first project's team,
 * subscribed to `comment.added`); for each count, a comment made as the admin on the first
 * project's tasks RATE times a second for LIVE_SECONDS, and every delivery timed from the
 * moment its `comments.add` answered.
 */
async function liveDelivery(
  fresh: () => Promise<ServerProcess>,
  studio: ScaleStudio,
  principals: Principals,
  reports: string,
): Promise<LiveResult[]> {
  const taskIds = studio.taskIds.filter((_, t) => studio.taskProject[t] === 0).slice(0, 200);
  const results: LiveResult[] = [];
  for (const protocol of PROTOCOLS) {
    for (const target of SUBSCRIBER_COUNTS) {
      // Each count on a server of its own (the same database): no count inherits another's heap.
      const server = await fresh();
      const subscribers = startSubscribers(server.url, protocol);
      try {
        results.push(
          await liveCount(server, subscribers, protocol, target, taskIds, principals, reports),
        );
      } finally {
        await subscribers.stop();
      }
    }
  }
  return results;
}

/** Comments made RATE a second, open loop, as the admin; their answers by comment id. */
async function makeComments(
  url: string,
  token: string,
  taskIds: string[],
  count: number,
  label: string,
) {
  const answered = new Map<string, { sent: number; at: number }>();
  const failed: string[] = [];
  const calls: Promise<void>[] = [];
  const begun = now();
  for (let i = 0; i < count; i++) {
    const wait = begun + (i * 1000) / RATE - now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const sent = now();
    calls.push(
      addComment(url, token, taskIds[i % taskIds.length]!, `${label} ${i}`).then(
        ({ id, at }) => {
          answered.set(id, { sent, at });
        },
        (error: Error) => {
          failed.push(`${error.message}${error.cause ? ` (${error.cause})` : ''}`);
        },
      ),
    );
  }
  const sendSeconds = (now() - begun) / 1000;
  await Promise.all(calls);
  return { answered, failed, sendSeconds };
}

async function liveCount(
  server: ServerProcess,
  subscribers: ReturnType<typeof startSubscribers>,
  protocol: Protocol,
  target: number,
  taskIds: string[],
  principals: Principals,
  reports: string,
): Promise<LiveResult> {
  const problems: string[] = [];
  const tokens = principals.subscribers.slice(0, target).map((s) => s.token);
  const open = await subscribers.ask<Reply & { connected: number; failures: string[] }>({
    op: 'open',
    tokens,
    input: { types: ['comment.added'] },
  });
  if (open.failures.length) problems.push(`failed to subscribe: ${open.failures.slice(0, 3)}`);
  // A second of the load to warm up, then a last comment: every stream is live, and has caught
  // up, once each has received that one.
  await makeComments(server.url, principals.adminToken, taskIds, RATE, 'warm-up');
  const probe = await addComment(server.url, principals.adminToken, taskIds[0]!, 'sync').catch(
    (error: Error) => {
      problems.push(`the sync comment failed: ${error.message}`);
      return undefined;
    },
  );
  const synced = probe
    ? await subscribers.ask<Reply & { count: number; of: number }>({
        op: 'await',
        targetId: probe.id,
        timeoutMs: 30_000,
      })
    : { count: 0, of: target };
  if (synced.count < synced.of) {
    problems.push(`only ${synced.count} of ${synced.of} streams caught up within 30 s`);
  }
  await settle(server.pid);
  await subscribers.ask({ op: 'reset' });

  const cpuBefore = cpuMicros(server.pid);
  const benchBefore = process.cpuUsage();
  const begun = now();
  const total = RATE * LIVE_SECONDS;
  const { answered, failed, sendSeconds } = await makeComments(
    server.url,
    principals.adminToken,
    taskIds,
    total,
    'scale',
  );
  const expected = answered.size * target;
  // Until every delivery arrived, or nothing more came for 10 s.
  let last = -1;
  let lastChange = now();
  for (;;) {
    const { deliveries } = await subscribers.ask<Reply & { deliveries: number }>({
      op: 'progress',
    });
    if (deliveries !== last) {
      last = deliveries;
      lastChange = now();
    }
    if (deliveries >= expected || now() - lastChange > 10_000 || !alive(server.pid)) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const seconds = (now() - begun) / 1000;
  const cpu = cpuMicros(server.pid) - cpuBefore;
  const bench = process.cpuUsage(benchBefore);
  const died = alive(server.pid) ? undefined : causeOfDeath(reports, server.pid);
  const got = await subscribers.ask<Collected>({ op: 'collect' });

  const targetOf = new Map(got.targets);
  const latencies: number[] = [];
  const fromSend: number[] = [];
  /** Subscriber × 2³² + event id, for each delivery counted. */
  const seen = new Set<number>();
  let duplicates = 0;
  let foreign = 0;
  for (let i = 0; i < got.ids.length; i++) {
    const id = got.ids[i]!;
    const comment = targetOf.get(id);
    const times = comment ? answered.get(comment) : undefined;
    if (times === undefined) {
      foreign++;
      continue;
    }
    const key = got.subs[i]! * 2 ** 32 + id;
    if (seen.has(key)) {
      duplicates++;
      continue;
    }
    seen.add(key);
    latencies.push(got.times[i]! - times.at);
    fromSend.push(got.times[i]! - times.sent);
  }
  if (failed.length)
    problems.push(`${failed.length} of ${total} comments.add failed: ${failed[0]}`);
  if (got.closed.length) {
    problems.push(`${got.closed.length} streams given up: ${got.closed.slice(0, 3).join('; ')}`);
  }
  if (got.otherCount) problems.push(`other events: ${got.others.slice(0, 3).join(' | ')}`);
  const took = [...answered.values()].map((t) => t.at - t.sent);
  const p = (values: number[], at: number) =>
    values.length
      ? percentile(
          values.sort((a, b) => a - b),
          at,
        )
      : Number.NaN;
  const result: LiveResult = {
    protocol,
    subscribers: target,
    comments: answered.size,
    expected,
    delivered: seen.size,
    lost: expected - seen.size,
    duplicates,
    foreign,
    p50: p(latencies, 0.5),
    p99: p(latencies, 0.99),
    max: latencies.length ? latencies[latencies.length - 1]! : Number.NaN, // sorted by p()
    sendP50: p(fromSend, 0.5),
    sendP99: p(fromSend, 0.99),
    serverCores: cpu / 1e6 / seconds,
    benchCores: (bench.user + bench.system) / 1e6 / seconds,
    seconds,
    mutationP50: p(took, 0.5),
    mutationP99: p(took, 0.99),
    failedComments: failed.length,
    reconnects: got.reconnects,
    sendSeconds,
    problems,
    died,
    rssMb: alive(server.pid) ? peakRssMb(server.pid) : Number.NaN,
  };
  console.log(
    `  live ${protocol} ${target}: p50 ${ms(result.p50)} ms, p99 ${ms(result.p99)} ms, ${fmt(seen.size)}/${fmt(expected)} delivered, server ${fmt(result.serverCores, 2)} cores${died ? `; ${died}` : ''}`,
  );
  return result;
}

/** Who listens, as a row names them. */
const LISTENERS: Record<Protocol, string> = {
  sse: 'SSE subscribers',
  socketio: "gazu's Socket.IO listeners",
};

function liveRows(dialect: Dialect, results: LiveResult[]): Row[] {
  const target = `p99 ≤ ${LIVE_P99_MS} ms, every event once per subscriber, server ≤ ${LIVE_CORES} core`;
  return PROTOCOLS.flatMap((protocol) => liveProtocolRows(dialect, protocol, results, target));
}

function liveProtocolRows(
  dialect: Dialect,
  protocol: Protocol,
  all: LiveResult[],
  target: string,
): Row[] {
  const results = all.filter((r) => r.protocol === protocol);
  return SUBSCRIBER_COUNTS.map((subscribers) => {
    // Issue #18 judged SSE at 1,000; issue #31 the Socket.IO listeners at 500 and 1,000.
    const judged = protocol === 'sse' ? subscribers === 1000 : subscribers >= 500;
    const name = `${dialect}: live delivery to ${fmt(subscribers)} ${LISTENERS[protocol]} (distinct bots), ${RATE} events/s`;
    const r = results.find((result) => result.subscribers === subscribers);
    if (!r) {
      const died = results.find((result) => result.died);
      return {
        name,
        value: `not measured: ${died ? `the server died at ${fmt(died.subscribers)} subscribers` : 'the bench stopped before'}`,
        target: judged ? target : undefined,
        met: judged ? false : undefined,
      };
    }
    const allOnce = r.lost === 0 && r.duplicates === 0 && r.problems.length === 0 && !r.died;
    return {
      name,
      value: `${r.died ? `${r.died} — ` : ''}p50 ${ms(r.p50)} ms · p99 ${ms(r.p99)} ms · max ${ms(r.max)} ms (from the send: p50 ${ms(r.sendP50)} ms · p99 ${ms(r.sendP99)} ms) · ${fmt(r.delivered)} of ${fmt(r.expected)} deliveries (${fmt(r.lost)} lost, ${fmt(r.duplicates)} duplicate${r.reconnects ? `; ${fmt(r.reconnects)} streams ended by the server and resumed` : ''})${r.failedComments ? ` · ${fmt(r.failedComments)} of ${fmt(r.failedComments + r.comments)} comments.add failed` : ''} · server ${Number.isNaN(r.serverCores) ? '? (died)' : fmt(r.serverCores, 2)} cores`,
      target: judged ? target : undefined,
      met: judged ? r.p99 <= LIVE_P99_MS && allOnce && r.serverCores <= LIVE_CORES : undefined,
    };
  });
}

// ---------------------------------------------------------------------------------------------

async function measureDialect(dialect: Dialect, notes: string[]): Promise<Row[]> {
  const db = await createTestDatabase(dialect);
  const reports = mkdtempSync(join(tmpdir(), 'clapper-scale-reports-'));
  const firstNote = notes.length;
  let server: ServerProcess | undefined;
  const restart = async () => {
    server = await startServer(dialect, db, reports);
    return server;
  };
  const stop = async () => {
    await server?.stop();
    server = undefined;
  };
  const timings: string[] = [];
  const timed = async <T>(label: string, work: () => Promise<T>) => {
    const started = performance.now();
    const result = await work();
    timings.push(`${label} ${fmt((performance.now() - started) / 1000, 1)} s`);
    console.log(`  ${dialect}: ${timings.at(-1)}`);
    return result;
  };
  try {
    // The schema, statuses and first admin, then the callers that need tokens.
    const first = await restart();
    const principals = await timed(`${fmt(MAX_SUBSCRIBERS + 2)} bots through the API`, () =>
      createPrincipals(first.url, MAX_SUBSCRIBERS),
    );
    await stop();

    /** Events in the log when the server last started: the server must not have pruned them. */
    let logged = 0;
    const seedAndGrow = async (step: number, seed: boolean, studio?: ScaleStudio) => {
      const bulk = await openBulkDb(db.url);
      try {
        const made = seed
          ? await timed(`studio (${count(TASKS)} tasks, comments, people)`, () =>
              seedStudio(bulk, principals, { tasks: TASKS, finalEvents: FINAL_EVENTS }),
            )
          : studio!;
        const { existing } = await timed(`events to ${count(step)}`, () =>
          growEvents(bulk, made, step),
        );
        if (existing < logged) {
          throw new Error(`the log went from ${logged} to ${existing} events while the server ran`);
        }
        logged = step;
        // Autovacuum's and autoanalyze's work after a bulk load, done now; SQLite has no
        // statistics unless someone runs ANALYZE, which the server does not.
        if (dialect === 'postgres')
          await timed('vacuum analyze', () => bulk.exec('vacuum analyze'));
        return made;
      } finally {
        await bulk.close();
      }
    };

    let studio: ScaleStudio | undefined;
    const measured = new Map<number, Latency[]>();
    let all: Probe[] = [];
    let live: LiveResult[] = [];
    for (const [index, step] of STEPS.entries()) {
      studio = await seedAndGrow(step, index === 0, studio);
      const running = await restart();
      all = probes(studio, principals);
      const latencies: Latency[] = [];
      for (const probe of all) {
        await settle(running.pid);
        latencies.push(await measureProbe(running.url, probe));
      }
      measured.set(step, latencies);
      console.log(
        `  ${dialect} at ${count(step)} events: ${all.map((p, i) => `${p.path} p50 ${fmt(latencies[i]!.p50, 1)}`).join(', ')}`,
      );
      if (index === STEPS.length - 1) {
        const fresh = async () => {
          await stop();
          return restart();
        };
        live = await liveDelivery(fresh, studio, principals, reports);
      }
      await stop();
    }
    const bulk = await openBulkDb(db.url);
    const left = await countEvents(bulk).finally(() => bulk.close());
    if (left < logged) throw new Error(`the log went from ${logged} to ${left} events`);
    notes.push(
      `${dialect}: seeded ${Object.entries(studio!.counts)
        .map(([table, n]) => `${fmt(n)} ${table}`)
        .join(', ')}, and the events; took ${timings.join(', ')}.`,
    );
    for (const r of live) {
      notes.push(
        `${dialect}, ${fmt(r.subscribers)} ${LISTENERS[r.protocol]}: ${fmt(r.comments)} comments sent in ${fmt(r.sendSeconds, 1)} s (comments.add p50 ${ms(r.mutationP50)} ms, p99 ${ms(r.mutationP99)} ms); window ${fmt(r.seconds, 1)} s to the last delivery; bench process (subscribers and load) ${fmt(r.benchCores, 2)} cores; server peak RSS so far ${fmt(r.rssMb)} MB${r.foreign ? `; ${fmt(r.foreign)} deliveries of other events` : ''}${r.problems.length ? `; problems: ${r.problems.join('; ')}` : ''}.`,
      );
    }
    for (const note of notes.slice(firstNote)) console.log(`  note: ${note}`);
    return [...listRows(dialect, all, measured), ...liveRows(dialect, live)];
  } finally {
    await stop();
    await db.dispose();
    rmSync(reports, { recursive: true, force: true });
  }
}

export async function scaleBench(): Promise<Section> {
  const rows: Row[] = [];
  const notes: string[] = [];
  for (const dialect of DIALECTS) rows.push(...(await measureDialect(dialect, notes)));
  const people = `${fmt(BULK_BOTS)} bots and ${fmt(BULK_USERS)} users`;
  return {
    id: 'scale',
    title: 'Scale: a large studio',
    method: `Per dialect, a fresh database: the server (the bundle \`pnpm start\` runs, in its own process, rate limit raised) starts once to make the schema, and through the API the admin makes 2 departments, 8 task types and ${fmt(MAX_SUBSCRIBERS + 2)} bots with tokens (an \`artist\` on ${ARTIST_PROJECTS} project teams, a \`vendor\` on one with ${VENDOR_TASKS} tasks assigned, and ${fmt(MAX_SUBSCRIBERS)} \`artist\` subscribers on the first project's team). With the server stopped, the bench writes straight into its database (multi-row INSERTs of 500 rows on SQLite through better-sqlite3, \`unnest\` arrays of 20,000 rows on PostgreSQL through pg, one transaction per table, or per 100,000 events): ${SCALE_PROJECTS} projects, ${people} on their teams, ${fmt(TASKS)} tasks on shots and assets (one bulk bot assigned to each, a user to one in ten), none to three comments per task, and the event log, rows shaped as \`recordEvent\` writes them (comment.added, task.status_changed, task.assigned, task.updated, task.created about random tasks, by members of the task's project's team, the admin now and then; the thousand-odd events the API calls wrote count towards the size). The log grows ${STEPS.map(count).join(' → ')} with all the tasks there from the start; after each step (PostgreSQL: \`vacuum analyze\`, what autovacuum would have done; SQLite: no ANALYZE, as the server runs none) the server starts again and each list's first page (default page size, 100) is requested — events.list with the admin's, the artist's and the vendor's own tokens, the other lists with the admin's session — ${WARM_UPS} times to warm up, then ${SAMPLES} times one after another over keep-alive fetch on the tRPC wire, each timed to its whole body, after the server idles; p99 is the nearest rank. events.list reads its page from the database on every request (no read cache), though each event's view and its JSON are made once per server and shared by every page that shows it; tasks.list and comments.list pages are kept in the server's read cache for 1 s, so each is measured twice: the same input repeated (what a caller repeating sees) and a new input each request (another project and page size, another assignee, another task: every request misses); projects.byName comes from the project cache. The list target is judged on p50 at the largest log against p50 at the smallest. Live: after the lists at the largest log, raw SSE connections to \`events.subscribe\` (types comment.added) from a worker thread of the bench process, one distinct bot each, ${SUBSCRIBER_COUNTS.map((n) => fmt(n)).join(', ')} of them, each count on a server started afresh on the same database; after a second of the load to warm up and once every stream has received a comment made after it, the admin makes ${RATE} comments a second for ${LIVE_SECONDS} s (open loop) on the first project's tasks; each delivery is timed from the moment its comments.add answered to the moment its bytes reached the worker (performance.timeOrigin + now, one clock for both threads); delivered counts each event once per subscriber, and a second copy as a duplicate. A stream the server ends is opened again at once with its last event id (as tRPC's client resumes, without its reconnection delay), and the row counts those. The Socket.IO rows (issue #31) do the same with gazu's listener as python-socketio speaks it over a WebSocket: a raw engine.io client per bot in the same worker (handshake with the token as an \`Authorization\` header, namespace \`/events\` joined, every ping answered, each \`comment:new\`'s comment id read), on a server of their own for each count; a connection the server drops is opened again at once, and the server sends it what it had not received. The server's CPU is its user and system time (/proc) over the window from the first comment to the last delivery (or 10 s without one), divided by that window: the Node process only (on PostgreSQL the database's own processes are not counted; on SQLite the database work runs inside the server process). The notes give the same deliveries timed from the moment each comments.add was sent (what a server too busy to answer adds), the comments.add latencies, and the bench process's own CPU over the window (it shares the machine's cores with the server). The server runs with node's diagnostic report on a fatal error: a server that dies under a count is named in its row with the report's reason.`,
    rows,
    notes,
  };
}

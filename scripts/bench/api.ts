import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import {
  cpuMicros,
  type Dialect,
  peakRssMb,
  RAISED_RATE_LIMIT,
  settle,
  startServerProcess,
  trpcInput,
} from '../lib/processes';
import { fmt, type Row, type Section } from '../lib/report';
import { BENCH_PROJECT, seedStudio } from '../lib/seed';

const CONNECTIONS = 32;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const BATCH = 20;
const RSS_LIMIT_MB = 200;
/** The baseline runs this long (after its own warm-up) right before and right after each row. */
const BASELINE_SECONDS = 3;

/**
 * Calls a second of a batch of 20 `projects.byName` made before issue #11, in the run of
 * 2026-11-28 16:09 UTC (BENCHMARKS.md at b38ee30, and its "Earlier measurements"): 35 and 21
 * batches a second. The target is five times that, and says when it was measured; every
 * figure in a row's value comes from the run that writes it.
 */
const BATCH_CALLS_BEFORE: Record<Dialect, number> = { sqlite: 35 * BATCH, postgres: 21 * BATCH };
const BATCH_CALLS_MEASURED = '2026-11-28';
/** Shots in the bench project, one task each. */
const SHOTS = 100;
/** Each side of a REST-vs-tRPC pair runs this long per round (after one settle each). */
const REST_SECONDS = Number(process.env.BENCH_REST_SECONDS ?? 3);
/** Rounds of a REST-vs-tRPC pair; which side goes first alternates from round to round. */
const REST_ROUNDS = 3;

interface Target {
  rps?: number;
  p99?: number;
  ratio?: number;
  callsPerRequest?: number;
}

/** Issue #11's targets, per dialect. */
const TARGETS: Record<Dialect, Record<string, Target>> = {
  sqlite: {
    'projects.byName': { ratio: 0.3, p99: 15 },
    'tasks.list': { rps: 1000 },
    batch: { rps: (5 * BATCH_CALLS_BEFORE.sqlite) / BATCH, callsPerRequest: BATCH },
    'comments.add': { rps: 1000, p99: 50 },
    'tasks.update': { rps: 1000, p99: 50 },
  },
  postgres: {
    'projects.byName': { ratio: 0.25, p99: 20 },
    'tasks.list': { rps: 700 },
    batch: { rps: (5 * BATCH_CALLS_BEFORE.postgres) / BATCH, callsPerRequest: BATCH },
    'comments.add': { rps: 800, p99: 50 },
  },
};

interface Endpoint {
  path: string;
  method?: 'GET' | 'POST' | 'PATCH';
  body?: string;
  /** Bodies to send in turn, where one body would change nothing after the first request. */
  bodies?: string[];
}

interface Load extends Endpoint {
  key: string;
  name: string;
  /** The same call over the REST surface (`/api/v1`), measured against this one, interleaved. */
  rest?: Endpoint;
}

interface Measured {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  requests: number;
}

async function hammer(
  url: string,
  load: Endpoint,
  headers: Record<string, string>,
  seconds = SECONDS,
  warmUpSeconds = 1,
) {
  let turn = 0;
  const options = {
    url: `${url}${load.path}`,
    method: load.method ?? 'GET',
    body: load.body,
    headers: { 'content-type': 'application/json', ...headers },
    connections: CONNECTIONS,
    requests: load.bodies
      ? [
          {
            setupRequest: (req: autocannon.Request) => ({
              ...req,
              body: load.bodies![turn++ % load.bodies!.length],
            }),
          },
        ]
      : undefined,
  };
  // A second of warm-up (JIT, caches, pools), not counted.
  if (warmUpSeconds > 0) await autocannon({ ...options, duration: warmUpSeconds });
  const result = await autocannon({ ...options, duration: seconds });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    requests: result.requests.total,
  } satisfies Measured;
}

const describe = (m: Measured) =>
  `${fmt(m.rps)} req/s · p50 ${fmt(m.p50)} ms · p99 ${fmt(m.p99)} ms · ${m.errors} errors`;

function loads(projectId: string, taskId: string): Load[] {
  const byName = { name: BENCH_PROJECT };
  const comment = { text: 'Looks good, approved for comp.' };
  const dueDates = ['2027-01-31', '2027-02-01'];
  const batchInput = Object.fromEntries(
    Array.from({ length: BATCH }, (_, i) => [i, { json: byName }]),
  );
  return [
    {
      key: 'projects.byName',
      name: 'projects.byName',
      path: `/trpc/projects.byName?input=${trpcInput(byName)}`,
      rest: { path: `/api/v1/projects/by-name?${new URLSearchParams(byName)}` },
    },
    { key: 'auth.me', name: 'auth.me', path: '/trpc/auth.me' },
    {
      key: 'tasks.list',
      name: 'tasks.list (100 tasks with assignees)',
      path: `/trpc/tasks.list?input=${trpcInput({ projectId, limit: 100 })}`,
      rest: { path: `/api/v1/projects/${projectId}/tasks?limit=100` },
    },
    {
      key: 'batch',
      name: `httpBatch of ${BATCH} projects.byName`,
      path: `/trpc/${Array(BATCH).fill('projects.byName').join(',')}?batch=1&input=${encodeURIComponent(JSON.stringify(batchInput))}`,
    },
    {
      key: 'comments.add',
      name: 'comments.add',
      path: '/trpc/comments.add',
      method: 'POST',
      body: JSON.stringify({ json: { taskId, ...comment } }),
      rest: {
        path: `/api/v1/tasks/${taskId}/comments`,
        method: 'POST',
        body: JSON.stringify(comment),
      },
    },
    {
      key: 'tasks.update',
      name: 'tasks.update (due date moved every time)',
      path: '/trpc/tasks.update',
      method: 'POST',
      bodies: dueDates.map((dueDate) => JSON.stringify({ json: { id: taskId, dueDate } })),
      rest: {
        path: `/api/v1/tasks/${taskId}`,
        method: 'PATCH',
        bodies: dueDates.map((dueDate) => JSON.stringify({ dueDate })),
      },
    },
  ];
}

/** Checks a load answers 200 before measuring it: a benchmark of errors measures nothing. */
async function assertOk(url: string, load: Endpoint, headers: Record<string, string>) {
  const method = load.method ?? 'GET';
  const res = await fetch(`${url}${load.path}`, {
    method,
    body: load.body ?? load.bodies?.[0],
    headers: { 'content-type': 'application/json', ...headers },
  });
  if (res.status !== 200) {
    throw new Error(`${method} ${load.path}: HTTP ${res.status} ${await res.text()}`);
  }
  return res.text();
}

interface Side {
  label: 'tRPC' | 'REST';
  request: Endpoint;
  /** Server CPU time, requests, errors and wall-clock seconds, summed over the rounds. */
  cpu: number;
  requests: number;
  errors: number;
  seconds: number;
  /** Server CPU per request in each round, in µs. */
  rounds: number[];
}

const cpuPerRequestOf = (side: Side) => side.cpu / side.requests;
const describeSide = (side: Side) =>
  `${side.label} ${fmt(side.requests / side.seconds)} req/s · ${fmt(cpuPerRequestOf(side))} µs CPU/req · ${side.errors} errors`;

/**
 * A load over tRPC and over REST, interleaved in the same minutes: REST_ROUNDS rounds of each
 * side for REST_SECONDS, which side goes first alternating, the server settled before each;
 * the server's CPU time and the requests are summed per side.
 */
async function comparePair(
  dialect: Dialect,
  server: { url: string; pid: number },
  load: Load & { rest: Endpoint },
  headers: Record<string, string>,
): Promise<Row> {
  await assertOk(server.url, load, headers);
  await assertOk(server.url, load.rest, headers);
  const side = (label: Side['label'], request: Endpoint): Side => ({
    label,
    request,
    cpu: 0,
    requests: 0,
    errors: 0,
    seconds: 0,
    rounds: [],
  });
  const trpc = side('tRPC', load);
  const rest = side('REST', load.rest);
  // The tRPC load has just run its own row; the REST routes get their second of warm-up here.
  await hammer(server.url, rest.request, headers, 1, 0);
  for (let round = 0; round < REST_ROUNDS; round++) {
    for (const s of round % 2 === 0 ? [trpc, rest] : [rest, trpc]) {
      await settle(server.pid);
      const cpuBefore = cpuMicros(server.pid);
      const started = performance.now();
      const m = await hammer(server.url, s.request, headers, REST_SECONDS, 0);
      const cpu = cpuMicros(server.pid) - cpuBefore;
      s.seconds += (performance.now() - started) / 1000;
      s.cpu += cpu;
      s.requests += m.requests;
      s.errors += m.errors;
      s.rounds.push(cpu / m.requests);
    }
  }
  const ratio = cpuPerRequestOf(rest) / cpuPerRequestOf(trpc);
  const perRound = rest.rounds.map((r, i) => fmt(r / trpc.rounds[i]!, 2)).join(', ');
  return {
    name: `${dialect}: REST vs tRPC, ${load.name}`,
    value: `${describeSide(rest)} · CPU/req ratio by round ${perRound}`,
    baseline: describeSide(trpc),
    ratio,
    target: 'REST CPU/req ≤ tRPC CPU/req (ratio ≤ 1.00), 0 errors on both',
    met: ratio <= 1 && rest.errors === 0 && trpc.errors === 0,
  };
}

function judge(dialect: Dialect, load: Load, m: Measured, ratio: number): Partial<Row> {
  const target = TARGETS[dialect][load.key];
  if (!target) return {};
  const parts: string[] = [];
  let met = m.errors === 0;
  if (target.ratio !== undefined) {
    parts.push(`ratio ≥ ${fmt(target.ratio, 2)}`);
    met &&= ratio >= target.ratio;
  }
  if (target.rps !== undefined) {
    const calls = target.callsPerRequest ?? 1;
    parts.push(
      calls > 1
        ? `≥ ${fmt(target.rps * calls)} calls/s (5 × ${fmt(BATCH_CALLS_BEFORE[dialect])}, measured ${BATCH_CALLS_MEASURED})`
        : `≥ ${fmt(target.rps)} req/s`,
    );
    met &&= m.rps >= target.rps;
  }
  if (target.p99 !== undefined) {
    parts.push(`p99 ≤ ${target.p99} ms`);
    met &&= m.p99 <= target.p99;
  }
  parts.push('0 errors');
  return { target: parts.join(', '), met };
}

async function measureDialect(dialect: Dialect, baseline: () => Promise<Measured>) {
  // The per-token limit (1,200 a minute by default) would measure itself; it still runs.
  const server = await startServerProcess(dialect, RAISED_RATE_LIMIT);
  try {
    const studio = await seedStudio(server.url, { shots: SHOTS });
    const headers = { authorization: `Bearer ${studio.botToken}` };
    const rows: Row[] = [];
    const all = loads(studio.projectId, studio.taskIds[0]!);
    for (const load of all) {
      await assertOk(server.url, load, headers);
      await settle(server.pid);
      // Measured right before and right after each row, and averaged: a shared machine's
      // speed drifts within a run, and the row should be judged against its own minutes.
      const before = await baseline();
      const cpuBefore = cpuMicros(server.pid);
      const m = await hammer(server.url, load, headers);
      const cpuAfter = cpuMicros(server.pid);
      const after = await baseline();
      const bare = { rps: (before.rps + after.rps) / 2 };
      // The warm-up second is in the CPU time too; the requests it made are not counted,
      // so this overstates the cost a little (about one part in SECONDS + 1).
      const cpuPerRequest = (cpuAfter - cpuBefore) / m.requests;
      const ratio = m.rps / bare.rps;
      const calls = load.key === 'batch' ? ` · ${fmt(m.rps * BATCH)} calls/s` : '';
      rows.push({
        name: `${dialect}: ${load.name}`,
        value: `${describe(m)}${calls} · ${fmt(cpuPerRequest)} µs CPU/req`,
        baseline: `${fmt(bare.rps)} req/s`,
        ratio,
        ...judge(dialect, load, m, ratio),
      });
    }
    for (const load of all) {
      if (load.rest)
        rows.push(await comparePair(dialect, server, { ...load, rest: load.rest }, headers));
    }
    const rss = peakRssMb(server.pid);
    rows.push({
      name: `${dialect}: server peak RSS`,
      value: `${fmt(rss)} MB`,
      target: `≤ ${RSS_LIMIT_MB} MB`,
      met: rss <= RSS_LIMIT_MB,
    });
    return rows;
  } finally {
    await server.stop();
  }
}

/**
 * The baseline: a bare node:http server answering fixed bytes, run inside this
 * process, beside the load generator, which drives it the same way.
 */
async function startBaseline(body: string) {
  const bytes = Buffer.from(body);
  const bare = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': bytes.length });
      res.end(bytes);
    });
  });
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
  const { port } = bare.address() as AddressInfo;
  const load = { key: 'bare', name: 'bare', path: '/' };
  return {
    measure: () => hammer(`http://127.0.0.1:${port}`, load, {}, BASELINE_SECONDS),
    stop: () => new Promise((resolve) => bare.close(resolve)),
  };
}

/** Requests per second through the whole stack, against a bare node:http server. */
export async function apiBench(): Promise<Section> {
  // The baseline answers the same bytes projects.byName answers.
  const probe = await startServerProcess('sqlite');
  let body: string;
  try {
    const studio = await seedStudio(probe.url, { shots: 1 });
    body = await assertOk(probe.url, loads(studio.projectId, studio.taskIds[0]!)[0]!, {
      authorization: `Bearer ${studio.botToken}`,
    });
  } finally {
    await probe.stop();
  }
  const baseline = await startBaseline(body);
  const rows: Row[] = [];
  try {
    for (const dialect of ['sqlite', 'postgres'] as const) {
      rows.push(...(await measureDialect(dialect, baseline.measure)));
    }
  } finally {
    await baseline.stop();
  }
  return {
    id: 'api',
    title: 'API throughput',
    method: `autocannon in the bench process, ${CONNECTIONS} connections, ${SECONDS} s per row after 1 s of warm-up, over loopback, with a \`manager\` bot's token. The baseline is a bare \`node:http\` server inside the bench process itself, beside the load generator, answering the bytes \`projects.byName\` answers (the definition issue #11 set its targets against); it is measured for ${BASELINE_SECONDS} s right before and right after each row, and the two averaged, since a shared machine's speed drifts within a run. Clapper's server is the bundle \`pnpm start\` runs (apps/server/dist/main.mjs, with its heap flags), in its own process, logging at info to a discarded stdout, on a fresh database of ${SHOTS} shots with one task each, assigned to the bot; the rate limit is raised out of the way. Before each row the bench waits (up to 10 s) for the server to be idle for 200 ms, so no row starts behind the previous one's checkpoint or garbage collection. \`comments.add\` writes a comment and an event per request; \`tasks.update\` moves the due date every request, so each one writes. CPU/req is the server process's user and system time over the row (all its threads, warm-up included) divided by the requests counted. Ratio: requests per second over the baseline's. The "REST vs tRPC" rows come after those, on the same server: the same call over \`/api/v1\` (plain JSON) and over \`/trpc\`, measured interleaved in the same minutes — ${REST_ROUNDS} rounds of ${REST_SECONDS} s of each, with which goes first alternating from round to round and the idle wait before each, after 1 s of REST warm-up (the tRPC load has just run its own row). Each side's CPU/req is the server's user and system time summed over its rounds (no warm-up in it) divided by its requests summed; req/s is its requests over its seconds. Their ratio is REST's CPU/req over tRPC's (at most 1.00 is the target), and the value lists it round by round as well; any non-2xx answer counts as an error. The server's peak RSS is read after all of them.`,
    rows,
  };
}

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
/** Each side of a pair (REST vs tRPC, Kitsu vs REST) runs this long per round (after one settle each). */
const REST_SECONDS = Number(process.env.BENCH_REST_SECONDS ?? 3);
/** Rounds of a pair; which side goes first alternates from round to round. */
const REST_ROUNDS = 3;
/** Kitsu's API (gazu's calls at /api) may cost this much CPU per request over the same /api/v1 call. */
const KITSU_CPU_RATIO = 1.2;

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
  label: 'tRPC' | 'REST' | 'Kitsu';
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

/** Two ways to make one call, compared in the same minutes: `measured` against `base`. */
interface Pair {
  name: string;
  base: { label: Side['label']; endpoint: Endpoint };
  measured: { label: Side['label']; endpoint: Endpoint };
  /** The most `measured`'s CPU/req may be over `base`'s. */
  most: number;
}

/** gazu's calls through Kitsu's API (`/api`) against the same calls through `/api/v1`. */
function kitsuPairs(shotId: string): Pair[] {
  const byName = new URLSearchParams({ name: BENCH_PROJECT });
  return [
    {
      name: 'gazu.project.get_project_by_name',
      base: { label: 'REST', endpoint: { path: `/api/v1/projects/by-name?${byName}` } },
      measured: { label: 'Kitsu', endpoint: { path: `/api/data/projects?${byName}` } },
      most: KITSU_CPU_RATIO,
    },
    {
      name: 'gazu.task.all_tasks_for_shot',
      base: { label: 'REST', endpoint: { path: `/api/v1/entities/${shotId}/tasks` } },
      measured: { label: 'Kitsu', endpoint: { path: `/api/data/shots/${shotId}/tasks` } },
      most: KITSU_CPU_RATIO,
    },
  ];
}

/** A load's tRPC call against its REST one: REST may cost no more. */
const restPair = (load: Load & { rest: Endpoint }): Pair => ({
  name: load.name,
  base: { label: 'tRPC', endpoint: load },
  measured: { label: 'REST', endpoint: load.rest },
  most: 1,
});

/**
 * Two sides of a pair, interleaved in the same minutes: REST_ROUNDS rounds of each side for
 * REST_SECONDS, which side goes first alternating, the server settled before each; the
 * server's CPU time and the requests are summed per side.
 */
async function comparePair(
  dialect: Dialect,
  server: { url: string; pid: number },
  pair: Pair,
  headers: Record<string, string>,
): Promise<Row> {
  await assertOk(server.url, pair.base.endpoint, headers);
  await assertOk(server.url, pair.measured.endpoint, headers);
  const side = ({ label, endpoint }: Pair['base']): Side => ({
    label,
    request: endpoint,
    cpu: 0,
    requests: 0,
    errors: 0,
    seconds: 0,
    rounds: [],
  });
  const base = side(pair.base);
  const measured = side(pair.measured);
  // A second of warm-up for each side's routes.
  for (const s of [base, measured]) await hammer(server.url, s.request, headers, 1, 0);
  for (let round = 0; round < REST_ROUNDS; round++) {
    for (const s of round % 2 === 0 ? [base, measured] : [measured, base]) {
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
  const ratio = cpuPerRequestOf(measured) / cpuPerRequestOf(base);
  const perRound = measured.rounds.map((r, i) => fmt(r / base.rounds[i]!, 2)).join(', ');
  const [a, b] = [measured.label, base.label];
  return {
    name: `${dialect}: ${a} vs ${b}, ${pair.name}`,
    value: `${describeSide(measured)} · CPU/req ratio by round ${perRound}`,
    baseline: describeSide(base),
    ratio,
    target: `${a} CPU/req ≤ ${fmt(pair.most, 2)} × ${b} CPU/req, 0 errors on both`,
    met: ratio <= pair.most && measured.errors === 0 && base.errors === 0,
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
        rows.push(
          await comparePair(dialect, server, restPair({ ...load, rest: load.rest }), headers),
        );
    }
    for (const pair of kitsuPairs(studio.shotIds[0]!)) {
      rows.push(await comparePair(dialect, server, pair, headers));
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
    method: `autocannon in the bench process, ${CONNECTIONS} connections, ${SECONDS} s per row after 1 s of warm-up, over loopback, with a \`manager\` bot's token. The baseline is a bare \`node:http\` server inside the bench process itself, beside the load generator, answering the bytes \`projects.byName\` answers (the definition issue #11 set its targets against); it is measured for ${BASELINE_SECONDS} s right before and right after each row, and the two averaged, since a shared machine's speed drifts within a run. Clapper's server is the bundle \`pnpm start\` runs (apps/server/dist/main.mjs, with its heap flags), in its own process, logging at info to a discarded stdout, on a fresh database of ${SHOTS} shots with one task each, assigned to the bot; the rate limit is raised out of the way. Before each row the bench waits (up to 10 s) for the server to be idle for 200 ms, so no row starts behind the previous one's checkpoint or garbage collection. \`comments.add\` writes a comment and an event per request; \`tasks.update\` moves the due date every request, so each one writes. CPU/req is the server process's user and system time over the row (all its threads, warm-up included) divided by the requests counted. Ratio: requests per second over the baseline's. The "REST vs tRPC" rows come after those, on the same server: the same call over \`/api/v1\` (plain JSON) and over \`/trpc\`, measured interleaved in the same minutes — ${REST_ROUNDS} rounds of ${REST_SECONDS} s of each, with which goes first alternating from round to round and the idle wait before each, after 1 s of warm-up for each side. The "Kitsu vs REST" rows measure gazu's calls the same way: the request gazu sends to Kitsu's API (\`/api/data/projects?name=\` for \`get_project_by_name\`, \`/api/data/shots/<id>/tasks\` for \`all_tasks_for_shot\`, answered in zou's shape) against the one \`/api/v1\` request that answers the same (\`/api/v1/projects/by-name\`, \`/api/v1/entities/<shot>/tasks\`); the target is Kitsu's CPU/req at most ${KITSU_CPU_RATIO} × REST's. Each side's CPU/req is the server's user and system time summed over its rounds (no warm-up in it) divided by its requests summed; req/s is its requests over its seconds. Their ratio is the second side's CPU/req over the first's (REST's over tRPC's at most 1.00), and the value lists it round by round as well; any non-2xx answer counts as an error. The server's peak RSS is read after all of them.`,
    rows,
  };
}

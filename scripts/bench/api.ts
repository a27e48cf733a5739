import autocannon from 'autocannon';
import {
  type Dialect,
  peakRssMb,
  type ServerProcess,
  startBareServer,
  startServerProcess,
} from '../lib/processes';
import { fmt, type Row, type Section } from '../lib/report';
import { BENCH_PROJECT, seedStudio } from '../lib/seed';

const CONNECTIONS = 32;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const BATCH = 20;

interface Load {
  name: string;
  path: string;
  method?: 'GET' | 'POST';
  body?: string;
}

interface Measured {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

const input = (json: unknown) => encodeURIComponent(JSON.stringify({ json }));

async function hammer(url: string, load: Load, headers: Record<string, string>) {
  const options = {
    url: `${url}${load.path}`,
    method: load.method ?? 'GET',
    body: load.body,
    headers: { 'content-type': 'application/json', ...headers },
    connections: CONNECTIONS,
  };
  // A second of warm-up (JIT, caches, pools), not counted.
  await autocannon({ ...options, duration: 1 });
  const result = await autocannon({ ...options, duration: SECONDS });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  } satisfies Measured;
}

const describe = (m: Measured) =>
  `${fmt(m.rps)} req/s · p50 ${fmt(m.p50)} ms · p99 ${fmt(m.p99)} ms · ${m.errors} errors`;

function loads(projectId: string, taskId: string): Load[] {
  const byName = { name: BENCH_PROJECT };
  const batchInput = Object.fromEntries(
    Array.from({ length: BATCH }, (_, i) => [i, { json: byName }]),
  );
  return [
    { name: 'projects.byName', path: `/trpc/projects.byName?input=${input(byName)}` },
    {
      name: 'tasks.list (100 tasks)',
      path: `/trpc/tasks.list?input=${input({ projectId, limit: 100 })}`,
    },
    {
      name: 'comments.add',
      path: '/trpc/comments.add',
      method: 'POST',
      body: JSON.stringify({ json: { taskId, text: 'Looks good, approved for comp.' } }),
    },
    {
      name: `httpBatch of ${BATCH} projects.byName`,
      path: `/trpc/${Array(BATCH).fill('projects.byName').join(',')}?batch=1&input=${encodeURIComponent(JSON.stringify(batchInput))}`,
    },
  ];
}

/** Checks a load answers 200 before measuring it: a benchmark of errors measures nothing. */
async function assertOk(url: string, load: Load, headers: Record<string, string>) {
  const res = await fetch(`${url}${load.path}`, {
    method: load.method ?? 'GET',
    body: load.body,
    headers: { 'content-type': 'application/json', ...headers },
  });
  if (!res.ok) throw new Error(`${load.name}: HTTP ${res.status} ${await res.text()}`);
  return res.text();
}

async function measureDialect(dialect: Dialect, baseline: Measured) {
  const server: ServerProcess = await startServerProcess(dialect, {
    // The per-token limit (1,200 a minute by default) would measure itself; it still runs.
    CLAPPER_RATE_LIMIT: '1000000000',
  });
  try {
    const studio = await seedStudio(server.url, { shots: 100 });
    const headers = { authorization: `Bearer ${studio.botToken}` };
    const rows: Row[] = [];
    let byName: Measured | undefined;
    for (const load of loads(studio.projectId, studio.taskIds[0]!)) {
      await assertOk(server.url, load, headers);
      const m = await hammer(server.url, load, headers);
      byName ??= m;
      rows.push({
        name: `${dialect}: ${load.name}`,
        value: describe(m),
        baseline: `${fmt(baseline.rps)} req/s`,
        ratio: m.rps / baseline.rps,
      });
    }
    const rss = peakRssMb(server.pid);
    if (dialect === 'sqlite' && byName) {
      const first = rows[0]!;
      first.target = '≥ 0.30 of baseline, p99 ≤ 25 ms, 0 errors';
      first.met = first.ratio! >= 0.3 && byName.p99 <= 25 && byName.errors === 0;
    }
    rows.push({
      name: `${dialect}: server peak RSS`,
      value: `${fmt(rss)} MB`,
      target: '≤ 250 MB',
      met: rss <= 250,
    });
    return rows;
  } finally {
    await server.stop();
  }
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
  const bare = await startBareServer(body);
  let baseline: Measured;
  try {
    baseline = await hammer(bare.url, { name: 'bare', path: '/' }, {});
  } finally {
    await bare.stop();
  }
  const rows: Row[] = [{ name: 'baseline: bare node:http, fixed JSON', value: describe(baseline) }];
  for (const dialect of ['sqlite', 'postgres'] as const) {
    rows.push(...(await measureDialect(dialect, baseline)));
  }
  return {
    id: 'api',
    title: 'API throughput',
    method: `autocannon in the bench process, ${CONNECTIONS} connections, ${SECONDS} s per row after 1 s of warm-up, over loopback, with a \`manager\` bot's token. The server is \`apps/server/src/main.ts\` in its own process (logging at info to a discarded stdout), on a fresh database, with the rate limit raised out of the way. The baseline is a bare \`node:http\` server answering the bytes \`projects.byName\` answers. \`comments.add\` writes a comment and an event per request. Ratio: requests per second over the baseline's.`,
    rows,
    notes: [
      "Profile (`BENCH_NODE_ARGS=--cpu-prof pnpm bench api`, 2026-11-28): of the server's CPU under `projects.byName`, about 40% is MikroORM and knex building, compiling and hydrating its three statements (team lookup, project, team populate), 4% better-sqlite3 preparing them anew each time, 6% garbage collection, 5% tRPC and 1.5% Fastify. Each request costs about 2 ms of one core.",
      'Fixed from the profile: jose was importing the HMAC key on every verification (now imported once), and a token seen before no longer pays for WebCrypto at all (see Token check).',
      'Why the throughput target is missed: the baseline does no work at all, and an ORM round trip per statement costs more than the whole baseline request; even `/healthz` (Fastify, logging, the rate limiter and one `select 1`) reaches about 8,000 req/s here, 12% of the baseline. Meeting 30% would take a hot path without the ORM and a response cache, which this project has not taken on. The p99 follows: 32 connections queue behind about 2 ms of CPU each.',
      'Memory: `pnpm start` caps the heap at 160 MB (`--max-old-space-size=160`); without the cap V8 let the heap grow to a peak RSS of 344 MB (SQLite) and 508 MB (PostgreSQL) in the same run, for about 10% more throughput. The process starts at about 150 MB (tsx, both database drivers, the ORM).',
    ],
  };
}

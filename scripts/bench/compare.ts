/**
 * Two checkouts' servers under the same loads, in alternating rounds, on one machine at one
 * time: what "no regression" is judged by when a change should not move the numbers (a run of
 * `pnpm bench api` before and one after drift with the machine more than the change does).
 *
 *   COMPARE_WITH=/path/to/other/checkout pnpm exec tsx scripts/bench/compare.ts
 *
 * The other checkout (installed, `pnpm install`) is "before", this one "after". Prints each
 * round's req/s and the server's CPU per request, then the medians and their ratio.
 * COMPARE_DIALECT (sqlite | postgres), COMPARE_ROUNDS (12), COMPARE_SECONDS (3),
 * COMPARE_LOADS (byName,tasksList,commentsAdd) choose what runs.
 */
import autocannon from 'autocannon';
import {
  cpuMicros,
  type Dialect,
  RAISED_RATE_LIMIT,
  settle,
  startServerProcess,
  trpcInput,
} from '../lib/processes';
import { BENCH_PROJECT, seedStudio } from '../lib/seed';

const other = process.env.COMPARE_WITH;
if (!other) throw new Error('COMPARE_WITH: give the path of the checkout to compare with');
const dialect = (process.env.COMPARE_DIALECT ?? 'sqlite') as Dialect;
const rounds = Number(process.env.COMPARE_ROUNDS ?? 12);
const seconds = Number(process.env.COMPARE_SECONDS ?? 3);
const chosen = (process.env.COMPARE_LOADS ?? 'byName,tasksList,commentsAdd').split(',');

// The other checkout's own helper starts its own built server (its apps/server/dist).
const { startServerProcess: startOther } = (await import(`${other}/scripts/lib/processes.ts`)) as {
  startServerProcess: typeof startServerProcess;
};
const servers = {
  before: await startOther(dialect, RAISED_RATE_LIMIT),
  after: await startServerProcess(dialect, RAISED_RATE_LIMIT),
};
const seeds = {
  before: await seedStudio(servers.before.url, { shots: 100 }),
  after: await seedStudio(servers.after.url, { shots: 100 }),
};

const loadsOf = ({ projectId, taskIds }: { projectId: string; taskIds: string[] }) => ({
  byName: { path: `/trpc/projects.byName?input=${trpcInput({ name: BENCH_PROJECT })}` },
  tasksList: { path: `/trpc/tasks.list?input=${trpcInput({ projectId, limit: 100 })}` },
  commentsAdd: {
    path: '/trpc/comments.add',
    method: 'POST' as const,
    body: JSON.stringify({ json: { taskId: taskIds[0], text: 'Looks good, approved for comp.' } }),
  },
});

const cpu: Record<string, { before: number[]; after: number[] }> = {};
try {
  for (let round = 0; round < rounds; round++) {
    // Which side goes first alternates, so a machine that speeds up or slows down favours neither.
    const order = round % 2 === 0 ? (['before', 'after'] as const) : (['after', 'before'] as const);
    for (const side of order) {
      const server = servers[side];
      const loads = Object.entries(loadsOf(seeds[side])).filter(([name]) => chosen.includes(name));
      for (const [name, load] of loads) {
        await settle(server.pid);
        const options = {
          url: `${server.url}${load.path}`,
          method: ('method' in load ? load.method : 'GET') as 'GET' | 'POST',
          body: 'body' in load ? load.body : undefined,
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${seeds[side].botToken}`,
          },
          connections: 32,
        };
        await autocannon({ ...options, duration: 1 });
        const start = cpuMicros(server.pid);
        const result = await autocannon({ ...options, duration: seconds });
        const perRequest = (cpuMicros(server.pid) - start) / result.requests.total;
        cpu[name] ??= { before: [], after: [] };
        cpu[name][side].push(perRequest);
        console.log(
          `round ${round} ${side} ${name}: ${Math.round(result.requests.average)} req/s, ${perRequest.toFixed(1)} µs CPU/req, ${result.errors} errors`,
        );
      }
    }
  }
} finally {
  await Promise.all([servers.before.stop(), servers.after.stop()]);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
for (const [name, { before, after }] of Object.entries(cpu)) {
  console.log(
    `${dialect} ${name}: median µs CPU/req before ${median(before).toFixed(1)}, after ${median(after).toFixed(1)}, after/before ${(median(after) / median(before)).toFixed(2)}`,
  );
}
process.exit(0);

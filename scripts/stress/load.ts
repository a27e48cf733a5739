import { createTestDatabase } from '@clapper/db/testing';
import autocannon from 'autocannon';
import { type Dialect, startServerProcess } from '../lib/processes';
import { fmt, type Row } from '../lib/report';
import { BENCH_PROJECT, seedStudio } from '../lib/seed';
import { checkComments, commentIdOf } from './verify';

const REQUESTS = Number(process.env.STRESS_REQUESTS ?? 50_000);
const CONNECTIONS = 64;
// Low enough that the reader's token runs into it under this load: 429s are expected and counted.
const RATE_LIMIT = 15_000;

const input = (json: unknown) => encodeURIComponent(JSON.stringify({ json }));

/** 50,000 mixed requests at 64 connections; every acknowledged write is then looked for. */
export async function loadRun(dialect: Dialect) {
  const db = await createTestDatabase(dialect);
  const server = await startServerProcess(
    dialect,
    { CLAPPER_RATE_LIMIT: String(RATE_LIMIT) },
    { db },
  );
  try {
    const studio = await seedStudio(server.url, { shots: 20 });
    const reader = await studio.admin.bots.create.mutate({
      name: 'stress-reader',
      role: 'manager',
    });
    await studio.admin.projects.addMember.mutate({
      projectId: studio.projectId,
      personId: reader.bot.id,
    });
    const read = { authorization: `Bearer ${reader.token}`, 'content-type': 'application/json' };
    const write = {
      authorization: `Bearer ${studio.botToken}`,
      'content-type': 'application/json',
    };
    const statuses = new Map<number, number>();
    const acknowledged: string[] = [];
    const tally = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
    const taskId = studio.taskIds[0]!;
    const result = await autocannon({
      url: server.url,
      connections: CONNECTIONS,
      amount: REQUESTS,
      requests: [
        {
          method: 'GET',
          path: `/trpc/projects.byName?input=${input({ name: BENCH_PROJECT })}`,
          headers: read,
          onResponse: tally,
        },
        {
          method: 'POST',
          path: '/trpc/comments.add',
          headers: write,
          body: JSON.stringify({ json: { taskId, text: 'stress' } }),
          onResponse: (status, body) => {
            tally(status);
            const id = status === 200 ? commentIdOf(body) : null;
            if (id) acknowledged.push(id);
          },
        },
        {
          method: 'GET',
          path: `/trpc/tasks.list?input=${input({ projectId: studio.projectId, limit: 20 })}`,
          headers: read,
          onResponse: tally,
        },
        {
          method: 'GET',
          path: `/trpc/events.list?input=${input({ limit: 20 })}`,
          headers: read,
          onResponse: tally,
        },
      ],
    });
    await server.stop();
    const check = await checkComments(db.url, acknowledged);
    const ok = statuses.get(200) ?? 0;
    const limited = statuses.get(429) ?? 0;
    const other = [...statuses].filter(([s]) => s !== 200 && s !== 429);
    const unexpected = other.reduce((n, [, c]) => n + c, 0) + result.errors + result.timeouts;
    const rows: Row[] = [
      {
        name: `${dialect}: ${fmt(REQUESTS)} mixed requests, ${CONNECTIONS} connections`,
        value: `${fmt(ok)} × 200 · ${fmt(limited)} × 429 (rate limit) · ${unexpected} other errors · ${fmt(result.requests.average)} req/s`,
        target: '0 other errors',
        met: unexpected === 0,
      },
      {
        name: `${dialect}: acknowledged comments found afterwards`,
        value: `${fmt(check.found)} of ${fmt(acknowledged.length)}`,
        target: 'all',
        met: check.found === acknowledged.length && acknowledged.length > 0,
      },
    ];
    if (other.length) rows[0]!.value += ` (${other.map(([s, c]) => `${c} × ${s}`).join(', ')})`;
    return rows;
  } finally {
    await server.stop();
    await db.dispose();
  }
}

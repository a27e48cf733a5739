import { createTestDatabase } from '@clapper/db/testing';
import autocannon from 'autocannon';
import { type Dialect, startServerProcess } from '../lib/processes';
import { fmt, type Row } from '../lib/report';
import { BENCH_PROJECT, type Studio, seedStudio } from '../lib/seed';
import { checkComments, commentIdOf } from './verify';

export const REQUESTS = Number(process.env.STRESS_REQUESTS ?? 50_000);
export const CONNECTIONS = 64;
/** The mixed load's procedures, each called with a token of its own. */
export const PROCEDURES = ['projects.byName', 'comments.add', 'tasks.list', 'events.list'];
/**
 * The per-token limit: a fifth above each token's share of the mixed load (which must then see
 * no 429), and what the token driven past it is allowed before every further request is a 429.
 */
export const RATE_LIMIT = Math.ceil(((REQUESTS / PROCEDURES.length) * 1.2) / 1000) * 1000;
/** Requests the limited token sends once its minute's budget is spent. */
export const PAST_LIMIT = 1000;
/** @fastify/rate-limit's window: a budget spent longer ago than this is renewed. */
const WINDOW_MS = 60_000;

const input = (json: unknown) => encodeURIComponent(JSON.stringify({ json }));

/** A `manager` bot on the project's team: its bearer headers. */
async function memberHeaders(studio: Studio, name: string) {
  const { bot, token } = await studio.admin.bots.create.mutate({ name, role: 'manager' });
  await studio.admin.projects.addMember.mutate({ projectId: studio.projectId, personId: bot.id });
  return { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
}

type Statuses = Map<number, number>;
const tally = (statuses: Statuses, status: number) =>
  statuses.set(status, (statuses.get(status) ?? 0) + 1);
/** Responses neither 200 nor 429, plus connection errors and timeouts. */
const othersOf = (statuses: Statuses, result: autocannon.Result) =>
  [...statuses].reduce((n, [s, c]) => (s === 200 || s === 429 ? n : n + c), 0) +
  result.errors +
  result.timeouts;
const listOthers = (statuses: Statuses) => {
  const other = [...statuses].filter(([s]) => s !== 200 && s !== 429);
  return other.length ? ` (${other.map(([s, c]) => `${fmt(c)} × ${s}`).join(', ')})` : '';
};

/** `amount` calls of auth.me with `headers`, 64 at a time: how each was answered. */
async function authMe(url: string, headers: Record<string, string>, amount: number) {
  const statuses: Statuses = new Map();
  let refusedByLimit = 0;
  const result = await autocannon({
    url,
    connections: Math.min(CONNECTIONS, amount),
    amount,
    requests: [
      {
        method: 'GET',
        path: '/trpc/auth.me',
        headers,
        onResponse: (status, body) => {
          tally(statuses, status);
          if (status === 429 && body.includes('"TOO_MANY_REQUESTS"')) refusedByLimit++;
        },
      },
    ],
  });
  const ok = statuses.get(200) ?? 0;
  return { ok, refusedByLimit, other: amount - ok - refusedByLimit, statuses, result };
}

/**
 * One token driven past its limit: its first RATE_LIMIT requests must all be answered, every one
 * after them refused with a 429 in tRPC's TOO_MANY_REQUESTS shape, all within one window.
 */
async function pastTheLimit(dialect: Dialect, url: string, studio: Studio): Promise<Row> {
  const headers = await memberHeaders(studio, 'stress-limited');
  const started = performance.now();
  const within = await authMe(url, headers, RATE_LIMIT);
  const past = await authMe(url, headers, PAST_LIMIT);
  const seconds = (performance.now() - started) / 1000;
  const inWindow = seconds * 1000 < WINDOW_MS;
  return {
    name: `${dialect}: one token, ${fmt(RATE_LIMIT)} auth.me then ${fmt(PAST_LIMIT)} more (limit ${fmt(RATE_LIMIT)} a minute)`,
    value:
      `within the limit ${fmt(within.ok)} × 200 · ${fmt(within.refusedByLimit)} × 429 · ${fmt(within.other)} other${listOthers(within.statuses)}; ` +
      `past it ${fmt(past.ok)} × 200 · ${fmt(past.refusedByLimit)} × 429 · ${fmt(past.other)} other${listOthers(past.statuses)}; ` +
      `in ${fmt(seconds, 1)} s${inWindow ? '' : ' (longer than the 60 s window: inconclusive)'}`,
    target: `${fmt(RATE_LIMIT)} × 200, then ${fmt(PAST_LIMIT)} × 429`,
    met: inWindow && within.ok === RATE_LIMIT && past.refusedByLimit === PAST_LIMIT,
  };
}

/** 50,000 mixed requests at 64 connections, every token under its limit; then one token past it. */
export async function loadRun(dialect: Dialect) {
  const db = await createTestDatabase(dialect);
  const server = await startServerProcess(
    dialect,
    { CLAPPER_RATE_LIMIT: String(RATE_LIMIT) },
    { db },
  );
  try {
    const studio = await seedStudio(server.url, { shots: 20 });
    const write = {
      authorization: `Bearer ${studio.botToken}`,
      'content-type': 'application/json',
    };
    const [byName, tasks, events] = await Promise.all(
      ['stress-by-name', 'stress-tasks', 'stress-events'].map((name) =>
        memberHeaders(studio, name),
      ),
    );
    const statuses: Statuses = new Map();
    const acknowledged: string[] = [];
    const count = (status: number) => tally(statuses, status);
    const taskId = studio.taskIds[0]!;
    const result = await autocannon({
      url: server.url,
      connections: CONNECTIONS,
      amount: REQUESTS,
      requests: [
        {
          method: 'GET',
          path: `/trpc/projects.byName?input=${input({ name: BENCH_PROJECT })}`,
          headers: byName,
          onResponse: count,
        },
        {
          method: 'POST',
          path: '/trpc/comments.add',
          headers: write,
          body: JSON.stringify({ json: { taskId, text: 'stress' } }),
          onResponse: (status, body) => {
            count(status);
            const id = status === 200 ? commentIdOf(body) : null;
            if (id) acknowledged.push(id);
          },
        },
        {
          method: 'GET',
          path: `/trpc/tasks.list?input=${input({ projectId: studio.projectId, limit: 20 })}`,
          headers: tasks,
          onResponse: count,
        },
        {
          method: 'GET',
          path: `/trpc/events.list?input=${input({ limit: 20 })}`,
          headers: events,
          onResponse: count,
        },
      ],
    });
    const ok = statuses.get(200) ?? 0;
    const limited = statuses.get(429) ?? 0;
    const unexpected = othersOf(statuses, result);
    const limit = await pastTheLimit(dialect, server.url, studio);
    await server.stop();
    const check = await checkComments(db.url, acknowledged);
    return [
      {
        name: `${dialect}: ${fmt(REQUESTS)} mixed requests, ${CONNECTIONS} connections, a token per procedure`,
        value: `${fmt(ok)} × 200 · ${fmt(limited)} × 429 · ${fmt(unexpected)} other${listOthers(statuses)} · ${fmt(result.requests.average)} req/s`,
        target: `${fmt(REQUESTS)} × 200 (each token under its limit)`,
        met: ok === REQUESTS,
      },
      limit,
      {
        name: `${dialect}: acknowledged comments found afterwards`,
        value: `${fmt(check.found)} of ${fmt(acknowledged.length)}`,
        target: 'all',
        met: check.found === acknowledged.length && acknowledged.length > 0,
      },
    ] satisfies Row[];
  } finally {
    await server.stop();
    await db.dispose();
  }
}

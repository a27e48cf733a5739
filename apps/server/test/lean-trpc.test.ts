// The lean path through tRPC (packages/api/src/wire/lean-trpc.ts) against tRPC's own Fastify adapter: two
// servers on one database, A with the lean path and B without, get the same requests, and
// must answer with the same status, content type, vary header and body bytes, for every
// procedure, for successes and for every error. Mutations run as dry runs, so both servers
// always see the same data; what a successful mutation makes anew (ids, times, tokens) is the
// only thing masked.
import {
  callableProcedures,
  createBot,
  createStudio,
  login,
  procedureInputs,
  startTestServer,
  type TestServer,
} from '@clapper/server/testing';
import fc from 'fast-check';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let lean: TestServer;
let adapter: TestServer;
let known: string[];
let tokens: Record<'admin' | 'manager' | 'vendor', string>;
let started: number;

beforeAll(async () => {
  lean = await startTestServer({ rateLimitPerMinute: 1_000_000 });
  adapter = await startTestServer({
    db: lean.db,
    secret: lean.secret,
    rateLimitPerMinute: 1_000_000,
    leanCalls: false,
  });
  const studio = await createStudio(lean);
  const manager = await createBot(lean, { role: 'manager', departmentIds: [studio.animation.id] });
  const vendor = await createBot(lean, { role: 'vendor' });
  for (const { bot } of [manager, vendor]) {
    await studio.admin.projects.addMember.mutate({
      projectId: studio.project.id,
      personId: bot.id,
    });
  }
  const task = await studio.admin.tasks.create.mutate({
    entityId: studio.shot.id,
    taskTypeId: studio.animate.id,
    assigneeIds: [manager.bot.id],
    dueDate: '2027-01-31',
  });
  await studio.admin.comments.add.mutate({ taskId: task.id, text: 'first' });
  tokens = { admin: await login(lean), manager: manager.token, vendor: vendor.token };
  known = [
    studio.project.id,
    studio.shot.id,
    studio.animate.id,
    studio.model.id,
    studio.animation.id,
    studio.statuses.done!.id,
    studio.statuses.todo!.id,
    task.id,
    manager.bot.id,
    vendor.bot.id,
    studio.extraMemberId,
  ];
  // Both servers have now seen every caller once (their last-use times are written).
  for (const token of Object.values(tokens)) {
    for (const server of [lean, adapter]) await send(server, 'auth.me', 'GET', undefined, token);
  }
  started = Date.now() - 1000;
});
afterAll(async () => {
  await adapter?.close();
  await lean?.close();
});

interface Reply {
  status: number;
  contentType: string | null;
  vary: string | null;
  body: string;
  framing: string;
}

async function send(
  server: TestServer,
  path: string,
  method: 'GET' | 'POST',
  input: unknown,
  token?: string,
  extra: { headers?: Record<string, string>; query?: string; body?: string } = {},
): Promise<Reply> {
  const encoded = input === undefined ? undefined : JSON.stringify(superjson.serialize(input));
  const query =
    extra.query ?? (method === 'GET' && encoded ? `?input=${encodeURIComponent(encoded)}` : '');
  const res = await fetch(`${server.url}/trpc/${path}${query}`, {
    method,
    headers: {
      'content-type': 'application/json',
      'x-clapper-dry-run': '1',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...extra.headers,
    },
    body: method === 'POST' ? (extra.body ?? encoded ?? '') : undefined,
  });
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    vary: res.headers.get('vary'),
    body: await res.text(),
    framing: res.headers.get('content-length') ? 'length' : 'chunked',
  };
}

/** Ids and times a successful mutation makes anew, and tokens: different on each server. */
function masked(body: string) {
  return body
    .replace(/eyJ[\w-]+\.[\w-]+\.[\w-]+/g, 'TOKEN')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (id) =>
      known.includes(id) ? id : 'NEW-ID',
    )
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/g, (at) =>
      Date.parse(at) >= started ? 'NOW' : at,
    );
}

async function sameOnBoth(
  path: string,
  method: 'GET' | 'POST',
  input: unknown,
  token?: string,
  extra?: Parameters<typeof send>[5],
) {
  const a = await send(lean, path, method, input, token, extra);
  const b = await send(adapter, path, method, input, token, extra);
  const { framing: _a, ...fromLean } = a;
  const { framing: _b, ...fromAdapter } = b;
  const label = `${method} ${path} ${JSON.stringify(input)?.slice(0, 200)}`;
  expect(a.status, label).toBeLessThan(500);
  if (method === 'POST') {
    expect({ ...fromLean, body: masked(a.body) }, label).toEqual({
      ...fromAdapter,
      body: masked(b.body),
    });
  } else {
    expect(fromLean, label).toEqual(fromAdapter);
  }
  return a;
}

const procedures = callableProcedures.map(({ path, type }) => ({
  path,
  method: (type === 'query' ? 'GET' : 'POST') as 'GET' | 'POST',
}));

describe('the lean path and tRPC’s adapter answer alike', () => {
  it('covers every procedure of the router', () => {
    expect(procedures.length).toBeGreaterThan(45);
  });

  it.each(procedures)('$path: same bytes for every caller and input', async ({ path, method }) => {
    await sameOnBoth(path, method, undefined);
    const samples = fc.sample(procedureInputs(known), { numRuns: 12, seed: path.length * 7919 });
    for (const [i, input] of samples.entries()) {
      const token = tokens[(['admin', 'manager', 'vendor'] as const)[i % 3]!];
      await sameOnBoth(path, method, input, token);
      // The same call twice in one batch, as @trpc/client's batch link sends it.
      const pair = { 0: input, 1: samples[(i + 1) % samples.length] };
      const batched = JSON.stringify(
        Object.fromEntries(Object.entries(pair).map(([k, v]) => [k, superjson.serialize(v)])),
      );
      await sameOnBoth(`${path},${path}`, method, undefined, token, {
        query: method === 'GET' ? `?batch=1&input=${encodeURIComponent(batched)}` : '?batch=1',
        body: method === 'POST' ? batched : undefined,
      });
    }
  });

  it('answers known-good calls with data, not only errors', async () => {
    const [projectId, , , , , , , taskId] = known;
    const ok = [
      await sameOnBoth('projects.get', 'GET', { id: projectId }, tokens.manager),
      await sameOnBoth('tasks.list', 'GET', { projectId }, tokens.manager),
      await sameOnBoth('tasks.get', 'GET', { id: taskId }, tokens.manager),
      await sameOnBoth('comments.list', 'GET', { taskId }, tokens.manager),
      await sameOnBoth('auth.me', 'GET', undefined, tokens.vendor),
      await sameOnBoth('events.list', 'GET', { limit: 5 }, tokens.admin),
      await sameOnBoth('bots.list', 'GET', undefined, tokens.admin),
      await sameOnBoth('tasks.update', 'POST', { id: taskId, dueDate: '2027-01-31' }, tokens.admin),
      await sameOnBoth('comments.add', 'POST', { taskId, text: 'dry' }, tokens.manager),
    ];
    expect(ok.map((r) => r.status)).toEqual(ok.map(() => 200));
    // The lean path sends a length, the adapter streams: the two really are different paths.
    expect(ok[0]!.framing).toBe('length');
    expect(
      (await send(adapter, 'projects.get', 'GET', { id: projectId }, tokens.manager)).framing,
    ).toBe('chunked');
  });

  it('leaves every request it does not take to the adapter, with the same answer', async () => {
    const token = tokens.admin;
    const [projectId] = known;
    const input = encodeURIComponent(JSON.stringify({ json: { id: projectId } }));
    await sameOnBoth('projects.get', 'GET', undefined, token, { query: '?input=%7Bbroken' });
    await sameOnBoth('projects.get', 'GET', undefined, token, { query: `?input=${input}&batch=1` });
    const oneOf = (n: number) =>
      encodeURIComponent(
        JSON.stringify(
          Object.fromEntries(Array.from({ length: n }, (_, i) => [i, { json: { id: projectId } }])),
        ),
      );
    await sameOnBoth('projects.get', 'GET', undefined, token, {
      query: `?batch=1&input=${oneOf(1)}`,
    });
    // A batch longer than the server takes, one with an unknown path, one mixing kinds.
    await sameOnBoth(Array(51).fill('projects.get').join(','), 'GET', undefined, token, {
      query: `?batch=1&input=${oneOf(51)}`,
    });
    await sameOnBoth('projects.get,projects.nothing', 'GET', undefined, token, {
      query: `?batch=1&input=${oneOf(2)}`,
    });
    await sameOnBoth('projects.get,projects.update', 'GET', undefined, token, {
      query: `?batch=1&input=${oneOf(2)}`,
    });
    await sameOnBoth('projects.get,projects.get', 'GET', undefined, token, {
      query: `?batch=1&input=${encodeURIComponent('[1,2]')}`,
    });
    await sameOnBoth('projects.nothing', 'GET', undefined, token);
    await sameOnBoth('projects.create', 'GET', { name: 'x' }, token);
    await sameOnBoth('projects.get', 'POST', { id: projectId }, token);
    await sameOnBoth('projects.update', 'POST', undefined, token, { body: '{"json":' });
    await sameOnBoth('projects.update', 'POST', undefined, token, {
      headers: { 'content-type': 'text/plain' },
      body: '{"json":{}}',
    });
    await sameOnBoth('projects.get', 'GET', undefined, token, {
      query: `?input=${input}`,
      headers: { 'trpc-accept': 'application/jsonl' },
    });
    await sameOnBoth('projects.get', 'GET', undefined, token, {
      query: `?input=${encodeURIComponent(JSON.stringify({ json: { id: projectId }, meta: { values: { id: ['nope'] } } }))}`,
    });
  });
});

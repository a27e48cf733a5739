// events.subscribe's lean stream (lean-sse.ts) against tRPC's own producer: two servers on one
// database, one with the lean paths and one without, must send the same bytes to the same
// subscriber: the events, a resumed stream, a refusal, pings, the end of a stream, tRPC's own
// client; and a subscriber that takes nothing is let go, and no one else.
import { Duplex } from 'node:stream';
import { type AppRouter, appRouter, leanSseHook } from '@clapper/api';
import {
  adminClient,
  createBatchTestClient,
  createStudio,
  createTeamBot,
  login,
  rawTrpc,
  startTestServer,
  subscribeEvents,
  type TestServer,
  until,
} from '@clapper/server/testing';
import { createTRPCClient, httpSubscriptionLink } from '@trpc/client';
import { initTRPC, tracked } from '@trpc/server';
import { fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import { EventSource } from 'eventsource';
import Fastify from 'fastify';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BUFFERED_BYTES } from '../../../packages/api/src/wire/lean-sse';

let lean: TestServer;
let adapter: TestServer;

beforeAll(async () => {
  lean = await startTestServer();
  // The same database and secret; its event hub polls every 50 ms for what `lean` writes.
  adapter = await startTestServer({
    db: lean.db,
    secret: lean.secret,
    leanCalls: false,
    config: { eventPollMs: 50 },
  });
});
afterAll(async () => {
  await adapter?.close();
  await lean?.close();
});

/** events.subscribe's path as httpSubscriptionLink makes it: one call, its input superjson's. */
const subscribePath = (input: object) =>
  `/trpc/events.subscribe?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;

/** A raw SSE request: the text so far, the response's headers, and whether it ended. */
function openUrl(url: string, headers: Record<string, string> = {}) {
  const abort = new AbortController();
  const state = { text: '', ended: false, headers: new Headers() };
  const reading = (async () => {
    const res = await fetch(url, {
      headers: { accept: 'text/event-stream', ...headers },
      signal: abort.signal,
    });
    state.headers = res.headers;
    const decoder = new TextDecoder();
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      state.text += decoder.decode(chunk, { stream: true });
    }
    state.ended = true;
  })().catch((error) => {
    if (!abort.signal.aborted) throw error;
  });
  return {
    state,
    frames: () => framesOf(state.text),
    async close() {
      abort.abort();
      await reading;
    },
  };
}
/** Tasks to create on `lean`: each of `shotCount` new shots with each of `typeCount` new task types. */
async function shotTaskPairs(
  studio: Awaited<ReturnType<typeof createStudio>>,
  shotCount: number,
  typeCount: number,
) {
  const batch = createBatchTestClient(lean, await login(lean));
  const many = <T>(count: number, make: (i: number) => Promise<T>) =>
    Promise.all(Array.from({ length: count }, (_, i) => make(i)));
  const sequence = `SQ${shotCount}x${typeCount}`;
  const [types, shots] = await Promise.all([
    many(typeCount, (i) =>
      batch.taskTypes.create.mutate({
        name: `${sequence} ${i} ${studio.project.id}`,
        departmentId: studio.animation.id,
        forEntity: 'shot',
      }),
    ),
    many(shotCount, (i) =>
      batch.shots.create.mutate({ projectId: studio.project.id, sequence, name: `SH${i}` }),
    ),
  ]);
  return shots.flatMap((shot) => types.map((type) => ({ entityId: shot.id, taskTypeId: type.id })));
}

const open = (server: TestServer, input: object, headers: Record<string, string> = {}) =>
  openUrl(server.url + subscribePath(input), headers);
const framesOf = (text: string) => text.split('\n\n\n').filter(Boolean);
const allOf = <T>(items: T[], ready: (item: T) => boolean) =>
  until(() => (items.every(ready) ? true : undefined), 3000);

/**
 * tRPC's own client (httpSubscriptionLink) on `server` as `token`, and each request it made,
 * with the text it was sent.
 */
function linkClient(server: TestServer, token: string) {
  const requests: { url: string; text: string }[] = [];
  const client = createTRPCClient<AppRouter>({
    links: [
      httpSubscriptionLink<AppRouter, typeof EventSource>({
        url: `${server.url}/trpc`,
        transformer: superjson,
        EventSource,
        eventSourceOptions: () => ({
          fetch: async (url, init) => {
            const authorization = `Bearer ${token}`;
            const res = await fetch(url, { ...init, headers: { ...init?.headers, authorization } });
            const request = { url: String(url), text: '' };
            requests.push(request);
            const [forClient, forTest] = res.body!.tee();
            void (async () => {
              for await (const text of forTest.pipeThrough(new TextDecoderStream())) {
                request.text += text;
              }
            })().catch(() => undefined);
            return new Response(forClient, { status: res.status, headers: res.headers });
          },
        }),
      }),
    ],
  });
  return { client, requests };
}

/**
 * An events.subscribe request on a connection that takes what it is sent until `connected`,
 * and nothing after: the connection is a stream handed to the server, whose writes then never
 * complete, so all that waits is the server's own (a loopback TCP socket would first take some
 * megabytes into the kernel's buffers). `closed`: the server let go of it.
 */
function stalledSubscriber(server: TestServer, input: object, headers: Record<string, string>) {
  const state = { text: '', stalled: false, closed: false };
  const socket = new Duplex({
    read() {},
    write(chunk, _encoding, done) {
      if (state.stalled) return; // never done: whatever comes next waits behind it
      state.text += String(chunk);
      state.stalled = state.text.includes('event: connected');
      done();
    },
  });
  socket.on('close', () => {
    state.closed = true;
  });
  server.app.server.emit('connection', socket);
  const lines = Object.entries({ host: 'localhost', accept: 'text/event-stream', ...headers });
  const head = lines.map(([name, value]) => `${name}: ${value}\r\n`).join('');
  socket.push(`GET ${subscribePath(input)} HTTP/1.1\r\n${head}\r\n`);
  return state;
}

/** A studio on `lean`, its admin, a manager bot on its team, and a task on its shot. */
async function studioWithTask() {
  const studio = await createStudio(lean);
  const admin = await adminClient(lean);
  const { token } = await createTeamBot(lean, studio.project.id);
  const task = await admin.tasks.create.mutate({
    entityId: studio.shot.id,
    taskTypeId: studio.animate.id,
  });
  return { studio, admin, token, task };
}

describe('the lean event stream', () => {
  it('sends the bytes tRPC sends: connected, each event, a resumed stream', async () => {
    const { studio, admin, token, task } = await studioWithTask();
    const input = { types: ['comment.*'], projectId: studio.project.id };
    const auth = { authorization: `Bearer ${token}` };
    const streams = [open(lean, input, auth), open(adapter, input, auth)];
    await allOf(streams, (s) => s.frames().length >= 1);
    for (const text of ['first: café ✓', 'second']) {
      await admin.comments.add.mutate({ taskId: task.id, text, statusId: studio.statuses.wip!.id });
    }
    await allOf(streams, (s) => s.frames().length >= 3);
    await Promise.all(streams.map((s) => s.close()));
    const [mine, theirs] = streams.map((s) => s.frames().slice(0, 3));
    expect(mine![0]).toMatch(/^event: connected\ndata: \{/);
    expect(mine![1]).toMatch(/^data: \{"json":\{"id":\d+,"type":"comment.added"/);
    expect(mine).toEqual(theirs);
    // The same headers (the rate limit's among them); only the date and the count left vary.
    const headerNames = (headers: Headers) => [...headers.keys()].sort();
    expect(headerNames(streams[0]!.state.headers)).toEqual(headerNames(streams[1]!.state.headers));
    for (const [name, value] of streams[1]!.state.headers) {
      if (name === 'date' || name === 'x-ratelimit-remaining') continue;
      expect(streams[0]!.state.headers.get(name), name).toBe(value);
    }

    // Resumed from the first event's id (the Last-Event-ID header EventSource sends).
    const firstId = /\nid: (\d+)$/.exec(mine![1]!)![1]!;
    const resumed = [lean, adapter].map((server) =>
      open(server, input, { ...auth, 'last-event-id': firstId }),
    );
    await allOf(resumed, (s) => s.frames().length >= 2);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await Promise.all(resumed.map((s) => s.close()));
    expect(resumed[0]!.frames()).toEqual(resumed[1]!.frames());
    expect(resumed[0]!.frames().slice(1)).toEqual([mine![2]]);
  });

  it('refuses as tRPC does: connected, then the error with its reason, and the stream ends', async () => {
    const refusals: Record<string, string>[] = [{}, { authorization: 'Bearer not-a-token' }];
    for (const headers of refusals) {
      const streams = [open(lean, {}, headers), open(adapter, {}, headers)];
      await allOf(streams, (s) => s.state.ended);
      expect(streams[0]!.state.text).toBe(streams[1]!.state.text);
      expect(streams[0]!.frames()[1]).toMatch(
        /^event: serialized-error\ndata: .*"reason":"(no_credential|malformed_token)"/,
      );
    }
  });

  it('pings an idle stream as tRPC does, every `sse.ping.intervalMs`', async () => {
    // The router's 10 s, made short for this test: the lean hook reads it when the server is
    // built, tRPC's adapter when a stream opens; restored before anything else runs.
    const studio = await createStudio(lean);
    const { token } = await createTeamBot(lean, studio.project.id);
    const input = { types: ['comment.*'], projectId: studio.project.id };
    const config = appRouter._def._config as { sse?: { ping?: object } };
    const sse = config.sse;
    const intervalMs = 100;
    config.sse = { ...sse, ping: { enabled: true, intervalMs } };
    const pinging = await startTestServer({ db: lean.db, secret: lean.secret });
    const started = Date.now();
    const streams = [pinging, adapter].map((server) =>
      open(server, input, { authorization: `Bearer ${token}` }),
    );
    let elapsed = 0;
    try {
      await allOf(streams, (s) => s.frames().length >= 3);
      elapsed = Date.now() - started;
    } finally {
      config.sse = sse;
      await Promise.all(streams.map((s) => s.close()));
      await pinging.close();
    }
    // Connected, then a ping each interval of silence: none sooner.
    expect(elapsed).toBeGreaterThanOrEqual(2 * intervalMs - 5);
    const [mine, theirs] = streams.map((s) => s.frames().slice(0, 3));
    expect(mine).toEqual(theirs);
    expect(mine!.slice(1)).toEqual(['event: ping\ndata: ', 'event: ping\ndata: ']);
  });

  it('ends as tRPC does when the credential is switched off mid-stream: the error, its reason', async () => {
    const studio = await createStudio(lean);
    const admin = await adminClient(lean);
    const { bot, token } = await createTeamBot(lean, studio.project.id);
    const task = await admin.tasks.create.mutate({
      entityId: studio.shot.id,
      taskTypeId: studio.animate.id,
    });
    const input = { types: ['comment.*'], projectId: studio.project.id };
    const streams = [lean, adapter].map((server) =>
      open(server, input, { authorization: `Bearer ${token}` }),
    );
    await allOf(streams, (s) => s.frames().length >= 1);
    await admin.bots.update.mutate({ id: bot.id, active: false });
    // `lean` saw the change; the other server's credential cache would keep the bot a second.
    adapter.services.credentials.forgetPerson(bot.id);
    await admin.comments.add.mutate({ taskId: task.id, text: 'not for a switched-off bot' });
    await allOf(streams, (s) => s.state.ended);
    const [mine, theirs] = streams.map((s) => s.state.text);
    expect(mine).toBe(theirs);
    expect(framesOf(mine!)).toHaveLength(2);
    expect(framesOf(mine!)[1]).toMatch(
      /^event: serialized-error\ndata: \{"json":\{"message":.*"code":"UNAUTHORIZED".*"reason":"bot_inactive"/,
    );
  });

  it('ends as tRPC does when a subscription returns: its items, then the `return` event', async () => {
    // events.subscribe never returns (it ends when its subscriber leaves or is refused): a
    // router of one that does, behind the lean hook and behind tRPC's adapter alone.
    const t = initTRPC.create({ transformer: superjson });
    const router = t.router({
      finite: t.procedure.subscription(async function* () {
        yield tracked('1', { at: new Date(0), text: 'café ✓' });
        yield tracked('2', { n: 2 });
      }),
    });
    // Who made each stream's context: the lean hook, or tRPC's adapter.
    const served: string[] = [];
    const context = (by: string) => () => {
      served.push(by);
      return {};
    };
    const app = Fastify();
    for (const path of ['lean', 'adapter']) {
      await app.register(
        async (scope) => {
          if (path === 'lean') {
            const hook = leanSseHook({
              router,
              paths: ['finite'],
              createContext: context('lean'),
              onError: () => undefined,
            });
            scope.addHook('preHandler', hook);
          }
          await scope.register(fastifyTRPCPlugin, {
            prefix: '/trpc',
            trpcOptions: { router, createContext: context('tRPC') },
          });
        },
        { prefix: `/${path}` },
      );
    }
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const streams = ['lean', 'adapter'].map((path) => openUrl(`${url}/${path}/trpc/finite`));
      await allOf(streams, (s) => s.state.ended);
      expect(served.sort()).toEqual(['lean', 'tRPC']);
      const [mine, theirs] = streams.map((s) => s.state.text);
      expect(mine).toBe(theirs);
      expect(framesOf(mine!)).toEqual([
        'event: connected\ndata: {}',
        'data: {"json":{"at":"1970-01-01T00:00:00.000Z","text":"café ✓"},"meta":{"values":{"at":["Date"]},"v":1}}\nid: 1',
        'data: {"json":{"n":2}}\nid: 2',
        'event: return\ndata: ',
      ]);
    } finally {
      await app.close();
    }
  });

  it(`lets go of a subscriber that takes nothing once over ${MAX_BUFFERED_BYTES} bytes wait, and no one else`, async () => {
    const studio = await createStudio(lean);
    const admin = await adminClient(lean);
    const { token } = await createTeamBot(lean, studio.project.id);
    // Rounds of 500 task.created events (a batch of the hub's, about 270 kB): three stay under
    // the limit, a fourth passes it.
    const pairs = await shotTaskPairs(studio, 45, 45);

    const input = { types: ['task.created'], projectId: studio.project.id };
    const auth = { authorization: `Bearer ${token}` };
    const slow = stalledSubscriber(lean, input, auth);
    const reader = open(lean, input, auth);
    await until(() => (slow.stalled && reader.frames().length >= 1 ? true : undefined), 3000);
    expect(slow.text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    // What the reader was sent after `connected`, the stalled subscriber was sent too: waiting.
    const connected = Buffer.byteLength(reader.state.text);
    const waiting = () => Buffer.byteLength(reader.state.text) - connected;
    let created = 0;
    while (waiting() <= MAX_BUFFERED_BYTES) {
      expect(slow.closed, `let go with ${waiting()} bytes waiting`).toBe(false);
      const round = pairs.slice(created, created + 500);
      expect(round).toHaveLength(500);
      await admin.tasks.createMany.mutate({ tasks: round });
      created += round.length;
      await until(() => (reader.frames().length >= 1 + created ? true : undefined), 3000);
    }
    // Let go when the next event comes: more than the limit still waits from earlier writes.
    const last = await admin.tasks.create.mutate({
      entityId: studio.shot.id,
      taskTypeId: studio.animate.id,
    });
    await until(() => (slow.closed ? true : undefined), 1000);
    // The reader was sent every event, and is still sent what comes.
    await until(() => (reader.state.text.includes(last.id) ? true : undefined), 3000);
    expect(reader.state.ended).toBe(false);
    await reader.close();
    expect(reader.frames()).toHaveLength(1 + created + 1);
  });

  it(`sends a batch of more than ${MAX_BUFFERED_BYTES} bytes whole to a subscriber who keeps up`, async () => {
    const studio = await createStudio(lean);
    const admin = await adminClient(lean);
    const { token } = await createTeamBot(lean, studio.project.id);
    // 45 assignees make a task.created event over 2 kB: 500 of them, one read of the hub's
    // (its batch), pass the limit in one write.
    const assignees = await Promise.all(
      Array.from({ length: 45 }, (_, i) =>
        createTeamBot(lean, studio.project.id, { name: `Assignee ${i} ${studio.project.id}` }),
      ),
    );
    const assigneeIds = assignees.map((a) => a.bot.id);
    const tasks = (await shotTaskPairs(studio, 25, 20)).map((pair) => ({ ...pair, assigneeIds }));
    expect(tasks).toHaveLength(500);

    const reader = open(
      lean,
      { types: ['task.created'], projectId: studio.project.id },
      {
        authorization: `Bearer ${token}`,
      },
    );
    await until(() => (reader.frames().length >= 1 ? true : undefined), 3000);
    const connected = Buffer.byteLength(reader.state.text);
    await admin.tasks.createMany.mutate({ tasks });
    await until(() => (reader.frames().length >= 1 + 500 ? true : undefined), 5000);
    expect(Buffer.byteLength(reader.state.text) - connected).toBeGreaterThan(MAX_BUFFERED_BYTES);
    // Still open, and sent what comes next.
    const next = await admin.tasks.create.mutate({
      entityId: studio.shot.id,
      taskTypeId: studio.animate.id,
    });
    await until(() => (reader.state.text.includes(next.id) ? true : undefined), 3000);
    expect(reader.state.ended).toBe(false);
    await reader.close();
  });

  it('sends tRPC’s own client the bytes tRPC sends: httpSubscriptionLink’s call, not batched', async () => {
    const { studio, admin, token, task } = await studioWithTask();
    const comment = (text: string) => admin.comments.add.mutate({ taskId: task.id, text });
    await comment('before');
    await comment('missed');
    const events = await admin.events.list.query({ projectId: studio.project.id, order: 'asc' });
    const before = events.items.find((e) => e.type === 'comment.added');
    // Resumed as the link resumes after a reconnect: the last event id inside the input.
    const input = {
      types: ['comment.*'],
      projectId: studio.project.id,
      lastEventId: String(before!.id),
    };
    const links = [linkClient(lean, token), linkClient(adapter, token)];
    const subscriptions = links.map(({ client }) => subscribeEvents(client, input));
    await Promise.all(subscriptions.map((s) => s.ready));
    await allOf(subscriptions, (s) => s.received.length >= 1);
    await comment('live');
    await allOf(subscriptions, (s) => s.received.length >= 2);
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (const s of subscriptions) s.stop();

    const [mine, theirs] = links.map(({ requests }) => requests);
    expect(mine).toHaveLength(1);
    expect(theirs).toHaveLength(1);
    const url = new URL(mine![0]!.url);
    expect(url.pathname).toBe('/trpc/events.subscribe');
    expect([...url.searchParams.keys()]).toEqual(['input']);
    expect(JSON.parse(url.searchParams.get('input')!)).toEqual({ json: input });
    expect(mine![0]!.text).toBe(theirs![0]!.text);
    expect(framesOf(mine![0]!.text)).toHaveLength(3);
    const [received, expected] = subscriptions.map((s) => s.received);
    expect(received).toEqual(expected);
    expect(received!.map((e) => e.data.type)).toEqual(['comment.added', 'comment.added']);
  });

  it('leaves a batched subscription to tRPC, which refuses it', async () => {
    // Were it the lean hook's, it would answer 200 with an event stream.
    const input = encodeURIComponent(JSON.stringify({ 0: { json: {} } }));
    const headers = { accept: 'text/event-stream' };
    const [mine, theirs] = await Promise.all(
      [lean, adapter].map((server) =>
        rawTrpc(server, `events.subscribe?batch=1&input=${input}`, { headers }),
      ),
    );
    expect(mine!.status).toBe(400);
    expect(mine!.text).toBe(theirs!.text);
    expect(mine!.headers.get('content-type')).toBe(theirs!.headers.get('content-type'));
    expect(mine!.json).toMatchObject([
      { error: { json: { message: 'Cannot batch subscription calls' } } },
    ]);
  });
});

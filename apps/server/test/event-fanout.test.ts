import {
  appRouter,
  authenticate,
  batchesOf,
  createContextInner,
  EventAudience,
  eventFeed,
  noTransport,
  serializeToJson,
} from '@clapper/api';
import type { EventRow } from '@clapper/db';
import {
  adminClient,
  createBot,
  createStudio,
  login,
  startTestServer,
  type TestServer,
  testClock,
  until,
} from '@clapper/server/testing';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// What a studio with a thousand live subscribers costs the server: found by `pnpm bench scale`.
const clock = testClock();
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ countQueries: true, now: clock.now });
});
afterAll(() => server?.close());

/** `count` listeners on the server's event hub that only count. */
function listeners(count: number) {
  const stops = Array.from({ length: count - 1 }, () => server.services.events.subscribe(() => {}));
  const fanOuts: { at: number; ids: number[] }[] = [];
  stops.push(
    server.services.events.subscribe((rows: EventRow[]) => {
      fanOuts.push({ at: performance.now(), ids: rows.map((r) => r.id) });
    }),
  );
  return {
    fanOuts,
    stop() {
      for (const stop of stops) stop();
    },
  };
}

describe('event fan-out with many subscribers', () => {
  it('spaces fan-outs by the number of listeners: the first event at once, the next ones together', async () => {
    const studio = await createStudio(server);
    const admin = await adminClient(server);
    const task = await admin.tasks.create.mutate({
      entityId: studio.shot.id,
      taskTypeId: studio.animate.id,
    });
    // 1,000 listeners: fan-outs at least 100 ms apart.
    const hub = listeners(1000);
    const abort = new AbortController();
    const adminToken = await login(server);
    const feed = batchesOf(
      eventFeed(
        {
          services: server.services,
          transport: { ...noTransport, credential: adminToken },
          signal: abort.signal,
        },
        { types: ['comment.added'] },
      ),
    )!;
    const batches: number[] = [];
    const lists: (readonly unknown[])[] = [];
    const reading = (async () => {
      for (let step = await feed.next(); !step.done; step = await feed.next()) {
        batches.push(step.value.length);
        lists.push(step.value);
      }
    })();
    // A second subscriber who may see all of it: the same frozen list, so its bytes are made once.
    const other = batchesOf(
      eventFeed(
        {
          services: server.services,
          transport: { ...noTransport, credential: adminToken },
          signal: abort.signal,
        },
        {},
      ),
    )!;
    const otherLists: (readonly unknown[])[] = [];
    const otherReading = (async () => {
      for (let step = await other.next(); !step.done; step = await other.next()) {
        otherLists.push(step.value);
      }
    })();
    try {
      // Once the feed is live, and after a quiet spell: the next event goes out at once.
      await admin.comments.add.mutate({ taskId: task.id, text: 'warm-up' });
      await until(() => (batches.length > 0 ? true : undefined));
      await new Promise((resolve) => setTimeout(resolve, 150));
      hub.fanOuts.length = 0;
      batches.length = 0;
      lists.length = 0;
      const ids: number[] = [];
      const write = async (i: number) => {
        await admin.comments.add.mutate({ taskId: task.id, text: `burst ${i}` });
        ids.push((await server.services.reads.events.head())!);
      };
      // The first goes out on its own, before the next is written: on a loaded machine the
      // hub could otherwise read two committed events at once, which is right but not this test.
      await write(0);
      await until(() => (hub.fanOuts.length > 0 ? true : undefined), 2000);
      for (let i = 1; i < 10; i++) await write(i);
      const delivered = await until(() => {
        const all = hub.fanOuts.flatMap((f) => f.ids);
        return ids.every((id) => all.includes(id)) ? all : undefined;
      }, 2000);
      // Every event once, in fewer fan-outs than events; the first went out on its own at once.
      expect(delivered.filter((id) => ids.includes(id))).toEqual(ids);
      expect(hub.fanOuts.length).toBeLessThan(ids.length);
      expect(hub.fanOuts[0]!.ids).toEqual([ids[0]]);
      for (let i = 1; i < hub.fanOuts.length; i++) {
        expect(hub.fanOuts[i]!.at - hub.fanOuts[i - 1]!.at).toBeGreaterThanOrEqual(98);
      }
      // The feed hands them on as the hub read them: whole batches, not one by one.
      await until(() => (batches.reduce((a, b) => a + b, 0) === ids.length ? true : undefined));
      expect(batches.length).toBe(hub.fanOuts.length);
      await until(() => (otherLists.includes(lists.at(-1)!) ? true : undefined));
      expect(Object.isFrozen(lists.at(-1))).toBe(true);
    } finally {
      abort.abort();
      hub.stop();
      await Promise.all([reading, otherReading]);
    }
  });

  it('reads the people of credentials checked in one tick in one statement', async () => {
    const tokens: string[] = [];
    for (let i = 0; i < 20; i++) tokens.push((await createBot(server, { role: 'artist' })).token);
    // Checked once (their signatures are then known), and the credential cache's entries lapse
    // together, as a live feed's subscribers' do when it re-checks them all for each batch.
    await Promise.all(tokens.map((t) => authenticate(server.services, t)));
    clock.advance(server.services.config.credentialCacheTtlMs + 1);
    server.queries.length = 0;
    const principals = await Promise.all(tokens.map((t) => authenticate(server.services, t)));
    expect(new Set(principals.map((p) => p.id)).size).toBe(tokens.length);
    const personReads = server.queries.filter((sql) =>
      /from people p left join people c/.test(sql),
    );
    expect(personReads).toHaveLength(1);
  });

  it('reads the teams and tasks of subscribers decided in one tick in one statement each', async () => {
    const tokens: string[] = [];
    for (const role of ['artist', 'vendor'] as const)
      for (let i = 0; i < 10; i++) tokens.push((await createBot(server, { role })).token);
    await Promise.all(tokens.map((t) => authenticate(server.services, t)));
    // What a fresh audience (or one whose snapshots lapsed together) meets: every subscriber's
    // person, teams and, for vendors, assigned tasks to read again for the same batch.
    clock.advance(
      Math.max(server.services.config.credentialCacheTtlMs, server.services.config.readCacheTtlMs) +
        1,
    );
    server.queries.length = 0;
    const audience = new EventAudience(server.services);
    const batch: EventRow[] = [];
    const decisions = await Promise.all(tokens.map((t) => audience.decide(batch, t)));
    expect(decisions.map((d) => d.principal.role)).toEqual(
      tokens.map((_, i) => (i < 10 ? 'artist' : 'vendor')),
    );
    const reads = (pattern: RegExp) => server.queries.filter((sql) => pattern.test(sql));
    expect(reads(/from people p left join people c/)).toHaveLength(1);
    expect(reads(/from project_members\s+where/)).toHaveLength(1);
    expect(reads(/from task_assignees a join tasks/)).toHaveLength(1);
  });

  it('shares one frozen view of each event between the pages that list it', async () => {
    const studio = await createStudio(server);
    const admin = await adminClient(server);
    await admin.tasks.create.mutate({ entityId: studio.shot.id, taskTypeId: studio.animate.id });
    const { token } = await createBot(server, { role: 'admin' });
    const caller = appRouter.createCaller(
      createContextInner(server.services, { ...noTransport, credential: token }),
    );
    const first = await caller.events.list({ limit: 5 });
    const second = await caller.events.list({ limit: 5 });
    expect(second.items.length).toBeGreaterThan(0);
    second.items.forEach((item, i) => {
      expect(item).toBe(first.items[i]);
      expect(Object.isFrozen(item)).toBe(true);
    });
    // Its text, kept from the first page, spliced into the second: still superjson's bytes.
    expect(serializeToJson(second)).toBe(JSON.stringify(superjson.serialize(second)));
  });
});

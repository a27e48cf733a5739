// The hub's order and position (issue #32's stream defects): a read begun before the hub went
// idle sends nothing to the subscribers who came after and never moves the head back; on
// PostgreSQL, an event whose transaction commits after a later one's still reaches subscribers
// in id order. Against a real database; the hub's reads are the server's, one held at a gate.
import { EventHub, GAP_HOLD_MS } from '@clapper/api';
import type { EventRow, HotReads } from '@clapper/db';
import { testDialect } from '@clapper/db/testing';
import {
  adminClient,
  type Client,
  createStudio,
  startTestServer,
  type TestServer,
  until,
} from '@clapper/server/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';

let server: TestServer;
let admin: Client;
let taskId: string;
beforeAll(async () => {
  server = await startTestServer();
  admin = await adminClient(server);
  const studio = await createStudio(server);
  taskId = (
    await admin.tasks.create.mutate({ entityId: studio.shot.id, taskTypeId: studio.animate.id })
  ).id;
});
afterAll(() => server?.close());

/** The server's reads, with `events.since` answering only once `open()` is called, when held. */
function gatedReads() {
  const reads = server.services.reads;
  let gate: Promise<void> | undefined;
  let open = () => {};
  const events = new Proxy(reads.events, {
    get(target, property, receiver) {
      if (property !== 'since') return Reflect.get(target, property, receiver);
      return async (...args: Parameters<HotReads['events']['since']>) => {
        const rows = await target.since(...args);
        await gate;
        return rows;
      };
    },
  });
  return {
    reads: new Proxy(reads, {
      get: (target, property, receiver) =>
        property === 'events' ? events : Reflect.get(target, property, receiver),
    }) as HotReads,
    hold() {
      gate = new Promise<void>((resolve) => {
        open = resolve;
      });
    },
    open: () => open(),
  };
}

const comment = async (text: string) => {
  await admin.comments.add.mutate({ taskId, text });
  return server.services.reads.events.head();
};

it('sends nothing from a read begun before the hub went idle, and never moves its head back', async () => {
  const gated = gatedReads();
  const hub = new EventHub(gated.reads, 60_000);
  try {
    const stopA = hub.subscribe(() => {});
    await hub.head();
    await comment('one');
    await comment('two');
    gated.hold();
    hub.nudge();
    // The read has its rows (one, two) and waits at the gate; everyone leaves, someone comes.
    await new Promise((r) => setTimeout(r, 50));
    stopA();
    const three = await comment('three');
    const heard: number[] = [];
    hub.subscribe((rows: EventRow[]) => heard.push(...rows.map((r) => r.id)));
    expect(await hub.head()).toBe(three);
    gated.open();
    await new Promise((r) => setTimeout(r, 50));
    expect(heard).toEqual([]);
    expect(await hub.head()).toBe(three);
    // What comes next is heard, and only that.
    const four = await comment('four');
    hub.nudge();
    await until(() => (heard.length ? true : undefined), 2000);
    expect(heard).toEqual([four]);
  } finally {
    hub.close();
  }
});

if (testDialect() === 'postgres') {
  it('holds back events after a hole until its slower transaction commits, so all come in order', async () => {
    const hub = new EventHub(server.services.reads, 60_000);
    const heard: number[] = [];
    hub.subscribe((rows: EventRow[]) => heard.push(...rows.map((r) => r.id)));
    try {
      await hub.head();
      let commit = () => {};
      const committed = new Promise<void>((resolve) => {
        commit = resolve;
      });
      let slowId = 0;
      // A transaction that takes its event id first and commits last.
      const slow = server.orm.em.fork().transactional(async (em) => {
        const [row] = await em
          .getConnection()
          .execute<{ id: number }[]>(
            "insert into events (type, actor_kind, actor_name, created_at) values ('test.slow', 'system', 'test', now()) returning id",
            [],
            'all',
            em.getTransactionContext(),
          );
        slowId = row!.id;
        await committed;
      });
      await until(() => (slowId ? true : undefined), 2000);
      const fast = await comment('committed first');
      expect(fast).toBeGreaterThan(slowId);
      hub.nudge();
      await new Promise((r) => setTimeout(r, 100));
      // The later event waits for the hole before it.
      expect(heard).toEqual([]);
      commit();
      await slow;
      await until(() => (heard.length === 2 ? true : undefined), 2000);
      expect(heard).toEqual([slowId, fast]);

      // A hole that never fills (a rolled-back id) holds the events after it GAP_HOLD_MS at most.
      await server.orm.em
        .fork()
        .transactional(async (em) => {
          await em
            .getConnection()
            .execute(
              "insert into events (type, actor_kind, actor_name, created_at) values ('test.rolled', 'system', 'test', now())",
              [],
              'all',
              em.getTransactionContext(),
            );
          throw new Error('rolled back');
        })
        .catch(() => undefined);
      const after = await comment('after a rolled-back id');
      const started = performance.now();
      hub.nudge();
      await until(() => (heard.includes(after) ? true : undefined), GAP_HOLD_MS * 4);
      expect(performance.now() - started).toBeGreaterThanOrEqual(GAP_HOLD_MS - 20);
    } finally {
      hub.close();
    }
  });
}

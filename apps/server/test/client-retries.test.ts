// `@clapper/client` through a database outage: a mutation with an idempotency key is sent
// again after each 503, honouring Retry-After, and lands once when the database is back; one
// without a key is never sent twice; the wait is bounded; one line's worth of callbacks per
// outage. Against a real server whose database is taken away (testing/outage.ts).
import { ClapperError, createClapperClient, type OutageWait } from '@clapper/client';
import {
  createStudio,
  createTeamBot,
  startServerWithOutages,
  type TestServer,
} from '@clapper/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let outage: Awaited<ReturnType<typeof startServerWithOutages>>;
let server: TestServer;
let studio: Awaited<ReturnType<typeof createStudio>>;
let token: string;
let taskId: string;

beforeAll(async () => {
  outage = await startServerWithOutages();
  server = outage.server;
  studio = await createStudio(server);
  ({ token } = await createTeamBot(server, studio.project.id));
  taskId = (
    await studio.admin.tasks.create.mutate({
      entityId: studio.shot.id,
      taskTypeId: studio.animate.id,
    })
  ).id;
});
afterAll(async () => {
  await outage?.close();
});

/** A client that counts the requests it sends and records its outage callbacks. */
function countingClient(maxWaitMs?: number) {
  const sent: string[] = [];
  const waits: OutageWait[] = [];
  const resumed: number[] = [];
  const client = createClapperClient({
    url: server.url,
    token,
    fetch: (input, init) => {
      sent.push(`${init?.method ?? 'GET'} ${String(input)}`);
      return fetch(input, init);
    },
    retry: { maxWaitMs, onWait: (w) => waits.push(w), onResume: (ms) => resumed.push(ms) },
  });
  return { client, sent, waits, resumed };
}

const comments = async () =>
  (await studio.admin.comments.list.query({ taskId })).items.map((c) => c.text);

describe('the client through an outage', () => {
  it('sends a keyed mutation again until the database is back, and it lands once', async () => {
    const { client, sent, waits, resumed } = countingClient();
    await outage.goAway();
    const started = Date.now();
    const call = client.comments.add.mutate(
      { taskId, text: 'keyed' },
      { context: { idempotencyKey: `keyed-${taskId}` } },
    );
    // Until the first refusal has come back and its wait begun.
    while (waits.length === 0) await new Promise((r) => setTimeout(r, 20));
    await outage.comeBack();
    await call;
    expect(waits).toEqual([
      { status: 503, reason: 'database_unavailable', retryInMs: expect.any(Number) },
    ]);
    // Retry-After (2 s) between tries, not a tight loop.
    expect(sent.length).toBeGreaterThanOrEqual(2);
    expect(sent.length).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 1500) + 1);
    expect(resumed).toHaveLength(1);
    expect(await comments()).toEqual(['keyed']);
  });

  it('never sends a mutation without a key twice', async () => {
    const { client, sent, waits } = countingClient();
    await outage.goAway();
    try {
      const error = ClapperError.from(
        await client.comments.add.mutate({ taskId, text: 'unkeyed' }).catch((e: unknown) => e),
      );
      expect(error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', reason: 'database_unavailable' });
      expect(error.isOutage).toBe(true);
    } finally {
      await outage.comeBack();
    }
    expect(sent).toHaveLength(1);
    expect(waits).toEqual([]);
    expect(await comments()).toEqual(['keyed']);
  });

  it('gives up after maxWaitMs with the outage as the error', async () => {
    const { client, sent } = countingClient(1000);
    await outage.goAway();
    const started = Date.now();
    try {
      const error = ClapperError.from(
        await client.comments.add
          .mutate({ taskId, text: 'late' }, { context: { idempotencyKey: `late-${taskId}` } })
          .catch((e: unknown) => e),
      );
      expect(error.code).toBe('SERVICE_UNAVAILABLE');
    } finally {
      await outage.comeBack();
    }
    // One try, a wait cut to what is left of the second, one more try; SQLite's each take its
    // busy timeout.
    expect(sent.length).toBeLessThanOrEqual(2);
    expect(Date.now() - started).toBeLessThan(1000 + 2 * 6000);
    expect(await comments()).toEqual(['keyed']);
  });
});

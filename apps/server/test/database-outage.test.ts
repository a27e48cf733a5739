// A database that cannot serve a call answers 503 SERVICE_UNAVAILABLE with its reason and a
// Retry-After on every surface (502 on Kitsu's, which gazu raises on), never a 500, and the
// server serves again as soon as the database is back. PostgreSQL is taken away behind a TCP
// relay that resets its connections and refuses new ones; SQLite is held busy by another
// connection's write lock past its busy timeout.
import { DATABASE_WAIT_MS } from '@clapper/db';
import { testDialect } from '@clapper/db/testing';
import {
  type Client,
  createBot,
  createStudio,
  createTestClient,
  gazuCall,
  rawTrpc,
  restCall,
  startServerWithOutages,
  type TestServer,
  trpcError,
} from '@clapper/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const dialect = testDialect();
let outage: Awaited<ReturnType<typeof startServerWithOutages>>;
let server: TestServer;
let studio: Awaited<ReturnType<typeof createStudio>>;
let bot: Awaited<ReturnType<typeof createBot>>;
let client: Client;

beforeAll(async () => {
  outage = await startServerWithOutages();
  server = outage.server;
  studio = await createStudio(server);
  bot = await createBot(server, { role: 'manager' });
  client = createTestClient(server, bot.token);
  await studio.admin.projects.addMember.mutate({
    projectId: studio.project.id,
    personId: bot.bot.id,
  });
});
afterAll(async () => {
  await outage?.close();
});

/** SQLite's other writer: a connection of its own holding the write lock. */

const commentCount = async () =>
  (await studio.admin.comments.list.query({ taskId: taskId() })).items.length;
let task: { id: string } | undefined;
const taskId = () => task!.id;

/** Times a call: an outage is answered within the bounded wait, not after minutes. */
async function timed<T>(call: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await call();
  return [result, performance.now() - started];
}

describe(`a database outage (${dialect})`, () => {
  it('answers every write 503 database_unavailable with a Retry-After, then serves again', async () => {
    task = await studio.admin.tasks.create.mutate({
      entityId: studio.shot.id,
      taskTypeId: studio.animate.id,
      assigneeIds: [bot.bot.id],
    });
    await client.comments.add.mutate({ taskId: taskId(), text: 'before' });
    await outage.goAway();
    try {
      const [refused, ms] = await timed(() =>
        rawTrpc(server, 'comments.add', {
          method: 'POST',
          headers: { authorization: `Bearer ${bot.token}` },
          body: JSON.stringify({ json: { taskId: taskId(), text: 'during' } }),
        }),
      );
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(refused.json).toMatchObject({
        error: {
          json: {
            data: { code: 'SERVICE_UNAVAILABLE', reason: 'database_unavailable', httpStatus: 503 },
          },
        },
      });
      expect(ms).toBeLessThan(DATABASE_WAIT_MS + 3000);
      expect(server.logs.join('')).toContain('procedure refused: database outage');
    } finally {
      await outage.comeBack();
    }
    // Writes succeed again as soon as the database is back, and nothing of the refused one stayed.
    const [, back] = await timed(() =>
      client.comments.add.mutate({ taskId: taskId(), text: 'after' }),
    );
    expect(back).toBeLessThan(5000);
    expect(await commentCount()).toBe(2);
  });
});

if (dialect === 'postgres') {
  describe('PostgreSQL out of reach', () => {
    it('answers reads and writes 503 on tRPC, /api/v1 and /healthz, and 502 to gazu', async () => {
      // A bot whose token this server has never checked: no cache can answer for it.
      const cold = await createBot(server);
      await outage.goAway();
      try {
        const batch = await rawTrpc(
          server,
          `tasks.list,projects.byName?batch=1&input=${encodeURIComponent(
            JSON.stringify({
              0: { json: { projectId: studio.project.id, limit: 7 } },
              1: { json: { name: `nothing ${Date.now()}` } },
            }),
          )}`,
          { headers: { authorization: `Bearer ${bot.token}` } },
        );
        expect(batch.status).toBe(503);
        expect(batch.headers.get('retry-after')).toMatch(/^\d+$/);
        for (const item of batch.json as { error: { json: { data: unknown } } }[]) {
          expect(item.error.json.data).toMatchObject({
            code: 'SERVICE_UNAVAILABLE',
            reason: 'database_unavailable',
          });
        }

        const unchecked = await trpcError(createTestClient(server, cold.token).auth.me.query());
        expect(unchecked).toMatchObject({
          code: 'SERVICE_UNAVAILABLE',
          httpStatus: 503,
          reason: 'database_unavailable',
        });

        const rest = await restCall(server, 'POST', `/tasks/${taskId()}/comments`, {
          token: bot.token,
          body: { text: 'during, over REST' },
        });
        expect(rest.status).toBe(503);
        expect(rest.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(rest.body).toMatchObject({
          code: 'SERVICE_UNAVAILABLE',
          reason: 'database_unavailable',
        });

        const gazu = await gazuCall(server, 'GET', `data/projects?name=other-${Date.now()}`, {
          token: bot.token,
        });
        expect(gazu.status).toBe(502);
        expect(gazu.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(gazu.body).toMatchObject({
          error: true,
          code: 'SERVICE_UNAVAILABLE',
          reason: 'database_unavailable',
        });

        const health = await fetch(`${server.url}/healthz`);
        expect(health.status).toBe(503);
        expect(health.headers.get('retry-after')).toMatch(/^\d+$/);

        // No credential needs no database: still the refusal it always was.
        expect(await trpcError(createTestClient(server).auth.me.query())).toMatchObject({
          code: 'UNAUTHORIZED',
          reason: 'no_credential',
        });
      } finally {
        await outage.comeBack();
      }
      expect((await createTestClient(server, cold.token).auth.me.query()).id).toBe(cold.bot.id);
      expect(await commentCount()).toBe(2);
    });
  });
}

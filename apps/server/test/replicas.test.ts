import {
  adminClient,
  createBot,
  createStudio,
  createTestClient,
  login,
  startTestServer,
  subscribeEvents,
  type TestServer,
  trpcError,
} from '@clapper/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Two servers, A and B, on one database with one signing secret, as two replicas behind a
// load balancer. On PostgreSQL, B trusts its credential and read caches and skips its event poll
// for a minute: only A's NOTIFY can make it see a change within the second. On SQLite (one server per
// file is the supported setup) B keeps the defaults, and the cache's one-second life bounds it.
let a: TestServer;
let b: TestServer;
let budgetMs: number;

beforeAll(async () => {
  a = await startTestServer();
  const postgres = a.db.dialect === 'postgres';
  b = await startTestServer({
    db: a.db,
    secret: a.secret,
    config: postgres
      ? { credentialCacheTtlMs: 60_000, readCacheTtlMs: 60_000, eventPollMs: 60_000 }
      : {},
  });
  budgetMs = postgres ? 1000 : 1500;
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

/** Milliseconds until `token` is refused by B, polling every 20 ms; fails past the budget. */
async function refusedByB(token: string) {
  const started = Date.now();
  for (;;) {
    const outcome = await createTestClient(b, token)
      .auth.me.query()
      .then(
        () => null,
        (error: { data?: { code?: string } }) => error.data?.code,
      );
    if (outcome === 'UNAUTHORIZED') return Date.now() - started;
    if (Date.now() - started > budgetMs) throw new Error(`B still accepts after ${budgetMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A bot B has just verified (so its credential is in B's cache). */
async function botKnownToB() {
  const created = await createBot(a);
  expect((await createTestClient(b, created.token).auth.me.query()).id).toBe(created.bot.id);
  return created;
}

describe('two replicas on one database', () => {
  it('a token regenerated through A is refused by B within the second; the new one works on B', async () => {
    const { bot, token } = await botKnownToB();
    const { token: fresh } = await (await adminClient(a)).bots.regenerateToken.mutate({
      id: bot.id,
    });
    expect(await refusedByB(token)).toBeLessThanOrEqual(budgetMs);
    expect((await createTestClient(b, fresh).auth.me.query()).id).toBe(bot.id);
  });

  it('a bot deactivated, or deleted, through A is refused by B within the second', async () => {
    const admin = await adminClient(a);
    const off = await botKnownToB();
    await admin.bots.update.mutate({ id: off.bot.id, active: false });
    expect(await refusedByB(off.token)).toBeLessThanOrEqual(budgetMs);

    const gone = await botKnownToB();
    await admin.bots.delete.mutate({ id: gone.bot.id });
    expect(await refusedByB(gone.token)).toBeLessThanOrEqual(budgetMs);
  });

  it('a session signed out through A is refused by B within the second', async () => {
    const session = await login(a);
    expect((await createTestClient(b, session).auth.me.query()).kind).toBe('user');
    await createTestClient(a, session).auth.logout.mutate();
    expect(await refusedByB(session)).toBeLessThanOrEqual(budgetMs);
    expect(await trpcError(createTestClient(a, session).auth.me.query())).toMatchObject({
      code: 'UNAUTHORIZED',
    });
  });

  it('a subscriber on B receives, within the second, a comment written through A', async () => {
    const studio = await createStudio(a);
    const task = await studio.admin.tasks.create.mutate({
      entityId: studio.shot.id,
      taskTypeId: studio.animate.id,
    });
    const watcher = subscribeEvents(await adminClient(b), { types: ['comment.added'] });
    await watcher.ready;
    try {
      const sent = Date.now();
      await studio.admin.comments.add.mutate({ taskId: task.id, text: 'From replica A' });
      for (;;) {
        if (watcher.received.some((e) => e.data.taskId === task.id)) break;
        expect(Date.now() - sent, 'the comment did not reach B').toBeLessThanOrEqual(budgetMs);
        await new Promise((r) => setTimeout(r, 10));
      }
    } finally {
      watcher.stop();
    }
  });

  it('a bot taken off a team through A can no longer read the project on B within the second', async () => {
    const studio = await createStudio(a);
    const { bot, token } = await createBot(a, { role: 'manager' });
    await studio.admin.projects.addMember.mutate({
      projectId: studio.project.id,
      personId: bot.id,
    });
    const onB = createTestClient(b, token);
    // B now holds the project, its team and the bot's teams in its read cache.
    expect((await onB.projects.byName.query({ name: studio.project.name })).id).toBe(
      studio.project.id,
    );
    await studio.admin.projects.removeMember.mutate({
      projectId: studio.project.id,
      personId: bot.id,
    });
    const removed = Date.now();
    for (;;) {
      const code = await onB.projects.byName.query({ name: studio.project.name }).then(
        () => null,
        (error: { data?: { code?: string } }) => error.data?.code,
      );
      if (code === 'NOT_FOUND') break;
      expect(Date.now() - removed, 'B still shows the project').toBeLessThanOrEqual(budgetMs);
      await new Promise((r) => setTimeout(r, 20));
    }
  });

  it("a comment that moves a task's status through A shows in B's task list within the second", async () => {
    const studio = await createStudio(a);
    const task = await studio.admin.tasks.create.mutate({
      entityId: studio.shot.id,
      taskTypeId: studio.animate.id,
    });
    const onB = await adminClient(b);
    expect((await onB.tasks.list.query({ projectId: studio.project.id })).items[0]!.status.id).toBe(
      studio.statuses.todo!.id,
    );
    await studio.admin.comments.add.mutate({
      taskId: task.id,
      text: 'Done on A',
      statusId: studio.statuses.done!.id,
    });
    const sent = Date.now();
    for (;;) {
      const [listed] = (await onB.tasks.list.query({ projectId: studio.project.id })).items;
      if (listed!.status.id === studio.statuses.done!.id) break;
      expect(Date.now() - sent, 'B still lists the old status').toBeLessThanOrEqual(budgetMs);
      await new Promise((r) => setTimeout(r, 20));
    }
  });

  it('ignores what is not a well-formed message on the channel, and keeps listening', async () => {
    // On SQLite there is no channel and these go nowhere; B must still work either way.
    for (const payload of [
      'null',
      '5',
      'not json',
      '{"t":"reads","projects":5}',
      '{"t":"person"}',
    ]) {
      await a.services.reads.connection.notify('clapper', payload);
    }
    // B is still up, and still hears a real revocation within the second.
    const { bot, token } = await botKnownToB();
    await (await adminClient(a)).bots.update.mutate({ id: bot.id, active: false });
    expect(await refusedByB(token)).toBeLessThanOrEqual(budgetMs);
  });
});

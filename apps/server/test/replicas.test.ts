import {
  adminClient,
  createBot,
  createStudio,
  createTestClient,
  listenLikeGazu,
  login,
  startTestServer,
  subscribeEvents,
  type TestServer,
  testClock,
  trpcError,
  until,
} from '@clapper/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Two servers, A and B, on one database with one signing secret, as two replicas behind a
// load balancer. On PostgreSQL, B trusts its credential and read caches and skips its event poll
// for a minute: only A's NOTIFY can make it see a change within the second. On SQLite (one server per
// file is the supported setup) B keeps the defaults, and the caches' one-second life bounds it:
// there B's clock is moved on by that second rather than waited through.
let a: TestServer;
let b: TestServer;
let postgres: boolean;
const bClock = testClock();

beforeAll(async () => {
  a = await startTestServer();
  postgres = a.db.dialect === 'postgres';
  b = await startTestServer({
    db: a.db,
    secret: a.secret,
    now: bClock.now,
    config: postgres
      ? { credentialCacheTtlMs: 60_000, readCacheTtlMs: 60_000, eventPollMs: 60_000 }
      : {},
  });
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

/**
 * What `probe` returns once B has seen a change made through A, which it must within the second.
 * On PostgreSQL that is A's NOTIFY arriving (B's caches would trust what they hold for a
 * minute): `probe` is tried every 20 ms for a second. On SQLite, B's clock is moved on by its
 * caches' lifetime, at most a second, and `probe` must succeed at once.
 */
async function seenByB<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  if (!postgres) {
    const { credentialCacheTtlMs, readCacheTtlMs } = b.services.config;
    const lifetime = Math.max(credentialCacheTtlMs, readCacheTtlMs);
    expect(lifetime).toBeLessThanOrEqual(1000);
    bClock.advance(lifetime);
    const value = await probe();
    if (value === undefined) throw new Error(`B ${what} after its caches' ${lifetime} ms`);
    return value;
  }
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - started > 1000) throw new Error(`B ${what} after a second`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Resolves once B refuses `token` (see `seenByB`). */
const refusedByB = (token: string) =>
  seenByB('still accepts the token', () =>
    createTestClient(b, token)
      .auth.me.query()
      .then(
        () => undefined,
        (error: { data?: { code?: string } }) =>
          error.data?.code === 'UNAUTHORIZED' ? true : undefined,
      ),
  );

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
    await refusedByB(token);
    expect((await createTestClient(b, fresh).auth.me.query()).id).toBe(bot.id);
  });

  it('a bot deactivated, or deleted, through A is refused by B within the second', async () => {
    const admin = await adminClient(a);
    const off = await botKnownToB();
    await admin.bots.update.mutate({ id: off.bot.id, active: false });
    await refusedByB(off.token);

    const gone = await botKnownToB();
    await admin.bots.delete.mutate({ id: gone.bot.id });
    await refusedByB(gone.token);
  });

  it('a session signed out through A is refused by B within the second', async () => {
    const session = await login(a);
    expect((await createTestClient(b, session).auth.me.query()).kind).toBe('user');
    await createTestClient(a, session).auth.logout.mutate();
    await refusedByB(session);
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
      await studio.admin.comments.add.mutate({ taskId: task.id, text: 'From replica A' });
      // Not a cache: B reads the log when told (PostgreSQL) or on its half-second poll (SQLite),
      // a timer of its own, so this waits for the delivery (the slack is for a busy machine).
      await until(
        () => watcher.received.find((e) => e.data.taskId === task.id),
        postgres ? 1000 : 1500,
      );
    } finally {
      watcher.stop();
    }
  });

  it('a gazu listener on B hears, within the second, a comment written through A', async () => {
    const studio = await createStudio(a);
    const task = await studio.admin.tasks.create.mutate({
      entityId: studio.shot.id,
      taskTypeId: studio.animate.id,
    });
    const listener = listenLikeGazu(b, await login(b));
    await listener.connected;
    try {
      const comment = await studio.admin.comments.add.mutate({ taskId: task.id, text: 'To B' });
      const heard = await until(
        () => listener.heard.find((h) => h.payload.comment_id === comment.id),
        postgres ? 1000 : 1500,
      );
      expect(heard).toMatchObject({ name: 'comment:new', payload: { task_id: task.id } });
    } finally {
      listener.socket.close();
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
    await seenByB('still shows the project', () =>
      onB.projects.byName.query({ name: studio.project.name }).then(
        () => undefined,
        (error: { data?: { code?: string } }) =>
          error.data?.code === 'NOT_FOUND' ? true : undefined,
      ),
    );
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
    await seenByB('still lists the old status', async () => {
      const [listed] = (await onB.tasks.list.query({ projectId: studio.project.id })).items;
      return listed!.status.id === studio.statuses.done!.id ? true : undefined;
    });
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
    await refusedByB(token);
  });
});

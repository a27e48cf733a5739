import {
  adminClient,
  createBot,
  createShotWithTask,
  createStudio,
  createTeamBot,
  createTestClient,
  listenLikeGazu,
  login,
  startTcpRelay,
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

  it('a gazu listener on B is disconnected within the second when its token is regenerated through A', async () => {
    const { bot, token } = await botKnownToB();
    const listener = listenLikeGazu(b, token);
    await listener.connected;
    const ended = new Promise<string>((resolve) => listener.socket.once('disconnect', resolve));
    try {
      await (await adminClient(a)).bots.regenerateToken.mutate({ id: bot.id });
      // On SQLite B reads the log every half second, and its credential cache lapses on its clock.
      if (!postgres) bClock.advance(b.services.config.credentialCacheTtlMs);
      const stillConnected = new Promise<string>((resolve) =>
        setTimeout(() => resolve('still connected'), postgres ? 1000 : 1500),
      );
      // Socket.IO's goodbye: python-socketio does not come back with the old token.
      expect(await Promise.race([ended, stillConnected])).toBe('io server disconnect');
    } finally {
      listener.socket.close();
    }
  });

  /** Comments made through A, and what a listener on B hears of them once it has them all. */
  async function heardOnB(token: string, taskId: string, count: number) {
    const written: string[] = [];
    for (let i = 0; i < count; i++) {
      const comment = await studioOnA!.admin.comments.add.mutate({ taskId, text: `away ${i}` });
      written.push(comment.id);
    }
    const onB = listenLikeGazu(b, token);
    try {
      await onB.connected;
      const comments = () => onB.heard.filter((h) => h.name === 'comment:new');
      await until(() => (comments().length >= count ? true : undefined), 3000);
      // One more, live, and nothing twice.
      const live = await studioOnA!.admin.comments.add.mutate({ taskId, text: 'back' });
      await until(() => (comments().length > count ? true : undefined), 3000);
      return { written: [...written, live.id], heard: comments().map((h) => h.payload.comment_id) };
    } finally {
      onB.socket.close();
    }
  }
  let studioOnA: Awaited<ReturnType<typeof createStudio>> | undefined;

  it('a gazu listener whose server stops is not told goodbye, and on B hears what was written meanwhile', async () => {
    studioOnA ??= await createStudio(a);
    const c = await startTestServer({ db: a.db, secret: a.secret });
    const bot = await createTeamBot(a, studioOnA.project.id);
    const onC = listenLikeGazu(c, bot.token);
    await onC.connected;
    const { task } = await createShotWithTask(studioOnA, 'RESTART');
    await until(() => (onC.heard.some((h) => h.name === 'task:new') ? true : undefined), 3000);
    const reason = new Promise((resolve) => onC.socket.once('disconnect', resolve));
    await c.close();
    // python-socketio reconnects after a dropped transport, and gives up for good on a goodbye.
    expect(await reason).toBe('transport close');
    const { written, heard } = await heardOnB(bot.token, task.id, 20);
    expect(heard).toEqual(written);
  });

  it('a gazu listener whose link to one server died unnoticed hears on B what it had not received', async () => {
    studioOnA ??= await createStudio(a);
    const c = await startTestServer({
      db: a.db,
      secret: a.secret,
      config: { listenerSaveEveryMs: 50 },
    });
    const relay = await startTcpRelay(c);
    const bot = await createTeamBot(a, studioOnA.project.id);
    const onC = listenLikeGazu(c, bot.token, { url: relay.url });
    try {
      await onC.connected;
      const { task } = await createShotWithTask(studioOnA, 'UNNOTICED');
      await until(() => (onC.heard.some((h) => h.name === 'task:new') ? true : undefined), 3000);
      // C writes where its listener got to, then the link goes silent; C has not noticed when the
      // listener turns up on B (as after a crash of C, where nothing notices).
      await new Promise((resolve) => setTimeout(resolve, 500));
      relay.freeze();
      const { written, heard } = await heardOnB(bot.token, task.id, 5);
      expect(heard).toEqual(written);
    } finally {
      onC.socket.close();
      await relay.close();
      await c.close();
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

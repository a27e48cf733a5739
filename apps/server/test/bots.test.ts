import { Department, Person, ROLES } from '@clapper/db';
import {
  adminClient,
  type Client,
  changeBehindTheServer,
  createBot,
  createStudio,
  createTeamBot,
  createTestClient,
  createUser,
  databaseDump,
  login,
  startTestServer,
  type TestServer,
  trpcError,
} from '@clapper/server/testing';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let server: TestServer;
let admin: Client;
let departmentId: string;
/** How far the server's clock is ahead of the wall clock: a test moves it on (never back) instead of sleeping. */
let skew = 0;

beforeAll(async () => {
  server = await startTestServer({ now: () => new Date(Date.now() + skew) });
  admin = await adminClient(server);
  const em = server.orm.em.fork();
  const dept = em.create(Department, { name: 'Animation', color: '#ff8800' });
  await em.flush();
  departmentId = dept.id;
});
afterAll(() => server?.close());

const me = (token: string) => createTestClient(server, token).auth.me.query();
const meError = (token: string) => trpcError(me(token));
const botCount = async () => (await admin.bots.list.query({ limit: 500 })).items.length;
const today = () => new Date().toISOString().slice(0, 10);

describe('bots.create', () => {
  it('returns the bot and a token, once; the token authenticates as that bot', async () => {
    const { bot, token } = await admin.bots.create.mutate({
      name: 'Ingest bot',
      role: 'supervisor',
      departmentIds: [departmentId],
      expiresAt: '2099-03-31',
      active: true,
    });
    expect(bot).toMatchObject({
      kind: 'bot',
      name: 'Ingest bot',
      role: 'supervisor',
      email: null,
      active: true,
      expiresAt: '2099-03-31',
      expired: false,
      departments: [{ id: departmentId, name: 'Animation' }],
      createdBy: { kind: 'user', name: 'Administrator' },
    });
    expect(bot.tokenIssuedAt).toBeInstanceOf(Date);
    expect(bot.createdAt).toBeInstanceOf(Date);
    expect(await me(token)).toMatchObject({ id: bot.id, kind: 'bot', role: 'supervisor' });

    // No exp: the bot's expiry lives in its row, so moving it later extends this very token.
    expect(decodeJwt(token)).toMatchObject({ sub: bot.id, typ: 'bot' });
    expect(decodeJwt(token).exp).toBeUndefined();

    // Never again: not in get, list, the log, or any row of the database.
    expect(JSON.stringify(await admin.bots.get.query({ id: bot.id }))).not.toContain(token);
    expect(JSON.stringify(await admin.bots.list.query())).not.toContain(token);
    expect(server.logs.join('')).not.toContain(token);
    expect(await databaseDump(server)).not.toContain(token);
  });

  it("defaults the role to artist, departments to none, and the expiry to the studio's (365 days)", async () => {
    const { bot, token } = await admin.bots.create.mutate({ name: 'Defaults bot' });
    const inAYear = new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);
    expect(bot).toMatchObject({
      role: 'artist',
      departments: [],
      active: true,
      expiresAt: inAYear,
    });
    expect(decodeJwt(token).exp).toBeUndefined();
    expect(await admin.bots.defaults.query()).toEqual({
      days: 365,
      expiresAt: inAYear,
      maxLifetimeDays: null,
    });
    // Never, when asked for.
    const never = await admin.bots.create.mutate({ name: 'Forever bot', expiresAt: null });
    expect(never.bot.expiresAt).toBeNull();
  });

  it('accepts today as the expiry: the token is good through the end of the day', async () => {
    const { token } = await createBot(server, { expiresAt: today() });
    expect((await me(token)).expiresAt).toBe(today());
  });

  it('creates an inactive bot whose token is refused until it is activated', async () => {
    const { bot, token } = await createBot(server, { active: false });
    expect(await meError(token)).toMatchObject({
      code: 'UNAUTHORIZED',
      message: 'Bot is inactive',
    });
    await admin.bots.update.mutate({ id: bot.id, active: true });
    expect((await me(token)).id).toBe(bot.id);
  });

  it.each([
    ['an empty name', { name: '' }, 'name', 'BAD_REQUEST'],
    ['a blank name', { name: '   ' }, 'name', 'BAD_REQUEST'],
    ['a 101-character name', { name: 'x'.repeat(101) }, 'name', 'BAD_REQUEST'],
    ['an unknown role', { name: 'r', role: 'overlord' }, 'role', 'BAD_REQUEST'],
    [
      'a department that does not exist',
      { name: 'd', departmentIds: ['00000000-0000-7000-8000-000000000000'] },
      'departmentIds',
      'BAD_REQUEST',
    ],
    [
      'a department id that is not an id',
      { name: 'd', departmentIds: ['animation'] },
      'departmentIds.0',
      'BAD_REQUEST',
    ],
    ['an expiry in the past', { name: 'e', expiresAt: '2020-01-01' }, 'expiresAt', 'BAD_REQUEST'],
    [
      'an expiry that is not a date',
      { name: 'e', expiresAt: 'next tuesday' },
      'expiresAt',
      'BAD_REQUEST',
    ],
    ['an impossible date', { name: 'e', expiresAt: '2099-02-30' }, 'expiresAt', 'BAD_REQUEST'],
    ['active as a string', { name: 'a', active: 'yes' }, 'active', 'BAD_REQUEST'],
  ])('refuses %s, naming the field, and creates nothing', async (_label, input, field, code) => {
    const before = await botCount();
    // biome-ignore lint/suspicious/noExplicitAny: deliberately wrong input
    const error = await trpcError(admin.bots.create.mutate(input as any));
    expect(error).toMatchObject({ code, field });
    expect(error.message).toContain(field.split('.')[0]!);
    expect(await botCount()).toBe(before);
  });

  it('refuses a name another bot has with CONFLICT on name, but a user may share it', async () => {
    await admin.bots.create.mutate({ name: 'Render farm' });
    const before = await botCount();
    const error = await trpcError(admin.bots.create.mutate({ name: 'Render farm' }));
    expect(error).toMatchObject({ code: 'CONFLICT', httpStatus: 409, field: 'name' });
    expect(error.message).toBe('A bot named "Render farm" already exists');
    expect(await botCount()).toBe(before);
    await admin.users.create.mutate({
      email: 'render@studio.test',
      name: 'Render farm',
      password: 'long-enough-password',
    });
  });
});

describe('bots.update', () => {
  it('deactivating refuses the token on the next request; reactivating makes the same token work', async () => {
    const { bot, token } = await createBot(server);
    expect((await me(token)).id).toBe(bot.id);
    const updated = await admin.bots.update.mutate({ id: bot.id, active: false });
    expect(updated.active).toBe(false);
    expect(await meError(token)).toMatchObject({
      code: 'UNAUTHORIZED',
      message: 'Bot is inactive',
    });
    await admin.bots.update.mutate({ id: bot.id, active: true });
    expect((await me(token)).id).toBe(bot.id);
  });

  it('moving the expiry into the past refuses the token at once', async () => {
    const { bot, token } = await createBot(server, { expiresAt: '2099-01-01' });
    const updated = await admin.bots.update.mutate({ id: bot.id, expiresAt: '2020-06-01' });
    expect(updated).toMatchObject({ expiresAt: '2020-06-01', expired: true });
    expect(await meError(token)).toMatchObject({ code: 'UNAUTHORIZED', message: 'Token expired' });
  });

  it('a new role applies to the very next request', async () => {
    const { bot, token } = await createBot(server, { role: 'artist' });
    expect((await me(token)).role).toBe('artist');
    await admin.bots.update.mutate({
      id: bot.id,
      role: 'manager',
      name: 'Promoted bot',
      departmentIds: [departmentId],
    });
    expect(await me(token)).toMatchObject({
      role: 'manager',
      name: 'Promoted bot',
      departments: [{ id: departmentId }],
    });
  });

  it('refuses a rename onto another bot with CONFLICT, changing nothing', async () => {
    const a = await createBot(server);
    const b = await createBot(server);
    const error = await trpcError(
      admin.bots.update.mutate({ id: b.bot.id, name: a.bot.name, role: 'admin' }),
    );
    expect(error).toMatchObject({ code: 'CONFLICT', field: 'name' });
    expect(await admin.bots.get.query({ id: b.bot.id })).toMatchObject({
      name: b.bot.name,
      role: 'artist',
    });
  });

  it('is NOT_FOUND for an unknown id and for a user id', async () => {
    const user = await createUser(server);
    for (const id of ['00000000-0000-7000-8000-000000000000', user.id]) {
      expect(await trpcError(admin.bots.update.mutate({ id, active: false }))).toMatchObject({
        code: 'NOT_FOUND',
        message: 'Bot not found',
      });
    }
  });
});

describe('bots.regenerateToken', () => {
  it('gives a new token; the old one is refused at once', async () => {
    const { bot, token: old } = await createBot(server);
    const { token } = await admin.bots.regenerateToken.mutate({ id: bot.id });
    expect(token).not.toBe(old);
    expect(await meError(old)).toMatchObject({ code: 'UNAUTHORIZED', message: 'Token revoked' });
    expect((await me(token)).id).toBe(bot.id);
    expect(decodeJwt(token).jti).not.toBe(decodeJwt(old).jti);
  });

  it('keeps the bot expiry in its row, not in the new token', async () => {
    const { bot } = await createBot(server, { expiresAt: '2098-07-04' });
    const { token } = await admin.bots.regenerateToken.mutate({ id: bot.id });
    expect(decodeJwt(token).exp).toBeUndefined();
    expect(await me(token)).toMatchObject({ id: bot.id, expiresAt: '2098-07-04' });
  });

  it('graceMinutes: 0 behaves like no grace', async () => {
    const { bot, token: old } = await createBot(server);
    await admin.bots.regenerateToken.mutate({ id: bot.id, graceMinutes: 0 });
    expect(await meError(old)).toMatchObject({ message: 'Token revoked' });
  });

  it.each([
    [61, 'graceMinutes'],
    [-1, 'graceMinutes'],
    [1.5, 'graceMinutes'],
  ])(
    'refuses graceMinutes %s with BAD_REQUEST, keeping the old token',
    async (graceMinutes, field) => {
      const { bot, token } = await createBot(server);
      expect(
        await trpcError(admin.bots.regenerateToken.mutate({ id: bot.id, graceMinutes })),
      ).toMatchObject({ code: 'BAD_REQUEST', field });
      expect((await me(token)).id).toBe(bot.id);
    },
  );

  it('concurrent calls on one bot leave exactly one valid token', async () => {
    const { bot, token: original } = await createBot(server);
    const results = await Promise.all(
      Array.from({ length: 8 }, () => admin.bots.regenerateToken.mutate({ id: bot.id })),
    );
    const tokens = [original, ...results.map((r) => r.token)];
    const outcomes = await Promise.all(
      tokens.map((t) =>
        me(t).then(
          () => 'ok',
          () => 'refused',
        ),
      ),
    );
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
    expect(outcomes[0]).toBe('refused');
  });
});

describe('bots.delete', () => {
  it('deletes the bot: its token is refused, get is NOT_FOUND, and its events stay on record', async () => {
    const { bot, token } = await createBot(server);
    await me(token);
    expect(await admin.bots.delete.mutate({ id: bot.id })).toEqual({ ok: true, id: bot.id });
    expect(await meError(token)).toMatchObject({
      code: 'UNAUTHORIZED',
      message: 'Bot no longer exists',
    });
    expect(await trpcError(admin.bots.get.query({ id: bot.id }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await trpcError(admin.bots.delete.mutate({ id: bot.id }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    const events = await admin.events.list.query({ limit: 500 });
    expect(events.items.filter((e) => e.targetId === bot.id).map((e) => e.type)).toEqual([
      'bot.deleted',
      'bot.created',
    ]);
  });
});

describe('every refusal, for a bot of every role', () => {
  it.each(ROLES)('a %s bot: inactive, reactivated, expired, revoked, deleted', async (role) => {
    const { bot, token } = await createBot(server, { role, expiresAt: '2099-01-01' });
    expect(await me(token)).toMatchObject({ id: bot.id, role });

    await admin.bots.update.mutate({ id: bot.id, active: false });
    expect(await meError(token)).toMatchObject({
      code: 'UNAUTHORIZED',
      httpStatus: 401,
      message: 'Bot is inactive',
    });
    await admin.bots.update.mutate({ id: bot.id, active: true });
    expect((await me(token)).id).toBe(bot.id);

    await admin.bots.update.mutate({ id: bot.id, expiresAt: '2021-01-01' });
    expect(await meError(token)).toMatchObject({ code: 'UNAUTHORIZED', message: 'Token expired' });
    await admin.bots.update.mutate({ id: bot.id, expiresAt: '2099-01-01' });
    expect((await me(token)).id).toBe(bot.id);

    const issuedBefore = (await admin.bots.get.query({ id: bot.id })).tokenIssuedAt!;
    // A second later on the server's clock: a new token is issued at a later time, or not at all.
    skew += 1000;
    const { token: next } = await admin.bots.regenerateToken.mutate({ id: bot.id });
    expect(await meError(token)).toMatchObject({ code: 'UNAUTHORIZED', message: 'Token revoked' });
    expect((await admin.bots.get.query({ id: bot.id })).tokenIssuedAt!.getTime()).toBeGreaterThan(
      issuedBefore.getTime(),
    );

    await admin.bots.delete.mutate({ id: bot.id });
    expect(await meError(next)).toMatchObject({
      code: 'UNAUTHORIZED',
      message: 'Bot no longer exists',
    });
  });
});

describe('bots.list and bots.get', () => {
  it('pages with a cursor, every bot once', async () => {
    for (let i = 0; i < 5; i++) await createBot(server);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await admin.bots.list.query({ limit: 2, cursor });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((b) => b.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(await botCount());
  });

  it('refuses a limit over 500 and a cursor that is not one', async () => {
    expect(await trpcError(admin.bots.list.query({ limit: 501 }))).toMatchObject({
      code: 'BAD_REQUEST',
      field: 'limit',
    });
    expect(await trpcError(admin.bots.list.query({ limit: 5, cursor: 'abc' }))).toMatchObject({
      code: 'BAD_REQUEST',
      field: 'cursor',
    });
  });

  it('records lastUsedAt when the bot is used', async () => {
    const { bot, token } = await createBot(server);
    expect((await admin.bots.get.query({ id: bot.id })).lastUsedAt).toBeNull();
    await me(token);
    const after = await admin.bots.get.query({ id: bot.id });
    expect(after.lastUsedAt!.getTime()).toBeGreaterThan(Date.now() - 60_000);
  });
});

describe('who may manage bots', () => {
  // Thunks: each call starts only when the test awaits it.
  const everyBotsCall = (client: Client, id: string): Record<string, () => Promise<unknown>> => ({
    'bots.list': () => client.bots.list.query(),
    'bots.get': () => client.bots.get.query({ id }),
    'bots.create': () => client.bots.create.mutate({ name: `by a bot ${id}` }),
    'bots.update': () => client.bots.update.mutate({ id, role: 'admin' }),
    'bots.regenerateToken': () => client.bots.regenerateToken.mutate({ id }),
    'bots.delete': () => client.bots.delete.mutate({ id }),
  });

  it.each(ROLES)(
    'a %s bot gets FORBIDDEN on every bots route and on every user-only route',
    async (role) => {
      const { bot, token } = await createBot(server, { role });
      const client = createTestClient(server, token);
      const calls = {
        ...everyBotsCall(client, bot.id),
        'users.create': () =>
          client.users.create.mutate({
            email: `${role}@bot.test`,
            name: 'x',
            password: 'long-enough-pw',
          }),
        'users.update': () => client.users.update.mutate({ id: bot.id, role: 'admin' }),
        'auth.login': () =>
          client.auth.login.mutate({ email: 'admin@clapper.test', password: 'admin-password-1' }),
        'auth.logout': () => client.auth.logout.mutate(),
        'auth.changePassword': () =>
          client.auth.changePassword.mutate({ current: 'x', next: 'long-enough-pw' }),
      };
      for (const [path, call] of Object.entries(calls)) {
        const error = await trpcError(call());
        expect(error, path).toMatchObject({
          code: 'FORBIDDEN',
          httpStatus: 403,
          message: `${path} is limited to real users: bots cannot call it`,
        });
      }
      // It cannot raise its own role, and its token still works as before.
      expect(await me(token)).toMatchObject({ role, id: bot.id });
    },
  );

  it.each(ROLES.filter((r) => r !== 'admin'))(
    'a %s user gets FORBIDDEN on every bots route',
    async (role) => {
      const user = await createUser(server, { role });
      const client = createTestClient(server, await login(server, user));
      const { bot } = await createBot(server);
      for (const [path, call] of Object.entries(everyBotsCall(client, bot.id))) {
        expect(await trpcError(call()), path).toMatchObject({
          code: 'FORBIDDEN',
          message: `${path} needs the role admin; you are ${role}`,
        });
      }
    },
  );

  it('without a token every bots route is UNAUTHORIZED', async () => {
    const { bot } = await createBot(server);
    for (const [path, call] of Object.entries(everyBotsCall(createTestClient(server), bot.id))) {
      expect(await trpcError(call()), path).toMatchObject({ code: 'UNAUTHORIZED' });
    }
  });
});

describe('audit', () => {
  it('writes bot.created, bot.updated and bot.token_regenerated with the admin as actor', async () => {
    const { bot } = await createBot(server, { name: 'Audited bot' });
    await admin.bots.update.mutate({ id: bot.id, active: false });
    await admin.bots.regenerateToken.mutate({ id: bot.id, graceMinutes: 5 });
    const adminId = (await admin.auth.me.query()).id;
    const { items } = await admin.events.list.query({ actorId: adminId, limit: 500 });
    const mine = items.filter((e) => e.targetId === bot.id);
    expect(mine.map((e) => e.type)).toEqual([
      'bot.token_regenerated',
      'bot.updated',
      'bot.created',
    ]);
    expect(mine.every((e) => e.actorKind === 'user' && e.actorName === 'Administrator')).toBe(true);
    expect(mine[0]!.data).toEqual({ graceMinutes: 5 });
    expect(mine[1]!.data).toEqual({ changes: { active: { from: true, to: false } } });
    expect(JSON.stringify(items)).not.toMatch(/eyJ/);
  });

  it('events.list shows a non-admin bot only its own actions', async () => {
    // The bot acts on a task of a project's team, then leaves the team: of that project's
    // events it still sees its own, and none of the others'.
    const studio = await createStudio(server);
    const project = studio.project.id;
    const { bot, client } = await createTeamBot(server, project, { role: 'artist' });
    const task = await admin.tasks.create.mutate({
      entityId: studio.shot.id,
      taskTypeId: studio.animate.id,
      assigneeIds: [bot.id],
    });
    const comment = await client.comments.add.mutate({ taskId: task.id, text: 'rendered' });
    await admin.projects.removeMember.mutate({ projectId: project, personId: bot.id });
    await admin.comments.add.mutate({ taskId: task.id, text: 'thanks' });
    const { items } = await client.events.list.query({ limit: 500 });
    expect(items.map((e) => [e.type, e.actorId, e.targetId])).toEqual([
      ['comment.added', bot.id, comment.id],
    ]);
    // The others' events on that very task are there to be seen, by the admin.
    const others = (await admin.events.list.query({ projectId: project, limit: 500 })).items.filter(
      (e) => e.taskId === task.id && e.actorId !== bot.id,
    );
    expect(others.map((e) => e.type)).toEqual(['comment.added', 'task.created']);

    const all = await admin.events.list.query({ limit: 5 });
    expect(all.items.length).toBe(5);
    expect(all.nextCursor).not.toBeNull();
    const next = await admin.events.list.query({ limit: 5, cursor: all.nextCursor! });
    expect(next.items[0]!.id).toBeLessThan(all.items[4]!.id);
    const after = await admin.events.list.query({ after: all.items[1]!.id, order: 'asc' });
    expect(after.items.map((e) => e.id)).toEqual([all.items[0]!.id]);
  });
});

describe('a change made elsewhere', () => {
  it('is seen once the credential cache entry is gone', async () => {
    const { bot, token } = await createBot(server);
    await me(token);
    await changeBehindTheServer(server, bot.id, (em) =>
      em.nativeUpdate(Person, { id: bot.id }, { active: false }),
    );
    expect(await meError(token)).toMatchObject({ message: 'Bot is inactive' });
  });
});

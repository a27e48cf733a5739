import {
  createBot,
  createTestClient,
  createUser,
  login,
  rawTrpc,
  startTestServer,
  TEST_ADMIN,
  type TestServer,
  trpcError,
} from '@clapper/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

describe('auth.login', () => {
  it('signs in with the right password and returns a token that auth.me accepts', async () => {
    const result = await createTestClient(server).auth.login.mutate(TEST_ADMIN);
    expect(result.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(result.person).toMatchObject({ email: TEST_ADMIN.email, kind: 'user', role: 'admin' });
    const me = await createTestClient(server, result.token).auth.me.query();
    expect(me).toMatchObject({
      email: TEST_ADMIN.email,
      kind: 'user',
      role: 'admin',
      active: true,
    });
    expect(me.departments).toEqual([]);
  });

  it('gives the same UNAUTHORIZED message for an unknown email and a wrong password', async () => {
    const client = createTestClient(server);
    const wrongPassword = await trpcError(
      client.auth.login.mutate({ email: TEST_ADMIN.email, password: 'not-the-password' }),
    );
    const unknownEmail = await trpcError(
      client.auth.login.mutate({ email: 'nobody@clapper.test', password: 'not-the-password' }),
    );
    expect(wrongPassword).toMatchObject({ code: 'UNAUTHORIZED', httpStatus: 401 });
    expect(unknownEmail).toEqual(wrongPassword);
    expect(wrongPassword.message).toBe('Invalid email or password');
  });

  it('matches the email without regard to case or surrounding spaces', async () => {
    const token = await login(server, {
      email: `  ${TEST_ADMIN.email.toUpperCase()} `,
      password: TEST_ADMIN.password,
    });
    expect((await createTestClient(server, token).auth.me.query()).email).toBe(TEST_ADMIN.email);
  });

  it('refuses an inactive user even with the right password', async () => {
    const user = await createUser(server, { active: false });
    expect(await trpcError(createTestClient(server).auth.login.mutate(user))).toMatchObject({
      code: 'UNAUTHORIZED',
      message: 'User is inactive',
    });
  });

  it('sets an httpOnly, SameSite=Strict session cookie that authenticates the admin', async () => {
    const res = await rawTrpc(server, 'auth.login', {
      method: 'POST',
      body: JSON.stringify({ json: TEST_ADMIN }),
    });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^clapper_session=[\w.-]+;/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\//);

    const sessionCookie = cookie.split(';')[0]!;
    const me = await rawTrpc(server, 'auth.me', { headers: { cookie: sessionCookie } });
    expect(me.status).toBe(200);
    expect(JSON.stringify(me.json)).toContain(TEST_ADMIN.email);
  });

  it('is refused to a bot token, even an admin bot, as a route for real users', async () => {
    const bot = await createBot(server, { role: 'admin' });
    const error = await trpcError(
      createTestClient(server, bot.token).auth.login.mutate(TEST_ADMIN),
    );
    expect(error).toMatchObject({ code: 'FORBIDDEN', httpStatus: 403 });
    expect(error.message).toMatch(/real users/);
  });
});

describe('auth.me', () => {
  it('answers a bot with its kind, role and expiry', async () => {
    const bot = await createBot(server, { role: 'supervisor', expiresAt: '2099-12-31' });
    const me = await createTestClient(server, bot.token).auth.me.query();
    expect(me).toMatchObject({
      id: bot.bot.id,
      kind: 'bot',
      role: 'supervisor',
      email: null,
      expiresAt: '2099-12-31',
    });
  });

  it('is UNAUTHORIZED without a credential, saying how to send one', async () => {
    const error = await trpcError(createTestClient(server).auth.me.query());
    expect(error).toMatchObject({ code: 'UNAUTHORIZED', httpStatus: 401 });
    expect(error.message).toMatch(/Authorization: Bearer/);
  });

  it('records when the caller was last seen', async () => {
    const user = await createUser(server);
    const token = await login(server, user);
    const me = await createTestClient(server, token).auth.me.query();
    const again = await createTestClient(server, token).auth.me.query();
    expect(again.lastUsedAt).toBeInstanceOf(Date);
    expect(again.lastUsedAt!.getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(me.id).toBe(user.id);
  });
});

describe('auth.changePassword', () => {
  it('changes the password: the old one is then refused and the new one works', async () => {
    const user = await createUser(server);
    const token = await login(server, user);
    await createTestClient(server, token).auth.changePassword.mutate({
      current: user.password,
      next: 'a-brand-new-password',
    });
    expect(await trpcError(login(server, user))).toMatchObject({
      code: 'UNAUTHORIZED',
      message: 'Invalid email or password',
    });
    const newToken = await login(server, { email: user.email, password: 'a-brand-new-password' });
    expect((await createTestClient(server, newToken).auth.me.query()).id).toBe(user.id);
    // The session that made the change stays signed in.
    expect((await createTestClient(server, token).auth.me.query()).id).toBe(user.id);
  });

  it('signs out every other session of that user', async () => {
    const user = await createUser(server);
    const other = await login(server, user);
    const current = await login(server, user);
    await createTestClient(server, current).auth.changePassword.mutate({
      current: user.password,
      next: 'another-new-password',
    });
    expect(await trpcError(createTestClient(server, other).auth.me.query())).toMatchObject({
      code: 'UNAUTHORIZED',
      message: 'Session ended: sign in again',
    });
  });

  it('refuses a wrong current password as BAD_REQUEST on the field current, changing nothing', async () => {
    const user = await createUser(server);
    const token = await login(server, user);
    const error = await trpcError(
      createTestClient(server, token).auth.changePassword.mutate({
        current: 'wrong-password',
        next: 'whatever-password',
      }),
    );
    expect(error).toMatchObject({ code: 'BAD_REQUEST', field: 'current' });
    expect(await login(server, user)).toBeTypeOf('string');
  });

  it('refuses a short new password as BAD_REQUEST naming the field next', async () => {
    const user = await createUser(server);
    const token = await login(server, user);
    const error = await trpcError(
      createTestClient(server, token).auth.changePassword.mutate({
        current: user.password,
        next: 'short',
      }),
    );
    expect(error).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400, field: 'next' });
    expect(error.message).toMatch(/^next: /);
    expect(await login(server, user)).toBeTypeOf('string');
  });

  it('is FORBIDDEN to bots of every role', async () => {
    for (const role of ['admin', 'manager', 'supervisor', 'artist', 'client', 'vendor'] as const) {
      const bot = await createBot(server, { role });
      const error = await trpcError(
        createTestClient(server, bot.token).auth.changePassword.mutate({
          current: 'x',
          next: 'long-enough-password',
        }),
      );
      expect(error, role).toMatchObject({ code: 'FORBIDDEN', httpStatus: 403 });
      expect(error.message).toBe(
        'auth.changePassword is limited to real users: bots cannot call it',
      );
    }
  });
});

describe('auth.logout', () => {
  it('ends that session: its token is refused afterwards, other sessions live on', async () => {
    const user = await createUser(server);
    const first = await login(server, user);
    const second = await login(server, user);
    await createTestClient(server, first).auth.logout.mutate();
    expect(await trpcError(createTestClient(server, first).auth.me.query())).toMatchObject({
      code: 'UNAUTHORIZED',
      message: 'Session ended: sign in again',
    });
    expect((await createTestClient(server, second).auth.me.query()).id).toBe(user.id);
  });

  it('clears the session cookie', async () => {
    const token = await login(server);
    const res = await rawTrpc(server, 'auth.logout', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toMatch(/^clapper_session=;.*Expires=Thu, 01 Jan 1970/);
  });

  it('is FORBIDDEN to a bot', async () => {
    const bot = await createBot(server, { role: 'admin' });
    expect(await trpcError(createTestClient(server, bot.token).auth.logout.mutate())).toMatchObject(
      {
        code: 'FORBIDDEN',
        message: 'auth.logout is limited to real users: bots cannot call it',
      },
    );
  });
});

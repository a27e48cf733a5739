import { createTokenService } from '@clapper/api';
import { newId, Person, Session } from '@clapper/db';
import {
  adminClient,
  changeBehindTheServer,
  createBot,
  createTestClient,
  createUser,
  login,
  rawTrpc,
  startTestServer,
  type TestServer,
  testClock,
  trpcError,
} from '@clapper/server/testing';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const meWith = (token: string) => trpcError(createTestClient(server, token).auth.me.query());
const unauthorized = (message: string | RegExp) => ({
  code: 'UNAUTHORIZED',
  httpStatus: 401,
  message: typeof message === 'string' ? message : expect.stringMatching(message),
});

describe('forged and broken tokens are UNAUTHORIZED, never a 500', () => {
  it('refuses alg: none', async () => {
    const bot = await createBot(server, { role: 'admin' });
    const [, payload] = bot.token.split('.');
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`;
    expect(await meWith(unsigned)).toMatchObject(unauthorized('Token algorithm not allowed'));
  });

  it('refuses an algorithm outside the allow list, even with the right key', async () => {
    const bot = await createBot(server);
    const [, payload] = bot.token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const hs512 = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS512' })
      .sign(new TextEncoder().encode(server.secret));
    expect(await meWith(hs512)).toMatchObject(unauthorized('Token algorithm not allowed'));
  });

  it("refuses a tampered payload: one bot's signature over another person's id", async () => {
    const artist = await createBot(server, { role: 'artist' });
    const admin = await createBot(server, { role: 'admin' });
    const [header, payload, signature] = artist.token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const tampered = `${header}.${b64({ ...claims, sub: admin.bot.id })}.${signature}`;
    expect(await meWith(tampered)).toMatchObject(unauthorized('Invalid token signature'));
  });

  it('refuses a token signed with a wrong key', async () => {
    const bot = await createBot(server);
    const em = server.orm.em.fork();
    const person = await em.findOneOrFail(Person, { id: bot.bot.id });
    const forged = await createTokenService({ secret: 'x'.repeat(48) }).issue({
      personId: person.id,
      tokenId: person.tokenId!,
      kind: 'bot',
    });
    expect(await meWith(forged)).toMatchObject(unauthorized('Invalid token signature'));
  });

  const signed = (claims: { typ: 'user' | 'bot'; sub: string; jti: string; exp: number }) =>
    new SignJWT({ typ: claims.typ })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.sub)
      .setJti(claims.jti)
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(claims.exp)
      .sign(new TextEncoder().encode(server.secret));

  it("refuses a user's token whose exp has passed", async () => {
    const user = await createUser(server);
    const { token } = await createTestClient(server).auth.login.mutate({
      email: user.email,
      password: user.password,
    });
    const { jti } = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
    const expired = await signed({
      typ: 'user',
      sub: user.id,
      jti,
      exp: Math.floor(Date.now() / 1000) - 3600,
    });
    expect(await meWith(expired)).toMatchObject(unauthorized('Token expired'));
  });

  it("a bot's expiry is its row's: an exp in its token is ignored, the row's date decides at once", async () => {
    const admin = await adminClient(server);
    const bot = await createBot(server);
    const person = await server.orm.em.fork().findOneOrFail(Person, { id: bot.bot.id });
    // A token issued when bots carried their expiry in `exp`, which has passed since.
    const old = await signed({
      typ: 'bot',
      sub: person.id,
      jti: person.tokenId!,
      exp: Math.floor(Date.now() / 1000) - 3600,
    });
    expect((await createTestClient(server, old).auth.me.query()).id).toBe(person.id);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    await admin.bots.update.mutate({ id: person.id, expiresAt: yesterday });
    expect(await meWith(old)).toMatchObject({
      ...unauthorized('Token expired'),
      reason: 'bot_expired',
    });
    await admin.bots.update.mutate({ id: person.id, expiresAt: '2099-12-31' });
    expect((await createTestClient(server, old).auth.me.query()).id).toBe(person.id);
  });

  it('refuses a well-signed token whose claims are not ours', async () => {
    const odd = await new SignJWT({ typ: 'robot' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('not-a-uuid')
      .setIssuedAt()
      .sign(new TextEncoder().encode(server.secret));
    expect(await meWith(odd)).toMatchObject(unauthorized(/^Malformed token/));
  });

  it('refuses a session token whose session was never created', async () => {
    const user = await createUser(server);
    const token = await createTokenService({ secret: server.secret }).issue({
      personId: user.id,
      tokenId: newId(),
      kind: 'user',
    });
    expect(await meWith(token)).toMatchObject(unauthorized('Session ended: sign in again'));
  });

  it('refuses an expired session', async () => {
    const user = await createUser(server);
    const token = await login(server, user);
    await createTestClient(server, token).auth.me.query();
    await changeBehindTheServer(server, user.id, (em) =>
      em.nativeUpdate(Session, { person: user.id }, { expiresAt: new Date(Date.now() - 1000) }),
    );
    expect(await meWith(token)).toMatchObject(unauthorized('Session expired: sign in again'));
  });

  it('refuses a session of a user deactivated after signing in', async () => {
    const user = await createUser(server);
    const token = await login(server, user);
    await (await adminClient(server)).users.update.mutate({ id: user.id, active: false });
    expect(await meWith(token)).toMatchObject(unauthorized('User is inactive'));
  });

  it.each([
    ['an empty bearer', 'Bearer '],
    ['Basic auth', `Basic ${Buffer.from('admin:admin').toString('base64')}`],
    ['random text', 'hello there'],
    ['a bearer of garbage', 'Bearer not.a.token'],
    [
      'a bearer of binary noise',
      `Bearer ${Buffer.from('\u0000\u00ff\u0010').toString('base64url')}`,
    ],
    ['a huge bearer', `Bearer ${'a'.repeat(10_000)}`],
    ['three dots', 'Bearer ...'],
    ['non-JSON segments', 'Bearer aGVsbG8.d29ybGQ.c2ln'],
  ])('refuses %s in the Authorization header', async (_label, authorization) => {
    const res = await rawTrpc(server, 'auth.me', { headers: { authorization } });
    expect(res.status).toBe(401);
    expect(JSON.stringify(res.json)).toContain('UNAUTHORIZED');
  });
});

describe("expiry is the server's clock's to decide", () => {
  // Midday, far from the wall clock's date: every check below must read the server's clock.
  const clock = testClock(Date.UTC(2030, 5, 15, 12));
  let timed: TestServer;
  beforeAll(async () => {
    timed = await startTestServer({ now: clock.now });
  });
  afterAll(() => timed?.close());
  const me = (token: string) => createTestClient(timed, token).auth.me.query();

  it("refuses a user's token once the clock passes its exp, whether seen before or not", async () => {
    const user = await createUser(timed);
    const seen = await login(timed, user);
    const unseen = await login(timed, user);
    const { sessionTtlMs } = timed.services.config;
    expect(JSON.parse(Buffer.from(seen.split('.')[1]!, 'base64url').toString())).toMatchObject({
      iat: clock.ms() / 1000,
      exp: (clock.ms() + sessionTtlMs) / 1000,
    });
    expect((await me(seen)).id).toBe(user.id);

    clock.advance(sessionTtlMs - 1000);
    expect((await me(seen)).id).toBe(user.id);
    clock.advance(1000);
    // Remembered since its first use: its exp is checked without the signature.
    expect(await trpcError(me(seen))).toMatchObject({
      ...unauthorized('Token expired'),
      reason: 'token_expired',
    });
    // Never shown before: jose's own check, before the session's row is read.
    expect(await trpcError(me(unseen))).toMatchObject({
      ...unauthorized('Token expired'),
      reason: 'token_expired',
    });
  });

  it('refuses a bot once the clock passes the end of its expiry day, UTC', async () => {
    const at = clock.ms();
    const today = new Date(at).toISOString().slice(0, 10);
    const { bot, token } = await createBot(timed, { expiresAt: today });
    expect((await me(token)).id).toBe(bot.id);
    const lastMs = new Date(`${today}T23:59:59.999Z`).getTime();
    clock.advance(lastMs - at - 1);
    expect((await me(token)).id).toBe(bot.id);
    clock.advance(1);
    expect(await trpcError(me(token))).toMatchObject({
      ...unauthorized('Token expired'),
      reason: 'bot_expired',
    });
  });
});

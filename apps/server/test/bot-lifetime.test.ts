import {
  adminClient,
  createBot,
  createTestClient,
  rawTrpc,
  startTestServer,
  type TestClock,
  type TestServer,
  testClock,
  trpcError,
} from '@clapper/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** The UTC day `offset` days after `clock`'s. */
const day = (clock: TestClock, offset: number) =>
  new Date(clock.ms() + offset * 86_400_000).toISOString().slice(0, 10);

describe('rotation with a grace period (server clock under test control)', () => {
  let server: TestServer;
  const clock = testClock(Date.now());
  beforeAll(async () => {
    server = await startTestServer({ now: clock.now });
  });
  afterAll(() => server?.close());

  it('keeps the old token working until graceMinutes have passed, then refuses it', async () => {
    const admin = await adminClient(server);
    const { bot, token: old } = await createBot(server);
    const { token, previousTokenValidUntil } = await admin.bots.regenerateToken.mutate({
      id: bot.id,
      graceMinutes: 10,
    });
    expect(previousTokenValidUntil!.getTime()).toBe(clock.ms() + 10 * 60_000);
    const me = (t: string) => createTestClient(server, t).auth.me.query();
    expect((await me(old)).id).toBe(bot.id);
    expect((await me(token)).id).toBe(bot.id);

    clock.advance(9 * 60_000);
    expect((await me(old)).id).toBe(bot.id);
    clock.advance(61_000);
    expect(await trpcError(me(old))).toMatchObject({
      code: 'UNAUTHORIZED',
      message: 'Token revoked',
    });
    expect((await me(token)).id).toBe(bot.id);
  });

  it('a second rotation ends the grace of the first', async () => {
    const admin = await adminClient(server);
    const { bot, token: first } = await createBot(server);
    await admin.bots.regenerateToken.mutate({ id: bot.id, graceMinutes: 30 });
    await admin.bots.regenerateToken.mutate({ id: bot.id, graceMinutes: 30 });
    expect(await trpcError(createTestClient(server, first).auth.me.query())).toMatchObject({
      message: 'Token revoked',
    });
  });
});

describe('CLAPPER_BOT_MAX_LIFETIME_DAYS=30', () => {
  let server: TestServer;
  // Still, so the test's days and the server's agree even across midnight UTC.
  const clock = testClock(Date.now());
  beforeAll(async () => {
    server = await startTestServer({ now: clock.now, config: { botMaxLifetimeDays: 30 } });
  });
  afterAll(() => server?.close());

  it('requires an expiry at most 30 days ahead, on create and on update', async () => {
    const admin = await adminClient(server);
    expect(
      await trpcError(admin.bots.create.mutate({ name: 'forever', expiresAt: null })),
    ).toMatchObject({
      code: 'BAD_REQUEST',
      field: 'expiresAt',
      message: expect.stringContaining('at most 30 days'),
    });
    // Named no expiry, a bot gets the studio default, held to the maximum.
    const defaulted = await admin.bots.create.mutate({ name: 'defaulted' });
    expect(defaulted.bot.expiresAt).toBe(day(clock, 30));
    expect(await admin.bots.defaults.query()).toEqual({
      days: 30,
      expiresAt: day(clock, 30),
      maxLifetimeDays: 30,
    });
    expect(
      await trpcError(admin.bots.create.mutate({ name: 'too long', expiresAt: day(clock, 31) })),
    ).toMatchObject({
      code: 'BAD_REQUEST',
      field: 'expiresAt',
    });
    const { bot } = await admin.bots.create.mutate({ name: 'month', expiresAt: day(clock, 30) });
    expect(
      await trpcError(admin.bots.update.mutate({ id: bot.id, expiresAt: null })),
    ).toMatchObject({
      field: 'expiresAt',
    });
    expect(
      await trpcError(admin.bots.update.mutate({ id: bot.id, expiresAt: day(clock, 45) })),
    ).toMatchObject({
      field: 'expiresAt',
    });
    expect((await admin.bots.get.query({ id: bot.id })).expiresAt).toBe(day(clock, 30));
  });
});

describe('CLAPPER_RATE_LIMIT=5', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ rateLimitPerMinute: 5 });
  });
  afterAll(() => server?.close());

  it('answers the sixth request of a token in a minute TOO_MANY_REQUESTS with Retry-After; other tokens go on', async () => {
    // Sign-in and bot creation spend the admin token's budget, not the bots'.
    const a = await createBot(server);
    const b = await createBot(server);
    const client = createTestClient(server, a.token);
    for (let i = 0; i < 5; i++) await client.auth.me.query();
    expect(await trpcError(client.auth.me.query())).toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      httpStatus: 429,
      message: expect.stringMatching(/^Rate limit of 5 requests a minute reached/),
    });
    const raw = await rawTrpc(server, 'auth.me', {
      headers: { authorization: `Bearer ${a.token}` },
    });
    expect(raw.status).toBe(429);
    expect(Number(raw.headers.get('retry-after'))).toBeGreaterThan(0);
    const batch = await rawTrpc(server, 'auth.me,auth.me?batch=1', {
      headers: { authorization: `Bearer ${a.token}` },
    });
    expect(batch.status).toBe(429);
    expect(batch.json).toHaveLength(2);
    expect((await createTestClient(server, b.token).auth.me.query()).id).toBe(b.bot.id);
    // A forged token cannot spend a's budget nor b's.
    const forged = await rawTrpc(server, 'auth.me', {
      headers: { authorization: `Bearer ${b.token}x` },
    });
    expect(forged.status).toBe(401);
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
  });
});

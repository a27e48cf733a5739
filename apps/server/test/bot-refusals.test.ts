/**
 * Refused attempts per bot (issue #14): a bot's own token turned away (revoked, inactive,
 * expired) is counted for its admins, in memory, and written at most once a minute, so a
 * script hammering a revoked token costs no write per request.
 */
import {
  adminClient,
  type Client,
  createBot,
  createTestClient,
  startTestServer,
  type TestServer,
  testClock,
  trpcError,
} from '@clapper/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let server: TestServer;
let admin: Client;
// Still unless a test moves it on: a bot's minute is the server's clock's.
const clock = testClock(Date.now());
beforeAll(async () => {
  server = await startTestServer({ countQueries: true, now: clock.now });
  admin = await adminClient(server);
});
afterAll(() => server?.close());

const refusalWrites = () =>
  server.queries.filter((sql) => /update people set refused_count/.test(sql)).length;

describe('refused attempts of a bot', () => {
  it('counts a revoked token, writing the first at once and the rest together, never per request', async () => {
    const { bot, token: old } = await createBot(server);
    await admin.bots.regenerateToken.mutate({ id: bot.id });
    expect((await admin.bots.get.query({ id: bot.id })).refusals).toBeNull();

    const writesBefore = refusalWrites();
    for (let i = 0; i < 25; i++) {
      expect(await trpcError(createTestClient(server, old).auth.me.query())).toMatchObject({
        reason: 'token_revoked',
      });
    }
    // The first refusal is written at once; the other 24 wait for the bot's minute.
    await expect
      .poll(async () => (await admin.bots.get.query({ id: bot.id })).refusals)
      .toMatchObject({ count: 1, lastReason: 'token_revoked' });
    expect(refusalWrites() - writesBefore).toBe(1);

    await server.services.refusals.flush();
    const { refusals } = await admin.bots.get.query({ id: bot.id });
    expect(refusals).toMatchObject({ count: 25, lastReason: 'token_revoked' });
    expect(refusals!.since!.getTime()).toBeLessThanOrEqual(refusals!.lastAt!.getTime());
    expect(refusalWrites() - writesBefore).toBe(2);
  });

  it("writes what waited at the bot's next refusal once its minute is over by the server's clock", async () => {
    const { bot, token: old } = await createBot(server);
    await admin.bots.regenerateToken.mutate({ id: bot.id });
    const refuse = async () =>
      expect(await trpcError(createTestClient(server, old).auth.me.query())).toMatchObject({
        reason: 'token_revoked',
      });
    const refusals = async () => (await admin.bots.get.query({ id: bot.id })).refusals;
    const writesBefore = refusalWrites();
    for (let i = 0; i < 3; i++) await refuse();
    await expect.poll(refusals).toMatchObject({ count: 1 });

    clock.advance(59_999);
    await refuse(); // still within the minute: it waits with the other two
    clock.advance(1);
    await refuse(); // the minute is over: this one and the three that waited go together
    await expect.poll(refusals).toMatchObject({ count: 5, lastReason: 'token_revoked' });
    expect(refusalWrites() - writesBefore).toBe(2);
  });

  it('counts an inactive or expired bot too, but not a forged token or a user', async () => {
    const { bot, token } = await createBot(server);
    await admin.bots.update.mutate({ id: bot.id, active: false });
    await trpcError(createTestClient(server, token).auth.me.query());
    // A forged signature names the bot but proves nothing: not counted against it.
    const [header, payload] = token.split('.');
    await trpcError(createTestClient(server, `${header}.${payload}.forged`).auth.me.query());
    await server.services.refusals.flush();
    expect((await admin.bots.get.query({ id: bot.id })).refusals).toMatchObject({
      count: 1,
      lastReason: 'bot_inactive',
    });

    await admin.bots.update.mutate({ id: bot.id, active: true, expiresAt: '2020-01-01' });
    await trpcError(createTestClient(server, token).auth.me.query());
    await server.services.refusals.flush();
    expect((await admin.bots.get.query({ id: bot.id })).refusals).toMatchObject({
      count: 2,
      lastReason: 'bot_expired',
    });

    // A new token starts the count again.
    await admin.bots.regenerateToken.mutate({ id: bot.id });
    expect((await admin.bots.get.query({ id: bot.id })).refusals).toBeNull();
  });
});

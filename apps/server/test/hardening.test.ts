import type { AppRouter } from '@clapper/api';
import { Person } from '@clapper/db';
import {
  adminClient,
  createBot,
  createStudio,
  createTestClient,
  createUser,
  login,
  rawTrpc,
  startTestServer,
  type TestServer,
  trpcError,
} from '@clapper/server/testing';
import { createTRPCClient, httpBatchLink, httpLink } from '@trpc/client';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ config: { seatLimit: 3 } });
});
afterAll(() => server?.close());

describe('batches', () => {
  it('refuses more than 50 calls in one request with a 400', async () => {
    const token = await login(server);
    const paths = (n: number) => Array.from({ length: n }, () => 'auth.me').join(',');
    const ok = await rawTrpc(server, `${paths(50)}?batch=1`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(ok.status).toBe(200);
    const tooMany = await rawTrpc(server, `${paths(51)}?batch=1`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(tooMany.status).toBe(400);
  });

  it('a failed call in a batch leaves nothing for another call to save', async () => {
    const token = await login(server);
    const batch = createTRPCClient<AppRouter>({
      links: [
        httpBatchLink({
          url: `${server.url}/trpc`,
          transformer: superjson,
          headers: { authorization: `Bearer ${token}` },
        }),
      ],
    });
    const admin = await adminClient(server);
    const u = await admin.users.create.mutate({
      email: 'u@batch.test',
      name: 'U',
      password: 'u-password',
      active: false,
    });
    const v = await admin.users.create.mutate({
      email: 'v@batch.test',
      name: 'V',
      password: 'v-password',
    });
    const [first, second] = await Promise.allSettled([
      batch.users.update.mutate({
        id: u.id,
        active: true,
        departmentIds: ['00000000-0000-7000-8000-000000000000'],
      }),
      batch.users.update.mutate({ id: v.id, password: 'v-new-password' }),
    ]);
    expect(first.status).toBe('rejected');
    expect(second.status).toBe('fulfilled');
    const users = (await admin.users.list.query()).items;
    expect(users.find((x) => x.id === u.id)!.active).toBe(false);
  });

  it('a check that fails after a change was assigned saves none of it', async () => {
    const admin = await adminClient(server);
    const me = await admin.auth.me.query();
    expect(
      await trpcError(
        admin.users.update.mutate({ id: me.id, email: 'renamed@clapper.test', active: false }),
      ),
    ).toMatchObject({
      code: 'BAD_REQUEST',
      field: 'active',
    });
    expect((await admin.auth.me.query()).email).toBe(me.email);
  });
});

describe('sign-in throttling', () => {
  // Each test signs in from an address of its own (relayed as X-Forwarded-For): the per-address
  // budget one spends is never another's.
  let throttled: TestServer;
  beforeAll(async () => {
    throttled = await startTestServer({
      config: { loginAttemptsPerMinute: 12 },
      trustProxy: true,
    });
  });
  afterAll(() => throttled?.close());

  const from = (address: string) =>
    createTRPCClient<AppRouter>({
      links: [
        httpLink({
          url: `${throttled.url}/trpc`,
          transformer: superjson,
          headers: { 'x-forwarded-for': address },
        }),
      ],
    });

  it('locks an email after 10 wrong passwords, even for the right one, without touching other emails', async () => {
    const user = await createUser(throttled);
    const other = await createUser(throttled);
    const client = from('203.0.113.1');
    for (let i = 0; i < 10; i++) {
      expect(
        await trpcError(client.auth.login.mutate({ email: user.email, password: `wrong-${i}` })),
      ).toMatchObject({
        code: 'UNAUTHORIZED',
      });
    }
    const locked = await trpcError(client.auth.login.mutate(user));
    expect(locked).toMatchObject({ code: 'TOO_MANY_REQUESTS', httpStatus: 429 });
    expect(locked.message).toMatch(/^Too many sign-in attempts: retry in \d+ seconds$/);
    // Another email, from the same address, in the same minute: a wrong password is only wrong,
    // and the right one signs in.
    expect(
      await trpcError(client.auth.login.mutate({ email: other.email, password: 'wrong' })),
    ).toMatchObject({ code: 'UNAUTHORIZED' });
    const signedIn = await client.auth.login.mutate(other);
    expect(signedIn.person.id).toBe(other.id);
    expect(await trpcError(client.auth.login.mutate(user))).toMatchObject({
      code: 'TOO_MANY_REQUESTS',
    });
  });

  it('caps attempts from one address at 12 a minute: the 12th goes through, the 13th is refused', async () => {
    const user = await createUser(throttled);
    const client = from('203.0.113.2');
    for (let i = 1; i <= 11; i++) {
      expect(
        await trpcError(client.auth.login.mutate({ email: `nobody${i}@x.test`, password: 'x' })),
        `attempt ${i}`,
      ).toMatchObject({ code: 'UNAUTHORIZED' });
    }
    expect((await client.auth.login.mutate(user)).person.id).toBe(user.id);
    const refused = await trpcError(client.auth.login.mutate(user));
    expect(refused).toMatchObject({ code: 'TOO_MANY_REQUESTS', httpStatus: 429 });
    expect(refused.message).toMatch(/^Too many sign-in attempts: retry in \d+ seconds$/);
    // The cap is the address's: another one still signs in.
    expect((await from('203.0.113.3').auth.login.mutate(user)).person.id).toBe(user.id);
  });
});

describe('numbers and dates at the edges are BAD_REQUEST, never a 500', () => {
  it.each([
    [
      'events.list after 2^31',
      (c: ReturnType<typeof createTestClient>) => c.events.list.query({ after: 2 ** 31 }),
      'after',
    ],
    [
      'events.list with an 11-digit cursor',
      (c: ReturnType<typeof createTestClient>) => c.events.list.query({ cursor: '99999999999' }),
      'cursor',
    ],
    [
      'bots.create expiring in year 0',
      (c: ReturnType<typeof createTestClient>) =>
        c.bots.create.mutate({ name: 'y0', expiresAt: '0000-01-01' }),
      'expiresAt',
    ],
    [
      'bots.create expiring in year 10000',
      (c: ReturnType<typeof createTestClient>) =>
        c.bots.create.mutate({ name: 'y10k', expiresAt: new Date('+010000-01-01') }),
      'expiresAt',
    ],
  ])('%s', async (_label, call, field) => {
    const admin = createTestClient(server, await login(server));
    expect(await trpcError(call(admin))).toMatchObject({ code: 'BAD_REQUEST', field });
  });

  it('shots.create with frames past a 32-bit integer', async () => {
    const studio = await createStudio(server);
    expect(
      await trpcError(
        studio.admin.shots.create.mutate({
          projectId: studio.project.id,
          sequence: 'S',
          name: 'big',
          frameIn: 3e9,
        }),
      ),
    ).toMatchObject({ code: 'BAD_REQUEST', field: 'frameIn' });
  });
});

describe('a person deleted while their credential is cached', () => {
  it('auth.me answers UNAUTHORIZED, not a 500', async () => {
    const { bot, token } = await createBot(server);
    await createTestClient(server, token).auth.me.query();
    await server.orm.em.fork().nativeDelete(Person, { id: bot.id });
    expect(await trpcError(createTestClient(server, token).auth.me.query())).toMatchObject({
      code: 'UNAUTHORIZED',
      message: 'Bot no longer exists',
    });
  });
});

describe('dry run (x-clapper-dry-run: 1)', () => {
  // Its own server: the shared one's three seats are taken by the tests above.
  let dryServer: TestServer;
  beforeAll(async () => {
    dryServer = await startTestServer();
  });
  afterAll(() => dryServer?.close());

  it('rolls back mutations that open their own transaction too, and keeps the old token valid', async () => {
    const server = dryServer;
    const admin = await adminClient(server);
    const token = await login(server);
    const { bot, token: botToken } = await createBot(server);
    const before = (await admin.events.list.query({ limit: 1 })).items[0]!.id;
    const dry = (path: string, json: unknown) =>
      rawTrpc(server, path, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'x-clapper-dry-run': '1' },
        body: JSON.stringify({ json }),
      });

    const created = await dry('users.create', {
      email: 'dry@run.test',
      name: 'Dry',
      password: 'dry-password',
    });
    expect(created.status).toBe(200);
    expect(JSON.stringify(created.json)).toContain('dry@run.test');
    const regenerated = await dry('bots.regenerateToken', { id: bot.id });
    expect(regenerated.status).toBe(200);
    const deleted = await dry('bots.delete', { id: bot.id });
    expect(deleted.status).toBe(200);

    expect((await admin.users.list.query()).items.map((u) => u.email)).not.toContain(
      'dry@run.test',
    );
    expect((await createTestClient(server, botToken).auth.me.query()).id).toBe(bot.id);
    expect((await admin.events.list.query({ limit: 1 })).items[0]!.id).toBe(before);
  });
});

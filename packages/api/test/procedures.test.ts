import { randomBytes } from 'node:crypto';
import { migrate, newId, type Orm, openDatabase, Person, type Role, Session } from '@clapper/db';
import { createTestDatabase, type TestDatabase } from '@clapper/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServices, createApiServices, createContextInner, noTransport } from '../src';
import {
  allowedTo,
  authedProcedure,
  createCallerFactory,
  publicUserOnlyProcedure,
  router,
  userOnlyProcedure,
} from '../src/trpc';

// A router of probes over the real procedures, called through createCaller.
const probes = router({
  authed: authedProcedure.query(({ ctx }) => ctx.principal.id),
  userOnly: userOnlyProcedure.query(() => 'ok'),
  publicUserOnly: publicUserOnlyProcedure.query(() => 'ok'),
  // The role table's `listPeople` admits admins and managers.
  managers: authedProcedure.use(allowedTo('listPeople')).query(() => 'ok'),
});
const createCaller = createCallerFactory(probes);

let db: TestDatabase;
let orm: Orm;
let services: ApiServices;

beforeAll(async () => {
  db = await createTestDatabase('sqlite');
  orm = await openDatabase(db.url);
  await migrate(orm);
  services = createApiServices({ orm, secret: randomBytes(32).toString('hex') });
});
afterAll(async () => {
  await services?.close();
  await orm?.close();
  await db?.dispose();
});

async function callerAs(kind: 'user' | 'bot', role: Role) {
  const em = orm.em.fork();
  const tokenId = newId();
  const person = em.create(Person, {
    id: newId(),
    kind,
    name: `${kind}-${role}-${tokenId.slice(-12)}`,
    role,
    tokenId: kind === 'bot' ? tokenId : null,
  });
  await em.flush();
  if (kind === 'user') {
    // Users authenticate through a session row; make one the way login does.
    em.create(Session, { id: tokenId, person, expiresAt: new Date(Date.now() + 60_000) });
    await em.flush();
  }
  const credential = await services.tokens.issue({ personId: person.id, tokenId, kind });
  return createCaller(createContextInner(services, { ...noTransport, credential }));
}

const anonymous = () => createCaller(createContextInner(services));

describe('procedures', () => {
  it('authed: UNAUTHORIZED without a credential, the caller with one', async () => {
    await expect(anonymous().authed()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect((await callerAs('bot', 'artist')).authed()).resolves.toMatch(/-/);
  });

  it('userOnly: FORBIDDEN to a bot of any role, open to a user', async () => {
    await expect((await callerAs('bot', 'admin')).userOnly()).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: 'userOnly is limited to real users: bots cannot call it',
    });
    await expect((await callerAs('user', 'vendor')).userOnly()).resolves.toBe('ok');
  });

  it('publicUserOnly: open without a credential, FORBIDDEN to a bot', async () => {
    await expect(anonymous().publicUserOnly()).resolves.toBe('ok');
    await expect((await callerAs('bot', 'admin')).publicUserOnly()).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });

  it.each([
    ['admin', true],
    ['manager', true],
    ['supervisor', false],
    ['artist', false],
    ['client', false],
    ['vendor', false],
  ] as const)(
    'the studio-wide rule guard (listPeople: admin or manager): %s, allowed %s, user or bot alike',
    async (role, allowed) => {
      for (const kind of ['user', 'bot'] as const) {
        const call = (await callerAs(kind, role)).managers();
        if (allowed) await expect(call).resolves.toBe('ok');
        else
          await expect(call).rejects.toMatchObject({
            code: 'FORBIDDEN',
            message: `managers needs the role admin or manager; you are ${role}`,
            cause: { reason: 'role_forbidden' },
          });
      }
    },
  );
});

describe('the authentication hot path', () => {
  it('runs no SQL for a credential verified moments ago, and reads again once a change is known', async () => {
    const queries: string[] = [];
    const counted = await openDatabase(db.url, { onQuery: (sql) => queries.push(sql) });
    const countedServices = createApiServices({ orm: counted, secret: 'c'.repeat(40) });
    try {
      const em = counted.em.fork();
      const tokenId = newId();
      const bot = em.create(Person, {
        id: newId(),
        kind: 'bot',
        name: `hot-${tokenId}`,
        role: 'artist',
        tokenId,
      });
      await em.flush();
      const credential = await countedServices.tokens.issue({
        personId: bot.id,
        tokenId,
        kind: 'bot',
      });
      const call = () =>
        createCallerFactory(probes)(
          createContextInner(countedServices, { ...noTransport, credential }),
        ).authed();

      queries.length = 0;
      await call();
      expect(queries.length).toBeGreaterThan(0);

      queries.length = 0;
      for (let i = 0; i < 20; i++) await call();
      expect(queries).toEqual([]);

      countedServices.credentials.forgetPerson(bot.id);
      await call();
      expect(queries.some((q) => q.includes('people'))).toBe(true);

      // A burst after the entry went: one read of the person, shared by every request.
      countedServices.credentials.forgetPerson(bot.id);
      queries.length = 0;
      await Promise.all(Array.from({ length: 20 }, call));
      expect(queries.filter((q) => /from people/i.test(q))).toHaveLength(1);
    } finally {
      await countedServices.close();
      await counted.close();
    }
  });
});

describe('loads in flight', () => {
  it('share one load between concurrent misses, but never across an invalidation', async () => {
    const { LoadsInFlight } = await import('../src/cache/ttl-map');
    const flights = new LoadsInFlight<string>();
    let loads = 0;
    const releases: (() => void)[] = [];
    const load = () =>
      new Promise<string>((resolve) => {
        const n = ++loads;
        releases.push(() => resolve(`load ${n}`));
      });
    const first = flights.load('k', 0, load);
    const joined = flights.load('k', 0, load);
    const afterInvalidation = flights.load('k', 1, load);
    expect(loads).toBe(2);
    for (const release of releases) release();
    expect(await Promise.all([first, joined, afterInvalidation])).toEqual([
      'load 1',
      'load 1',
      'load 2',
    ]);
    await flights.load('k', 1, async () => 'later');
    expect(await flights.load('k', 1, async () => 'again')).toBe('again');
  });
});

describe('credential cache', () => {
  it('drops a snapshot read before a forget, so a revoke is never undone by a slow read', async () => {
    const { CredentialCache } = await import('../src');
    const cache = new CredentialCache(60_000);
    const ticket = cache.readTicket();
    cache.forgetPerson('p1');
    cache.putPerson('p1', null, ticket);
    expect(cache.person('p1')).toBeUndefined();
    const fresh = cache.readTicket();
    cache.putPerson('p1', null, fresh);
    expect(cache.person('p1')).toBeNull();
  });
});

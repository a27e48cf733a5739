import { randomBytes } from 'node:crypto';
import { migrate, newId, type Orm, openDatabase, Person, type Role, Session } from '@clapper/db';
import { createTestDatabase, type TestDatabase } from '@clapper/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServices, createApiServices, createContextInner, noTransport } from '../src';
import type { PersonSnapshot } from '../src/auth/credential-cache';
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
    // A minute's lifetime: the burst of calls below stays well within its first half, where
    // nothing is read again in the background.
    const countedServices = createApiServices({
      orm: counted,
      secret: 'c'.repeat(40),
      config: { credentialCacheTtlMs: 60_000 },
    });
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

describe('cache loads', () => {
  /** Loads that end when the test says, numbered in the order they began. */
  function loads() {
    const releases: (() => void)[] = [];
    return {
      releases,
      load:
        <T>(value: (n: number) => T) =>
        () =>
          new Promise<T>((resolve) => {
            const n = releases.length + 1;
            releases.push(() => resolve(value(n)));
          }),
    };
  }

  it('share one load between concurrent misses, but never across a drop', async () => {
    const { TtlCache } = await import('../src/cache/ttl-cache');
    const cache = new TtlCache<string>({ max: 10, ttlMs: 60_000 });
    const { releases, load } = loads();
    const first = cache.through(
      'k',
      load((n) => `load ${n}`),
    );
    const joined = cache.through(
      'k',
      load((n) => `load ${n}`),
    );
    cache.dropLoads();
    const afterDrop = cache.through(
      'k',
      load((n) => `load ${n}`),
    );
    expect(releases).toHaveLength(2);
    releases[0]!();
    expect(await Promise.all([first, joined])).toEqual(['load 1', 'load 1']);
    // The dropped load answered its own callers, and was not kept.
    expect(cache.get('k')).toBeUndefined();
    releases[1]!();
    expect(await afterDrop).toBe('load 2');
    expect(cache.get('k')).toBe('load 2');
  });

  it('trusts an entry for its lifetime on the given clock, then loads again', async () => {
    const { TtlCache } = await import('../src/cache/ttl-cache');
    let now = 1_000_000;
    const cache = new TtlCache<string>({ max: 10, ttlMs: 1000, clock: () => now });
    cache.set('k', 'old');
    now += 1000;
    expect(cache.get('k')).toBe('old');
    now += 1;
    expect(cache.get('k')).toBeUndefined();
    expect(await cache.through('k', async () => 'new')).toBe('new');
    expect(cache.get('k')).toBe('new');
  });

  it('reads a hot entry again before it lapses, while it still answers', async () => {
    const { TtlCache } = await import('../src/cache/ttl-cache');
    let now = 1_000_000;
    const clock = () => now;
    const cache = new TtlCache<string>({ max: 10, ttlMs: 1000, clock, refreshAhead: true });
    const { releases, load } = loads();
    cache.set('k', 'old');
    now += 400;
    expect(
      await cache.through(
        'k',
        load((n) => `refresh ${n}`),
      ),
    ).toBe('old');
    expect(releases).toHaveLength(0);
    now += 200;
    expect(
      await cache.through(
        'k',
        load((n) => `refresh ${n}`),
      ),
    ).toBe('old');
    expect(
      await cache.through(
        'k',
        load((n) => `refresh ${n}`),
      ),
    ).toBe('old');
    // One read at a time, and the entry answers meanwhile.
    expect(releases).toHaveLength(1);
    expect(cache.get('k')).toBe('old');
    releases[0]!();
    await new Promise((r) => setImmediate(r));
    expect(cache.get('k')).toBe('refresh 1');
    // The refreshed value has a lifetime of its own, from when it came.
    now += 999;
    expect(cache.get('k')).toBe('refresh 1');
    // A lapsed entry is not answered while it is read: its caller waits for the load.
    now += 2000;
    const lapsed = cache.through(
      'k',
      load((n) => `load ${n}`),
    );
    expect(releases).toHaveLength(2);
    releases[1]!();
    expect(await lapsed).toBe('load 2');
    // Without `refreshAhead`, a hit is never read again.
    const plain = new TtlCache<string>({ max: 10, ttlMs: 1000, clock });
    plain.set('k', 'old');
    now += 900;
    expect(
      await plain.through(
        'k',
        load((n) => `refresh ${n}`),
      ),
    ).toBe('old');
    expect(releases).toHaveLength(2);
  });

  it('keeps no refresh that a drop overtook, and lets an entry whose refresh failed lapse', async () => {
    const { TtlCache } = await import('../src/cache/ttl-cache');
    let now = 1_000_000;
    const cache = new TtlCache<string>({
      max: 10,
      ttlMs: 1000,
      clock: () => now,
      refreshAhead: true,
    });
    const { releases, load } = loads();
    const settle = () => new Promise((r) => setImmediate(r));
    for (const drop of [
      () => cache.delete('k'),
      () => cache.dropLoads(),
      () => cache.clear(),
      () => cache.deleteWhere((v) => v === 'old'),
    ]) {
      releases.length = 0;
      cache.set('k', 'old');
      now += 600;
      expect(
        await cache.through(
          'k',
          load(() => 'stale read'),
        ),
      ).toBe('old');
      drop();
      cache.set('k', 'after the drop');
      releases[0]!();
      await settle();
      // The read began before the drop: whatever it found is not kept.
      expect(cache.get('k')).toBe('after the drop');
    }
    cache.set('k', 'old');
    now += 600;
    expect(await cache.through('k', () => Promise.reject(new Error('database away')))).toBe('old');
    await settle();
    expect(cache.get('k')).toBe('old');
    now += 401;
    expect(cache.get('k')).toBeUndefined();
  });
});

describe('credential cache', () => {
  it('drops a snapshot read before a forget, so a revoke is never undone by a slow read', async () => {
    const { CredentialCache } = await import('../src');
    const cache = new CredentialCache(60_000);
    let release: () => void = () => {};
    const slow = cache.personThrough(
      'p1',
      () =>
        new Promise((resolve) => {
          release = () => resolve(null);
        }),
    );
    cache.forgetPerson('p1');
    // A request after the forget reads again rather than join the read from before it.
    expect(await cache.personThrough('p1', async () => null)).toBeNull();
    cache.forgetPerson('p1');
    release();
    expect(await slow).toBeNull();
    expect(cache.person('p1')).toBeUndefined();
    expect(await cache.personThrough('p1', async () => null)).toBeNull();
    expect(cache.person('p1')).toBeNull();
  });

  it('reads a person again in the second half of its life, and keeps no refresh a forget overtook', async () => {
    const { CredentialCache } = await import('../src');
    let now = 1_000_000;
    const cache = new CredentialCache(1000, () => now);
    const person = (name: string) => ({ id: 'p1', name }) as unknown as PersonSnapshot;
    let reads = 0;
    let release: (value: PersonSnapshot) => void = () => {};
    const slowRead = () =>
      new Promise<PersonSnapshot>((resolve) => {
        reads++;
        release = resolve;
      });
    expect(await cache.personThrough('p1', async () => person('first'))).toMatchObject({
      name: 'first',
    });
    now += 400;
    expect(await cache.personThrough('p1', slowRead)).toMatchObject({ name: 'first' });
    expect(reads).toBe(0);
    now += 200;
    // Answered from the cache at once, while the person is read again.
    expect(await cache.personThrough('p1', slowRead)).toMatchObject({ name: 'first' });
    expect(reads).toBe(1);
    release(person('refreshed'));
    await new Promise((r) => setImmediate(r));
    expect(cache.person('p1')).toMatchObject({ name: 'refreshed' });

    // A revoke (here or on a peer) while a refresh is under way: the refresh is not kept.
    now += 600;
    await cache.personThrough('p1', slowRead);
    expect(reads).toBe(2);
    cache.forgetPerson('p1', { fromPeer: true });
    release(person('read before the revoke'));
    await new Promise((r) => setImmediate(r));
    expect(cache.person('p1')).toBeUndefined();
  });

  it('drops a session read under way when its person changes', async () => {
    const { CredentialCache } = await import('../src');
    const cache = new CredentialCache(60_000);
    let release: () => void = () => {};
    const session = { id: 's1', personId: 'p1', expiresAt: new Date(), revokedAt: null };
    const slow = cache.sessionThrough(
      's1',
      () =>
        new Promise((resolve) => {
          release = () => resolve(session);
        }),
    );
    cache.forgetPerson('p1');
    release();
    expect(await slow).toBe(session);
    expect(cache.session('s1')).toBeUndefined();
  });
});

import { AsyncLocalStorage, executionAsyncResource } from 'node:async_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Department, type Em, migrate, type Orm, openDatabase } from '../src';
import { createTestDatabase, type TestDatabase } from '../src/testing';

// Node 20 and 22 run a promise hook for the whole process once any AsyncLocalStorage has run,
// until it is disabled; MikroORM runs one at every flush. The patch in patches/ turns it off
// again when no flush is running, so a server that has written once does not pay for it on every
// promise of every request after. Node 24 builds AsyncLocalStorage on AsyncContextFrame, with no
// promise hook at all (unless started with --no-async-context-frame): the patch leaves it be.
const nodeMajor = Number(process.versions.node.split('.')[0]);
const flags = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
/** Where AsyncLocalStorage runs a promise hook, by Node's documented defaults and flags. */
const storageUsesPromiseHook =
  nodeMajor < 24
    ? !flags.includes('--experimental-async-context-frame')
    : flags.includes('--no-async-context-frame');

/** True when promises are tracked: a continuation then runs with the promise as its resource. */
async function promisesTracked() {
  await null;
  return executionAsyncResource() instanceof Promise;
}

let db: TestDatabase;
let orm: Orm;

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await openDatabase(db.url);
  await migrate(orm);
});

afterAll(async () => {
  await orm?.close(true);
  await db?.dispose();
});

describe('promise hooks after ORM flushes', () => {
  it(`the probe sees a running AsyncLocalStorage's promise hook exactly where Node ${nodeMajor} has one`, async () => {
    const storage = new AsyncLocalStorage<number>();
    await storage.run(1, async () => {
      expect(await promisesTracked()).toBe(storageUsesPromiseHook);
    });
    storage.disable();
    expect(await promisesTracked()).toBe(false);
  });

  it('are off once no flush is running, after single and concurrent flushes', async () => {
    const em = orm.em.fork() as Em;
    em.create(Department, { name: 'Layout' });
    await em.flush();
    expect(await promisesTracked()).toBe(false);

    await Promise.all(
      ['Rigging', 'Comp', 'FX'].map(async (name) => {
        const own = orm.em.fork() as Em;
        own.create(Department, { name });
        await own.flush();
      }),
    );
    expect(await promisesTracked()).toBe(false);
    expect(await orm.em.fork().count(Department)).toBe(4);
  });

  it('a flush still sees its own context while it runs (a flush inside a flush is refused)', async () => {
    const em = orm.em.fork() as Em;
    em.getEventManager().registerSubscriber({
      beforeFlush: async () => {
        await expect(em.flush()).rejects.toThrow(/flush/i);
      },
    });
    em.create(Department, { name: 'Editorial' });
    await em.flush();
    expect(await promisesTracked()).toBe(false);
  });
});

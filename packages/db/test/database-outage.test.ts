// Which database errors are an outage (the call may succeed later: 503) and which are not (a
// refused statement, a bug: never 503), from the drivers' own errors.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_WAIT_MS, databaseOutageOf, openDatabase } from '../src';
import { testDialect, testPostgresUrl } from '../src/testing';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clapper-outage-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const thrown = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
};

describe('databaseOutageOf', () => {
  it('names SQLite busy past its timeout, read-only and full as outages', () => {
    const path = join(dir, 'a.db');
    const writer = new Database(path);
    writer.exec('create table t (id integer primary key, v text unique)');
    const other = new Database(path, { timeout: 50 });
    writer.exec('begin immediate');
    expect(databaseOutageOf(thrown(() => other.exec("insert into t (v) values ('x')")))).toBe(
      'unavailable',
    );
    writer.exec('commit');
    const readOnly = new Database(path, { readonly: true });
    expect(databaseOutageOf(thrown(() => readOnly.exec("insert into t (v) values ('y')")))).toBe(
      'read_only',
    );
    // A file capped at its current size fills up on the next page.
    const pages = writer.pragma('page_count', { simple: true }) as number;
    writer.pragma(`max_page_count = ${pages}`);
    expect(
      databaseOutageOf(
        thrown(() => writer.exec(`insert into t (v) values ('${'z'.repeat(100_000)}')`)),
      ),
    ).toBe('full');
    for (const db of [writer, other, readOnly]) db.close();
  });

  it('leaves refused statements and bugs alone', () => {
    const db = new Database(join(dir, 'b.db'));
    db.exec("create table t (v text unique); insert into t values ('x')");
    expect(databaseOutageOf(thrown(() => db.exec("insert into t values ('x')")))).toBeUndefined();
    expect(databaseOutageOf(thrown(() => db.exec('selec 1')))).toBeUndefined();
    expect(
      databaseOutageOf(new TypeError("Cannot read properties of undefined (reading 'id')")),
    ).toBe(undefined);
    db.close();
  });

  it('names a PostgreSQL server that refuses or drops connections as an outage', async () => {
    /** What a first statement to PostgreSQL at `port` fails with. */
    const firstStatementAt = (port: number) =>
      openDatabase(`postgres://postgres@127.0.0.1:${port}/test`)
        .then((orm) =>
          orm.em
            .getConnection()
            .execute('select 1')
            .finally(() => orm.close(true)),
        )
        .then(
          () => undefined,
          (e: unknown) => e,
        );
    // A port that accepts and at once resets: the pg client's "Connection terminated".
    const resetting = createServer((socket) => socket.resetAndDestroy());
    await new Promise<void>((resolve) => resetting.listen(0, '127.0.0.1', resolve));
    const { port } = resetting.address() as { port: number };
    expect(databaseOutageOf(await firstStatementAt(port))).toBe('unavailable');
    resetting.close();
    // Nothing listening at all.
    expect(databaseOutageOf(await firstStatementAt(port))).toBe('unavailable');
  });

  if (testDialect() === 'postgres') {
    it('names a pool with no connection free after DATABASE_WAIT_MS an outage', async () => {
      const orm = await openDatabase(testPostgresUrl());
      const { client } = orm.em.getConnection().getKnex();
      const held: unknown[] = [];
      try {
        // knex's pool for PostgreSQL holds ten connections: all taken.
        for (let i = 0; i < 10; i++) held.push(await client.acquireConnection());
        const started = performance.now();
        const error = await orm.em
          .getConnection()
          .execute('select 1')
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        const waited = performance.now() - started;
        expect(databaseOutageOf(error)).toBe('unavailable');
        expect(waited).toBeGreaterThanOrEqual(DATABASE_WAIT_MS - 100);
        expect(waited).toBeLessThan(DATABASE_WAIT_MS + 2000);
      } finally {
        for (const connection of held) await client.releaseConnection(connection);
        await orm.close(true);
      }
    });
  }
});

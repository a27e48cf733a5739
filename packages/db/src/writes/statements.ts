import type Database from 'better-sqlite3';
import type pg from 'pg';
import { dialectOf, type Orm } from '../orm';
import { numbered } from '../reads/connection';

/** One write: SQL with `?` placeholders and its values, always bound. */
export interface Statement {
  sql: string;
  params: readonly unknown[];
}

// Prepared once per connection (SQLite) or named once per statement text (pg prepares per client).
const sqliteStatements = new WeakMap<Database.Database, Map<string, Database.Statement>>();
const pgNames = new Map<string, { name: string; text: string }>();

/**
 * Runs `statements` as one transaction on the ORM's own connection, taken from
 * its pool like any ORM query (so on SQLite it waits for a transaction in
 * progress and never writes inside another request's), prepared once and with
 * every value bound. On PostgreSQL several statements go as one (each but the
 * last in a `WITH`), so a write costs one round trip; they all see the rows as
 * they were before it, so no two statements of one call may change the same
 * row. `rollback` undoes them
 * all, for a dry run. Values are what the driver stores: on SQLite, Dates as
 * epoch milliseconds and booleans as 0/1, as the ORM writes them.
 */
export async function runStatements(
  orm: Orm,
  statements: readonly Statement[],
  { rollback = false } = {},
): Promise<void> {
  const client = orm.em.getConnection().getKnex().client;
  const connection: unknown = await client.acquireConnection();
  const logger = orm.config.getLogger();
  const log = logger.isEnabled('query') ? (sql: string) => logger.log('query', sql) : undefined;
  try {
    if (dialectOf(orm) === 'sqlite') {
      runOnSqlite(connection as Database.Database, statements, rollback, log);
    } else {
      await runOnPostgres(connection as pg.Client, statements, rollback, log);
    }
  } catch (error) {
    if (error instanceof TransactionLeftOpen) {
      // knex's pool checks this mark and replaces the connection rather than hand it out again.
      (connection as { __knex__disposed?: unknown }).__knex__disposed = error;
      throw error.cause;
    }
    throw error;
  } finally {
    await client.releaseConnection(connection);
  }
}

const toSqlite = (value: unknown) =>
  value instanceof Date ? value.getTime() : typeof value === 'boolean' ? Number(value) : value;

function runOnSqlite(
  db: Database.Database,
  statements: readonly Statement[],
  rollback: boolean,
  log?: (sql: string) => void,
) {
  let prepared = sqliteStatements.get(db);
  if (!prepared) {
    prepared = new Map();
    sqliteStatements.set(db, prepared);
  }
  const run = (sql: string, params: readonly unknown[]) => {
    log?.(sql);
    let statement = prepared.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      prepared.set(sql, statement);
    }
    statement.run(...params.map(toSqlite));
  };
  // Synchronous from begin to commit: nothing else runs on this thread in between.
  run('begin', []);
  try {
    for (const { sql, params } of statements) run(sql, params);
    run(rollback ? 'rollback' : 'commit', []);
  } catch (error) {
    try {
      if (db.inTransaction) run('rollback', []);
    } catch {
      throw new TransactionLeftOpen(error);
    }
    throw error;
  }
}

async function runOnPostgres(
  client: pg.Client,
  statements: readonly Statement[],
  rollback: boolean,
  log?: (sql: string) => void,
) {
  const run = async (sql: string, params: readonly unknown[]) => {
    log?.(sql);
    let named = pgNames.get(sql);
    if (!named) {
      named = { name: `clapper_w${pgNames.size + 1}`, text: numbered(sql) };
      pgNames.set(sql, named);
    }
    await client.query({ ...named, values: params as unknown[] });
  };
  if (rollback) {
    await run('begin', []);
    let failure: unknown;
    try {
      for (const { sql, params } of statements) await run(sql, params);
    } catch (error) {
      failure = error;
    }
    try {
      await run('rollback', []);
    } catch {
      throw new TransactionLeftOpen(failure ?? new Error('rollback failed'));
    }
    if (failure) throw failure;
    return;
  }
  // One statement is a transaction of its own; the ones in its WITH run with it, all or none.
  const last = statements[statements.length - 1];
  if (!last) return;
  const before = statements.slice(0, -1);
  const sql = before.length
    ? `with ${before.map((s, i) => `w${i} as (${s.sql})`).join(', ')} ${last.sql}`
    : last.sql;
  await run(
    sql,
    statements.flatMap((s) => s.params),
  );
}

/** A failure after which the connection may still be inside a transaction. */
class TransactionLeftOpen extends Error {
  constructor(override readonly cause: unknown) {
    super('a transaction could not be rolled back', { cause });
  }
}

/** A write refused because a row it points at is gone (a task deleted meanwhile). */
export function isForeignKeyViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === '23503';
}

/** A write refused by a unique key (an idempotency key another request wrote first). */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === '23505'
  );
}

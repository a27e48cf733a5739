import { BetterSqliteDriver } from '@mikro-orm/better-sqlite';
import { FlushMode, type LoggerNamespace, MikroORM, type Options } from '@mikro-orm/core';
import type { AbstractSqlDriver, SqlEntityManager } from '@mikro-orm/knex';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { AssignIds } from './assign-ids';
import { type DatabaseTarget, parseDatabaseUrl } from './database-url';
import { entities } from './entities';
import { migrationsFor } from './migrations';

export type Orm = MikroORM<AbstractSqlDriver>;
export type Em = SqlEntityManager;

export interface OpenDatabaseOptions {
  /** Log SQL through this function (tests count statements with it). */
  onQuery?: (sql: string) => void;
  /**
   * The driver's warnings (knex's "Connection Error: …" when PostgreSQL drops a connection),
   * which it would otherwise print to the console; dropped when not given.
   */
  onDriverWarning?: (message: string) => void;
}

/**
 * How long a statement waits for the database before its call is refused as an outage (503):
 * SQLite's busy timeout, and PostgreSQL's wait for a pooled connection or a new one.
 */
export const DATABASE_WAIT_MS = 5000;

export function ormOptions(
  target: DatabaseTarget,
  { onQuery, onDriverWarning = () => {} }: OpenDatabaseOptions = {},
): Options {
  const common = {
    entities,
    extensions: [Migrator],
    subscribers: [new AssignIds()],
    migrations: {
      migrationsList: migrationsFor(target.dialect),
      snapshot: false,
      transactional: true,
      // Each migration in its own transaction on PostgreSQL, where some must run outside one
      // (an index built concurrently: migrations/concurrently.ts); SQLite's all or nothing.
      allOrNothing: target.dialect === 'sqlite',
      silent: true,
    },
    // Entities come from defineEntity; there is nothing to discover on disk.
    discovery: { warnWhenNoEntities: true },
    forceUndefined: false,
    // Nothing is written before an explicit flush or commit: a check that queries
    // after a change was assigned must not save that change on the way.
    flushMode: FlushMode.COMMIT,
    allowGlobalContext: false,
    debug: onQuery ? (['query'] as LoggerNamespace[]) : false,
    logger: onQuery ? (message: string) => onQuery(message) : undefined,
  } satisfies Options;

  if (target.dialect === 'sqlite') {
    return {
      ...common,
      driver: BetterSqliteDriver,
      dbName: target.path,
      pool: {
        min: 1,
        max: 1,
        afterCreate: (
          conn: { pragma(sql: string): unknown },
          done: (err: unknown, conn: unknown) => void,
        ) => {
          // WAL lets readers run beside the writer; the timeout queues writers instead of failing.
          conn.pragma('journal_mode = WAL');
          conn.pragma('synchronous = NORMAL');
          conn.pragma(`busy_timeout = ${DATABASE_WAIT_MS}`);
          conn.pragma('foreign_keys = ON');
          done(null, conn);
        },
      },
    } as Options;
  }
  return {
    ...common,
    driver: PostgreSqlDriver,
    clientUrl: target.url,
    dbName: target.dbName,
    // Bounded waits: a pool exhausted, or a server that does not answer a connect, is an outage
    // after DATABASE_WAIT_MS (knex's default wait is 60 s, pg's connect has none).
    pool: { acquireTimeoutMillis: DATABASE_WAIT_MS },
    driverOptions: {
      connection: { connectionTimeoutMillis: DATABASE_WAIT_MS },
      log: { warn: onDriverWarning },
    },
  } as Options;
}

/** Connects to `DATABASE_URL`. Call `migrate` before serving. */
export async function openDatabase(url: string, options: OpenDatabaseOptions = {}): Promise<Orm> {
  const target = parseDatabaseUrl(url);
  return (await MikroORM.init(ormOptions(target, options))) as Orm;
}

/** Applies the versioned migrations that have not run yet. */
export async function migrate(orm: Orm): Promise<string[]> {
  const applied = await orm.getMigrator().up();
  return applied.map((m) => m.name);
}

/** The dialect behind an ORM or one of its entity managers, for the few statements that differ. */
export function dialectOf(owner: Orm | Em): 'sqlite' | 'postgres' {
  const { config } = owner as Orm;
  return config.get('driver') === PostgreSqlDriver ? 'postgres' : 'sqlite';
}

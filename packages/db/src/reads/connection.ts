import Database from 'better-sqlite3';
import pg from 'pg';
import type { Dialect } from '../database-url';
import { dialectOf, type Orm } from '../orm';

/**
 * A connection for the hot reads, beside the ORM's own: every statement is
 * prepared once and then runs with bound parameters, so no value is ever part
 * of a statement's text. It reads what is committed, never another request's
 * open transaction.
 *
 * SQL is written once with `?` placeholders; `inList` and `list` cover the one
 * place the dialects differ (a list of values bound as one parameter).
 */
export interface ReadConnection {
  readonly dialect: Dialect;
  /** Rows of `sql`, prepared on first use and kept. */
  all<T>(sql: string, params: readonly unknown[]): Promise<T[]>;
  /** `column` is one of a bound list: pair it with `list(values)` in the parameters. */
  inList(column: string): string;
  list(values: readonly (string | number)[]): unknown;
  /** PostgreSQL's NOTIFY on `channel` (bound, like everything here); nothing on SQLite. */
  notify(channel: string, payload: string): Promise<void>;
  close(): Promise<void>;
}

type OnQuery = ((sql: string) => void) | undefined;

/** Opens the read connection for the ORM's database; statements are logged where the ORM logs its own. */
export function openReadConnection(orm: Orm, { poolSize = 4 } = {}): ReadConnection {
  const logger = orm.config.getLogger();
  const onQuery: OnQuery = logger.isEnabled('query')
    ? (sql) => logger.log('query', sql)
    : undefined;
  if (dialectOf(orm) === 'sqlite') {
    return new SqliteReads(orm.config.get('dbName') as string, onQuery);
  }
  return new PostgresReads(orm.config.get('clientUrl') as string, poolSize, onQuery);
}

class SqliteReads implements ReadConnection {
  readonly dialect = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    path: string,
    private readonly onQuery: OnQuery,
  ) {
    // WAL (set by the ORM's connection) lets this connection read beside the writer.
    this.db = new Database(path, { fileMustExist: true });
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('query_only = ON');
  }

  all<T>(sql: string, params: readonly unknown[]): Promise<T[]> {
    this.onQuery?.(sql);
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    // better-sqlite3 is synchronous: the rows are here before the promise is made.
    return Promise.resolve(statement.all(...params) as T[]);
  }

  inList(column: string) {
    return `${column} in (select value from json_each(?))`;
  }

  list(values: readonly (string | number)[]) {
    return JSON.stringify(values);
  }

  notify() {
    // One server owns a SQLite file: there is nobody to tell.
    return Promise.resolve();
  }

  async close() {
    this.statements.clear();
    this.db.close();
  }
}

// `date` columns stay 'YYYY-MM-DD' strings, as the ORM reads them; pg would make a local-midnight Date.
const PG_DATE = 1082;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === PG_DATE
      ? (value: string) => value
      : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

/** `?` placeholders as PostgreSQL's `$1, $2…`. */
export function numbered(sql: string) {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

class PostgresReads implements ReadConnection {
  readonly dialect = 'postgres' as const;
  private readonly pool: pg.Pool;
  /** Statement text → its name: pg prepares a named statement once per connection. */
  private readonly named = new Map<string, { name: string; text: string }>();

  constructor(
    connectionString: string,
    max: number,
    private readonly onQuery: OnQuery,
  ) {
    this.pool = new pg.Pool({ connectionString, max, types });
    // An idle client that errors (a restart of the database) is dropped by the pool; say nothing.
    this.pool.on('error', () => {});
  }

  async all<T>(sql: string, params: readonly unknown[]): Promise<T[]> {
    this.onQuery?.(sql);
    let statement = this.named.get(sql);
    if (!statement) {
      statement = { name: `clapper_r${this.named.size + 1}`, text: numbered(sql) };
      this.named.set(sql, statement);
    }
    const result = await this.pool.query({ ...statement, values: params as unknown[] });
    return result.rows as T[];
  }

  inList(column: string) {
    return `${column} = any(?)`;
  }

  list(values: readonly (string | number)[]) {
    return values;
  }

  async notify(channel: string, payload: string) {
    await this.all('select pg_notify(?, ?)', [channel, payload]);
  }

  async close() {
    await this.pool.end();
  }
}

/**
 * Straight to a server's database, for seeding at scale: multi-row INSERTs in one transaction
 * per call, through the drivers @clapper/db itself uses (better-sqlite3 on the SQLite file, pg
 * on PostgreSQL). Values are what the app stores: on SQLite, Dates as epoch milliseconds,
 * booleans as 0/1 and JSON as text (see packages/db/src/reads/values.ts); on PostgreSQL the
 * driver's own types. Only for a database no server is writing to meanwhile.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { type Dialect, parseDatabaseUrl } from '@clapper/db';

// The drivers are @clapper/db's dependencies, not the workspace root's: resolved from there.
const requireFromDb = createRequire(
  fileURLToPath(new URL('../../packages/db/package.json', import.meta.url)),
);

/** The few parts of better-sqlite3 used here. */
interface SqliteDatabase {
  pragma(sql: string): unknown;
  exec(sql: string): void;
  prepare(sql: string): {
    run(...params: unknown[]): unknown;
    all(...params: unknown[]): unknown[];
  };
  close(): void;
}

/** The few parts of pg used here. */
interface PgClient {
  connect(): Promise<void>;
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  end(): Promise<void>;
}

/** A column and its PostgreSQL type (arrays of it are what `unnest` takes). */
export interface Column {
  name: string;
  type: 'uuid' | 'text' | 'int' | 'bool' | 'timestamptz' | 'date' | 'jsonb';
}

export interface BulkDb {
  dialect: Dialect;
  /** Inserts `rows` (values in `columns` order) in one transaction, `batch` rows a statement. */
  insert(table: string, columns: Column[], rows: unknown[][]): Promise<void>;
  /** Rows of a plain query with `?` placeholders. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs statements that return nothing (ANALYZE, checkpoints). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

/** Rows per statement: 500 on SQLite (its bound-parameter ceiling is 32,766). */
const SQLITE_BATCH = 500;
/** Rows per `unnest` statement on PostgreSQL. */
const PG_BATCH = 20_000;

const sqliteValue = (value: unknown) =>
  value instanceof Date
    ? value.getTime()
    : typeof value === 'boolean'
      ? Number(value)
      : value !== null && typeof value === 'object'
        ? JSON.stringify(value)
        : value;

const pgValue = (value: unknown, type: Column['type']) =>
  type === 'jsonb' && value !== null && value !== undefined ? JSON.stringify(value) : value;

/** `?` placeholders numbered for pg. */
const numbered = (sql: string) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

export async function openBulkDb(url: string): Promise<BulkDb> {
  const target = parseDatabaseUrl(url);
  if (target.dialect === 'sqlite') {
    const Database = requireFromDb('better-sqlite3') as new (path: string) => SqliteDatabase;
    const db = new Database(target.path);
    db.pragma('journal_mode = WAL');
    // The server is stopped; a crash mid-seed loses a bench run, nothing else.
    db.pragma('synchronous = OFF');
    db.pragma('foreign_keys = ON');
    db.pragma('cache_size = -262144');
    return {
      dialect: 'sqlite',
      async insert(table, columns, rows) {
        const names = columns.map((c) => `"${c.name}"`).join(', ');
        const one = `(${columns.map(() => '?').join(', ')})`;
        const statementFor = (count: number) =>
          db.prepare(
            `insert into "${table}" (${names}) values ${Array(count).fill(one).join(', ')}`,
          );
        const full = statementFor(Math.min(SQLITE_BATCH, rows.length));
        db.exec('begin');
        try {
          for (let start = 0; start < rows.length; start += SQLITE_BATCH) {
            const chunk = rows.slice(start, start + SQLITE_BATCH);
            const params = chunk.flatMap((row) => row.map(sqliteValue));
            (chunk.length === SQLITE_BATCH ? full : statementFor(chunk.length)).run(...params);
          }
          db.exec('commit');
        } catch (error) {
          db.exec('rollback');
          throw error;
        }
      },
      async query<T>(sql: string, params: unknown[] = []) {
        return db.prepare(sql).all(...params.map(sqliteValue)) as T[];
      },
      async exec(sql) {
        db.exec(sql);
      },
      async close() {
        // The server starts on a short write-ahead log, as after its own checkpoints.
        db.pragma('wal_checkpoint(TRUNCATE)');
        db.close();
      },
    };
  }
  const pg = requireFromDb('pg') as {
    Client: new (options: { connectionString: string }) => PgClient;
  };
  const client = new pg.Client({ connectionString: target.url });
  await client.connect();
  return {
    dialect: 'postgres',
    async insert(table, columns, rows) {
      const names = columns.map((c) => `"${c.name}"`).join(', ');
      const arrays = columns.map((c, i) => `$${i + 1}::${c.type === 'jsonb' ? 'text' : c.type}[]`);
      const aliases = columns.map((_, i) => `c${i}`);
      const select = columns.map((c, i) => (c.type === 'jsonb' ? `c${i}::jsonb` : `c${i}`));
      const sql = `insert into "${table}" (${names}) select ${select.join(', ')} from unnest(${arrays.join(', ')}) as u(${aliases.join(', ')})`;
      await client.query('begin');
      try {
        for (let start = 0; start < rows.length; start += PG_BATCH) {
          const chunk = rows.slice(start, start + PG_BATCH);
          const params = columns.map((c, i) => chunk.map((row) => pgValue(row[i], c.type)));
          await client.query(sql, params);
        }
        await client.query('commit');
      } catch (error) {
        await client.query('rollback');
        throw error;
      }
    },
    async query<T>(sql: string, params: unknown[] = []) {
      return (await client.query(numbered(sql), params)).rows as T[];
    },
    async exec(sql) {
      await client.query(sql);
    },
    close: () => client.end(),
  };
}

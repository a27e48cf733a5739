import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Dialect } from '../database-url';

export interface TestDatabase {
  dialect: Dialect;
  url: string;
  dispose(): Promise<void>;
}

/** The dialect this test run targets: vitest's projects set it, one project per dialect. */
export function testDialect(): Dialect {
  const value = process.env.CLAPPER_TEST_DIALECT ?? 'sqlite';
  if (value !== 'sqlite' && value !== 'postgres') {
    throw new Error(`CLAPPER_TEST_DIALECT must be sqlite or postgres, not ${value}`);
  }
  return value;
}

/** The server that test databases are made on; its own database is never touched. */
export function testPostgresUrl(): string {
  return process.env.CLAPPER_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
}

/** A new, empty database: a temp SQLite file, or a fresh PostgreSQL database dropped after. */
export async function createTestDatabase(dialect: Dialect = testDialect()): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const dir = await mkdtemp(join(tmpdir(), 'clapper-test-'));
    return {
      dialect,
      url: `sqlite:${join(dir, 'clapper.db')}`,
      dispose: () => rm(dir, { recursive: true, force: true }),
    };
  }
  const base = testPostgresUrl();
  const name = `clapper_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdminClient(base, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    dialect,
    url: url.toString(),
    dispose: async () => {
      await withAdminClient(base, (client) =>
        client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
      );
    },
  };
}

async function withAdminClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${url} (${(error as Error).message}). ` +
        'Start it: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
    );
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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

const TEMPLATE_PREFIX = 'clapper_tpl_';

/**
 * A new, empty database: a temp SQLite file, or a fresh PostgreSQL database dropped after
 * (`template`: the PostgreSQL database it is made from, as `copyTestDatabase` asks; `prefix`:
 * its name's start, the process id following).
 */
export async function createTestDatabase(
  dialect: Dialect = testDialect(),
  { template, prefix = 'clapper_t_' }: { template?: string; prefix?: string } = {},
): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const dir = await mkdtemp(join(tmpdir(), 'clapper-test-'));
    return {
      dialect,
      url: `sqlite:${join(dir, 'clapper.db')}`,
      dispose: () => rm(dir, { recursive: true, force: true }),
    };
  }
  const base = testPostgresUrl();
  const name = `${prefix}${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdminClient(base, (client) =>
    client.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ''}`),
  );
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

/**
 * A database for this process to fill once and copy many times (`copyTestDatabase`), dropped
 * when the process exits. Vitest ends its workers with a signal, which runs no exit handler: on
 * PostgreSQL the next template made drops those whose process is gone.
 */
export async function createTemplateDatabase(
  dialect: Dialect = testDialect(),
): Promise<TestDatabase> {
  if (dialect === 'postgres') await dropOrphanTemplates();
  const db = await createTestDatabase(dialect, { prefix: TEMPLATE_PREFIX });
  if (dialect === 'sqlite') {
    const dir = dirname(db.url.slice('sqlite:'.length));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  } else {
    // No async work at exit: psql drops it.
    const name = new URL(db.url).pathname.slice(1);
    process.once('exit', () => {
      spawnSync(
        'psql',
        [testPostgresUrl(), '-qc', `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`],
        {
          stdio: 'ignore',
        },
      );
    });
  }
  return db;
}

/** Drops the PostgreSQL templates whose process is gone. */
async function dropOrphanTemplates() {
  await withAdminClient(testPostgresUrl(), async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE datname LIKE $1',
      [`${TEMPLATE_PREFIX}%`],
    );
    for (const { datname } of rows) {
      const pid = Number(datname.slice(TEMPLATE_PREFIX.length).split('_')[0]);
      if (!alive(pid)) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  });
}

/** A new database with `template`'s content; nothing may be connected to the template. */
export async function copyTestDatabase(template: TestDatabase): Promise<TestDatabase> {
  const copy = await createTestDatabase(
    template.dialect,
    template.dialect === 'postgres' ? { template: new URL(template.url).pathname.slice(1) } : {},
  );
  if (template.dialect === 'sqlite') {
    await copyFile(template.url.slice('sqlite:'.length), copy.url.slice('sqlite:'.length));
  }
  return copy;
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
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

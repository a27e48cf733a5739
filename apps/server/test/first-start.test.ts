import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '@clapper/db/testing';
import { createTestClient, ensureBuilt } from '@clapper/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** What `pnpm start` runs: the server's bundle. */
const main = fileURLToPath(new URL('../dist/main.mjs', import.meta.url));

/** The server as `pnpm start` starts it, its bundle brought up to date first. */
async function spawnMain(env: NodeJS.ProcessEnv, args: string[] = []) {
  await ensureBuilt('server');
  return spawn(process.execPath, [main, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

interface Running {
  child: ChildProcess;
  output: () => string;
  url: string;
  exited: Promise<number | null>;
}

/** Starts the server as `pnpm start` does, on a free port, and waits until it listens. */
async function startMain(env: Record<string, string>, args: string[] = []): Promise<Running> {
  const child = await spawnMain(
    { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    args,
  );
  let output = '';
  child.stdout!.on('data', (d) => {
    output += d;
  });
  child.stderr!.on('data', (d) => {
    output += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000);
    const check = () => {
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', () => reject(new Error(`server exited:\n${output}`)));
  });
  return { child, output: () => output, url, exited };
}

describe('first start of the real server (the bundle `pnpm start` runs)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.dispose());

  it('migrates, prints a generated admin password once, signs in with it, and stops on SIGTERM', async () => {
    const first = await startMain({ DATABASE_URL: db.url });
    try {
      const health = await fetch(`${first.url}/healthz`);
      expect(await health.json()).toEqual({ status: 'ok' });

      const printed = /email: +(\S+)\n +password: +(\S+)/.exec(first.output());
      expect(printed, first.output()).not.toBeNull();
      const [, email, password] = printed!;
      expect(email).toBe('admin@example.com');

      const { token } = await createTestClient(first).auth.login.mutate({
        email: email!,
        password: password!,
      });
      const me = await createTestClient(first, token).auth.me.query();
      expect(me).toMatchObject({ email, role: 'admin', kind: 'user' });
      // The password went to the terminal once, never into a log line.
      expect(first.output().split(password!).length).toBe(2);
      expect(first.output()).not.toContain(token);

      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);
      expect(first.output()).toMatch(/shutting down/);
      // A newcomer's first start prints no library warnings (Fastify's FSTDEP023 did).
      expect(first.output()).not.toMatch(/Warning|FSTDEP/);

      // Second start on the same database: no new admin, same stored secret, so the token still works.
      const second = await startMain({ DATABASE_URL: db.url });
      try {
        expect(second.output()).not.toMatch(/First admin created/);
        expect((await createTestClient(second, token).auth.me.query()).email).toBe(email);
      } finally {
        second.child.kill('SIGINT');
        expect(await second.exited).toBe(0);
      }
    } finally {
      first.child.kill('SIGKILL');
    }
  }, 90_000);

  it('creates the first admin from CLAPPER_ADMIN_EMAIL and CLAPPER_ADMIN_PASSWORD, printing no password; --demo seeds MyProduction', async () => {
    const other = await createTestDatabase();
    const running = await startMain(
      {
        DATABASE_URL: other.url,
        CLAPPER_ADMIN_EMAIL: 'boss@studio.test',
        CLAPPER_ADMIN_PASSWORD: 'boss-password-123',
      },
      ['--demo'],
    );
    try {
      expect(running.output()).not.toMatch(/password:/);
      const { person, token } = await createTestClient(running).auth.login.mutate({
        email: 'boss@studio.test',
        password: 'boss-password-123',
      });
      expect(person.role).toBe('admin');
      const demo = await createTestClient(running, token).projects.byName.query({
        name: 'MyProduction',
      });
      expect(demo.botCollaboration).toBe(true);
    } finally {
      running.child.kill('SIGTERM');
      await running.exited;
      await other.dispose();
    }
  }, 60_000);

  it('refuses to start on an invalid configuration, naming the variable', async () => {
    const child = await spawnMain({ ...process.env, PORT: 'not-a-port', CLAPPER_SECRET: 'short' });
    let output = '';
    child.stderr.on('data', (d) => {
      output += d;
    });
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).not.toBe(0);
    expect(output).toMatch(/PORT/);
    expect(output).toMatch(/CLAPPER_SECRET: must be at least 32 characters/);
  }, 30_000);
});

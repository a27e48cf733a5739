import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Department, openDatabase } from '@clapper/db';
import { createTestDatabase, type TestDatabase } from '@clapper/db/testing';
import {
  createTestClient,
  login,
  startTestServer,
  type TestServer,
  trpcError,
} from '@clapper/server/testing';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));
const secret = 'cli-test-secret-0123456789-abcdefghijklmnop';

let db: TestDatabase;
let server: TestServer;

function run(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(tsx, [cli, ...args], {
      env: { ...process.env, DATABASE_URL: db.url, CLAPPER_SECRET: secret },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
  // The CLI runs migrations itself; seed one department to pick by name.
  const admin = await run(
    'admin:create',
    '--email',
    'td@studio.test',
    '--password',
    'td-password-1',
  );
  expect(admin, admin.stderr).toMatchObject({ code: 0, stdout: '' });
  const orm = await openDatabase(db.url);
  const em = orm.em.fork();
  em.create(Department, { name: 'Lighting' });
  await em.flush();
  await orm.close();
  server = await startTestServer({ db, secret });
}, 60_000);
afterAll(async () => {
  await server?.close();
  await db?.dispose();
});

describe('pnpm cli', () => {
  it('admin:create makes an admin who can sign in', async () => {
    const token = await login(server, { email: 'td@studio.test', password: 'td-password-1' });
    expect(await createTestClient(server, token).auth.me.query()).toMatchObject({ role: 'admin' });
  });

  it('bots:create prints the token alone on stdout, and it works against the server', async () => {
    const result = await run(
      'bots:create',
      '--name',
      'Publisher',
      '--role',
      'supervisor',
      '--department',
      'Lighting',
      '--expires',
      '2099-12-31',
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(result.stderr).toContain('Publisher');
    const token = result.stdout.trim();
    expect(decodeJwt(token).exp).toBe(Math.floor(Date.parse('2099-12-31T23:59:59.999Z') / 1000));
    const me = await createTestClient(server, token).auth.me.query();
    expect(me).toMatchObject({
      kind: 'bot',
      name: 'Publisher',
      role: 'supervisor',
      departments: [{ name: 'Lighting' }],
    });
  });

  it('bots:list shows the bots, never a token', async () => {
    const result = await run('bots:list');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Publisher');
    expect(result.stdout).not.toMatch(/eyJ/);
  });

  it('bots:regenerate prints a new token; the old one is refused by the running server within a second', async () => {
    const created = await run('bots:create', '--name', 'Rotator');
    const old = created.stdout.trim();
    await createTestClient(server, old).auth.me.query();
    const result = await run('bots:regenerate', '--name', 'Rotator');
    expect(result.code, result.stderr).toBe(0);
    const fresh = result.stdout.trim();
    expect((await createTestClient(server, fresh).auth.me.query()).name).toBe('Rotator');
    await new Promise((r) => setTimeout(r, 1100));
    expect(await trpcError(createTestClient(server, old).auth.me.query())).toMatchObject({
      code: 'UNAUTHORIZED',
      message: 'Token revoked',
    });
  });

  it('fails with one clear line and prints no token on bad input or usage', async () => {
    const cases: [string[], RegExp][] = [
      [['bots:create', '--name', ''], /^error: name: is required/],
      [['bots:create', '--name', 'x', '--role', 'overlord'], /^error: role: must be one of/],
      [
        ['bots:create', '--name', 'x', '--department', 'Nowhere'],
        /^error: department: no department/,
      ],
      [
        ['bots:create', '--name', 'x', '--expires', '2001-01-01'],
        /^error: expiresAt: must not be in the past/,
      ],
      [['bots:regenerate', '--name', 'Ghost'], /^error: name: no bot is named "Ghost"/],
      [
        ['bots:regenerate', '--name', 'Rotator', '--grace', '90'],
        /^error: graceMinutes: must be 0 to 60/,
      ],
      [['nonsense'], /^unknown command: nonsense/],
    ];
    // Independent processes: run them side by side.
    const results = await Promise.all(cases.map(([args]) => run(...args)));
    results.forEach((result, i) => {
      const [args, message] = cases[i]!;
      expect(result.code, args.join(' ')).not.toBe(0);
      expect(result.stdout, args.join(' ')).toBe('');
      expect(result.stderr, args.join(' ')).toMatch(message);
    });
  });

  it('demo seeds MyProduction once: 3 assets, 2 sequences of 5 shots, their tasks, 3 artists', async () => {
    const first = await run('demo');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain('Seeded MyProduction');
    const again = await run('demo');
    expect(again.stderr).toContain('already exists');

    const admin = createTestClient(
      server,
      await login(server, { email: 'td@studio.test', password: 'td-password-1' }),
    );
    const project = await admin.projects.byName.query({ name: 'MyProduction' });
    expect(project.team.map((p) => p.name).sort()).toEqual([
      'Alice Modeler',
      'Bob Animator',
      'Carla Lighter',
    ]);
    const assets = await admin.assets.list.query({ projectId: project.id });
    expect(assets.items.map((a) => a.name).sort()).toEqual(['Castle', 'Hero', 'Sidekick']);
    const shots = await admin.shots.list.query({ projectId: project.id });
    expect(shots.items).toHaveLength(10);
    expect(new Set(shots.items.map((s) => s.sequence))).toEqual(new Set(['SQ01', 'SQ02']));
    const tasks = await admin.tasks.list.query({ projectId: project.id, limit: 500 });
    expect(tasks.items).toHaveLength(26);
    expect(
      tasks.items.every((t) => t.status.shortName === 'todo' && t.assignees.length === 1),
    ).toBe(true);

    // The seed's example works for a bot on the team.
    const bot = await run('bots:create', '--name', 'Demo reader');
    const botId = decodeJwt(bot.stdout.trim()).sub!;
    await admin.projects.addMember.mutate({ projectId: project.id, personId: botId });
    const reader = createTestClient(server, bot.stdout.trim());
    expect((await reader.projects.byName.query({ name: 'MyProduction' })).id).toBe(project.id);
  });

  it('refuses a second bot of the same name', async () => {
    const result = await run('bots:create', '--name', 'Publisher');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error: A bot named "Publisher" already exists\n');
  });
});

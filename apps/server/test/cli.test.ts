import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Department, openDatabase } from '@clapper/db';
import { createTestDatabase, type TestDatabase } from '@clapper/db/testing';
import {
  type Client,
  checkoutFolder,
  createTestClient,
  createUser,
  login,
  readmeSection,
  runCli,
  shell,
  shellLines,
  spawnCli,
  startTestServer,
  type TestServer,
  testClock,
  trpcError,
} from '@clapper/server/testing';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const secret = 'cli-test-secret-0123456789-abcdefghijklmnop';

let db: TestDatabase;
let server: TestServer;
// The server's clock keeps the wall clock's pace (the CLI's writes are stamped by that), and a
// test moves it on past the caches' lifetime rather than sleeping through it.
const clock = testClock();

/**
 * What the running server cached before a CLI change has outlived its lifetime: its next read
 * of a person, session, project or team is the database's (the CLI tells no server).
 */
function outliveServerCaches() {
  const { credentialCacheTtlMs, readCacheTtlMs } = server.services.config;
  clock.advance(Math.max(credentialCacheTtlMs, readCacheTtlMs));
}

type Run = { code: number | null; stdout: string; stderr: string };

/** The CLI's environment: this one's, on the database at `url`, with `env` added. */
const cliEnv = (url: string, env: Record<string, string> = {}) => ({
  ...process.env,
  DATABASE_URL: url,
  CLAPPER_SECRET: secret,
  ...env,
});

const run = (...args: string[]) => runOn(db.url, args);

/**
 * The CLI's commands on the database at `url`, run in this process; `env` adds to the
 * environment (INIT_CWD, as pnpm sets it).
 */
function runOn(url: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return runCli(args, cliEnv(url, env));
}

/** The CLI's bundle in a process of its own, for what only a process shows. */
const spawn = (...args: string[]) => spawnCli(args, cliEnv(db.url));

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
  server = await startTestServer({ db, secret, now: clock.now });
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

  // In a process of its own: a token is all its stdout holds, what a pipe to a secret store reads.
  it('bots:create prints the token alone on stdout, and it works against the server', async () => {
    const result = await spawn(
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
    // The expiry is the bot's row's, not the token's.
    expect(decodeJwt(token).exp).toBeUndefined();
    expect(result.stderr).toContain('expires 2099-12-31');
    const me = await createTestClient(server, token).auth.me.query();
    expect(me).toMatchObject({
      kind: 'bot',
      name: 'Publisher',
      role: 'supervisor',
      departments: [{ name: 'Lighting' }],
    });
    // Made by the CLI: the admin says `system`, as the event log does.
    expect(me.createdBy).toEqual({ id: null, name: 'system', kind: 'system' });
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
    // The CLI tells no server: the credential cache's lifetime (a second) is the most this one
    // trusts what it read of the bot, for the old token and the new one alike. (Whether the CLI
    // had started within that second decided the new token's first answer: on Node 24 it has.)
    expect(server.services.config.credentialCacheTtlMs).toBeLessThanOrEqual(1000);
    outliveServerCaches();
    expect((await createTestClient(server, fresh).auth.me.query()).name).toBe('Rotator');
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
      [['bots:list', '--bogus'], /^error: Unknown option '--bogus'/],
      [['bots:create', '--name'], /^error: Option '--name <value>' argument missing\n$/],
    ];
    // Independent runs, none of which gets as far as writing: side by side.
    const results = await Promise.all(cases.map(([args]) => run(...args)));
    results.forEach((result, i) => {
      const [args, message] = cases[i]!;
      // A usage error (exit 2) or a refusal (1), never a crash with a stack.
      expect([1, 2], args.join(' ')).toContain(result.code);
      expect(result.stderr, args.join(' ')).not.toMatch(/\n +at /);
      expect(result.stdout, args.join(' ')).toBe('');
      expect(result.stderr, args.join(' ')).toMatch(message);
    });
  });

  // A seeded studio, read back through the API: slow on a loaded machine.
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
    // Each shot links to its sequence's record, each asset to its type's.
    const sequences = await admin.sequences.list.query({ projectId: project.id });
    expect(sequences.items.map((s) => s.name).sort()).toEqual(['SQ01', 'SQ02']);
    const sequenceIds = new Map(sequences.items.map((s) => [s.name, s.id]));
    expect(shots.items.every((s) => s.sequenceId === sequenceIds.get(s.sequence))).toBe(true);
    const types = await admin.assetTypes.list.query({ projectId: project.id });
    expect(types.items.map((t) => t.name).sort()).toEqual(['Character', 'Environment']);
    const typeIds = new Map(types.items.map((t) => [t.name, t.id]));
    expect(assets.items.every((a) => a.assetTypeId === typeIds.get(a.assetType))).toBe(true);
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
  }, 90_000);

  it('the process exits 2 with the usage on stderr for a command it does not know', async () => {
    const result = await spawn('nonsense', '--name', 'x');
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(
      /^unknown command: nonsense\nusage: pnpm cli <command> \[options\]\n/,
    );
    expect(result.stderr).toContain('\n  bots:create ');
  });

  it('refuses a second bot of the same name', async () => {
    const result = await run('bots:create', '--name', 'Publisher');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error: A bot named "Publisher" already exists\n');
  });
});

/** One line holding a JWT, and nothing else. */
const TOKEN_FILE = /^[\w-]+\.[\w-]+\.[\w-]+\n$/;

/** The row of `bots:list`'s table that names `bot`. */
async function botsListRow(bot: string) {
  const list = await run('bots:list');
  expect(list.code, list.stderr).toBe(0);
  return list.stdout.split('\n').find((line) => line.includes(`'${bot}'`)) ?? '';
}

describe('pnpm cli: teams and token files', () => {
  let admin: Client;
  let dir: string;
  const teams: Record<string, { id: string; name: string }> = {};

  beforeAll(async () => {
    admin = createTestClient(
      server,
      await login(server, { email: 'td@studio.test', password: 'td-password-1' }),
    );
    for (const name of ['Team A', 'Team B', 'Team C']) {
      teams[name] = await admin.projects.create.mutate({ name });
    }
    dir = await mkdtemp(join(tmpdir(), 'clapper-cli-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('bots:create --project puts the bot on each team; --out writes the token alone to a new 0600 file', async () => {
    const file = join(dir, 'teamed.token');
    const result = await run(
      'bots:create',
      '--name',
      'Teamed',
      '--project',
      'Team A',
      '--project',
      'Team B',
      '--out',
      file,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('on the team of Team A, Team B');
    expect(result.stderr).toContain(`Its token is in ${file} (mode 0600)`);
    const content = await readFile(file, 'utf8');
    expect(content).toMatch(TOKEN_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    const token = content.trim();
    const bot = createTestClient(server, token);
    const me = await bot.auth.me.query();
    expect(me).toMatchObject({ kind: 'bot', name: 'Teamed' });
    expect((await bot.projects.byName.query({ name: 'Team A' })).id).toBe(teams['Team A']!.id);
    expect((await bot.projects.byName.query({ name: 'Team B' })).id).toBe(teams['Team B']!.id);
    expect(await trpcError(bot.projects.byName.query({ name: 'Team C' }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    // Recorded as the API's call would be, by the system.
    const events = await admin.events.list.query({ projectId: teams['Team A']!.id, limit: 5 });
    expect(events.items).toContainEqual(
      expect.objectContaining({
        type: 'project.member_added',
        actorKind: 'system',
        actorName: 'system',
        targetId: me.id,
        data: { name: 'Teamed', kind: 'bot' },
      }),
    );
    expect(await botsListRow('Teamed')).toContain("'Team A, Team B'");
  }, 120_000);

  it('--out takes a relative path from where the command was typed, refuses an existing file, and --force replaces it', async () => {
    const typedIn = { INIT_CWD: dir };
    const first = await runOn(
      db.url,
      ['bots:create', '--name', 'Filed', '--out', 'filed.token'],
      typedIn,
    );
    expect(first.code, first.stderr).toBe(0);
    const path = join(dir, 'filed.token');
    const token = await readFile(path, 'utf8');
    expect(token).toMatch(TOKEN_FILE);

    const refused = await runOn(
      db.url,
      ['bots:create', '--name', 'Twice', '--out', 'filed.token'],
      typedIn,
    );
    expect(refused).toMatchObject({ code: 2, stdout: '' });
    expect(refused.stderr).toBe('error: out: filed.token exists; pass --force to replace it\n');
    expect(await readFile(path, 'utf8')).toBe(token);
    expect(await botsListRow('Twice')).toBe(''); // nothing created

    await chmod(path, 0o644);
    const forced = await runOn(
      db.url,
      ['bots:create', '--name', 'Twice', '--out', 'filed.token', '--force'],
      typedIn,
    );
    expect(forced.code, forced.stderr).toBe(0);
    const replaced = await readFile(path, 'utf8');
    expect(replaced).toMatch(TOKEN_FILE);
    expect(replaced).not.toBe(token);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await createTestClient(server, replaced.trim()).auth.me.query()).name).toBe('Twice');
  }, 120_000);

  it('projects:add-member and remove-member change a team by bot name or user email, as the API does', async () => {
    const created = await run('bots:create', '--name', 'Member');
    const bot = createTestClient(server, created.stdout.trim());
    const user = await createUser(server);
    const teamC = teams['Team C']!;
    const teamNames = async () =>
      (await admin.projects.get.query({ id: teamC.id })).team.map((p) => p.name).sort();
    // The running server has read the team (and cached it) before the CLI changes it.
    expect(await trpcError(bot.projects.byName.query({ name: 'Team C' }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await teamNames()).toEqual([]);

    const byBot = await run('projects:add-member', '--project', 'Team C', '--bot', 'Member');
    expect(byBot, byBot.stderr).toMatchObject({ code: 0, stdout: '' });
    expect(byBot.stderr).toBe('Added bot "Member" to the team of Team C.\n');
    const byEmail = await run(
      'projects:add-member',
      '--project',
      'Team C',
      '--email',
      user.email.toUpperCase(),
    );
    expect(byEmail.stderr).toBe(`Added user ${user.email} to the team of Team C.\n`);
    // The running server sees a CLI change once its caches' lifetime (a second) has passed.
    outliveServerCaches();
    expect((await bot.projects.byName.query({ name: 'Team C' })).id).toBe(teamC.id);
    expect(await teamNames()).toHaveLength(2);
    const again = await run('projects:add-member', '--project', 'Team C', '--bot', 'Member');
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('on the team of Team C already; nothing to do');

    for (const who of [
      ['--bot', 'Member'],
      ['--email', user.email],
    ]) {
      const removed = await run('projects:remove-member', '--project', 'Team C', ...who);
      expect(removed.code, removed.stderr).toBe(0);
      expect(removed.stderr).toMatch(
        /^Removed (bot "Member"|user .*) from the team of Team C\.\n$/,
      );
    }
    outliveServerCaches();
    expect(await trpcError(bot.projects.byName.query({ name: 'Team C' }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await teamNames()).toEqual([]);
    const events = await admin.events.list.query({ projectId: teamC.id, limit: 10 });
    expect(events.items.map((e) => [e.type, e.actorKind, e.targetId])).toEqual([
      ['project.member_removed', 'system', user.id],
      ['project.member_removed', 'system', decodeJwt(created.stdout.trim()).sub],
      ['project.member_added', 'system', user.id],
      ['project.member_added', 'system', decodeJwt(created.stdout.trim()).sub],
      ['project.created', 'user', teamC.id],
    ]);

    const notMember = await run('projects:remove-member', '--project', 'Team C', '--bot', 'Member');
    expect(notMember).toMatchObject({ code: 1, stdout: '' });
    expect(notMember.stderr).toBe('error: bot "Member" is not on the team of Team C\n');
  }, 120_000);

  it('refuses an unknown project, bot or email, or a missing flag, with one line, creating nothing', async () => {
    const file = join(dir, 'never.token');
    const cases: [string[], RegExp][] = [
      [
        [
          'bots:create',
          '--name',
          'Orphan',
          '--project',
          'Team A',
          '--project',
          'Nowhere',
          '--out',
          file,
        ],
        /^error: project: no project is named "Nowhere"\n$/,
      ],
      [
        ['projects:add-member', '--project', 'Nowhere', '--bot', 'Member'],
        /^error: project: no project is named "Nowhere"\n$/,
      ],
      [
        ['projects:add-member', '--project', 'Team A', '--bot', 'Ghost'],
        /^error: bot: no bot is named "Ghost"\n$/,
      ],
      [
        ['projects:remove-member', '--project', 'Team A', '--email', 'ghost@studio.test'],
        /^error: email: no user has the email "ghost@studio.test"\n$/,
      ],
      [
        ['projects:add-member', '--project', 'Team A', '--email', 'not-an-email'],
        /^error: input: must be an email address\n$/,
      ],
      [['projects:add-member', '--bot', 'Member'], /^error: give one --project <name>\n$/],
      [
        ['projects:add-member', '--project', 'Team A'],
        /^error: give --bot <name> or --email <email>/,
      ],
      [
        [
          'projects:remove-member',
          '--project',
          'Team A',
          '--bot',
          'Member',
          '--email',
          'td@studio.test',
        ],
        /^error: give --bot <name> or --email <email>/,
      ],
    ];
    const before = await admin.events.list.query({ limit: 1 });
    const results = await Promise.all(cases.map(([args]) => run(...args)));
    results.forEach((result, i) => {
      const [args, message] = cases[i]!;
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stdout, args.join(' ')).toBe('');
      expect(result.stderr, args.join(' ')).toMatch(message);
    });
    expect(await botsListRow('Orphan')).toBe('');
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await admin.events.list.query({ limit: 1 })).items[0]!.id).toBe(before.items[0]!.id);
  }, 120_000);
});

describe('pnpm cli: triggers', () => {
  it("lists a bot's triggers and parked events, asks for a retry and drops one", async () => {
    const created = await run('bots:create', '--name', 'Reactor');
    const bot = createTestClient(server, created.stdout.trim());
    const { cursor } = await bot.triggers.start.mutate({ name: 'notify', from: 0 });
    for (const eventId of [cursor + 1, cursor + 2]) {
      await bot.triggers.park.mutate({
        name: 'notify',
        eventId,
        error: 'chat is down',
        attempts: 5,
      });
    }
    const listed = await run('triggers:list', '--bot', 'Reactor');
    expect(listed, listed.stderr).toMatchObject({ code: 0 });
    expect(listed.stdout).toMatch(/Reactor.*notify.*chat is down.*2/);

    const parked = await run('triggers:parked', '--bot', 'Reactor', '--trigger', 'notify');
    expect(parked, parked.stderr).toMatchObject({ code: 0 });
    const ids = [...parked.stdout.matchAll(/[0-9a-f]{8}-[0-9a-f-]{27}/g)].map((m) => m[0]);
    expect(ids).toHaveLength(2);
    expect(parked.stdout).toContain('chat is down');

    expect(await run('triggers:retry', '--id', ids[0]!)).toMatchObject({ code: 0 });
    expect(await run('triggers:drop', '--id', ids[1]!)).toMatchObject({ code: 0 });
    const left = await bot.triggers.parked.query({ name: 'notify' });
    expect(left.map((p) => [p.id, p.retryRequestedAt !== null])).toEqual([[ids[0], true]]);

    const unknown = await run('triggers:drop', '--id', ids[1]!);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
    expect(unknown.stderr).toContain('not found');
  }, 60_000);
});

describe("README's command lines that write a token", () => {
  /** Every `pnpm … cli …` line of README.md that sends a token to a file, by code block. */
  const blocks = ['Create one', 'Scripting with bots'].map((section) =>
    shellLines(readmeSection(section)).filter((line) =>
      /^pnpm\b.*\bcli\b.*(--out\s+\S+|>\s*\S+)\s*$/.test(line),
    ),
  );

  it('are there: bots:create --out in both sections, a redirected bots:regenerate', () => {
    expect(blocks.flat().filter((l) => /bots:create .*--out /.test(l))).toHaveLength(2);
    expect(blocks.flat().filter((l) => /bots:regenerate .*>/.test(l))).toHaveLength(1);
    expect(blocks[1]!.join('\n')).toMatch(/--project MyProduction/);
  });

  it('leave exactly one token in the file, typed as they are in a folder of the checkout', async () => {
    for (const lines of blocks) {
      // Each section from a fresh database holding the demo production (its Lighting and MyProduction).
      const fresh = await createTestDatabase();
      const folder = await checkoutFolder('readme-cli');
      try {
        const demo = await runOn(fresh.url, ['demo']);
        expect(demo.code, demo.stderr).toBe(0);
        for (const line of lines) {
          const run = await shell(line, {
            cwd: folder,
            env: { DATABASE_URL: fresh.url, CLAPPER_SECRET: secret },
          });
          expect(run.code, `${line}\n${run.stderr}`).toBe(0);
          const file = join(folder, /(?:--out\s+|>\s*)(\S+)\s*$/.exec(line)![1]!);
          const content = await readFile(file, 'utf8');
          expect(content, line).toMatch(TOKEN_FILE);
          expect(decodeJwt(content.trim()), line).toMatchObject({ typ: 'bot' });
          if (line.includes('--out')) expect((await stat(file)).mode & 0o777, line).toBe(0o600);
        }
      } finally {
        await rm(folder, { recursive: true, force: true });
        await fresh.dispose();
      }
    }
  }, 240_000);
});

import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createTokenService } from '@clapper/api';
import {
  adminClient,
  type Client,
  createBot,
  createStudio,
  runProcess,
  startTestServer,
  type TestServer,
} from '@clapper/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const examples = join(repo, 'scripts/examples');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * What `pnpm bot …` runs, `node apps/runner/bin/bot.mjs …`, from `cwd` (INIT_CWD, as pnpm sets
 * it), with the connection in the environment; `viaPnpm` types the command itself instead, at
 * pnpm's own start of most of a second a run.
 */
function bot(
  args: string[],
  {
    env = {},
    cwd = repo,
    onStderr,
    viaPnpm = false,
  }: {
    env?: Record<string, string>;
    cwd?: string;
    onStderr?: (all: string) => void;
    viaPnpm?: boolean;
  } = {},
): Promise<Run> {
  const [command, commandArgs]: [string, string[]] = viaPnpm
    ? ['pnpm', ['-C', repo, '-s', 'bot', ...args]]
    : [process.execPath, [join(repo, 'apps/runner/bin/bot.mjs'), ...args]];
  return runProcess(command, commandArgs, {
    cwd,
    env: {
      ...process.env,
      CLAPPER_URL: '',
      CLAPPER_TOKEN: '',
      ...(viaPnpm ? {} : { INIT_CWD: cwd }),
      ...env,
    },
    onStderr,
  });
}

/** Each case's run of the seed's example: exit 2, nothing on stdout, one line on stderr. */
async function expectOneLineRefusals(cases: [string, Record<string, string>, RegExp][]) {
  const runs = await Promise.all(
    cases.map(([, env]) => bot([join(examples, 'get-project.ts')], { env })),
  );
  runs.forEach((run, i) => {
    const [label, , line] = cases[i]!;
    expect(run.code, label).toBe(2);
    expect(run.stdout, label).toBe('');
    expect(run.stderr.trim().split('\n'), label).toHaveLength(1);
    expect(run.stderr, label).toMatch(line);
  });
}

/** A loopback address where nothing listens: a port just freed. */
async function closedPortUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return `http://127.0.0.1:${port}`;
}

let server: TestServer;
let admin: Client;
let studio: Awaited<ReturnType<typeof createStudio>>;
let token: string;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startTestServer();
  admin = await adminClient(server);
  studio = await createStudio(server);
  const created = await createBot(server, { name: 'Pipeline', role: 'manager' });
  token = created.token;
  await admin.projects.addMember.mutate({ projectId: studio.project.id, personId: created.bot.id });
  env = { CLAPPER_URL: server.url, CLAPPER_TOKEN: token };
});
afterAll(() => server?.close());

describe('pnpm bot', () => {
  it('runs a script as the bot: one line on stderr saying who and where, the output on stdout', async () => {
    const run = await bot(
      [join(examples, 'get-project.ts'), '--', '--project', studio.project.name],
      { env, viaPnpm: true },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`as bot "Pipeline", role manager, on ${server.url}`);
    expect(JSON.parse(run.stdout)).toMatchObject({
      id: studio.project.id,
      name: studio.project.name,
    });
  });

  it('refuses to run, with one line and exit 2, for each token problem', async () => {
    const expired = await createBot(server, { expiresAt: '2099-01-01' });
    await admin.bots.update.mutate({ id: expired.bot.id, expiresAt: '2020-01-01' });
    const revoked = await createBot(server);
    await admin.bots.regenerateToken.mutate({ id: revoked.bot.id });
    const inactive = await createBot(server, { active: false });
    const cases: [string, Record<string, string>, RegExp][] = [
      ['missing', { CLAPPER_URL: server.url }, /^clapper: no token: set CLAPPER_TOKEN/],
      ['malformed', { ...env, CLAPPER_TOKEN: 'not-a-token' }, /^clapper: the token is malformed/],
      [
        'expired',
        { ...env, CLAPPER_TOKEN: expired.token },
        /^clapper: the token has expired \(bot_expired\)/,
      ],
      [
        'revoked',
        { ...env, CLAPPER_TOKEN: revoked.token },
        /^clapper: the token was revoked by a regeneration \(token_revoked\)/,
      ],
      [
        'inactive',
        { ...env, CLAPPER_TOKEN: inactive.token },
        /^clapper: the bot is inactive \(bot_inactive\)/,
      ],
      [
        'unreachable',
        { CLAPPER_URL: 'http://127.0.0.1:9', CLAPPER_TOKEN: token },
        /^clapper: cannot reach Clapper/,
      ],
    ];
    await expectOneLineRefusals(cases);
  }, 60_000);

  it('tells a malformed token, an unreachable server and a refused token apart, by the reason code', async () => {
    // What `pnpm cli bots:create > bot.token` writes without -s: pnpm's banner, then the token.
    const banner = `\n> clapper@ cli ${repo}\n> tsx apps/server/src/cli.ts bots:create --name X\n\n${token}\n`;
    const nowhere = await closedPortUrl();
    // A well-formed token signed by another server's key.
    const foreign = await createTokenService({ secret: 'another-server-'.repeat(4) }).issue({
      personId: crypto.randomUUID(),
      tokenId: crypto.randomUUID(),
      kind: 'bot',
    });
    const cases: [string, Record<string, string>, RegExp][] = [
      [
        'malformed (banner before the token)',
        { ...env, CLAPPER_TOKEN: banner },
        /^clapper: the token is malformed: CLAPPER_TOKEN \(or --token\) holds other text around the token/,
      ],
      [
        'unreachable',
        { CLAPPER_URL: nowhere, CLAPPER_TOKEN: token },
        new RegExp(
          `^clapper: cannot reach Clapper at ${nowhere} \\(connection refused\\): start the server`,
        ),
      ],
      [
        'refused',
        { ...env, CLAPPER_TOKEN: foreign },
        new RegExp(`^clapper: the token was not issued by ${server.url} \\(bad_signature\\):`),
      ],
    ];
    await expectOneLineRefusals(cases);
  }, 60_000);

  it('refuses an option it does not know, naming the nearest one, and runs nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'clapper-strict-'));
    try {
      await writeFile(
        join(dir, 'publish.ts'),
        `import { defineScript } from '@clapper/runner';
export default defineScript(async () => { console.log('ran'); });`,
      );
      const run = await bot(['publish.ts', '--dryrun'], { env, cwd: dir });
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe('clapper: unknown option --dryrun (did you mean --dry-run?)\n');
      // After --, the same word is the script's own argument.
      const passed = await bot(['publish.ts', '--', '--dryrun'], { env, cwd: dir });
      expect(passed.code, passed.stderr).toBe(0);
      expect(passed.stdout).toBe('ran\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('exits 1 with the error when the script throws', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'clapper-script-'));
    try {
      await writeFile(
        join(dir, 'throws.ts'),
        `import { defineScript } from '@clapper/runner';
export default defineScript(async ({ client }) => {
  await client.projects.byName.query({ name: 'No such project' });
});`,
      );
      const run = await bot(['throws.ts'], { env, cwd: dir });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('clapper: the script failed: NOT_FOUND: Project not found');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('runs a script of several ES modules as Node would: imports, packages, import.meta, top-level await', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'clapper-modules-'));
    try {
      await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n');
      await writeFile(
        join(dir, 'where.ts'),
        `export const where: { url: string; dirname: string; filename: string } = {
  url: import.meta.url,
  dirname: import.meta.dirname,
  filename: import.meta.filename,
};`,
      );
      // Two ES-only packages, one of them with top-level await.
      for (const [name, source] of [
        ['esm-only', 'export const ready = 1;'],
        ['esm-awaits', 'export const ready = await Promise.resolve(3);'],
      ]) {
        await mkdir(join(dir, 'node_modules', name!), { recursive: true });
        await writeFile(
          join(dir, 'node_modules', name!, 'package.json'),
          JSON.stringify({ name, type: 'module', exports: './index.js' }),
        );
        await writeFile(join(dir, 'node_modules', name!, 'index.js'), source!);
      }
      const main = (head: string) => `import { defineScript } from '@clapper/runner';
import { where } from './where.js';
${head}
export default defineScript(async ({ bot }) => {
  const { basename } = await import('node:path');
  console.log(JSON.stringify({ bot: bot.name, where, mine: basename(import.meta.url), ready }));
});`;
      await writeFile(join(dir, 'plain.ts'), main("import { ready } from 'esm-only';"));
      // Top-level await: the script is loaded by tsx's ES module hooks instead.
      await writeFile(join(dir, 'awaits.ts'), main('const ready = await Promise.resolve(2);'));
      await writeFile(join(dir, 'package-awaits.ts'), main("import { ready } from 'esm-awaits';"));
      // tsx's compile cache lives under the temporary folder: a fresh one shows what was kept.
      const temp = join(dir, 'tmp');
      await mkdir(temp);
      for (const [file, ready] of [
        ['plain.ts', 1],
        ['awaits.ts', 2],
        ['package-awaits.ts', 3],
      ] as const) {
        const run = await bot([file], { env: { ...env, TMPDIR: temp }, cwd: dir });
        expect(run.code, run.stderr).toBe(0);
        expect(run.stderr.trim().split('\n'), file).toHaveLength(1);
        expect(JSON.parse(run.stdout), file).toEqual({
          bot: 'Pipeline',
          where: {
            url: pathToFileURL(join(dir, 'where.ts')).href,
            dirname: dir,
            filename: join(dir, 'where.ts'),
          },
          mine: file,
          ready,
        });
      }
      // The runner exits only once tsx has written what it compiled: the next start reuses it.
      // tsx's folder (tsx-<uid>), beside what else may keep a cache there (Node 24's own
      // compile cache, node-compile-cache/, when a parent process turned it on); its files only.
      const cache = (await readdir(temp)).find((name) => name.startsWith('tsx-'));
      expect(cache, 'tsx cache folder').toBeDefined();
      const entries = await readdir(join(temp, cache!), { withFileTypes: true });
      const kept = await Promise.all(
        entries
          .filter((entry) => entry.isFile())
          .map(
            async (entry) =>
              (
                JSON.parse(await readFile(join(temp, cache!, entry.name), 'utf8')) as {
                  code: string;
                }
              ).code,
          ),
      );
      expect(
        kept.some((code) => code.includes(`__filename=${JSON.stringify(join(dir, 'plain.ts'))}`)),
      ).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  // tsc over the API's sources: half a minute on a loaded two-core machine.
  it('runs a script outside the repository, reading .env there; --init gives it full types', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'clapper-outside-'));
    try {
      await writeFile(join(dir, '.env'), `CLAPPER_URL=${server.url}\nCLAPPER_TOKEN=${token}\n`);
      await writeFile(
        join(dir, 'count-shots.ts'),
        `import { ClapperError, defineScript } from '@clapper/runner';
import { createClapperClient } from '@clapper/client';
export default defineScript(async ({ client, bot, args }) => {
  const project = await client.projects.byName.query({ name: args[0]! });
  const shots = await client.shots.list.query({ projectId: project.id });
  const other = createClapperClient({ url: '${server.url}' });
  const refused = await other.auth.me.query().catch((e: unknown) => ClapperError.from(e).code);
  // The runner's own client throws what the script's ClapperError knows (one copy of the client).
  const missing = await client.projects.byName.query({ name: 'No such project' }).catch((e: unknown) => ClapperError.from(e).code);
  console.log(JSON.stringify({ bot: bot.name, shots: shots.items.length, anonymous: refused, missing }));
});`,
      );
      const run = await bot(['count-shots.ts', '--', studio.project.name], { cwd: dir });
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual({
        bot: 'Pipeline',
        shots: 1,
        anonymous: 'UNAUTHORIZED',
        missing: 'NOT_FOUND',
      });
      // The same script as an ES module (tsx compiled it to CommonJS above).
      await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n');
      const asModule = await bot(['count-shots.ts', '--', studio.project.name], { cwd: dir });
      expect(asModule.code, asModule.stderr).toBe(0);
      expect(JSON.parse(asModule.stdout)).toMatchObject({ shots: 1, missing: 'NOT_FOUND' });
      await rm(join(dir, 'package.json'));

      const init = await bot(['--init'], { cwd: dir });
      expect(init.code).toBe(0);
      expect(init.stderr).toContain(join(dir, 'tsconfig.json'));
      // The types are real: a wrong input field is a compile error. One tsc run over both
      // scripts (each run reads the API's sources): errors in wrong.ts only.
      await writeFile(
        join(dir, 'wrong.ts'),
        `import { defineScript } from '@clapper/runner';
export default defineScript(async ({ client }) => { await client.projects.byName.query({ nom: 'x' }); });`,
      );
      const tsc = await runProcess(
        join(repo, 'node_modules/.bin/tsc'),
        ['-p', join(dir, 'tsconfig.json')],
        { cwd: dir, env: process.env },
      );
      const errors = tsc.stdout.split('\n').filter((line) => /error TS\d+/.test(line));
      expect(tsc.code).not.toBe(0);
      expect(errors.length, tsc.stdout).toBeGreaterThan(0);
      expect(
        errors.every((line) => line.startsWith('wrong.ts')),
        tsc.stdout,
      ).toBe(true);
      expect(tsc.stdout).toContain("'nom' does not exist");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it('--dry-run runs every mutation and saves none of it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'clapper-dry-'));
    try {
      await writeFile(
        join(dir, 'make-shot.ts'),
        `import { defineScript } from '@clapper/runner';
export default defineScript(async ({ client }) => {
  const project = await client.projects.byName.query({ name: '${studio.project.name}' });
  const shot = await client.shots.create.mutate({ projectId: project.id, sequence: 'DRY', name: 'SH999' });
  console.log(JSON.stringify(shot));
});`,
      );
      const before = await admin.events.list.query({ limit: 1 });
      const run = await bot(['--dry-run', 'make-shot.ts'], { env, cwd: dir });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toContain('(dry run: nothing is saved)');
      expect(JSON.parse(run.stdout)).toMatchObject({ sequence: 'DRY', name: 'SH999' });
      const shots = await admin.shots.list.query({ projectId: studio.project.id, sequence: 'DRY' });
      expect(shots.items).toEqual([]);
      expect((await admin.events.list.query({ limit: 1 })).items[0]!.id).toBe(before.items[0]!.id);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('example scripts', () => {
  it('publish-comments.ts comments on every wfa task and moves it to done', async () => {
    const shots = await Promise.all(
      [1, 2, 3].map((i) =>
        admin.shots.create.mutate({
          projectId: studio.project.id,
          sequence: 'PUB',
          name: `SH${i}`,
        }),
      ),
    );
    const tasks = [];
    for (const shot of shots)
      tasks.push(
        await admin.tasks.create.mutate({ entityId: shot.id, taskTypeId: studio.animate.id }),
      );
    await admin.tasks.setStatus.mutate({ taskId: tasks[0]!.id, statusId: studio.statuses.wfa!.id });
    await admin.tasks.setStatus.mutate({ taskId: tasks[1]!.id, statusId: studio.statuses.wfa!.id });

    const run = await bot(
      [join(examples, 'publish-comments.ts'), '--', '--project', studio.project.name],
      { env },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ published: 2 });
    const after = await Promise.all(tasks.map((t) => admin.tasks.get.query({ id: t.id })));
    expect(after.map((t) => t.status.shortName)).toEqual(['done', 'done', 'todo']);
    const comments = await admin.comments.list.query({ taskId: tasks[0]!.id });
    expect(comments.items[0]).toMatchObject({
      text: 'Approved by the pipeline',
      authorName: 'Pipeline',
    });
  });

  it('bulk-create-shots.ts creates shots and tasks from a CSV, and changes nothing on a re-run', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'clapper-csv-'));
    try {
      await writeFile(
        join(dir, 'shots.csv'),
        `sequence,shot,frameIn,frameOut,taskTypes\nBLK,SH010,1001,1050,${studio.animate.name};${studio.layout.name}\nBLK,SH020,1001,1080,${studio.animate.name}\n`,
      );
      const args = [
        join(examples, 'bulk-create-shots.ts'),
        '--',
        '--project',
        studio.project.name,
        '--csv',
        'shots.csv',
      ];
      const first = await bot(args, { env, cwd: dir });
      expect(first.code, first.stderr).toBe(0);
      expect(JSON.parse(first.stdout)).toEqual({ rows: 2, createdShots: 2, createdTasks: 3 });
      const again = await bot(args, { env, cwd: dir });
      expect(JSON.parse(again.stdout)).toEqual({ rows: 2, createdShots: 0, createdTasks: 0 });
      const shots = await admin.shots.list.query({ projectId: studio.project.id, sequence: 'BLK' });
      expect(shots.items.map((s) => [s.name, s.frameOut])).toEqual([
        ['SH010', 1050],
        ['SH020', 1080],
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('watch-comments.ts reacts to a comment as it is posted, then stops by itself after --max', async () => {
    const shot = await admin.shots.create.mutate({
      projectId: studio.project.id,
      sequence: 'WCH',
      name: 'SH1',
    });
    const task = await admin.tasks.create.mutate({
      entityId: shot.id,
      taskTypeId: studio.animate.id,
    });
    let posted = false;
    const run = await bot(
      [join(examples, 'watch-comments.ts'), '--', '--project', studio.project.name, '--max', '1'],
      {
        env,
        onStderr: (all) => {
          if (posted || !all.includes('watching comments')) return;
          posted = true;
          void admin.comments.add.mutate({ taskId: task.id, text: 'please react' });
        },
      },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout.trim())).toMatchObject({ task: task.id, by: 'Administrator' });
    expect(run.stderr).toContain('stopped after 1 comments');
  }, 30_000);

  it('watch-comments.ts stops cleanly on Ctrl-C (SIGINT), reporting what it saw', async () => {
    // The command `pnpm bot` runs, so the signal reaches the runner as Ctrl-C would.
    const child = spawn(
      process.execPath,
      [join(repo, 'apps/runner/bin/bot.mjs'), join(examples, 'watch-comments.ts')],
      {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    const deadline = Date.now() + 15_000;
    while (!output.includes('watching comments') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    const shot = await admin.shots.create.mutate({
      projectId: studio.project.id,
      sequence: 'SIG',
      name: 'SH1',
    });
    const task = await admin.tasks.create.mutate({
      entityId: shot.id,
      taskTypeId: studio.animate.id,
    });
    await admin.comments.add.mutate({ taskId: task.id, text: 'one' });
    while (!output.includes(task.id) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    expect(await exited, output).toBe(0);
    expect(output).toContain('clapper: SIGINT: asking the script to stop');
    expect(output).toContain('[info] stopped after 1 comments');
  }, 30_000);

  it('--watch runs the script again when it changes, saved in place or renamed over it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'clapper-watch-'));
    const script = (n: number) => `import { defineScript } from '@clapper/runner';
export default defineScript(async () => { console.log('version ${n}'); });`;
    try {
      await writeFile(join(dir, 'watched.ts'), script(1));
      const child = spawn(
        process.execPath,
        [join(repo, 'apps/runner/bin/bot.mjs'), '--watch', 'watched.ts'],
        {
          cwd: dir,
          env: { ...process.env, ...env, INIT_CWD: dir },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let output = '';
      child.stdout.on('data', (d) => {
        output += d;
      });
      const exited = new Promise((resolve) => child.on('exit', resolve));
      const waitFor = async (text: string) => {
        const deadline = Date.now() + 30_000;
        while (!output.includes(text) && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 50));
        return output.includes(text);
      };
      expect(await waitFor('version 1')).toBe(true);
      await writeFile(join(dir, 'watched.ts'), script(2));
      expect(await waitFor('version 2'), output).toBe(true);
      // Atomic saves, as many editors make them: a new file renamed over the script, twice.
      for (const n of [3, 4]) {
        await writeFile(join(dir, `.watched.ts.${n}.tmp`), script(n));
        await rename(join(dir, `.watched.ts.${n}.tmp`), join(dir, 'watched.ts'));
        expect(await waitFor(`version ${n}`), output).toBe(true);
      }
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

/**
 * `pnpm start`'s build step (scripts/start.mjs, scripts/build.ts): it builds the real admin and
 * server sources, into a temporary directory (`--dist`) rather than apps/*\/dist. It touches
 * (mtime only) a few real sources to make them newer than the build. The build has no
 * database: it runs once, in the SQLite project.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestServer } from '@clapper/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishBuild } from '../../../scripts/lib/publish';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const START = join(ROOT, 'scripts/start.mjs');
const STAMP = '.build-stamp.json';
const SERVER_SOURCE = join(ROOT, 'apps/server/src/admin-static.ts');
const ADMIN_SOURCE = join(ROOT, 'apps/admin/index.html');

function touch(path: string) {
  const now = new Date();
  utimesSync(path, now, now);
}

function run(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

/** The asset paths an index.html names. */
const assetsOf = (html: string) =>
  [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((m) => m[1]!);

describe('pnpm start: build', () => {
  let dist: string;
  const start = () => run([START, '--dist', dist]);
  const mtime = (path: string) => statSync(join(dist, path)).mtimeMs;

  beforeAll(() => {
    dist = mkdtempSync(join(tmpdir(), 'clapper-dist-'));
  });
  afterAll(() => rmSync(dist, { recursive: true, force: true }));

  it('builds what is missing, then nothing while the build is up to date', async () => {
    const first = await start();
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/admin built .*\(not built yet\)/);
    expect(first.stderr).toMatch(/server built .*\(not built yet\)/);
    const before = [mtime(`admin/${STAMP}`), mtime(`server/${STAMP}`), mtime('server/main.mjs')];

    const again = await start();
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toMatch(/built/);
    expect([mtime(`admin/${STAMP}`), mtime(`server/${STAMP}`), mtime('server/main.mjs')]).toEqual(
      before,
    );
  }, 180_000);

  it('rebuilds the server bundle, and only it, once a server source is newer', async () => {
    const admin = mtime(`admin/${STAMP}`);
    const server = mtime(`server/${STAMP}`);
    touch(SERVER_SOURCE);
    const result = await start();
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/server built .*apps\/server\/src\/admin-static\.ts changed/);
    expect(result.stderr).not.toMatch(/admin built/);
    expect(mtime(`server/${STAMP}`)).toBeGreaterThan(server);
    expect(mtime(`admin/${STAMP}`)).toBe(admin);
  }, 120_000);

  it('two starts at once build once, and a running server answers throughout', async () => {
    const server = startBuiltServer(dist);
    try {
      const url = await server.ready;
      const failures: string[] = [];
      let polling = true;
      let polls = 0;
      const poller = (async () => {
        while (polling) {
          const index = await fetch(`${url}/`);
          const html = await index.text();
          if (index.status !== 200) failures.push(`/ ${index.status}`);
          for (const asset of assetsOf(html)) {
            const res = await fetch(`${url}/${asset}`);
            await res.arrayBuffer();
            if (res.status !== 200) failures.push(`/${asset} ${res.status}`);
          }
          polls++;
        }
      })();
      touch(ADMIN_SOURCE);
      touch(SERVER_SOURCE);
      const [a, b] = await Promise.all([start(), start()]);
      polling = false;
      await poller;

      expect(a.code, a.stderr).toBe(0);
      expect(b.code, b.stderr).toBe(0);
      const both = a.stderr + b.stderr;
      expect(both.match(/admin built/g)).toHaveLength(1);
      expect(both.match(/server built/g)).toHaveLength(1);
      expect(failures).toEqual([]);
      expect(polls).toBeGreaterThan(0);

      const html = readFileSync(join(dist, 'admin/index.html'), 'utf8');
      expect(assetsOf(html).length).toBeGreaterThan(0);
      for (const asset of assetsOf(html)) expect(existsSync(join(dist, 'admin', asset))).toBe(true);
      expect(existsSync(join(dist, 'server/main.mjs'))).toBe(true);
      expect(readdirSync(dist).sort()).toEqual(['admin', 'server']); // no lock, no half build
    } finally {
      await server.stop();
    }
  }, 180_000);

  it('breaks a lock left by a killed build instead of waiting for it', async () => {
    const gone = spawn(process.execPath, ['-e', '0']);
    await new Promise((resolve) => gone.on('exit', resolve));
    writeFileSync(
      join(dist, 'server.lock'),
      JSON.stringify({ pid: gone.pid, host: hostname(), at: new Date().toISOString() }),
    );
    mkdirSync(join(dist, 'server.tmp-killed')); // and its half-made build
    touch(SERVER_SOURCE);
    const started = Date.now();
    const result = await start();
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/server built/);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(readdirSync(dist).sort()).toEqual(['admin', 'server']);
  }, 60_000);
});

/** The bundle in `dist`, serving `dist`/admin, on a fresh SQLite file and a free port. */
function startBuiltServer(dist: string) {
  let child: ChildProcess | undefined;
  const data = mkdtempSync(join(tmpdir(), 'clapper-served-'));
  const ready = (async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    child = spawn(process.execPath, ['--max-old-space-size=160', join(dist, 'server/main.mjs')], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: `sqlite:${join(data, 'served.db')}`,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        LOG_FORMAT: 'json',
        CLAPPER_ADMIN_DIR: join(dist, 'admin'),
        CLAPPER_ADMIN_EMAIL: 'admin@clapper.test',
        CLAPPER_ADMIN_PASSWORD: 'admin-password-1',
      },
      stdio: 'ignore',
    });
    const url = `http://127.0.0.1:${port}`;
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
      if (child.exitCode !== null) throw new Error(`the built server exited ${child.exitCode}`);
      try {
        if ((await fetch(`${url}/healthz`)).ok) return url;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('the built server did not answer /healthz');
  })();
  return {
    ready,
    stop: () =>
      new Promise<void>((resolve) => {
        if (!child || child.exitCode !== null) {
          rmSync(data, { recursive: true, force: true });
          return resolve();
        }
        child.once('exit', () => {
          rmSync(data, { recursive: true, force: true });
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

describe('a running server', () => {
  let dir: string;
  let staging: string;
  const build = (name: string) => {
    const from = mkdtempSync(join(staging, 'build-'));
    mkdirSync(join(from, 'assets'));
    writeFileSync(join(from, 'index.html'), `<script src="/assets/${name}.js"></script>`);
    writeFileSync(join(from, 'assets', `${name}.js`), `// ${name}`);
    return from;
  };
  beforeAll(() => {
    staging = mkdtempSync(join(tmpdir(), 'clapper-swap-'));
    dir = join(staging, 'dist');
  });
  afterAll(() => rmSync(staging, { recursive: true, force: true }));

  it('serves each build swapped in under it, and the one before for a build more', async () => {
    const files = publishBuild({
      from: build('one'),
      to: dir,
      entry: 'index.html',
      previous: null,
    });
    const server = await startTestServer({ adminDir: dir });
    try {
      const get = async (path: string) => {
        const res = await fetch(`${server.url}${path}`);
        return { status: res.status, body: await res.text() };
      };
      expect(await get('/assets/one.js')).toEqual({ status: 200, body: '// one' });

      const two = publishBuild({
        from: build('two'),
        to: dir,
        entry: 'index.html',
        previous: files,
      });
      expect((await get('/')).body).toContain('/assets/two.js');
      // A file the server never saw at its start: looked up at request time.
      expect(await get('/assets/two.js')).toEqual({ status: 200, body: '// two' });
      expect((await get('/assets/one.js')).status).toBe(200);

      publishBuild({ from: build('three'), to: dir, entry: 'index.html', previous: two });
      expect((await get('/assets/three.js')).status).toBe(200);
      expect((await get('/assets/two.js')).status).toBe(200);
      expect((await get('/assets/one.js')).status).toBe(404);
      expect(readdirSync(staging)).toEqual(['dist']);
    } finally {
      await server.close();
    }
  });
});

describe('pnpm bot: build', () => {
  // apps/runner/dist itself, as `pnpm bot` uses it: builds publish atomically under a lock, so
  // the runner's own tests may start scripts meanwhile.
  const BOT = join(ROOT, 'apps/runner/bin/bot.mjs');
  const RUNNER_SOURCE = join(ROOT, 'apps/runner/src/config.ts');

  it('runs the runner from its build, rebuilt first once a source is newer', async () => {
    touch(RUNNER_SOURCE);
    const first = await run([BOT, '--help']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/runner built .*apps\/runner\/src\/config\.ts changed/);
    expect(first.stderr).toContain('usage: pnpm bot <script.ts>');
    const built = statSync(join(ROOT, `apps/runner/dist/${STAMP}`)).mtimeMs;

    const again = await run([BOT, '--help']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toMatch(/built/);
    expect(statSync(join(ROOT, `apps/runner/dist/${STAMP}`)).mtimeMs).toBe(built);
  }, 120_000);
});

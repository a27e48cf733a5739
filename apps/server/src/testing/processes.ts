import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ProcessRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * A child process run to its end with its output collected (the CLI, `pnpm bot`, a shell
 * line); `env` is its whole environment; `onStderr` sees stderr so far, each time it grows.
 */
export function runProcess(
  command: string,
  args: string[],
  {
    cwd,
    env,
    onStderr,
  }: { cwd?: string; env: NodeJS.ProcessEnv; onStderr?: (all: string) => void },
): Promise<ProcessRun> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
      onStderr?.(stderr);
    });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const ROOT = fileURLToPath(new URL('../../../..', import.meta.url));
const CLI = join(ROOT, 'apps/server/dist/cli.mjs');
const builds = new Map<string, Promise<void>>();

/**
 * `target`'s build (scripts/build.ts: `admin`, `server` or `runner`) brought up to date once per
 * test process, as `pnpm start` does: nothing when it is, and under the build's lock, so test
 * files in other workers asking at once build once. Asynchronous, so the worker's other files go
 * on meanwhile.
 */
export function ensureBuilt(target: 'admin' | 'server' | 'runner'): Promise<void> {
  let built = builds.get(target);
  if (!built) {
    built = runProcess(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'scripts/build.ts'), target, '--if-needed'],
      { cwd: ROOT, env: process.env },
    ).then((run) => {
      if (run.code !== 0) throw new Error(`the ${target} build failed:\n${run.stderr}`);
    });
    builds.set(target, built);
  }
  return built;
}

/**
 * The CLI as `pnpm cli` runs it (the bundle beside the server's, built first if its sources
 * changed), with `env` as its whole environment: a run costs a node start, not tsx compiling
 * the sources again.
 */
export async function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<ProcessRun> {
  await ensureBuilt('server');
  return runProcess(process.execPath, [CLI, ...args], { env });
}

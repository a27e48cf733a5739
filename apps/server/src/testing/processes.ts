import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { runCli as runCliCommand } from '../cli-commands';

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
 * the sources again. For what only a process shows: its exit code, what reaches its stdout.
 */
export async function spawnCli(args: string[], env: NodeJS.ProcessEnv): Promise<ProcessRun> {
  await ensureBuilt('server');
  return runProcess(process.execPath, [CLI, ...args], { env });
}

/** A stream that keeps each chunk written to it in `into` (a server's log lines, a run's output). */
export function collectingStream(into: string[]): Writable {
  return new Writable({
    write(chunk, _encoding, done) {
      into.push(String(chunk));
      done();
    },
  });
}

/**
 * The CLI's commands run in this process (cli-commands.ts, what the bundle runs), with `env` as
 * their whole environment and their output collected: as `spawnCli` answers, without a node
 * start per run. Each run opens and closes its own database connections, as the process does.
 * On SQLite, two runs at once that both write can refuse each other (LockWaitTimeoutException:
 * one thread, a write lock held across awaits), so only runs refused before they write go side
 * by side.
 */
export async function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  { cwd }: { cwd?: string } = {},
): Promise<ProcessRun> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await runCliCommand(args, {
    env,
    stdout: collectingStream(stdout),
    stderr: collectingStream(stderr),
    cwd,
  });
  return { code, stdout: stdout.join(''), stderr: stderr.join('') };
}

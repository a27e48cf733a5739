import { execFileSync, spawn } from 'node:child_process';
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
let cliBuilt = false;

/**
 * The CLI as `pnpm cli` runs it (the bundle beside the server's, built first if its sources
 * changed), with `env` as its whole environment: a run costs a node start, not tsx compiling
 * the sources again.
 */
export function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<ProcessRun> {
  if (!cliBuilt) {
    execFileSync(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'scripts/build.ts'), 'server', '--if-needed'],
      { cwd: ROOT, stdio: 'inherit' },
    );
    cliBuilt = true;
  }
  return runProcess(process.execPath, [CLI, ...args], { env });
}

import { spawn } from 'node:child_process';

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

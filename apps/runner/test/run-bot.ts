import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../..', import.meta.url));

export interface Running {
  child: ChildProcess;
  stderr: () => string;
  /** Resolves once stderr matches. */
  said: (pattern: RegExp) => Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

/** `node apps/runner/bin/bot.mjs <file>`, what `pnpm bot` runs, so a signal reaches the runner itself. */
export function runBot(
  server: { url: string },
  file: string,
  env: Record<string, string>,
  args: string[] = [],
): Running {
  const child = spawn(process.execPath, [join(repo, 'apps/runner/bin/bot.mjs'), file, ...args], {
    cwd: repo,
    env: { ...process.env, CLAPPER_URL: server.url, CLAPPER_TOKEN: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const waiters: (() => void)[] = [];
  child.stderr!.on('data', (d) => {
    stderr += d;
    for (const w of waiters.splice(0)) w();
  });
  child.stdout!.resume();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const said = (pattern: RegExp) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`never said ${pattern}:\n${stderr}`)),
        30_000,
      );
      const check = () => {
        const match = stderr.match(pattern);
        if (match) {
          clearTimeout(timer);
          resolve(match);
        } else waiters.push(check);
      };
      check();
      exited.then(() => {
        if (!stderr.match(pattern)) reject(new Error(`exited without ${pattern}:\n${stderr}`));
      });
    });
  return { child, stderr: () => stderr, said, exited };
}

/** Polls `probe` every 100 ms until it holds (30 s by default). */
export const until = async (probe: () => Promise<boolean>, ms = 30_000) => {
  const end = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
};

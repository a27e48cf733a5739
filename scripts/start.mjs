// @ts-check
/**
 * `pnpm start`, before it runs the server: builds the admin and the server bundle only when one
 * is missing or older than its sources (scripts/lib/build-state.mjs), through scripts/build.ts,
 * which builds beside the served build and swaps it in under a lock, so two starts at once
 * (the replica recipe) neither wipe each other nor build twice. Plain JavaScript so the
 * up-to-date case costs a bare node start.
 *
 *   node scripts/start.mjs [--dist DIR]   (DIR: build into DIR/admin and DIR/server; tests)
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { outDir, ROOT, whyBuild } from './lib/build-state.mjs';

const { values } = parseArgs({ options: { dist: { type: 'string' } } });
/** @type {import('./lib/build-state.mjs').TargetName[]} */
const SERVED = ['admin', 'server'];
const stale = SERVED.filter((name) => whyBuild(name, outDir(name, values.dist)));
if (stale.length > 0) {
  const build = spawnSync(
    process.execPath,
    [
      '--import',
      import.meta.resolve('tsx'),
      fileURLToPath(new URL('./build.ts', import.meta.url)),
      '--if-needed',
      ...(values.dist ? ['--dist', values.dist] : []),
      ...stale,
    ],
    { cwd: ROOT, stdio: 'inherit' },
  );
  process.exit(build.status ?? 1);
}

// @ts-check
/**
 * `pnpm start`, before it runs the server: builds the admin and the server bundle only when one
 * is missing or older than its sources (scripts/lib/build-state.mjs), through scripts/build.ts,
 * which builds beside the served build and swaps it in under a lock, so two starts at once
 * (the replica recipe) neither wipe each other nor build twice. Plain JavaScript so the
 * up-to-date case costs a bare node start.
 *
 *   node scripts/start.mjs [--dist DIR] [--only server]
 *
 * DIR: build into DIR/admin and DIR/server (tests); `--only server`: the server bundle alone,
 * what `pnpm cli` runs (its cli.mjs).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { outDir, ROOT, whyBuild } from './lib/build-state.mjs';

const { values } = parseArgs({ options: { dist: { type: 'string' }, only: { type: 'string' } } });
if (values.only !== undefined && values.only !== 'server') {
  process.stderr.write(`start: --only takes "server", not "${values.only}"\n`);
  process.exit(2);
}
/** @type {import('./lib/build-state.mjs').TargetName[]} */
const SERVED = values.only ? ['server'] : ['admin', 'server'];
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

#!/usr/bin/env node
// @ts-check
/**
 * `pnpm bot`: runs the runner's build (apps/runner/dist/cli.mjs) with the `node` that runs this,
 * building it first when it is missing or older than its sources (scripts/lib/build-state.mjs),
 * under scripts/build.ts's lock so runners started at once build once. Plain JavaScript: the
 * up-to-date case costs a few file stats, not a TypeScript loader.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { outDir, ROOT, whyBuild } from '../../../scripts/lib/build-state.mjs';

const out = outDir('runner', undefined);
if (whyBuild('runner', out)) {
  const build = spawnSync(
    process.execPath,
    [
      '--import',
      import.meta.resolve('tsx'),
      fileURLToPath(new URL('../../../scripts/build.ts', import.meta.url)),
      '--if-needed',
      'runner',
    ],
    // The build's own lines go to stderr: a script's stdout stays its own.
    { cwd: ROOT, stdio: ['ignore', 2, 2] },
  );
  if (build.status !== 0) process.exit(build.status ?? 1);
}
await import(new URL('../dist/cli.mjs', import.meta.url).href);

/**
 * The server bundle (this package and the workspace packages it imports) as main.mjs, which
 * `pnpm start` runs with plain node, and the CLI beside it as cli.mjs (`pnpm cli`), which
 * starts in a fraction of what tsx takes to compile it on every run. Dependencies from the registry stay outside the bundle,
 * imported from where pnpm installed them. Running the server through tsx costs every
 * closure a `__name` call (tsx always keeps function names), which on the hot path cost as
 * much as the rest of a cached read.
 *
 * scripts/build.ts calls `bundleServer` with a fresh directory beside apps/server/dist and
 * swaps the result in (`pnpm build:server`); run directly, this file does the same.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleForNode } from '../../scripts/lib/bundle';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Bundles the server into `outdir`/main.mjs and the CLI into cli.mjs; returns the absolute paths of the files they read. */
export async function bundleServer(outdir: string): Promise<string[]> {
  // The checkpointer's worker thread loads better-sqlite3 by file name (packages/db/src/checkpointer.ts).
  const define = {
    CLAPPER_BETTER_SQLITE3: JSON.stringify(
      createRequire(here('../../packages/db/package.json')).resolve('better-sqlite3'),
    ),
  };
  const read = await Promise.all(
    (['main', 'cli'] as const).map((name) =>
      bundleForNode({
        absWorkingDir: here('.'),
        entryPoints: [here(`./src/${name}.ts`)],
        outfile: join(outdir, `${name}.mjs`),
        define,
      }),
    ),
  );
  return [...new Set(read.flat())];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const run = spawnSync(
    process.execPath,
    [
      '--import',
      import.meta.resolve('tsx'),
      here('../../scripts/build.ts'),
      'server',
      ...process.argv.slice(2),
    ],
    { stdio: 'inherit' },
  );
  process.exit(run.status ?? 1);
}

/**
 * The server bundle (this package and the workspace packages it imports) as main.mjs, which
 * `pnpm start` runs with plain node. Dependencies from the registry stay outside the bundle,
 * imported from where pnpm installed them. Running the server through tsx costs every
 * closure a `__name` call (tsx always keeps function names), which on the hot path cost as
 * much as the rest of a cached read.
 *
 * scripts/build.ts calls `bundleServer` with a fresh directory beside apps/server/dist and
 * swaps the result in (`pnpm build:server`); run directly, this file does the same.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Bundles `@clapper/*` sources; every other package is imported from its installed file. */
const registryPackagesOutside: Plugin = {
  name: 'registry-packages-outside',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.path.startsWith('@clapper/') || args.pluginData === 'resolving') return undefined;
      if (args.path.startsWith('node:')) return { external: true };
      const found = await build.resolve(args.path, {
        resolveDir: args.resolveDir,
        kind: args.kind,
        pluginData: 'resolving',
      });
      return found.errors.length ? { external: true } : { path: found.path, external: true };
    });
  },
};

/** Bundles into `outdir`/main.mjs; returns the absolute paths of the files it read. */
export async function bundleServer(outdir: string): Promise<string[]> {
  const result = await build({
    absWorkingDir: here('.'),
    entryPoints: [here('./src/main.ts')],
    outfile: join(outdir, 'main.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    metafile: true,
    plugins: [registryPackagesOutside],
    // The checkpointer's worker thread loads better-sqlite3 by file name (packages/db/src/checkpointer.ts).
    define: {
      CLAPPER_BETTER_SQLITE3: JSON.stringify(
        createRequire(here('../../packages/db/package.json')).resolve('better-sqlite3'),
      ),
    },
    logLevel: 'warning',
  });
  return Object.keys(result.metafile.inputs).map((input) => resolve(here('.'), input));
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

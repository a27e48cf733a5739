/**
 * `pnpm build:server`: bundles the server (this package and the workspace
 * packages it imports) into dist/main.mjs, which `pnpm start` runs with plain
 * node. Dependencies from the registry stay outside the bundle, imported from
 * where pnpm installed them. Running the server through tsx costs every
 * closure a `__name` call (tsx always keeps function names), which on the hot
 * path cost as much as the rest of a cached read.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
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

const started = performance.now();
await build({
  entryPoints: [here('./src/main.ts')],
  outfile: here('./dist/main.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  plugins: [registryPackagesOutside],
  // The checkpointer's worker thread loads better-sqlite3 by file name (packages/db/src/checkpointer.ts).
  define: {
    CLAPPER_BETTER_SQLITE3: JSON.stringify(
      createRequire(here('../../packages/db/package.json')).resolve('better-sqlite3'),
    ),
  },
  logLevel: 'warning',
});
process.stderr.write(
  `server built in ${Math.round(performance.now() - started)} ms: apps/server/dist/main.mjs\n`,
);

/**
 * The runner as plain ES modules, so `pnpm bot` starts with a bare `node` (bin/bot.mjs) and
 * pays for tsx's loader only once the script's TypeScript needs it, with the registry packages
 * the runner and the client use bundled in (a script's `@clapper/client` is this copy). Four entries share their
 * code through chunks: `cli.mjs` (the runner), `index.mjs` and `client.mjs` (what a script's
 * `@clapper/runner` and `@clapper/client` resolve to, so a script's `ClapperError` is the very
 * class the runner's client throws) and `alias-hooks.mjs` (the resolve hook that maps them).
 *
 * scripts/build.ts calls `bundleRunner` with a fresh directory beside apps/runner/dist and swaps
 * the result in (`pnpm build:runner`); bin/bot.mjs asks for it whenever the build is stale.
 */
import { fileURLToPath } from 'node:url';
import { bundleForNode } from '../../scripts/lib/bundle';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Bundles into `outdir`; returns the absolute paths of the files it read. */
export function bundleRunner(outdir: string): Promise<string[]> {
  return bundleForNode({
    absWorkingDir: here('.'),
    entryPoints: {
      cli: here('./src/cli.ts'),
      index: here('./src/index.ts'),
      client: here('../../packages/client/src/index.ts'),
      'alias-hooks': here('./src/alias-hooks.mjs'),
    },
    outdir,
    outExtension: { '.js': '.mjs' },
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    // One file to load instead of @trpc/client's dozens; tsx (and its esbuild) load from their
    // package only when a script needs compiling.
    registryPackages: 'inside',
    external: ['tsx'],
  });
}

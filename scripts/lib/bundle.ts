/**
 * esbuild for the bundles plain `node` runs (the server's main.mjs and cli.mjs, the runner's cli.mjs).
 * The workspace's `@clapper/*` sources always go in. Packages from the registry stay outside by
 * default, imported from the file pnpm installed (resolved from the importing package, which a
 * bundle elsewhere in the tree could not do by name); `inside` bundles them too, but for the
 * names in `external`, where a process that starts often saves resolving and loading files.
 */
import { resolve } from 'node:path';
import { type BuildOptions, build, type Plugin } from 'esbuild';

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

// Bundled CommonJS calls `require` for Node's modules; an ES module has none of its own.
const REQUIRE_IN_ESM = `import { createRequire as __clapperRequire } from 'node:module';
const require = __clapperRequire(import.meta.url);`;

/** Bundles for Node 20 as ES modules; returns the absolute paths of the files it read. */
export async function bundleForNode({
  registryPackages = 'outside',
  ...options
}: Omit<BuildOptions, 'absWorkingDir'> & {
  absWorkingDir: string;
  registryPackages?: 'outside' | 'inside';
}): Promise<string[]> {
  const result = await build({
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
    ...(registryPackages === 'inside' ? { banner: { js: REQUIRE_IN_ESM } } : {}),
    ...options,
    metafile: true,
    plugins: [
      ...(registryPackages === 'outside' ? [registryPackagesOutside] : []),
      ...(options.plugins ?? []),
    ],
  });
  return Object.keys(result.metafile.inputs).map((input) => resolve(options.absWorkingDir, input));
}

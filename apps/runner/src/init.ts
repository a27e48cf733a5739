import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));

/**
 * Writes a tsconfig.json beside the user's scripts, so an editor (and tsc)
 * resolves `@clapper/runner` and `@clapper/client` to this checkout, with full types.
 */
export function writeScriptTsconfig(dir: string): { path: string; written: boolean } {
  const path = join(dir, 'tsconfig.json');
  if (existsSync(path)) return { path, written: false };
  const config = {
    compilerOptions: {
      target: 'ES2022',
      // The API's sources, which the types come from, use String#isWellFormed (Node 20).
      lib: ['ES2023', 'ES2024.String'],
      module: 'ESNext',
      moduleResolution: 'Bundler',
      strict: true,
      skipLibCheck: true,
      noEmit: true,
      types: ['node'],
      typeRoots: [repo('node_modules/@types')],
      paths: {
        '@clapper/runner': [repo('apps/runner/src/index.ts')],
        '@clapper/client': [repo('packages/client/src/index.ts')],
      },
    },
    include: ['**/*.ts'],
  };
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`);
  return { path, written: true };
}

// A script anywhere on disk imports these packages from this checkout, whether
// tsx compiles it as an ES module (this resolve hook) or as CommonJS (see cli.ts).
export const aliases = {
  '@clapper/runner': new URL('./index.ts', import.meta.url).href,
  '@clapper/client': new URL('../../../packages/client/src/index.ts', import.meta.url).href,
};

export async function resolve(specifier, context, next) {
  const url = aliases[specifier];
  if (url) return { url, shortCircuit: true };
  return next(specifier, context);
}

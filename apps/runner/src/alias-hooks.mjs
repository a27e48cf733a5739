// A script anywhere on disk imports @clapper/runner and @clapper/client from this checkout's
// runner build, whether tsx compiles it as an ES module (this resolve hook, registered by
// cli.ts with the map as `data`) or as CommonJS (see cli.ts).
/** @type {Record<string, string>} */
let aliases = {};

/** @param {{ aliases: Record<string, string> }} data */
export function initialize(data) {
  aliases = data.aliases;
}

/** @type {import('node:module').ResolveHook} */
export async function resolve(specifier, context, next) {
  const url = aliases[specifier];
  if (url) return { url, shortCircuit: true };
  return next(specifier, context);
}

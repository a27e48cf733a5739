// @ts-check
/**
 * Whether the admin, the server bundle and the runner's build are up to date with their
 * sources. Plain JavaScript, so `pnpm start` and `pnpm bot` can ask with a bare `node` (tsx's
 * loader would add to every start); scripts/build.ts builds, scripts/start.mjs and
 * apps/runner/bin/bot.mjs only ask.
 *
 * A build is up to date when its entry file exists and its stamp (written last, after a
 * successful build) records sources at least as new as the newest source now. The stamp
 * keeps the newest source time seen *before* the build ran, so an edit made while it ran
 * still counts as newer. Directories count too: adding, deleting or renaming a file
 * changes its directory's time.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** @typedef {'admin' | 'server' | 'runner'} TargetName */
/**
 * @typedef {object} Target
 * @property {string} out the build's directory, from the checkout's root
 * @property {string} entry the file that makes a build whole, written last: what serving starts from
 * @property {string[]} sources files and directories the build is made from, from the root
 */

/** @type {Record<TargetName, Target>} */
export const TARGETS = {
  admin: {
    out: 'apps/admin/dist',
    entry: 'index.html',
    sources: [
      'apps/admin/src',
      'apps/admin/public',
      'apps/admin/index.html',
      'apps/admin/vite.config.ts',
      'apps/admin/package.json',
      'pnpm-lock.yaml',
    ],
  },
  server: {
    out: 'apps/server/dist',
    entry: 'main.mjs',
    // The workspace packages the bundle holds (scripts/build.ts fails when it reads a file
    // outside these); registry packages stay outside the bundle.
    sources: [
      'apps/server/src',
      'apps/server/build.ts',
      'scripts/lib/bundle.ts',
      'apps/server/package.json',
      'packages/api/src',
      'packages/api/package.json',
      'packages/db/src',
      'packages/db/package.json',
      // The wire's limits and headers, shared with the client (nothing else of it).
      'packages/client/src/limits.ts',
      'pnpm-lock.yaml',
    ],
  },
  runner: {
    out: 'apps/runner/dist',
    entry: 'cli.mjs',
    sources: [
      'apps/runner/src',
      'apps/runner/build.ts',
      'apps/runner/package.json',
      'packages/client/src',
      'packages/client/package.json',
      'scripts/lib/bundle.ts',
      'pnpm-lock.yaml',
    ],
  },
};

export const TARGET_NAMES = /** @type {TargetName[]} */ (Object.keys(TARGETS));

/** Written in the build's directory (a dotfile: the admin's static files never serve it). */
export const STAMP = '.build-stamp.json';

/**
 * @typedef {object} Stamp
 * @property {number} sourcesMs the newest source's mtime when the build started
 * @property {string} builtAt
 * @property {string[]} files the build's files, relative to its directory
 */

/** Where a target's build goes: its place in the checkout, or `<dist>/<name>` (tests). */
export function outDir(/** @type {TargetName} */ name, /** @type {string | undefined} */ dist) {
  return dist ? join(dist, name) : join(ROOT, TARGETS[name].out);
}

/** The newest mtime among `paths` (from the root), directories walked; missing paths skipped. */
export function newestSource(/** @type {string[]} */ paths) {
  let newest = { ms: 0, path: '' };
  /** @param {string} path */
  const visit = (path) => {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      return;
    }
    if (stat.mtimeMs > newest.ms) newest = { ms: stat.mtimeMs, path };
    if (stat.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  for (const path of paths) visit(join(ROOT, path));
  return { ms: newest.ms, path: relative(ROOT, newest.path) };
}

/** @returns {Stamp | null} */
export function readStamp(/** @type {string} */ out) {
  try {
    return JSON.parse(readFileSync(join(out, STAMP), 'utf8'));
  } catch {
    return null;
  }
}

/** Why `name` must be built into `out`, or null when its build is up to date. */
export function whyBuild(/** @type {TargetName} */ name, /** @type {string} */ out) {
  const target = TARGETS[name];
  try {
    statSync(join(out, target.entry));
  } catch {
    return 'not built yet';
  }
  const stamp = readStamp(out);
  if (!stamp || typeof stamp.sourcesMs !== 'number') return 'no build stamp';
  const newest = newestSource(target.sources);
  return newest.ms > stamp.sourcesMs ? `${newest.path} changed since the last build` : null;
}

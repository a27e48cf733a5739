/**
 * `pnpm build` (the admin, the server bundle and the runner), `pnpm build:admin`,
 * `pnpm build:server`, `pnpm build:runner`, and what `pnpm start` and `pnpm bot` run when a build
 * is missing or stale (`--if-needed`, from scripts/start.mjs and apps/runner/bin/bot.mjs).
 *
 * A target builds into a fresh directory beside its build (`dist.tmp-*`), under a lock file
 * (`dist.lock`), and scripts/lib/publish.ts swaps the result in without ever removing what a
 * running server serves; the stamp (scripts/lib/build-state.mjs) is written last. A process
 * that waited for the lock looks again and builds only if the build is still stale, so two
 * `pnpm start` at once build once.
 *
 *   tsx scripts/build.ts [admin] [server] [runner] [--if-needed] [--dist DIR]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, sep } from 'node:path';
import { parseArgs } from 'node:util';
import {
  newestSource,
  outDir,
  ROOT,
  readStamp,
  STAMP,
  type Stamp,
  TARGET_NAMES,
  TARGETS,
  type TargetName,
  whyBuild,
} from './lib/build-state.mjs';
import { acquireLock, publishBuild } from './lib/publish';

const log = (line: string) => process.stderr.write(`build: ${line}\n`);

function run(command: string, args: string[], cwd: string) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${args[0]} exited with ${code ?? signal}`)),
    );
  });
}

/** Vite, with the admin's own config, into `into` (emptied first). */
async function buildAdmin(into: string) {
  const admin = join(ROOT, 'apps/admin');
  const vite = createRequire(join(admin, 'package.json')).resolve('vite/package.json');
  await run(
    process.execPath,
    [join(dirname(vite), 'bin/vite.js'), 'build', '--outDir', into, '--emptyOutDir'],
    admin,
  );
}

/** Fails if a bundle read a file that `name`'s staleness check does not look at. */
function assertWatched(name: TargetName, inputs: string[]) {
  const roots = TARGETS[name].sources.map((source) => join(ROOT, source));
  const unwatched = inputs.filter(
    (file) =>
      !file.split(sep).includes('node_modules') &&
      !roots.some((root) => file === root || file.startsWith(root + sep)),
  );
  if (unwatched.length > 0) {
    throw new Error(
      `the ${name} bundle reads ${unwatched.map((f) => relative(ROOT, f)).join(', ')}, which its staleness check does not watch: add them to TARGETS.${name}.sources in scripts/lib/build-state.mjs`,
    );
  }
}

/** esbuild (apps/server/build.ts). */
async function buildServer(into: string) {
  const { bundleServer } = await import('../apps/server/build');
  assertWatched('server', await bundleServer(into));
}

/** esbuild (apps/runner/build.ts). */
async function buildRunner(into: string) {
  const { bundleRunner } = await import('../apps/runner/build');
  assertWatched('runner', await bundleRunner(into));
}

const BUILDERS: Record<TargetName, (into: string) => Promise<void>> = {
  admin: buildAdmin,
  server: buildServer,
  runner: buildRunner,
};

async function build(name: TargetName, out: string, reason: string) {
  const target = TARGETS[name];
  // A build killed halfway leaves its directory; none is in use while this process holds the lock.
  for (const entry of readdirSync(dirname(out))) {
    if (entry.startsWith(`${basename(out)}.tmp-`)) {
      rmSync(join(dirname(out), entry), { recursive: true, force: true });
    }
  }
  const sources = newestSource(target.sources);
  const started = performance.now();
  const tmp = mkdtempSync(`${out}.tmp-`);
  try {
    await BUILDERS[name](tmp);
    const previous = readStamp(out)?.files ?? null;
    // A build swapped in halfway (the process killed) must not look up to date.
    rmSync(join(out, STAMP), { force: true });
    const files = publishBuild({ from: tmp, to: out, entry: target.entry, previous });
    const stamp: Stamp = { sourcesMs: sources.ms, builtAt: new Date().toISOString(), files };
    const stampTmp = join(out, `${STAMP}.${process.pid}`);
    writeFileSync(stampTmp, `${JSON.stringify(stamp, null, 2)}\n`);
    renameSync(stampTmp, join(out, STAMP));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  log(
    `${name} built in ${Math.round(performance.now() - started)} ms (${reason}): ${relative(ROOT, out)}`,
  );
}

const { values, positionals } = parseArgs({
  options: { 'if-needed': { type: 'boolean', default: false }, dist: { type: 'string' } },
  allowPositionals: true,
});
const unknown = positionals.filter((name) => !(TARGET_NAMES as string[]).includes(name));
if (unknown.length > 0) {
  log(`unknown target ${unknown.join(', ')}; known: ${TARGET_NAMES.join(', ')}`);
  process.exit(2);
}
const names = TARGET_NAMES.filter((name) => positionals.length === 0 || positionals.includes(name));
const ifNeeded = values['if-needed'];

for (const name of names) {
  const out = outDir(name, values.dist);
  if (ifNeeded && !whyBuild(name, out)) continue;
  const release = await acquireLock(`${out}.lock`, {
    onWait: (owner) => log(`${name}: waiting for the build in process ${owner.pid ?? '?'}`),
  });
  try {
    const reason = ifNeeded ? whyBuild(name, out) : 'asked for';
    if (reason) await build(name, out, reason);
    else log(`${name}: built meanwhile by another process`);
  } finally {
    release();
  }
}

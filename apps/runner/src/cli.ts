/**
 * `pnpm bot <file> [--url U] [--token T] [--dry-run] [--watch] [-- args…]`
 * `pnpm bot --init`
 *
 * Only these options are accepted before `--` (`node:util` parseArgs, strict):
 * anything else is exit 2 with the nearest known option; the script's own
 * arguments go after `--`.
 *
 * Authenticates with a bot token (CLAPPER_TOKEN from the environment, a .env
 * file, or --token), calls `auth.me`, says who and where on stderr, then runs
 * the script's default export (made with `defineScript`). Exit codes: 0 done,
 * 1 the script threw, 2 nothing ran (usage, connection or token).
 */
import { spawn } from 'node:child_process';
import { existsSync, watch } from 'node:fs';
import Module, { createRequire, register } from 'node:module';
import { basename, dirname, isAbsolute, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as clientModule from '@clapper/client';
import { parseArgs, resolveConnection, UsageError } from './config';
import { describeScriptError, explainAuthFailure, explainMalformedToken } from './failures';
import * as runnerModule from './index';
import { isClapperScript, type ScriptLogger } from './index';
import { writeScriptTsconfig } from './init';
import { defaultExportOf, loadTriggers, runTriggersUntilStopped } from './serve';
import { isClapperTrigger } from './trigger';

const USAGE = `usage: pnpm bot <script.ts> [--url URL] [--token TOKEN] [--dry-run] [--watch] [-- script args…]
       pnpm bot <trigger.ts> [--url URL] [--token TOKEN] [--from EVENT_ID|ISO_TIME]
       pnpm bot serve <dir>  every trigger file of the folder, in one process
       pnpm bot --init    write a tsconfig.json here so editors type-check scripts`;

// pnpm runs root scripts in the repository; INIT_CWD is where the user typed the command.
const cwd = process.env.INIT_CWD ?? process.cwd();

/**
 * Built into apps/runner/dist (apps/runner/build.ts) and run from there by bin/bot.mjs: a
 * script's `@clapper/runner` and `@clapper/client` are the build's own entries beside this one.
 */
const aliases = {
  '@clapper/runner': new URL('./index.mjs', import.meta.url).href,
  '@clapper/client': new URL('./client.mjs', import.meta.url).href,
};

const fail = (message: string, code = 2): never => {
  process.stderr.write(`clapper: ${message}\n`);
  process.exit(code);
};

async function main(): Promise<number> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) return fail(error.message);
    throw error;
  }
  if (args.help) {
    process.stderr.write(`${USAGE}\n`);
    return 0;
  }
  if (args.init) {
    const { path, written } = writeScriptTsconfig(cwd);
    process.stderr.write(
      written ? `clapper: wrote ${path}\n` : `clapper: ${path} exists; left as it is\n`,
    );
    return 0;
  }
  const target = args.serve ?? args.file;
  if (!target) return fail(`which script? ${USAGE}`);
  const file = isAbsolute(target) ? target : resolve(cwd, target);
  if (!existsSync(file)) return fail(`no such ${args.serve ? 'folder' : 'script'}: ${file}`);
  if (args.watch) return watchAndRerun(file);

  const { url, token } = resolveConnection(args, process.env, cwd);
  if (!token) {
    return fail(
      'no token: set CLAPPER_TOKEN (in the environment or a .env file) or pass --token; create one in the admin (Bots) or with `pnpm cli bots:create`',
    );
  }
  const malformed = explainMalformedToken(token);
  if (malformed) return fail(malformed);
  const headers: Record<string, string> = args.dryRun ? { 'x-clapper-dry-run': '1' } : {};
  const connection = { url, token, headers };
  // Through an outage the script's calls wait (one line when they start, one when they go on).
  const client = clientModule.createClapperClient({
    ...connection,
    retry: {
      // CLAPPER_MAX_WAIT_MS: how long one call waits out an outage (the client's 120 s by default).
      maxWaitMs: Number(process.env.CLAPPER_MAX_WAIT_MS) || undefined,
      onWait: ({ status, reason }) =>
        process.stderr.write(
          `clapper: ${url} cannot serve calls for now (${status === null ? 'unreachable' : `HTTP ${status}`}${reason ? `, ${reason}` : ''}); waiting and trying again\n`,
        ),
      onResume: (ms) =>
        process.stderr.write(
          `clapper: ${url} is back after ${(ms / 1000).toFixed(1)} s; going on\n`,
        ),
    },
  });
  // The first call says at once when the URL or the token is wrong; an outage is waited out. It
  // is asked before tsx's loader starts, so the answer travels while the loader's thread starts.
  const signedIn = clientModule
    .createClapperClient({ ...connection, retry: false })
    .auth.me.query()
    .catch((error: unknown) => {
      const { code } = clientModule.ClapperError.from(error);
      if (code === 'SERVICE_UNAVAILABLE' || code === 'TOO_MANY_REQUESTS')
        return client.auth.me.query();
      throw error;
    })
    .then(
      (me) => ({ me }),
      (error: unknown) => ({ error }),
    );
  const load = await scriptLoader();
  const answer = await signedIn;
  if ('error' in answer) return fail(explainAuthFailure(answer.error, url));
  const { me } = answer;
  const who = me.kind === 'bot' ? `bot "${me.name}"` : `user ${me.email} (not a bot)`;
  process.stderr.write(
    `clapper: ${relative(cwd, file) || file} as ${who}, role ${me.role}, on ${url}${args.dryRun ? ' (dry run: nothing is saved)' : ''}\n`,
  );

  const log: ScriptLogger = {
    info: (m) => process.stderr.write(`[info] ${m}\n`),
    warn: (m) => process.stderr.write(`[warn] ${m}\n`),
    error: (m) => process.stderr.write(`[error] ${m}\n`),
  };
  const triggerRun = { client, bot: me, log, from: args.from, url };
  if (args.serve) {
    const triggers = await loadTriggers(file, load, log.warn).catch((error: Error) =>
      fail(error.message),
    );
    if (triggers.length === 0) return fail(`no trigger in ${file}`);
    return runTriggersUntilStopped(triggers, triggerRun);
  }
  // A script compiled to CommonJS (a folder without `"type": "module"`) arrives as its
  // `module.exports`, whose `default` is the script's default export.
  const script = defaultExportOf(
    await load(file),
    (candidate) => isClapperScript(candidate) || isClapperTrigger(candidate),
  );
  if (isClapperTrigger(script)) return runTriggersUntilStopped([script], triggerRun);
  if (!isClapperScript(script)) {
    return fail(
      `${file} has no default export made with defineScript() or defineTrigger() from '@clapper/runner'`,
    );
  }

  const controller = new AbortController();
  let stops = 0;
  const stop = (signal: NodeJS.Signals) => {
    stops += 1;
    if (stops > 1) process.exit(130);
    process.stderr.write(`clapper: ${signal}: asking the script to stop (again to force)\n`);
    controller.abort(new Error(`stopped by ${signal}`));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  try {
    await script.run({
      client,
      bot: me,
      args: args.scriptArgs,
      log,
      signal: controller.signal,
    });
  } catch (error) {
    if (controller.signal.aborted && (error as Error)?.name === 'AbortError') return 0;
    process.stderr.write(`clapper: the script failed: ${describeScriptError(error)}\n`);
    return 1;
  }
  return 0;
}

/**
 * Loads the script with tsx's in-thread `require` hook: Node 20 runs ES module hooks in a
 * thread of their own whose start costs more than the rest of the runner. A script (or a module
 * of its own) with top-level await cannot be compiled so; it is loaded by tsx's ES module hooks.
 */
async function scriptLoader(): Promise<(file: string) => Promise<unknown>> {
  // Its CommonJS build: importing the ES one would have Node scan esbuild's CommonJS for exports.
  const { register: registerRequireHook } = createRequire(import.meta.url)(
    'tsx/cjs/api',
  ) as typeof import('tsx/cjs/api');
  registerRequireHook();
  aliasForCommonJs();
  let moduleHooks = false;
  return async (file) => {
    try {
      return { default: createRequire(file)(file) };
    } catch (error) {
      if (!needsModuleLoader(error)) throw error;
    }
    // The script is TypeScript: tsx's hooks compile it (and what it imports) from here on; the
    // alias hook, registered last, runs first.
    if (!moduleHooks) {
      moduleHooks = true;
      await import('tsx');
      register(new URL('./alias-hooks.mjs', import.meta.url), { data: { aliases } });
    }
    return import(pathToFileURL(file).href);
  };
}

function needsModuleLoader(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  return code === 'ERR_REQUIRE_ASYNC_MODULE' || /top-level await/i.test(String(message));
}

/**
 * In a folder without `"type": "module"`, tsx compiles a script to CommonJS, whose `require`
 * does not pass through module hooks, and would compile the build's files again as copies of
 * their own (another `ClapperError` class): `require` gets the modules this process runs.
 */
function aliasForCommonJs() {
  const cjs = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const original = cjs._load;
  const loaded: Record<string, unknown> = {
    '@clapper/runner': runnerModule,
    '@clapper/client': clientModule,
  };
  cjs._load = function (request, ...rest) {
    return Object.hasOwn(loaded, request) ? loaded[request] : original.call(this, request, ...rest);
  };
}

/**
 * Runs the script in a child process, and again each time the file changes.
 * The folder is watched, not the file: an editor that saves by writing a new
 * file and renaming it over the old one replaces the file watched.
 */
function watchAndRerun(file: string): Promise<number> {
  const [cli, ...given] = process.argv.slice(1);
  const scriptArgsAt = given.indexOf('--');
  // The child gets the same arguments but --watch (the script's own, after --, untouched).
  const argv = [
    cli!,
    ...given.filter((a, i) => a !== '--watch' || (scriptArgsAt !== -1 && i > scriptArgsAt)),
  ];
  let child: ReturnType<typeof spawn> | undefined;
  const start = () => {
    child?.kill('SIGTERM');
    process.stderr.write(`clapper: watching ${file}; running\n`);
    child = spawn(process.execPath, [...process.execArgv, ...argv], {
      stdio: 'inherit',
      env: process.env,
    });
  };
  start();
  let timer: NodeJS.Timeout | undefined;
  const name = basename(file);
  const watcher = watch(dirname(file), (_event, changed) => {
    // Without a name (some platforms), any change in the folder may be the script's.
    if (changed && String(changed) !== name) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (existsSync(file)) start();
    }, 100);
  });
  return new Promise((done) => {
    const quit = () => {
      watcher.close();
      child?.kill('SIGTERM');
      done(0);
    };
    process.on('SIGINT', quit);
    process.on('SIGTERM', quit);
  });
}

/**
 * tsx writes what it compiled to its disk cache without waiting for the write: an exit at once
 * would lose it, and every start would compile the script again (esbuild, about a bare node
 * start). The script's own unfinished file writes land too.
 */
async function settleFileWrites(limitMs = 1000) {
  const until = Date.now() + limitMs;
  while (
    Date.now() < until &&
    process.getActiveResourcesInfo().some((resource) => resource.startsWith('FSReq'))
  ) {
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

main().then(
  async (code) => {
    await settleFileWrites();
    process.exit(code);
  },
  (error: unknown) => fail(describeScriptError(error), 1),
);

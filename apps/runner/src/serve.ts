/**
 * Runs triggers until stopped: one file's (`pnpm bot trigger.ts`) or every trigger file of a
 * folder in one process (`pnpm bot serve <dir>`), sharing the client and the signals.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { explainAuthFailure } from './failures';
import { runTrigger, type TriggerRun } from './run-trigger';
import { type ClapperTrigger, isClapperTrigger } from './trigger';

/**
 * A module's default export that `is` accepts: `module.default`, or, for a file compiled to
 * CommonJS, the `default` of its `module.exports`.
 */
export function defaultExportOf(module: unknown, is: (value: unknown) => boolean): unknown {
  const first = (module as { default?: unknown } | undefined)?.default;
  const second = (first as { default?: unknown } | undefined)?.default;
  return is(first) ? first : is(second) ? second : undefined;
}

/** The trigger files of `dir` (TypeScript or JavaScript, not declarations), by name. */
export const triggerFiles = (dir: string) =>
  readdirSync(dir)
    .filter((f) => /\.(ts|mts|cts|js|mjs|cjs)$/.test(f) && !/\.d\.[mc]?ts$/.test(f))
    .sort()
    .map((f) => join(dir, f));

/** Every trigger of `dir`; a file that is not one is named and skipped. */
export async function loadTriggers(
  dir: string,
  load: (file: string) => Promise<unknown>,
  warn: (message: string) => void,
): Promise<ClapperTrigger[]> {
  const triggers: ClapperTrigger[] = [];
  for (const file of triggerFiles(dir)) {
    const exported = defaultExportOf(await load(file), isClapperTrigger);
    if (isClapperTrigger(exported)) triggers.push(exported);
    else warn(`${file}: no defineTrigger() default export; skipped`);
  }
  const names = triggers.map((t) => t.name);
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  if (twice) throw new Error(`two triggers are named "${twice}": a name is one cursor`);
  return triggers;
}

/**
 * Ctrl-C or SIGTERM lets every trigger finish the event in hand; a second one tells their
 * handlers to give up, a third exits at once. A refused token ends them all with its reason.
 */
export async function runTriggersUntilStopped(
  triggers: ClapperTrigger[],
  run: Omit<TriggerRun, 'stop' | 'abort'> & { url: string },
): Promise<number> {
  const stop = new AbortController();
  const abort = new AbortController();
  let stops = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    stops += 1;
    if (stops === 1) {
      process.stderr.write(`clapper: ${signal}: finishing the event in hand, then stopping\n`);
      stop.abort();
    } else if (stops === 2) {
      process.stderr.write(`clapper: ${signal}: asking the handler to give up (again to force)\n`);
      abort.abort();
    } else process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const results = await Promise.all(
    triggers.map(async (trigger) => {
      const result = await runTrigger(trigger, { ...run, stop: stop.signal, abort: abort.signal });
      // One refused token refuses them all: stop the others too.
      if (result.error !== undefined) stop.abort();
      return result;
    }),
  );
  const refused = results.find((r) => r.error !== undefined);
  if (refused) {
    process.stderr.write(`clapper: ${explainAuthFailure(refused.error, run.url)}\n`);
    return refused.code;
  }
  return Math.max(0, ...results.map((r) => r.code));
}

/**
 * What an automation script imports:
 *
 *   import { defineScript } from '@clapper/runner';
 *   export default defineScript(async ({ client, bot, args, log, signal }) => { … });
 *
 * and runs with `pnpm bot myscript.ts -- --its --own --args`.
 */
import type { ClapperClient, RouterOutputs } from '@clapper/client';

export type { ClapperClient, RouterInputs, RouterOutputs } from '@clapper/client';
export { ClapperError, call } from '@clapper/client';
export {
  type ClapperEvent,
  type ClapperTrigger,
  defineTrigger,
  type EventOn,
  type TriggerContext,
  type TriggerDefinition,
  type TypedEvent,
} from './trigger';

export interface ScriptLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface ScriptContext {
  /** The typed API client, authenticated as the bot. */
  client: ClapperClient;
  /** Who the script runs as: `auth.me` of its token. */
  bot: RouterOutputs['auth']['me'];
  /** The arguments after `--` on the command line. */
  args: string[];
  /** Lines to stderr, prefixed with their level; stdout stays the script's own. */
  log: ScriptLogger;
  /** Aborts on Ctrl-C or SIGTERM: stop cleanly when it fires. */
  signal: AbortSignal;
}

export type ScriptFn = (context: ScriptContext) => Promise<void> | void;

const SCRIPT = Symbol.for('clapper.script');

export interface ClapperScript {
  readonly [SCRIPT]: true;
  run: ScriptFn;
}

export function defineScript(run: ScriptFn): ClapperScript {
  return { [SCRIPT]: true, run };
}

export function isClapperScript(value: unknown): value is ClapperScript {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[SCRIPT] === true
  );
}

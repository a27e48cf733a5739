/**
 * What a trigger file exports:
 *
 *   export default defineTrigger({
 *     name: 'preview-on-wfa',
 *     on: ['task.status_changed'],
 *     async handle(event, { client, bot, log, signal, attempt }) { … },
 *   });
 *
 * `pnpm bot preview-on-wfa.ts` runs it until Ctrl-C or SIGTERM (run-trigger.ts).
 */
import type { ClapperClient, RouterOutputs } from '@clapper/client';
import type { ScriptLogger } from './index';

/** An event of the log, as `events.list` and `events.subscribe` give it. */
export type ClapperEvent = RouterOutputs['events']['list']['items'][number];

export interface TriggerContext {
  /**
   * The API client as the bot. Each mutation it sends while handling an event carries an
   * idempotency key made of the trigger, the event and the call's order: an event handled
   * again (a retry, a restart after a crash) cannot apply a change twice.
   */
  client: ClapperClient;
  bot: RouterOutputs['auth']['me'];
  log: ScriptLogger;
  /** Aborts when the runner must stop at once (a second Ctrl-C). */
  signal: AbortSignal;
  /** 1 for the first try of this event, then 2, 3… */
  attempt: number;
}

export interface TriggerDefinition {
  /** Unique per bot: the server keeps this trigger's cursor under it. */
  name: string;
  /** Exact types (`task.status_changed`) or families (`comment.*`); none: every event. */
  on?: string[];
  /** Only this project's events. */
  projectId?: string;
  /** Tries per event before it is parked (1 s, 2 s, 4 s… apart); 5 unless set. */
  maxTries?: number;
  handle(event: ClapperEvent, context: TriggerContext): Promise<void> | void;
}

const TRIGGER = Symbol.for('clapper.trigger');

export interface ClapperTrigger extends TriggerDefinition {
  readonly [TRIGGER]: true;
}

export function defineTrigger(definition: TriggerDefinition): ClapperTrigger {
  return { ...definition, [TRIGGER]: true };
}

export function isClapperTrigger(value: unknown): value is ClapperTrigger {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[TRIGGER] === true
  );
}

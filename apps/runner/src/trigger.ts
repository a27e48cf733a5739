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
import type {
  CatalogedEventType,
  ClapperClient,
  EventDataByType,
  RouterOutputs,
} from '@clapper/client';
import type { ScriptLogger } from './index';

/** An event of the log, as `events.list` and `events.subscribe` give it. */
export type ClapperEvent = RouterOutputs['events']['list']['items'][number];

/** A production event whose `data` is known by its `type` (the API's event catalog). */
export type TypedEvent<T extends CatalogedEventType = CatalogedEventType> = T extends unknown
  ? Omit<ClapperEvent, 'type' | 'data'> & { type: T; data: EventDataByType[T] }
  : never;

/** The cataloged types an `on` pattern names: itself, or a family's (`task.*`). */
type Named<P extends string> = P extends `${infer Family}.*`
  ? Extract<CatalogedEventType, `${Family}.${string}`>
  : Extract<CatalogedEventType, P>;

/**
 * What `handle` receives for `on`: a union narrowed by `type` when every pattern names
 * cataloged types; otherwise (no `on`, or a type outside the catalog) any event.
 */
export type EventOn<P extends string> = string extends P
  ? ClapperEvent
  : P extends unknown
    ? [Named<P>] extends [never]
      ? ClapperEvent
      : TypedEvent<Named<P>>
    : never;

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
  /**
   * The same on every try of this event (`trigger:<name>:<event id>`): send it along effects
   * outside Clapper (a webhook's `Idempotency-Key`) so their receiver can tell a repeat.
   */
  eventKey: string;
}

export interface TriggerDefinition<P extends string = string> {
  /** Unique per bot: the server keeps this trigger's cursor under it. */
  name: string;
  /** Exact types (`task.status_changed`) or families (`comment.*`); none: every event. */
  on?: readonly P[];
  /** Only this project's events. */
  projectId?: string;
  /** Tries per event before it is parked (1 s, 2 s, 4 s… apart); 5 unless set. */
  maxTries?: number;
  handle(event: EventOn<P>, context: TriggerContext): Promise<void> | void;
}

const TRIGGER = Symbol.for('clapper.trigger');

export interface ClapperTrigger {
  readonly [TRIGGER]: true;
  readonly name: string;
  readonly on?: readonly string[];
  readonly projectId?: string;
  readonly maxTries?: number;
  handle(event: ClapperEvent, context: TriggerContext): Promise<void> | void;
}

/** A trigger; `event` in `handle` is typed by what `on` names. */
export function defineTrigger<const P extends string = string>(
  definition: TriggerDefinition<P>,
): ClapperTrigger {
  // The server delivers only what `on` names, so `handle` sees only such events.
  return { ...definition, [TRIGGER]: true } as unknown as ClapperTrigger;
}

export function isClapperTrigger(value: unknown): value is ClapperTrigger {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[TRIGGER] === true
  );
}

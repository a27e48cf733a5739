/**
 * Runs a trigger until stopped: the server's cursor for it, then every event after it in
 * order (replayed, then live), each handled with retries and backoff and acknowledged, or
 * parked after its last try. At least once per event; the handler's mutations carry
 * idempotency keys, so their effects happen once. An outage (the server or its database away,
 * the rate limit) is no try: the run waits for it to end and goes on with the same event.
 */
import { type ClapperClient, ClapperError, isOutage } from '@clapper/client';
import type { ScriptLogger } from './index';
import type { ClapperEvent, ClapperTrigger } from './trigger';

const DEFAULT_TRIES = 5;
/** Acknowledgements go together, at most this often: the cursor is a write. */
const ACK_EVERY_MS = 200;
/** How often parked events an admin asked to retry are looked for (CLAPPER_TRIGGER_RETRY_POLL_MS). */
const PARKED_EVERY_MS = Number(process.env.CLAPPER_TRIGGER_RETRY_POLL_MS) || 10_000;
/** How long to wait before asking again of a server that did not answer. */
const RECONNECT_MS = 1000;

export interface TriggerRun {
  client: ClapperClient;
  bot: Parameters<ClapperTrigger['handle']>[1]['bot'];
  log: ScriptLogger;
  /** `--from`: an event id or an ISO time to start after (backfill). */
  from?: number | string;
  /** Fires on the first Ctrl-C or SIGTERM: the event in hand is finished, then the run ends. */
  stop: AbortSignal;
  /** Fires on a second one: the handler is told to give up. */
  abort: AbortSignal;
}

/** Stops the run: a refused token (exit 2), or a stop asked for (exit 0). */
class Stop extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** The run's exit code: 0 stopped, 2 the token was refused (the message says why). */
export async function runTrigger(
  trigger: ClapperTrigger,
  run: TriggerRun,
): Promise<{ code: number; error?: unknown }> {
  const { client, log, stop } = run;
  const name = trigger.name;
  const maxTries = trigger.maxTries ?? DEFAULT_TRIES;
  const types = trigger.on ? [...trigger.on] : undefined;
  const { cursor } = await untilDone(run, () =>
    client.triggers.start.mutate({
      name,
      types: types ?? [],
      projectId: trigger.projectId ?? null,
      from: run.from,
    }),
  );
  log.info(`trigger ${name}: after event ${cursor}`);

  const queue: ClapperEvent[] = [];
  let wake: (() => void) | undefined;
  let failure: unknown;
  let handled = cursor;
  // The stream, opened again after the last event handled when the connection drops (the
  // server restarting, say); a refused token ends the run instead.
  const open = (after: number) =>
    client.events.subscribe.subscribe(
      { projectId: trigger.projectId, types, lastEventId: String(after) },
      {
        onData: ({ data }) => {
          queue.push(data);
          wake?.();
        },
        onError: (error) => {
          if (isRefusal(error)) {
            failure = error;
            wake?.();
            return;
          }
          log.warn(`trigger ${name}: connection lost (${describe(error)}); reconnecting`);
          subscription.unsubscribe();
          setTimeout(() => {
            if (!stop.aborted) subscription = open(handled);
          }, RECONNECT_MS);
        },
      },
    );
  let subscription = open(cursor);
  stop.addEventListener('abort', () => wake?.(), { once: true });

  let acked = cursor;
  const ack = async () => {
    if (handled <= acked) return;
    const upTo = handled;
    await client.triggers.ack.mutate({ name, eventId: upTo });
    acked = upTo;
  };
  const acking = setInterval(() => void ack().catch(() => undefined), ACK_EVERY_MS);
  let parkedAt = 0;

  try {
    while (!stop.aborted) {
      if (failure) throw failure;
      if (Date.now() - parkedAt > PARKED_EVERY_MS) {
        parkedAt = Date.now();
        await untilDone(run, () => retryParked(trigger, run, maxTries));
      }
      const event = queue.shift();
      if (!event) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, PARKED_EVERY_MS).unref();
        });
        wake = undefined;
        continue;
      }
      if (event.id <= handled) continue;
      const error = await handleWithRetries(trigger, run, event, maxTries);
      if (error !== undefined) {
        await untilDone(run, () =>
          client.triggers.park.mutate({
            name,
            eventId: event.id,
            error: describe(error),
            attempts: maxTries,
          }),
        );
        log.error(`trigger ${name}: event ${event.id} (${event.type}) parked: ${describe(error)}`);
        acked = Math.max(acked, event.id);
      }
      handled = event.id;
    }
    await ack();
    return { code: 0 };
  } catch (error) {
    if (error instanceof Stop) {
      await ack().catch(() => undefined);
      return { code: error.exitCode };
    }
    return { code: 2, error };
  } finally {
    clearInterval(acking);
    subscription.unsubscribe();
  }
}

const isRefusal = (error: unknown) => {
  const { code } = ClapperError.from(error);
  return code === 'UNAUTHORIZED' || code === 'FORBIDDEN';
};

/** A call the run cannot go on without, tried again each second while the server is away. */
async function untilDone<T>(run: TriggerRun, call: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (!isOutage(error) || run.abort.aborted) throw error;
      await pause(RECONNECT_MS, run.abort);
    }
  }
}

/** How long an outage is waited out between two goes at the same event. */
const OUTAGE_PAUSE_MS = 2000;

/** Tries an event up to `maxTries` times; undefined once handled, else the last error. */
async function handleWithRetries(
  trigger: ClapperTrigger,
  run: TriggerRun,
  event: ClapperEvent,
  maxTries: number,
): Promise<unknown> {
  let last: unknown;
  let waitingSince: number | undefined;
  for (let attempt = 1; attempt <= maxTries; attempt++) {
    let calls = 0;
    const eventKey = `trigger:${trigger.name}:${event.id}`;
    const client = keyedClient(run.client, () => `${eventKey}:${++calls}`);
    try {
      await trigger.handle(event, {
        client,
        bot: run.bot,
        log: run.log,
        signal: run.abort,
        attempt,
        eventKey,
      });
      if (waitingSince !== undefined) {
        const waited = ((Date.now() - waitingSince) / 1000).toFixed(1);
        run.log.info(
          `trigger ${trigger.name}: event ${event.id} handled after ${waited} s of outage`,
        );
      }
      return undefined;
    } catch (error) {
      const failure = ClapperError.from(error);
      if (failure.code === 'UNAUTHORIZED') throw error;
      if (isOutage(error) && !run.abort.aborted) {
        // Not the handler's fault: the same try again once the server can serve it.
        if (waitingSince === undefined) {
          waitingSince = Date.now();
          run.log.warn(
            `trigger ${trigger.name}: event ${event.id} waits out an outage (${failure.code}: ${failure.message})`,
          );
        }
        attempt -= 1;
        await pause(OUTAGE_PAUSE_MS, run.abort);
        continue;
      }
      last = error;
      run.log.warn(
        `trigger ${trigger.name}: event ${event.id}, try ${attempt} of ${maxTries}: ${describe(error)}`,
      );
      await run.client.triggers.recordFailure
        .mutate({
          name: trigger.name,
          eventId: event.id,
          error: describe(error),
          attempts: attempt,
        })
        .catch(() => undefined);
      if (attempt < maxTries) await pause(1000 * 2 ** (attempt - 1), run.abort);
      if (run.abort.aborted) throw new Stop(130, 'stopped');
    }
  }
  return last;
}

/** Parked events an admin asked to try again: handled now, then dropped, or parked anew. */
async function retryParked(trigger: ClapperTrigger, run: TriggerRun, maxTries: number) {
  const asked = await run.client.triggers.parked.query({
    name: trigger.name,
    retryRequested: true,
  });
  for (const parked of asked) {
    if (!parked.event || run.stop.aborted) continue;
    const error = await handleWithRetries(trigger, run, parked.event, maxTries);
    if (error === undefined) {
      await run.client.triggers.dropParked.mutate({ id: parked.id });
      run.log.info(`trigger ${trigger.name}: parked event ${parked.eventId} handled on retry`);
    } else {
      await run.client.triggers.park.mutate({
        name: trigger.name,
        eventId: parked.eventId,
        error: describe(error),
        attempts: parked.attempts + maxTries,
      });
    }
  }
}

/**
 * The client with an idempotency key on each mutation, from `keyFor` in call order: tRPC's
 * client is a proxy of paths, so this one wraps each step and changes only `mutate`.
 */
export function keyedClient<T extends object>(client: T, keyFor: () => string): T {
  return new Proxy(client, {
    get(target, property) {
      const value = (target as Record<PropertyKey, unknown>)[property];
      if (property === 'mutate' && typeof value === 'function') {
        return (input: unknown, options?: { context?: Record<string, unknown> }) =>
          value(input, {
            ...options,
            context: { idempotencyKey: keyFor(), ...options?.context },
          });
      }
      return typeof value === 'function' || (typeof value === 'object' && value !== null)
        ? keyedClient(value as object, keyFor)
        : value;
    },
  });
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      // Removed either way: an outage waited out pauses many times on one signal.
      signal.removeEventListener('abort', done);
      resolve();
    }
  });

/** The event log: a page of it, and the live feed, each showing only what the caller may see. */
import type { EventRow } from '@clapper/db';
import { type TrackedEnvelope, tracked } from '@trpc/server';
import { z } from 'zod';
import { TtlCache } from '../cache/ttl-cache';
import type { RequestTransport } from '../context';
import type { ReadDeps } from '../domain/deps';
import { toPage, ZEventCursor, ZLimit } from '../domain/pagination';
import { MAX_INT, ZEventTypes, ZId } from '../domain/schemas';
import { toTRPCError } from '../errors';
import type { ApiServices } from '../services';
import { deepFreeze } from '../wire/frozen';
import { type Batched, batched } from './batched';
import { eventView, eventVisibility, matchesTypes } from './visibility';

export const ZListEventsInput = z
  .object({
    actorId: ZId.optional(),
    projectId: ZId.optional(),
    /** Only events after this event id: how a consumer resumes. */
    after: z.number().int().min(0).max(MAX_INT).optional(),
    cursor: ZEventCursor.optional(),
    limit: ZLimit,
    order: z.enum(['asc', 'desc']).default('desc'),
  })
  .default({ limit: 100, order: 'desc' });

export const ZSubscribeInput = z
  .object({
    projectId: ZId.optional(),
    /** Exact types (`comment.added`) or families (`task.*`). */
    types: ZEventTypes.optional(),
    /** Sent by the client on reconnect: events after it are replayed first. */
    lastEventId: z
      .string()
      .regex(/^\d{1,10}$/, 'must be an event id')
      .nullish(),
  })
  .default({});

/** A page of the events the caller may see, newest first (or oldest first with `order: 'asc'`). */
export async function listEvents(
  { access, services }: ReadDeps,
  input: z.infer<typeof ZListEventsInput>,
) {
  const rows = await services.reads.events.page(
    {
      visibility: await eventVisibility(access, services.tickReads),
      actorId: input.actorId,
      projectId: input.projectId,
      after: input.after,
      cursor: input.cursor ? Math.min(Number(input.cursor), MAX_INT) : undefined,
      order: input.order,
    },
    input.limit + 1,
  );
  const page = toPage(rows, input.limit);
  const views = services.listedEvents;
  return { nextCursor: page.nextCursor, items: page.items.map((row) => views.of(row)) };
}

/** How many events' views a server keeps for its lists: a few pages of a few dozen callers. */
const LISTED_VIEWS = 5000;

type EventView = ReturnType<typeof eventView>;

/**
 * An event never changes once written, so each one's view is made once and frozen, and every
 * page that shows it shares it: the transformer writes its JSON once (transformer.ts). The most
 * recently used are kept, per server (`ApiServices.listedEvents`): ids are a database's own, and
 * never given twice (SQLite's autoincrement, PostgreSQL's sequence).
 */
export class ListedViews {
  private readonly views = new TtlCache<EventView>({ max: LISTED_VIEWS });

  of(row: EventRow): EventView {
    const key = String(row.id);
    let view = this.views.get(key);
    if (!view) {
      view = deepFreeze(eventView(row));
      this.views.set(key, view);
    }
    return view;
  }
}

/**
 * The live feed (`events.subscribe`, server-sent events), each event tracked by its id so a
 * reconnecting client resumes where it stopped, receiving what it missed once. It comes in the
 * hub's batches: the audience decides a batch once for all subscribers, and a consumer that
 * takes batches whole (the server's SSE stream) writes each in one go.
 */
export function eventFeed(
  {
    services,
    transport,
    signal,
  }: { services: ApiServices; transport: RequestTransport; signal?: AbortSignal },
  input: z.infer<typeof ZSubscribeInput>,
  /**
   * Told the last event of each batch read, once what it yielded of that batch has been taken
   * (the consumer asked for more): everything up to it was sent or was not for this caller.
   */
  { onPassed }: { onPassed?(eventId: number): void } = {},
): Batched<SharedItem> {
  return batched(async function* () {
    const queue: (readonly EventRow[])[] = [];
    let wake: (() => void) | undefined;
    const unsubscribe = services.events.subscribe((rows) => {
      queue.push(rows);
      wake?.();
    });
    // One listener for the stream's life: one per wait piled up (Node checks each new one
    // against all those before it), and kept every closure alive until the stream ended.
    const onAbort = () => wake?.();
    signal?.addEventListener('abort', onAbort, { once: true });
    const { audience } = services;
    // The hub sends each event once, so only what the replay sent (ids up to the head when the
    // stream began) can come again: an id the hub saw skipped, re-read when it commits late.
    let head = 0;
    let late: ReadonlySet<number> = new Set();
    const replayed = new Set<number>();

    /** Each batch re-checks the credential (from the cache) and what the caller may read. */
    async function pick(
      rows: readonly EventRow[],
      replaying: boolean,
    ): Promise<readonly SharedItem[]> {
      // A refusal ends the stream as UNAUTHORIZED with its reason, not as an internal error.
      const { visible } = await audience.decide(rows, transport.credential).catch((error) => {
        throw toTRPCError(error) ?? error;
      });
      const items: SharedItem[] = [];
      for (const row of rows) {
        if (input.projectId && row.projectId !== input.projectId) continue;
        if (!matchesTypes(input.types, row.type) || !visible(row)) continue;
        if (replaying) {
          if (late.has(row.id)) replayed.add(row.id);
        } else if (row.id <= head && replayed.has(row.id)) continue;
        items.push(sharedItem(row));
      }
      // All of it, as for most subscribers: the batch's one frozen list, written once for all.
      return items.length === rows.length ? wholeBatch(rows, items) : items;
    }

    try {
      head = await services.events.head();
      late = services.events.lateIds();
      if (input.lastEventId) {
        let from = Number(input.lastEventId);
        while (from < head) {
          const rows = (await services.reads.events.since(from, [], 500)).filter(
            (r) => r.id <= head,
          );
          if (rows.length === 0) break;
          const items = await pick(rows, true);
          if (items.length > 0) yield items;
          from = rows[rows.length - 1]!.id;
          onPassed?.(from);
        }
      }
      while (!signal?.aborted) {
        if (queue.length === 0) {
          await new Promise<void>((resolve) => {
            wake = resolve;
            if (signal?.aborted) resolve();
          });
          wake = undefined;
        }
        for (const batch of queue.splice(0)) {
          const items = await pick(batch, false);
          if (items.length > 0) yield items;
          const last = batch[batch.length - 1];
          if (last) onPassed?.(last.id);
        }
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      unsubscribe();
    }
  });
}

type SharedItem = TrackedEnvelope<ReturnType<typeof eventView>>;
const wholeBatches = new WeakMap<readonly EventRow[], readonly SharedItem[]>();

/**
 * A batch's items when a subscriber may have all of them: one frozen list for every such
 * subscriber, so a consumer makes its wire form once (lean-sse.ts writes the same bytes to all).
 */
function wholeBatch(rows: readonly EventRow[], picked: SharedItem[]): readonly SharedItem[] {
  let items = wholeBatches.get(rows);
  if (!items) {
    items = Object.freeze(picked);
    wholeBatches.set(rows, items);
  }
  return items;
}
const sharedItems = new WeakMap<EventRow, SharedItem>();

/**
 * One frozen tracked item per event for every subscriber it goes to: its wire form is made
 * once (transformer.ts, lean-sse.ts), however many streams send it.
 */
function sharedItem(row: EventRow): SharedItem {
  let item = sharedItems.get(row);
  if (!item) {
    item = Object.freeze(tracked(String(row.id), deepFreeze(eventView(row)))) as SharedItem;
    sharedItems.set(row, item);
  }
  return item;
}

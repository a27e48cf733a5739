/**
 * `x-clapper-idempotency-key`: a mutation sent with a key runs once. Its key is written in the
 * mutation's own transaction (beside its event, so the change and the key commit together or
 * not at all), and its result right after it answers; a repeat of the same call (same path,
 * same input) with the same key answers that result without running again, a different call
 * with the key is CONFLICT. Keys are the caller's own and kept at least a day.
 */
import { createHash } from 'node:crypto';
import {
  Event,
  type EventSubscriber,
  type FlushEventArgs,
  IdempotencyKey,
  type NewIdempotencyKeyRow,
  runStatements,
  type Statement,
  writes,
} from '@clapper/db';
import superjson from 'superjson';
import { badRequest, conflict } from './errors';
import type { ApiServices } from './services';
import { serialize } from './transformer';

export const IDEMPOTENCY_HEADER = 'x-clapper-idempotency-key';
/** A key is kept at least this long; a repeat after it runs again. */
export const IDEMPOTENCY_KEPT_MS = 24 * 3_600_000;
const PRUNE_EVERY_MS = 10 * 60_000;

/** Printable ASCII without spaces (a UUID, `bot:trigger:event:call`…), up to 200 characters. */
const KEY = /^[\x21-\x7e]{1,200}$/;

/** The header's key, checked: BAD_REQUEST on `idempotencyKey` for one that is not a key, or on a batch. */
export function checkedKey(key: string, calls: number): string {
  if (!KEY.test(key)) {
    throw badRequest(
      'idempotencyKey',
      'must be 1 to 200 printable ASCII characters without spaces',
    );
  }
  if (calls > 1) {
    throw badRequest(
      'idempotencyKey',
      `names one call, and this request has ${calls}: send the call alone, not in a batch`,
    );
  }
  return key;
}

export const inputHash = (path: string, input: unknown) =>
  createHash('sha256')
    .update(`${path}\n${JSON.stringify(input ?? null)}`)
    .digest('hex');

/**
 * A key about to be used: it joins the first flush that writes an event (ORM mutations), or
 * the prepared statements of one (`writeWithEvent`), whichever comes.
 */
export class PendingKey implements EventSubscriber {
  private written = false;
  constructor(readonly row: NewIdempotencyKeyRow) {}

  onFlush({ em, uow }: FlushEventArgs) {
    if (this.written) return;
    if (!uow.getChangeSets().some((change) => change.name === Event.meta.className)) return;
    uow.computeChangeSet(em.create(IdempotencyKey, { ...this.row, result: null }));
    this.written = true;
  }

  /** The key's insert, for a mutation written as statements; null once written. */
  statement(): Statement | null {
    if (this.written) return null;
    this.written = true;
    return writes.insertIdempotencyKey(this.row);
  }
}

/** What a repeat answers: the first call's result, or CONFLICT. */
export function replay(
  found: { path: string; inputHash: string; result: string | null },
  path: string,
  hash: string,
): unknown {
  if (found.path !== path || found.inputHash !== hash) {
    throw conflict(
      'idempotencyKey',
      `was used for another call (${found.path === path ? 'another input' : found.path}): use a new key for a new call`,
    );
  }
  if (found.result === null) {
    throw conflict(
      'idempotencyKey',
      'a call with this key is still running: ask again once it has answered',
    );
  }
  return superjson.parse(found.result);
}

const lastPrune = new WeakMap<ApiServices, number>();

/** Keeps the result for repeats, and now and then forgets keys past their day. */
export async function saveResult(services: ApiServices, row: NewIdempotencyKeyRow, data: unknown) {
  const statements = [writes.saveIdempotentResult(row, JSON.stringify(serialize(data)))];
  const now = Date.now();
  if (now - (lastPrune.get(services) ?? 0) > PRUNE_EVERY_MS) {
    lastPrune.set(services, now);
    statements.push(writes.pruneIdempotencyKeys(new Date(now - IDEMPOTENCY_KEPT_MS - 3_600_000)));
  }
  await runStatements(services.orm, statements);
}

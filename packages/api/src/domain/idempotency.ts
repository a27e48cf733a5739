/**
 * `x-clapper-idempotency-key`: a mutation sent with a key runs once. Its key is written in the
 * mutation's own transaction (beside its event, so the change and the key commit together or
 * not at all), and its result right after it answers; a repeat of the same call (same path,
 * same input) with the same key answers that result without running again, a different call
 * with the key is CONFLICT. Keys are the caller's own and kept at least a day.
 */
import { createHash } from 'node:crypto';
import {
  type Em,
  IdempotencyKey,
  type NewIdempotencyKeyRow,
  runStatements,
  type Statement,
  writes,
} from '@clapper/db';
import superjson from 'superjson';
import { badRequest, conflict } from '../errors';
import type { ApiServices } from '../services';
import { serializeToJson } from '../wire/transformer';

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
 * A key about to be used by a mutation written as prepared statements (`writeWithEvent`): its
 * row, with the mutation's answer, joins the mutation's own statements.
 */
export class PendingKey {
  private written = false;
  constructor(readonly row: NewIdempotencyKeyRow) {}

  /** The key's insert with `answer`; null once written. */
  statement(answer: unknown): Statement | null {
    if (this.written) return null;
    this.written = true;
    return writes.insertIdempotencyKey(this.row, serialized(answer));
  }

  get isWritten() {
    return this.written;
  }
}

/** A result as it is kept: superjson's form, as the wire carries it. */
export const serialized = serializeToJson;

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

/**
 * An ORM mutation with a key: it runs in one transaction with its key and its answer, so the
 * change, its event, the key and the answer commit together or not at all.
 */
export async function inTransactionWithKey<R extends { ok: boolean; data?: unknown }>(
  em: Em,
  row: NewIdempotencyKeyRow,
  run: (em: Em) => Promise<R>,
): Promise<R> {
  let result: R | undefined;
  try {
    await em.transactional(async (tem) => {
      result = await run(tem as Em);
      // A failed mutation keeps nothing: what it flushed is rolled back with the key.
      if (!result.ok) throw ROLLBACK;
      await (tem as Em).insert(IdempotencyKey, { ...row, result: serialized(result.data) });
    });
  } catch (error) {
    if (error !== ROLLBACK) throw error;
  }
  return result!;
}

const ROLLBACK = new Error('rolled back: the mutation failed');

/**
 * The answer of a keyed mutation that wrote nothing itself (it changed nothing, or a
 * statement-written one that answered without writing).
 */
export async function saveResult(services: ApiServices, row: NewIdempotencyKeyRow, data: unknown) {
  await runStatements(services.orm, [writes.saveIdempotentResult(row, serialized(data))]);
}

/** Forgets keys past their day, at most every ten minutes, after a keyed mutation. */
export class KeyPruning {
  private lastAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly services: Pick<ApiServices, 'orm' | 'now'>) {}

  async afterKeyedMutation() {
    const now = this.services.now().getTime();
    if (now - this.lastAt < PRUNE_EVERY_MS) return;
    this.lastAt = now;
    await runStatements(this.services.orm, [
      writes.pruneIdempotencyKeys(new Date(now - IDEMPOTENCY_KEPT_MS - 3_600_000)),
    ]);
  }
}

import { randomFillSync } from 'node:crypto';
import { p } from '@mikro-orm/core';
import { v7 as uuidv7 } from 'uuid';
import { nameKey } from '../name-key';

// Random bytes drawn in bulk: the uuid package asks WebCrypto for 16 bytes per id.
const pool = new Uint8Array(16 * 256);
let used = pool.length;
const state = { msecs: Number.NEGATIVE_INFINITY, seq: 0 };

/**
 * Time-ordered UUIDs: unguessable like Kitsu's ids, and they sort by creation
 * for cursors. The uuid package's v7, with its own rule for ids made in the
 * same millisecond (a sequence that counts up from a random start).
 */
export function newId(): string {
  if (used === pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  const random = pool.subarray(used, used + 16);
  used += 16;
  const now = Date.now();
  if (now > state.msecs) {
    state.seq = ((random[6]! & 0x7f) << 24) | (random[7]! << 16) | (random[8]! << 8) | random[9]!;
    state.msecs = now;
  } else {
    state.seq = (state.seq + 1) | 0;
    if (state.seq === 0) state.msecs++;
  }
  return uuidv7({ random, msecs: state.msecs, seq: state.seq });
}

/**
 * The case-insensitive key of a unique name (see `nameKey`), kept from `source` by the ORM on
 * every insert and update; the unique index is on it. Twice the name's length: lower-casing
 * can lengthen a string ("İ" becomes two code units). The empty default is there because
 * SQLite adds a NOT NULL column to a table with rows only with one; the ORM always sets it.
 */
export const nameKeyProperty = (source: 'name' | 'shortName', length: number) =>
  p
    .string()
    .length(2 * length)
    .default('')
    .onCreate((entity: Record<typeof source, string>) => nameKey(entity[source]))
    .onUpdate((entity: Record<typeof source, string>) => nameKey(entity[source]));

export const idProperty = () =>
  p
    .uuid()
    .primary()
    .onCreate(() => newId());

export const timestampProperties = {
  createdAt: p.datetime().onCreate(() => new Date()),
  updatedAt: p
    .datetime()
    .onCreate(() => new Date())
    .onUpdate(() => new Date()),
};

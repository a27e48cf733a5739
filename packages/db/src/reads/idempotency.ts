import type { ReadConnection } from './connection';

export interface IdempotencyKeyRow {
  path: string;
  inputHash: string;
  result: string | null;
}

export function idempotencyReads(db: ReadConnection) {
  return {
    /** The call a caller's key was first used for, and its result once it has answered. */
    async find(personId: string, key: string): Promise<IdempotencyKeyRow | null> {
      const [row] = await db.all<IdempotencyKeyRow>(
        `select path, input_hash as "inputHash", result from idempotency_keys
         where person_id = ? and key = ?`,
        [personId, key],
      );
      return row ?? null;
    },
  };
}

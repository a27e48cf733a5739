import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/**
 * A mutation sent with `x-clapper-idempotency-key`: written in the mutation's own transaction
 * (so the change and its key commit together or not at all), then given the mutation's result,
 * which a repeat of the same call with the same key answers instead of running again.
 */
export const IdempotencyKey = defineEntity({
  name: 'IdempotencyKey',
  tableName: 'idempotency_keys',
  indexes: [{ properties: ['createdAt'] }],
  properties: {
    /** Keys are the caller's own: another person's same key is another key. */
    personId: p.uuid().primary(),
    key: p.string().length(200).primary(),
    path: p.string().length(100),
    inputHash: p.string().length(64),
    /** The result as the wire carries it (superjson); null until the mutation has answered. */
    result: p.text().nullable(),
    createdAt: p.datetime(),
  },
});

export type IIdempotencyKey = InferEntity<typeof IdempotencyKey>;

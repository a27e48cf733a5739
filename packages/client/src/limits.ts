/** Calls in one batched request; the server accepts at most 50 (apps/server/src/app.ts). */
export const MAX_BATCH_ITEMS = 50;

/** Names one mutation so that it runs once however often it is sent (the server's idempotency.ts). */
export const IDEMPOTENCY_HEADER = 'x-clapper-idempotency-key';

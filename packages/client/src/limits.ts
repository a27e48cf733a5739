/**
 * The wire's limits and headers, shared by the client and the server (which imports them from
 * here). Calls in one batched request: the server refuses more, and each counts against the rate
 * limit as one request.
 */
export const MAX_BATCH_ITEMS = 50;

/** Names one mutation so that it runs once however often it is sent (the server's idempotency.ts). */
export const IDEMPOTENCY_HEADER = 'x-clapper-idempotency-key';

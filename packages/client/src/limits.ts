/** Calls in one batched request; the server accepts at most 50 (apps/server/src/app.ts). */
export const MAX_BATCH_ITEMS = 50;

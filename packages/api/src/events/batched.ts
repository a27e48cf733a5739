/**
 * An async iterable whose items come in batches, and that offers the batches too. A consumer
 * that takes a whole batch at once (the server's lean SSE stream writes one string per batch)
 * pays one async step per batch instead of one per item; any other consumer (tRPC's SSE
 * producer, a `for await`) sees the items one by one.
 */
const BATCHES = Symbol.for('clapper.batches');

export interface Batched<T> extends AsyncIterable<T> {
  [BATCHES](): AsyncIterator<readonly T[], void>;
}

export function batched<T>(batches: () => AsyncGenerator<readonly T[], void>): Batched<T> {
  return {
    [BATCHES]: batches,
    async *[Symbol.asyncIterator]() {
      for await (const batch of batches()) yield* batch;
    },
  };
}

/** The batches of a batched iterable, or undefined for any other value. */
export function batchesOf(value: unknown): AsyncIterator<readonly unknown[], void> | undefined {
  if (typeof value !== 'object' || value === null || !(BATCHES in value)) return undefined;
  return (value as Batched<unknown>)[BATCHES]();
}

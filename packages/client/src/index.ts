/**
 * The typed Clapper client for scripts and other apps. Only the router's
 * *type* is imported: no server code is loaded at run time.
 */
import type {
  AppRouter,
  CatalogedEventType,
  ErrorReason,
  EventDataByType,
  OutageReason,
  RefusalReason,
  RouterInputs,
  RouterOutputs,
} from '@clapper/api';
import {
  createTRPCClient,
  httpBatchLink,
  httpLink,
  httpSubscriptionLink,
  splitLink,
  type TRPCClient,
  TRPCClientError,
} from '@trpc/client';
import { EventSource } from 'eventsource';
import superjson from 'superjson';
import { IDEMPOTENCY_HEADER, MAX_BATCH_ITEMS } from './limits';
import { type RetryOptions, retryingFetch } from './retry';

export { IDEMPOTENCY_HEADER, MAX_BATCH_ITEMS } from './limits';
export { DEFAULT_MAX_WAIT_MS, type OutageWait, type RetryOptions, retryingFetch } from './retry';

export type {
  AppRouter,
  CatalogedEventType,
  ErrorReason,
  EventDataByType,
  OutageReason,
  RefusalReason,
  RouterInputs,
  RouterOutputs,
};
export type ClapperClient = TRPCClient<AppRouter>;

export interface ClapperClientOptions {
  /** The server, e.g. `http://localhost:3000` (the API is at `/trpc`). */
  url: string;
  /** A bot's (or a user's) API token. */
  token?: string;
  /** Replaces the global fetch, e.g. to add a proxy or record calls. */
  fetch?: typeof globalThis.fetch;
  /** Extra headers on every request, e.g. `x-clapper-dry-run: 1`. */
  headers?: Record<string, string>;
  /**
   * Waiting out an outage (on by default): queries, and mutations with an idempotency key, are
   * sent again after a 503, 429, 502 or 504 or a network error, honouring `Retry-After`, for up
   * to `maxWaitMs` (120 s); `false` sends each once.
   */
  retry?: RetryOptions | false;
}

/**
 * Batched HTTP for queries and mutations, server-sent events for subscriptions, superjson. A
 * mutation called with `{ context: { idempotencyKey } }` is sent alone with that key: sent again
 * with the same key and input, the server answers the first result without running it again,
 * which is also what lets the client send it again through an outage (`retry`).
 */
export function createClapperClient({
  url,
  token,
  fetch: fetchImpl,
  headers = {},
  retry = {},
}: ClapperClientOptions): ClapperClient {
  const endpoint = `${url.replace(/\/+$/, '')}/trpc`;
  const allHeaders = { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) };
  const baseFetch = fetchImpl ?? globalThis.fetch;
  const doFetch = retry === false ? baseFetch : retryingFetch(baseFetch, retry);
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink<AppRouter, typeof EventSource>({
          url: endpoint,
          transformer: superjson,
          EventSource,
          eventSourceOptions: () => ({
            fetch: (input, init) =>
              doFetch(input, { ...init, headers: { ...init?.headers, ...allHeaders } }),
          }),
        }),
        false: splitLink({
          // A mutation with an idempotency key goes alone: the key names one call.
          condition: (op) => typeof op.context.idempotencyKey === 'string',
          true: httpLink({
            url: endpoint,
            transformer: superjson,
            headers: ({ op }) => ({
              ...allHeaders,
              [IDEMPOTENCY_HEADER]: op.context.idempotencyKey as string,
            }),
            fetch: doFetch,
          }),
          false: httpBatchLink({
            url: endpoint,
            transformer: superjson,
            maxItems: MAX_BATCH_ITEMS,
            headers: () => allHeaders,
            fetch: doFetch,
          }),
        }),
      }),
    ],
  });
}

/** What the server puts in a failed call's `error.data`, typed from the router's error formatter. */
type ErrorData = TRPCClientError<AppRouter>['data'];

/**
 * A failed call: the tRPC code (`UNAUTHORIZED`, `FORBIDDEN`, …), the server's
 * message, the field at fault, and for a refused credential or route, why
 * (`reason`, e.g. `token_revoked`; null otherwise).
 */
export class ClapperError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field: string | null = null,
    readonly httpStatus: number | null = null,
    readonly reason: ErrorReason | null = null,
  ) {
    super(message);
    this.name = 'ClapperError';
  }

  /**
   * The server could not serve the call for now (a database outage, the rate limit, the server
   * out of reach): the same call may succeed later, unlike a refusal or a bad input.
   */
  get isOutage(): boolean {
    return (
      this.code === 'SERVICE_UNAVAILABLE' ||
      this.code === 'TOO_MANY_REQUESTS' ||
      this.code === 'NETWORK'
    );
  }

  /** Wraps what a client call threw; anything that is not a tRPC error (a network failure) is code `NETWORK`. */
  static from(error: unknown): ClapperError {
    if (error instanceof ClapperError) return error;
    if (error instanceof TRPCClientError) {
      const data = error.data as Partial<NonNullable<ErrorData>> | null | undefined;
      return new ClapperError(
        data?.code ?? 'NETWORK',
        error.message,
        data?.field ?? null,
        data?.httpStatus ?? null,
        data?.reason ?? null,
      );
    }
    return new ClapperError('NETWORK', error instanceof Error ? error.message : String(error));
  }
}

/**
 * Whether a call's failure is an outage (`ClapperError.isOutage`) rather than a refusal, a bad
 * input or an error of the caller's own code (which `ClapperError.from` would call `NETWORK`).
 */
export function isOutage(error: unknown): boolean {
  const fromClient =
    error instanceof ClapperError ||
    error instanceof TRPCClientError ||
    (error as { name?: unknown } | null)?.name === 'TRPCClientError';
  return fromClient && ClapperError.from(error).isOutage;
}

/** Runs a call and rethrows its failure as a `ClapperError`. */
export async function call<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    throw ClapperError.from(error);
  }
}

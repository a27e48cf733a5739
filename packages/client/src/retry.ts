import { IDEMPOTENCY_HEADER } from './limits';

/** How a client rides out an outage (a 503, a 429, a server out of reach). */
export interface RetryOptions {
  /** The longest one call waits in all before its last answer or error is its result (120 s). */
  maxWaitMs?: number;
  /** Called when a call starts waiting while no other call is (one outage, one call). */
  onWait?: (wait: OutageWait) => void;
  /** Called when a call succeeds after calls had waited (or given up), no call waiting now. */
  onResume?: (waitedMs: number) => void;
}

export interface OutageWait {
  /** The answer's HTTP status, or null when the server could not be reached. */
  status: number | null;
  /** The answer's `reason` (`database_unavailable`), or the network error's code or message. */
  reason: string | null;
  /** When this call asks again. */
  retryInMs: number;
}

export const DEFAULT_MAX_WAIT_MS = 120_000;
/** Statuses that say "later": Clapper's outage and rate limit, and a proxy's for a server away. */
const RETRY_STATUSES = new Set([429, 502, 503, 504]);
const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 10_000;

/**
 * `fetch` that waits out an outage: a request that may be sent twice (a query, or a mutation
 * with an idempotency key, never one without) is sent again after a 503, 429, 502 or 504, or a
 * network error, after the answer's `Retry-After` or a doubling delay (0.5 s to 10 s, with
 * jitter), until it succeeds or `maxWaitMs` has passed.
 */
export function retryingFetch(
  fetchImpl: typeof globalThis.fetch,
  { maxWaitMs = DEFAULT_MAX_WAIT_MS, onWait, onResume }: RetryOptions = {},
): typeof globalThis.fetch {
  let waiting = 0;
  let outageStart: number | undefined;
  return async (input, init) => {
    if (!mayResend(input, init)) return fetchImpl(input, init);
    const start = Date.now();
    for (let attempt = 0; ; attempt++) {
      let answer: Response | undefined;
      let failure: unknown;
      try {
        answer = await fetchImpl(input, init);
      } catch (error) {
        if (init?.signal?.aborted) throw error;
        failure = error;
      }
      const again = failure !== undefined || RETRY_STATUSES.has(answer!.status);
      if (!again) {
        if (outageStart !== undefined && waiting === 0) {
          onResume?.(Date.now() - outageStart);
          outageStart = undefined;
        }
        return answer!;
      }
      const delay = Math.max(
        0,
        Math.min(delayFor(answer, attempt), start + maxWaitMs - Date.now()),
      );
      if (delay <= 0) {
        if (failure !== undefined) throw failure;
        return answer!;
      }
      if (waiting === 0 && outageStart === undefined) {
        outageStart = Date.now();
        onWait?.({
          status: answer?.status ?? null,
          reason: answer ? await reasonOf(answer) : networkReason(failure),
          retryInMs: delay,
        });
      }
      waiting += 1;
      try {
        await sleep(delay, init?.signal ?? undefined);
      } finally {
        waiting -= 1;
      }
      if (init?.signal?.aborted) {
        if (failure !== undefined) throw failure;
        return answer!;
      }
    }
  };
}

/** A GET (a query) or a request carrying an idempotency key: sending it twice changes nothing. */
function mayResend(input: Parameters<typeof fetch>[0], init?: RequestInit): boolean {
  const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
  if (method === 'GET' || method === 'HEAD') return true;
  return new Headers(init?.headers).has(IDEMPOTENCY_HEADER);
}

/** `Retry-After` in seconds or as a date, else a doubling delay with ±20% jitter. */
function delayFor(answer: Response | undefined, attempt: number): number {
  const header = answer?.headers.get('retry-after');
  if (header) {
    const seconds = Number(header);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const at = Date.parse(header);
    if (!Number.isNaN(at)) return Math.max(0, at - Date.now());
  }
  const base = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** attempt);
  return base * (0.8 + Math.random() * 0.4);
}

/** The `reason` of a tRPC error answer (one call or a batch's first), read from a copy. */
async function reasonOf(answer: Response): Promise<string | null> {
  try {
    const body = (await answer.clone().json()) as unknown;
    const first = Array.isArray(body) ? body[0] : body;
    const data = (first as { error?: { json?: { data?: { reason?: unknown } } } })?.error?.json
      ?.data;
    return typeof data?.reason === 'string' ? data.reason : null;
  } catch {
    return null;
  }
}

function networkReason(error: unknown): string | null {
  for (let at: unknown = error, depth = 0; at && depth < 5; depth++) {
    const { code, cause } = at as { code?: unknown; cause?: unknown };
    if (typeof code === 'string') return code;
    at = cause;
  }
  return error instanceof Error ? error.message : null;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });

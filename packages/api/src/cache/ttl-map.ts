/**
 * A map whose entries are trusted for `ttlMs` after they were put, and which
 * drops its oldest entry beyond `max`: the shape of every cache here.
 */
export class TtlMap<V> {
  private readonly entries = new Map<string, { value: V; at: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
    private readonly clock: () => number,
  ) {}

  /** The value put under `key`, unless it is older than the lifetime (then it goes). */
  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.clock() - entry.at >= this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V) {
    // Maps iterate in insertion order: dropping the first key drops the oldest.
    if (this.entries.size >= this.max && !this.entries.has(key)) {
      this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(key, { value, at: this.clock() });
  }

  delete(key: string) {
    this.entries.delete(key);
  }

  /** Drops every entry whose value matches. */
  deleteWhere(matches: (value: V) => boolean) {
    for (const [key, entry] of this.entries) if (matches(entry.value)) this.entries.delete(key);
  }

  clear() {
    this.entries.clear();
  }
}

/**
 * Concurrent misses for one key share one load, unless an invalidation came since it began
 * (its ticket is then old): a burst of requests after an entry expires makes one query, not
 * one per request, and a request after a revocation never joins a read from before it.
 */
export class LoadsInFlight<V> {
  private readonly flights = new Map<string, { ticket: number; promise: Promise<V> }>();

  load(key: string, ticket: number, load: () => Promise<V>): Promise<V> {
    const flight = this.flights.get(key);
    if (flight?.ticket === ticket) return flight.promise;
    const promise = load().finally(() => {
      if (this.flights.get(key)?.promise === promise) this.flights.delete(key);
    });
    this.flights.set(key, { ticket, promise });
    return promise;
  }
}

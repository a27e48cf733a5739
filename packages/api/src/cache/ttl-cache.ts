import { LRUCache } from 'lru-cache';

/** Reads a server's clock in milliseconds (`Date.now`, or a test's). */
export type Clock = () => number;

type Load<V> = () => Promise<V | undefined>;

/**
 * Every cache in the API: `lru-cache` (at most `max` entries, the least recently used going
 * first), each entry trusted for `ttlMs` after it was put when a lifetime is given. Concurrent
 * misses of one key share one load (`through`, lru-cache's `fetch`); `dropLoads` makes the
 * loads under way neither kept nor joined, for an owner whose invalidation cannot name the keys
 * a load will fill (a read that began before a revocation must not be cached after it).
 * With `refreshAhead`, `through` reads a hot entry again before it lapses, so its callers never
 * wait for it.
 */
export class TtlCache<V extends {}> {
  private readonly lru: LRUCache<string, V, Load<V>>;
  /** Loads under way, by key (lru-cache keeps them, but does not list them). */
  private readonly loading = new Map<string, number>();
  /** Refreshes under way, by key: a refresh is kept only while it is the key's. */
  private readonly refreshing = new Map<string, symbol>();
  /** How close to its end a hit is read again (`refreshAhead`); none when undefined. */
  private readonly refreshWithinMs: number | undefined;

  constructor({
    max,
    ttlMs,
    clock,
    refreshAhead = false,
  }: {
    max: number;
    ttlMs?: number;
    clock?: Clock;
    /**
     * A hit in the second half of its life is read again in the background by the `load` it
     * was asked with (`through`), while it still answers: for entries many callers keep asking
     * for, made together and so lapsing together (a thousand listeners' credentials, re-checked
     * on every batch), which would otherwise make them all wait for the database at once.
     */
    refreshAhead?: boolean;
  }) {
    if (ttlMs !== undefined && !(ttlMs > 0)) throw new RangeError('ttlMs must be positive');
    if (refreshAhead && ttlMs === undefined) throw new RangeError('refreshAhead needs a ttlMs');
    this.refreshWithinMs = refreshAhead ? ttlMs! / 2 : undefined;
    this.lru = new LRUCache<string, V, Load<V>>({
      // Bounded by a count of entries, but through `maxSize`: lru-cache allocates arrays for
      // `max` entries up front (megabytes over a server's caches, in a heap capped at 160 MB),
      // and grows them as needed for `maxSize`.
      maxSize: max,
      sizeCalculation: () => 1,
      ...(ttlMs === undefined
        ? {}
        : // The clock is read at each check (ttlResolution 0), so a test's clock moves at once.
          { ttl: ttlMs, ttlResolution: 0, ...(clock ? { perf: { now: clock } } : {}) }),
      // A load dropped meanwhile still answers the requests that waited on it; it is not kept.
      ignoreFetchAbort: true,
      fetchMethod: async (key, _stale, { context: load }) => {
        this.loading.set(key, (this.loading.get(key) ?? 0) + 1);
        try {
          return await load();
        } finally {
          const left = this.loading.get(key)! - 1;
          if (left === 0) this.loading.delete(key);
          else this.loading.set(key, left);
        }
      },
    });
  }

  get(key: string): V | undefined {
    return this.lru.get(key);
  }

  set(key: string, value: V) {
    this.lru.set(key, value);
  }

  delete(key: string) {
    this.refreshing.delete(key);
    this.lru.delete(key);
  }

  /** The keys of the entries still alive. */
  keys(): IterableIterator<string> {
    return this.lru.keys();
  }

  /** Drops every entry whose value matches. */
  deleteWhere(matches: (value: V) => boolean) {
    for (const [key, value] of this.lru.entries()) if (matches(value)) this.delete(key);
  }

  /** Drops every entry, and the loads under way. */
  clear() {
    this.refreshing.clear();
    this.lru.clear();
  }

  /**
   * The entry for `key`, or what `load` finds, shared with the other misses of the moment;
   * `undefined` from `load` is not kept. A hit answers without the shared load's promise, and
   * with `refreshAhead` may start a refresh.
   */
  through(key: string, load: Load<V>): Promise<V | undefined> {
    const cached = this.lru.get(key);
    if (cached === undefined) return this.lru.fetch(key, { context: load });
    if (this.refreshWithinMs !== undefined) this.refresh(key, this.refreshWithinMs, load);
    return Promise.resolve(cached);
  }

  /**
   * When `key`'s entry has at most `withinMs` left, `load` reads it again in the background
   * (one read per key at a time) while the entry still answers, and its value replaces the
   * entry's, with a lifetime of its own. Nothing is trusted past its `ttlMs` for that: a
   * refresh that fails or comes late leaves the entry to lapse as it would have. A refresh is
   * not kept if the key was dropped meanwhile (`delete`, `clear`, `dropLoads`).
   */
  private refresh(key: string, withinMs: number, load: Load<V>) {
    if (this.refreshing.has(key)) return;
    // 0 for an entry missing or lapsed.
    const left = this.lru.getRemainingTTL(key);
    if (left <= 0 || left > withinMs) return;
    const refresh = Symbol(key);
    this.refreshing.set(key, refresh);
    const ours = () => this.refreshing.get(key) === refresh;
    load()
      .then(
        (value) => {
          if (ours() && value !== undefined) this.lru.set(key, value);
        },
        () => {},
      )
      .finally(() => {
        if (ours()) this.refreshing.delete(key);
      });
  }

  /** The loads under way are not kept, and the next miss of their keys loads again. */
  dropLoads() {
    this.refreshing.clear();
    for (const key of [...this.loading.keys()]) this.lru.delete(key);
  }
}

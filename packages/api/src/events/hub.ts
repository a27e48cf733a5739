import type { EventRow, HotReads } from '@clapper/db';

type Listener = (events: EventRow[]) => void;

// How long an id skipped by the sequence is re-read, in case a slower transaction commits it late.
const GAP_WINDOW_MS = 10_000;
const BATCH = 500;
/**
 * A fan-out costs a socket write per listener, so fan-outs close together are spaced by this
 * much per listener, up to MAX_SPACING_MS: up to a thousand listeners, the writes a second stay
 * at most ten thousand however fast events come, and past that each listener gets ten a second.
 * The first event after a quiet spell goes out at once; one that follows closely waits at most
 * the spacing, and goes out with what came in the meantime. A full read (the log is ahead) is
 * followed by the next at once.
 */
const SPACING_MS_PER_LISTENER = 0.1;
const MAX_SPACING_MS = 100;

/**
 * One reader of the event log per server, fanning new rows out to every
 * subscriber. Mutations on this server nudge it (spaced as above); a slow poll
 * catches what other processes (the CLI, other replicas) write.
 */
export class EventHub {
  private readonly listeners = new Set<Listener>();
  private lastId: number | undefined;
  private readonly gaps = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private lastFanOut = Number.NEGATIVE_INFINITY;
  private spaced: NodeJS.Timeout | undefined;
  /** The last read was full: the log is ahead, and the next read follows at once. */
  private catchingUp = false;

  constructor(
    private readonly reads: HotReads,
    private readonly intervalMs = 500,
  ) {}

  /**
   * Ids the sequence skipped that are still re-read, in case a slower transaction commits them
   * late: the only ones at or below the head that can still reach a subscriber.
   */
  lateIds(): ReadonlySet<number> {
    return new Set(this.gaps.keys());
  }

  /** The newest event id now: where a new subscription starts. */
  async head(): Promise<number> {
    if (this.lastId === undefined) {
      const newest = await this.reads.events.head();
      this.lastId ??= newest;
    }
    return this.lastId;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    this.timer ??= setInterval(() => this.nudge(), this.intervalMs).unref();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
        clearTimeout(this.spaced);
        this.spaced = undefined;
        // Idle, the hub stops reading: the next subscriber starts from the head as it is then,
        // not from where this one left it (what lies between would reach it as new).
        this.lastId = undefined;
        this.gaps.clear();
      }
    };
  }

  /** Told when this server wrote events, to pass it on to other replicas. */
  onAnnounce?: () => void;

  /** This server committed events: read them now, and let other replicas know. */
  announce() {
    this.nudge();
    this.onAnnounce?.();
  }

  /** Something was written: read the log now (coalesced with a read under way). */
  nudge() {
    if (this.listeners.size === 0 || this.spaced) return;
    if (this.running) {
      this.again = true;
      return;
    }
    const spacing = Math.min(MAX_SPACING_MS, this.listeners.size * SPACING_MS_PER_LISTENER);
    const wait = this.lastFanOut + spacing - performance.now();
    if (wait > 0 && !this.catchingUp) {
      this.spaced = setTimeout(() => {
        this.spaced = undefined;
        this.nudge();
      }, wait).unref();
      return;
    }
    this.running = this.poll()
      .catch(() => {
        // A failed read is retried by the next nudge or tick.
      })
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.nudge();
        }
      });
  }

  close() {
    this.listeners.clear();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    clearTimeout(this.spaced);
    this.spaced = undefined;
  }

  private async poll() {
    const from = await this.head();
    const now = Date.now();
    for (const [id, seen] of this.gaps) if (now - seen > GAP_WINDOW_MS) this.gaps.delete(id);
    const rows = await this.reads.events.since(from, [...this.gaps.keys()], BATCH);
    // Everyone left during the read: keep no position (see `subscribe`).
    if (rows.length === 0 || this.listeners.size === 0) return;
    let expected = from + 1;
    for (const row of rows) {
      this.gaps.delete(row.id);
      if (row.id < expected) continue;
      for (let missing = expected; missing < row.id && this.gaps.size < 1000; missing++)
        this.gaps.set(missing, now);
      expected = row.id + 1;
    }
    this.lastId = Math.max(from, rows[rows.length - 1]!.id);
    this.lastFanOut = performance.now();
    for (const listener of this.listeners) listener(rows);
    this.catchingUp = rows.length === BATCH;
    if (this.catchingUp) this.again = true;
  }
}

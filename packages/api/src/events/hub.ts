import type { EventRow, HotReads } from '@clapper/db';

type Listener = (events: EventRow[]) => void;

/**
 * An id the sequence skipped holds back the events after it for this long, so that a slower
 * transaction committing it reaches subscribers in order: PostgreSQL hands out ids at insert,
 * and transactions commit in any order (SQLite's single writer commits them in order). A hole
 * still empty after this is taken for a rolled-back id, and the events after it go on.
 */
export const GAP_HOLD_MS = 500;
/** How often the log is read again while a hole holds events back. */
const HOLD_RETRY_MS = 10;
// How long an id given up on is still re-read, in case its transaction commits even later.
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
  /** Holes in the ids, each by the id of the event after it: when it was first seen. */
  private readonly holes = new Map<number, number>();
  private held: NodeJS.Timeout | undefined;
  /**
   * Counts the times the hub went idle and forgot its position: a read begun before that has
   * nothing to say to the subscribers after it (they start from the head as it was then).
   */
  private epoch = 0;
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
        this.holes.clear();
        clearTimeout(this.held);
        this.held = undefined;
        this.epoch += 1;
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
    clearTimeout(this.held);
    this.held = undefined;
  }

  private async poll() {
    const epoch = this.epoch;
    const from = await this.head();
    const now = Date.now();
    for (const [id, seen] of this.gaps) if (now - seen > GAP_WINDOW_MS) this.gaps.delete(id);
    const rows = await this.reads.events.since(from, [...this.gaps.keys()], BATCH);
    // Everyone left during the read, and maybe others came since: keep no position from it.
    if (epoch !== this.epoch || this.listeners.size === 0) return;
    const ready = this.inOrder(rows, from, now);
    if (ready.length === 0) return;
    this.lastId = Math.max(this.lastId ?? from, ready[ready.length - 1]!.id);
    this.lastFanOut = performance.now();
    for (const listener of this.listeners) listener(ready);
    this.catchingUp = rows.length === BATCH && ready.length === rows.length;
    if (this.catchingUp) this.again = true;
  }

  /**
   * The rows to send now, in id order: ids given up on that came late (at or below `from`)
   * first, then the new ones up to the first hole still within GAP_HOLD_MS; the rest wait for
   * the next read, which comes in HOLD_RETRY_MS.
   */
  private inOrder(rows: EventRow[], from: number, now: number): EventRow[] {
    const ready: EventRow[] = [];
    let upTo = from;
    let holding = false;
    for (const row of rows) {
      if (row.id <= from) {
        this.gaps.delete(row.id);
        ready.push(row);
        continue;
      }
      if (row.id > upTo + 1) {
        // A hole before this row, known by the row after it.
        const seen = this.holes.get(row.id) ?? now;
        this.holes.set(row.id, seen);
        holding = now - seen < GAP_HOLD_MS;
        if (holding) break;
        for (let missing = upTo + 1; missing < row.id && this.gaps.size < 1000; missing++)
          this.gaps.set(missing, now);
      }
      this.holes.delete(row.id);
      ready.push(row);
      upTo = row.id;
    }
    if (holding) {
      clearTimeout(this.held);
      this.held = setTimeout(() => {
        this.held = undefined;
        this.nudge();
      }, HOLD_RETRY_MS).unref();
    }
    // Nearly always all of them, in order: the read's own array, not a copy of it.
    return ready.length === rows.length ? rows : ready;
  }
}

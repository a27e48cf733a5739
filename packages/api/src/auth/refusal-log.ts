import { type Orm, runStatements, writes } from '@clapper/db';
import { type Clock, TtlCache } from '../cache/ttl-cache';
import type { RefusalReason } from '../errors';

interface Pending {
  count: number;
  first: Date;
  last: Date;
  reason: RefusalReason;
}

/**
 * Counts refused requests per bot (its own well-signed token revoked, inactive or expired,
 * as authenticate.ts decides) in memory and writes each bot's count at most once per
 * `intervalMs`: a script retrying a revoked token in a loop costs no write per request. A
 * bot's first refusal in an interval is written at once, so the admin sees it; the rest are
 * added up and written when the interval is over (or at `flush`, on shutdown).
 */
/** Bots whose last write is remembered; past it, the least recent one's next refusal is written at once. */
const MAX_BOTS = 20_000;

export class RefusalLog {
  private readonly pending = new Map<string, Pending>();
  /** When each bot's count was last written, kept for an interval (then it is due at once). */
  private readonly lastWrite: TtlCache<number>;
  private timer: NodeJS.Timeout | undefined;

  private readonly intervalMs: number;
  /** The server's clock, in milliseconds, as `at` in `record`. */
  private readonly clock: Clock;

  constructor(
    private readonly orm: Orm,
    private readonly onError: (error: unknown) => void = () => {},
    { intervalMs = 60_000, clock = Date.now }: { intervalMs?: number; clock?: Clock } = {},
  ) {
    this.intervalMs = intervalMs;
    this.clock = clock;
    this.lastWrite = new TtlCache({ ttlMs: intervalMs, max: MAX_BOTS, clock });
  }

  record(botId: string, reason: RefusalReason, at: Date) {
    const entry = this.pending.get(botId);
    if (entry) {
      entry.count += 1;
      entry.last = at;
      entry.reason = reason;
    } else {
      this.pending.set(botId, { count: 1, first: at, last: at, reason });
    }
    // `at` is the server's clock, the one the pace is kept by.
    const now = at.getTime();
    if (this.dueAt(botId) <= now) void this.write([botId], now);
    else this.schedule();
  }

  /** Drops what a bot has pending: its count starts again (a new token). */
  forget(botId: string) {
    this.pending.delete(botId);
  }

  /** Writes every count not yet written (shutdown, tests). */
  async flush() {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.write([...this.pending.keys()], this.clock());
  }

  private dueAt(botId: string) {
    return (this.lastWrite.get(botId) ?? Number.NEGATIVE_INFINITY) + this.intervalMs;
  }

  /** One timer, for the pending bot whose minute ends first; it writes whoever is due then. */
  private schedule() {
    if (this.timer || this.pending.size === 0) return;
    const next = Math.min(...[...this.pending.keys()].map((id) => this.dueAt(id)));
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        const now = this.clock();
        const due = [...this.pending.keys()].filter((id) => this.dueAt(id) <= now);
        void this.write(due, now).then(() => this.schedule());
      },
      // Waits in real time; what is due is decided by the clock when it fires.
      Math.max(0, next - this.clock()),
    ).unref();
  }

  private async write(botIds: string[], atMs: number) {
    const statements = [];
    for (const id of botIds) {
      const entry = this.pending.get(id);
      if (!entry) continue;
      this.pending.delete(id);
      this.lastWrite.set(id, atMs);
      statements.push(
        writes.addBotRefusals(id, entry.count, entry.first, entry.last, entry.reason),
      );
    }
    if (statements.length === 0) return;
    await runStatements(this.orm, statements).catch(this.onError);
  }
}

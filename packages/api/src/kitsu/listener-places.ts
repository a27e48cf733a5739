/**
 * Where gazu's listeners have got in the event log, so that one that drops is sent what it
 * missed when it comes back: to this server or another, after a restart too. gazu's client says
 * nothing of where it was (python-socketio sends no offsets), so the server keeps a place per
 * principal, as it keeps a trigger's cursor: just before the oldest event its client is not
 * known to have received.
 */
import { runStatements, writes } from '@clapper/db';
import { TtlCache } from '../cache/ttl-cache';
import type { ApiServices } from '../services';

/** Places written per statement. */
const SAVE_CHUNK = 200;
/**
 * Each principal's place is written at most once a `saveEveryMs`, a tenth of them at a time:
 * a thousand rows at once every two seconds showed in the tail of delivery on PostgreSQL.
 */
const SPREAD = 10;

/**
 * One connection's place: what it was sent, and what its client is known to have received.
 * engine.io's heartbeat says which: its client answers every ping with a pong, in order, on the
 * same connection as the events, so a pong means everything sent before its ping arrived. The
 * server's own pings count, and the listener sends more after what it writes (outbox.ts).
 */
export class ConnectionPlace {
  /** The last event of the log read for this connection: sent, or not for it. */
  private passed: number;
  /** Events to send or sent, not yet known received, oldest first, from `first`. */
  private readonly unconfirmed: number[] = [];
  private first = 0;
  /** For each ping not yet answered, oldest first: the last event sent before it. */
  private readonly pings: number[] = [];
  /** The newest event written to the connection, and the newest a ping went after. */
  private lastWritten = 0;
  private lastPinged = 0;
  /** The place when a newer connection of the same principal started: unchanged, it was replaced. */
  replacedAt: number | undefined;
  private onCatchUp: { below: number; resolve(): void } | undefined;

  constructor(from: number) {
    this.passed = from;
  }

  /** An event to send: until its client has it, the place stays before it. */
  queued(eventId: number) {
    this.unconfirmed.push(eventId);
  }

  /** Everything queued up to `eventId` was written to the connection. */
  written(eventId: number) {
    this.lastWritten = eventId;
  }

  pinged() {
    this.pings.push(this.lastWritten);
    this.lastPinged = this.lastWritten;
  }

  /** A pong: everything sent before the oldest ping unanswered has arrived. */
  ponged() {
    const upTo = this.pings.shift();
    if (upTo === undefined) return;
    while (this.first < this.unconfirmed.length && this.unconfirmed[this.first]! <= upTo) {
      this.first++;
    }
    // Kept small: a thousand listeners each holding what they had confirmed weighed on the heap.
    if (this.first === this.unconfirmed.length) {
      this.unconfirmed.length = 0;
      this.first = 0;
    } else if (this.first > 1024 && this.first * 2 > this.unconfirmed.length) {
      this.unconfirmed.splice(0, this.first);
      this.first = 0;
    }
    if (this.onCatchUp && this.behind <= this.onCatchUp.below) this.onCatchUp.resolve();
  }

  /** Whether a ping is unanswered. */
  get pinging(): boolean {
    return this.pings.length > 0;
  }

  /** Whether something sent is not yet covered by a ping. */
  get unprobed(): boolean {
    return this.lastWritten > this.lastPinged;
  }

  passedTo(eventId: number) {
    if (eventId > this.passed) this.passed = eventId;
  }

  /** Events to send or sent, not yet known received. */
  get behind(): number {
    return this.unconfirmed.length - this.first;
  }

  /**
   * Whether at most `max` events are unconfirmed, now or within `patienceMs` (once half of them
   * are): its pongs are its reads. One wait at a time, shared by whoever asks.
   */
  caughtUp(max: number, patienceMs: number): boolean | Promise<boolean> {
    if (this.behind <= max) return true;
    this.waiting ??= new Promise<boolean>((resolve) => {
      const done = (caughtUp: boolean) => {
        clearTimeout(timer);
        this.onCatchUp = undefined;
        this.waiting = undefined;
        resolve(caughtUp);
      };
      const timer = setTimeout(() => done(false), patienceMs);
      this.onCatchUp = { below: Math.floor(max / 2), resolve: () => done(true) };
    });
    return this.waiting;
  }

  private waiting: Promise<boolean> | undefined;

  /** The event after which this connection's client is to be sent what follows. */
  get place(): number {
    const oldest = this.unconfirmed[this.first];
    return oldest === undefined ? this.passed : Math.min(this.passed, oldest - 1);
  }
}

interface Saved {
  eventId: number;
  at: number;
}

export class ListenerPlaces {
  /** Each principal's connections to this server. */
  private readonly live = new Map<string, Set<ConnectionPlace>>();
  /** Places of connections that ended, kept `resumeMs` for their return. */
  private readonly left: TtlCache<number>;
  /** What this server last wrote for each principal, and when. */
  private readonly saved = new Map<string, Saved>();
  /** Principals whose listener left: written at the next save, before any other. */
  private readonly urgent = new Set<string>();
  private readonly timer: NodeJS.Timeout;
  private saving: Promise<void> = Promise.resolve();
  private readonly clock: () => number;

  constructor(
    private readonly services: ApiServices,
    private readonly options: { resumeMs: number; saveEveryMs: number; onError(e: unknown): void },
  ) {
    this.clock = () => services.now().getTime();
    this.left = new TtlCache<number>({ ttlMs: options.resumeMs, max: 100_000, clock: this.clock });
    const tick = Math.max(1, Math.floor(options.saveEveryMs / SPREAD));
    this.timer = setInterval(() => void this.save(), tick).unref();
  }

  /**
   * Where a new connection of `principalId` starts: the furthest behind of its connections here
   * (one of them may be dead and not yet noticed), where its last one left, what another server
   * (or this one before a restart) wrote within `resumeMs`; else the log's head.
   */
  async startOf(principalId: string): Promise<number> {
    const here = this.placeOf(principalId);
    if (here !== undefined) return here;
    const row = await this.services.reads.listenerPlaces.of(principalId);
    if (row && row.savedAt.getTime() >= this.clock() - this.options.resumeMs) return row.eventId;
    return this.services.events.head();
  }

  /** A connection that starts at `start`, where what its principal left is taken up. */
  join(principalId: string, start: number): ConnectionPlace {
    const place = new ConnectionPlace(start);
    let connections = this.live.get(principalId);
    if (!connections) {
      connections = new Set();
      this.live.set(principalId, connections);
    }
    for (const other of connections) other.replacedAt ??= other.place;
    connections.add(place);
    this.left.delete(principalId);
    return place;
  }

  leave(principalId: string, place: ConnectionPlace) {
    const connections = this.live.get(principalId);
    connections?.delete(place);
    if (connections?.size === 0) this.live.delete(principalId);
    // A connection a newer one replaced, and that got nowhere since, was dead: the newer one
    // started no later than it, so keeping its place would only send things twice.
    if (place.replacedAt !== undefined && place.place <= place.replacedAt) return;
    const kept = this.left.get(principalId);
    this.left.set(principalId, kept === undefined ? place.place : Math.min(kept, place.place));
    this.urgent.add(principalId);
    void this.save();
  }

  private placeOf(principalId: string): number | undefined {
    let min = this.left.get(principalId);
    for (const connection of this.live.get(principalId) ?? []) {
      min = min === undefined ? connection.place : Math.min(min, connection.place);
    }
    return min;
  }

  /**
   * Writes the places of listeners that left, then places that moved (each at most once a
   * `saveEveryMs`, a tenth of the principals at a time), and refreshes the others every quarter
   * of `resumeMs` (a place older than that is not resumed from); `everything`: every place
   * that moved, at once. Saves run one after another.
   */
  save(everything = false): Promise<void> {
    this.saving = this.saving.then(() => this.write(everything)).catch(this.options.onError);
    return this.saving;
  }

  private async write(everything: boolean) {
    const now = this.clock();
    const due: [string, number][] = [];
    const principals = new Set([...this.live.keys(), ...this.left.keys()]);
    const add = (principalId: string, eventId: number) => {
      due.push([principalId, eventId]);
      this.saved.set(principalId, { eventId, at: now });
    };
    for (const principalId of this.urgent) {
      const eventId = this.placeOf(principalId);
      if (eventId !== undefined) add(principalId, eventId);
    }
    this.urgent.clear();
    let room = everything ? Number.POSITIVE_INFINITY : Math.ceil(principals.size / SPREAD);
    for (const principalId of principals) {
      if (room <= 0) break;
      const eventId = this.placeOf(principalId);
      if (eventId === undefined) continue;
      const saved = this.saved.get(principalId);
      if (
        saved &&
        (saved.at === now || (!everything && now - saved.at < this.options.saveEveryMs))
      ) {
        continue;
      }
      if (saved?.eventId === eventId && now - saved.at < this.options.resumeMs / 4) continue;
      add(principalId, eventId);
      room--;
    }
    for (const principalId of this.saved.keys()) {
      if (!principals.has(principalId)) this.saved.delete(principalId);
    }
    for (let start = 0; start < due.length; start += SAVE_CHUNK) {
      await runStatements(this.services.orm, [
        writes.saveListenerPlaces(due.slice(start, start + SAVE_CHUNK), new Date(now)),
      ]);
    }
  }

  /** Stops saving on a timer and writes what is left. */
  close(): Promise<void> {
    clearInterval(this.timer);
    return this.save(true);
  }
}

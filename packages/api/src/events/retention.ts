/**
 * Keeping the event log manageable: events written before a moment are deleted, a short batch
 * at a time (`pnpm cli events:prune`, and the server every few hours when
 * `CLAPPER_EVENTS_RETAIN_DAYS` is set). What someone still needs is kept unless forced: the
 * events a trigger has not acknowledged yet (everything after its cursor), and those a parked
 * event points at (an admin may ask for another try). The newest event is always kept, so the
 * log's head (where a new trigger or subscription starts) never goes back.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { eventLogPruning } from '@clapper/db';
import { z } from 'zod';
import { endOfDayUtc } from '../domain/time';
import { badRequest } from '../errors';
import type { ApiServices } from '../services';

const ZDayText = z.iso.date();
const ZInstant = z.iso.datetime({ offset: true });

/**
 * Events per delete statement. SQLite deletes on the server's own thread, where every request
 * waits for the statement (tens of µs an event with the log's indexes): its batches are small.
 */
export const PRUNE_BATCH_SIZE = { sqlite: 500, postgres: 2000 } as const;
/**
 * The least pause between batches; a batch that took longer is followed by a pause as long,
 * so the writers waiting on the connection get at least half of its time.
 */
const PRUNE_PAUSE_MS = 10;
const DAY_MS = 24 * 3_600_000;

/** What pruning reads of the server (a part of `ApiServices`: the retention is built inside it). */
type PruneServices = Pick<ApiServices, 'orm' | 'reads' | 'now'>;

export interface PruneEventsOptions {
  /** Events written before this moment go; never later than now. */
  before: Date;
  /** Delete past triggers' cursors and parked events' rows too. */
  force?: boolean;
  /** Count what would go; delete nothing. */
  dryRun?: boolean;
  /** Events per batch (`PRUNE_BATCH_SIZE` for the dialect). */
  batchSize?: number;
  /** The least pause between batches (`PRUNE_PAUSE_MS`); at least as long as the batch took. */
  pauseMs?: number;
  /** Ends the run after the batch in hand (the server closing). */
  signal?: AbortSignal;
}

/** A trigger that has not acknowledged every event the cut would delete. */
export interface TriggerBehind {
  bot: string;
  trigger: string;
  cursor: number;
  /** Its bot may not run now: deactivated, or past its expiry date. */
  botState: 'active' | 'inactive' | 'expired';
}

export interface EventPruneReport {
  before: Date;
  dryRun: boolean;
  force: boolean;
  /** The last event written before `before` (by id: every event up to it is older), the newest excepted; null when there is none. */
  cut: number | null;
  /** Events were deleted up to this id (on a dry run, would be); null when none were. */
  upTo: number | null;
  /** Events deleted, or on a dry run that would be. */
  deleted: number;
  batches: number;
  /** Triggers whose cursor is below the cut: they hold events back, or (forced) lost them. */
  triggers: TriggerBehind[];
  /** Events after `upTo` kept for those triggers (0 when forced). */
  keptForTriggers: number;
  /** Events kept because a parked event points at them (0 when forced). */
  keptForParked: number;
  /** Events deleted (forced) that a parked event pointed at: a retry of those finds nothing. */
  parkedDeleted: number;
  /** Stopped by `signal` before the end. */
  stopped: boolean;
}

/** `--before`: a day (`YYYY-MM-DD`, 00:00 UTC) or an ISO 8601 instant with its offset, not after `now`. */
export function parseBefore(value: string, now: Date): Date {
  const text = value.trim();
  const at = ZDayText.safeParse(text).success
    ? new Date(`${text}T00:00:00.000Z`)
    : ZInstant.safeParse(text).success
      ? new Date(text)
      : undefined;
  if (!at) {
    throw badRequest(
      'before',
      `${JSON.stringify(value)} is not a date: give YYYY-MM-DD (taken as 00:00 UTC) or an ISO 8601 instant such as 2026-01-31T18:00:00Z`,
    );
  }
  checkNotFuture(at, now);
  return at;
}

function checkNotFuture(before: Date, now: Date) {
  if (before.getTime() > now.getTime()) {
    throw badRequest(
      'before',
      `${before.toISOString()} is in the future (now is ${now.toISOString()}): nothing was deleted`,
    );
  }
}

/**
 * Deletes the events written before `before`, oldest first, `batchSize` a statement with a
 * pause between (writers wait at most one batch, and get at least half the time), but not past the cursor of a trigger that
 * has not acknowledged them, and not the events parked events point at, unless `force`.
 */
export async function pruneEvents(
  { services }: { services: PruneServices },
  {
    before,
    force = false,
    dryRun = false,
    batchSize = PRUNE_BATCH_SIZE[services.reads.connection.dialect],
    pauseMs = PRUNE_PAUSE_MS,
    signal,
  }: PruneEventsOptions,
): Promise<EventPruneReport> {
  const now = services.now();
  checkNotFuture(before, now);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error('batchSize: at least 1');
  const log = eventLogPruning(services.orm, services.reads.connection);
  const report: EventPruneReport = {
    before,
    dryRun,
    force,
    cut: null,
    upTo: null,
    deleted: 0,
    batches: 0,
    triggers: [],
    keptForTriggers: 0,
    keptForParked: 0,
    parkedDeleted: 0,
    stopped: false,
  };

  const head = await services.reads.events.head();
  if (head === 0) return report;
  const firstNew = await services.reads.events.firstAtOrAfter(before);
  // Never the newest event: the head stays where it is.
  const below = Math.min(firstNew ?? head + 1, head);
  const cut = await log.lastAtOrBelow(below - 1);
  if (cut === null) return report;
  report.cut = cut;

  const behind = await log.triggersBelow(cut);
  report.triggers = behind.map((t) => ({
    bot: t.bot,
    trigger: t.trigger,
    cursor: t.cursor,
    botState: !t.botActive
      ? 'inactive'
      : t.botExpiresAt && endOfDayUtc(t.botExpiresAt) <= now
        ? 'expired'
        : 'active',
  }));
  const upTo = force || behind.length === 0 ? cut : Math.min(cut, behind[0]!.cursor);
  if (!force && upTo < cut) report.keptForTriggers = await log.count(upTo, cut);

  const parked = await log.parkedUpTo(upTo);
  if (force) report.parkedDeleted = parked;
  else report.keptForParked = parked;

  if (dryRun) {
    report.deleted = (await log.count(0, upTo)) - report.keptForParked;
    report.upTo = report.deleted > 0 ? upTo : null;
    return report;
  }

  let after = 0;
  while (after < upTo) {
    if (signal?.aborted) {
      report.stopped = true;
      break;
    }
    const end = await log.batchEnd(after, upTo, batchSize);
    const started = performance.now();
    report.deleted += await log.deleteBatch(after, end, before, { keepParked: !force });
    report.batches += 1;
    after = end;
    if (after < upTo) await sleep(Math.max(pauseMs, performance.now() - started));
  }
  report.upTo = report.deleted > 0 ? after : null;
  return report;
}

const count = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

const describeTrigger = (t: TriggerBehind) =>
  `bot ${JSON.stringify(t.bot)} trigger ${JSON.stringify(t.trigger)} (cursor ${t.cursor}${
    t.botState === 'active' ? '' : `, bot ${t.botState}`
  })`;

/** What a run did (or would do), one sentence a line: for the CLI's stderr and the server's log. */
export function describePrune(report: EventPruneReport): string[] {
  const when = report.before.toISOString();
  const lines: string[] = [];
  const would = report.dryRun ? 'would be ' : '';
  if (report.deleted === 0) {
    lines.push(
      `${report.dryRun ? 'Dry run: no' : 'No'} events written before ${when} ${report.dryRun ? 'would be' : 'were'} deleted.`,
    );
  } else if (report.dryRun) {
    lines.push(
      `Dry run: would delete ${count(report.deleted, 'event')} written before ${when} (ids up to ${report.upTo}); nothing was deleted.`,
    );
  } else {
    lines.push(
      `Deleted ${count(report.deleted, 'event')} written before ${when} (ids up to ${report.upTo}) in ${count(report.batches, 'batch', 'batches')}.`,
    );
  }
  if (report.stopped) lines.push('Stopped before the end (closing): the rest goes next time.');
  if (report.triggers.length > 0) {
    const named = report.triggers.map(describeTrigger).join(', ');
    if (report.force) {
      lines.push(
        `${report.dryRun ? 'Would delete' : 'Deleted'} events that triggers had not yet acknowledged: ${named}.`,
      );
    } else {
      lines.push(
        `Kept events after id ${report.triggers[0]!.cursor} for triggers: ${named}; ${count(report.keptForTriggers, 'event')} ${would}kept. Let them catch up, delete a bot no longer used (its triggers go with it), or prune with --force.`,
      );
    }
  }
  if (report.keptForParked > 0) {
    lines.push(
      `Kept ${count(report.keptForParked, 'event')} that parked events point at (an admin may retry them).`,
    );
  }
  if (report.parkedDeleted > 0) {
    lines.push(
      `${report.dryRun ? 'Would delete' : 'Deleted'} ${count(report.parkedDeleted, 'event')} that parked events point at: retrying those finds nothing.`,
    );
  }
  return lines;
}

/** How long after the server starts it prunes first (then every `eventsPruneEveryMs`). */
export const FIRST_PRUNE_AFTER_MS = 60_000;

/**
 * `CLAPPER_EVENTS_RETAIN_DAYS`: the server deletes events older than that many days (by its
 * clock) shortly after it starts, then every `eventsPruneEveryMs`, by the same rules as the
 * CLI and never forced. Its timers never keep the process alive; `stop` ends a run after the
 * batch in hand.
 */
export class EventRetention {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<EventPruneReport | null> | undefined;
  private readonly abort = new AbortController();

  constructor(
    private readonly services: PruneServices & { config: ApiServices['config'] },
    private readonly hooks: {
      onReport: (report: EventPruneReport) => void;
      onError: (error: unknown) => void;
    },
  ) {}

  get days() {
    return this.services.config.eventsRetainDays;
  }

  /** Starts the timer when a retention is set. */
  start() {
    if (!this.days || this.timer || this.abort.signal.aborted) return;
    const every = this.services.config.eventsPruneEveryMs;
    const tick = () => {
      this.run().catch(this.hooks.onError);
    };
    this.timer = setTimeout(
      () => {
        tick();
        if (this.abort.signal.aborted) return;
        this.timer = setInterval(tick, every).unref();
      },
      Math.min(FIRST_PRUNE_AFTER_MS, every),
    ).unref();
  }

  /**
   * What the timer runs: prunes the events older than the retention, reported to `onReport`;
   * null without a retention. A run asked for during another joins it.
   */
  run(): Promise<EventPruneReport | null> {
    this.running ??= this.prune().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async prune() {
    if (!this.days || this.abort.signal.aborted) return null;
    const before = new Date(this.services.now().getTime() - this.days * DAY_MS);
    const report = await pruneEvents(
      { services: this.services },
      { before, signal: this.abort.signal },
    );
    this.hooks.onReport(report);
    return report;
  }

  /** Stops the timer and waits for a run under way to end its batch. */
  async stop() {
    this.abort.abort();
    clearTimeout(this.timer);
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }
}

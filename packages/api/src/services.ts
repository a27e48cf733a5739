import {
  type Checkpointer,
  dialectOf,
  type HotReads,
  type Orm,
  openHotReads,
  startCheckpointer,
} from '@clapper/db';
import { CredentialCache } from './auth/credential-cache';
import { LoginThrottle } from './auth/login-throttle';
import { RefusalLog } from './auth/refusal-log';
import { createTokenService, type TokenService } from './auth/tokens';
import { ReadCache } from './cache/read-cache';
import { createTickReads, type TickReads } from './cache/tick-reads';
import { type ApiConfig, defaultApiConfig } from './config';
import { KeyPruning } from './domain/idempotency';
import { EventAudience } from './events/audience';
import { ListedViews } from './events/feed';
import { EventHub } from './events/hub';
import { Cluster } from './events/replicas';
import { describePrune, EventRetention } from './events/retention';

/** Long-lived, per-server parts shared by every request. */
export interface ApiServices {
  orm: Orm;
  /** Prepared statements for the reads made most, on a connection of their own. */
  reads: HotReads;
  /** The same reads asked for in one tick, made as one statement (the live feed's re-checks). */
  tickReads: TickReads;
  /** Projects, teams and list pages between requests, dropped by what each mutation touches. */
  cache: ReadCache;
  tokens: TokenService;
  credentials: CredentialCache;
  /** Refused requests per bot, written at most once a minute each. */
  refusals: RefusalLog;
  config: ApiConfig;
  /** The event log's reader for live subscriptions. */
  events: EventHub;
  /** Who of the live subscribers may see a batch of events, decided once per credential. */
  audience: EventAudience;
  /** Frozen views of the events `events.list` showed last, shared by every page. */
  listedEvents: ListedViews;
  /** Idempotency keys past their day go, at most every ten minutes. */
  keyPruning: KeyPruning;
  logins: LoginThrottle;
  /** Keeps replicas on one PostgreSQL database in step; start it before serving. */
  cluster: Cluster;
  /** `eventsRetainDays`: prunes the event log on a timer once started; `run()` is what it runs. */
  eventRetention: EventRetention;
  now: () => Date;
  /**
   * What a serving process runs beside its requests: the replica channel,
   * on SQLite the write-ahead log's checkpoints in a worker thread, and the
   * event log's pruning when a retention is set. `onError` hears of trouble in
   * any; `onInfo` of what the pruning did.
   */
  start(
    onError: (error: unknown) => void,
    onInfo?: (details: Record<string, unknown>, message: string) => void,
  ): Promise<void>;
  /** Stops what `start` started and the event reader, then closes the read connection. */
  close(): Promise<void>;
}

export function createApiServices({
  orm,
  secret,
  config = {},
  now,
}: {
  orm: Orm;
  secret: string;
  config?: Partial<ApiConfig>;
  /** The server's clock (a test's, to move time on); the wall clock when left out. */
  now?: () => Date;
}): ApiServices {
  const full = { ...defaultApiConfig, ...config };
  // Every time decision reads this one clock; the wall clock's own is read without a Date.
  const clock = now ? () => now().getTime() : Date.now;
  const reads = openHotReads(orm);
  const tickReads = createTickReads(reads);
  const credentials = new CredentialCache(full.credentialCacheTtlMs, clock);
  const cache = new ReadCache(reads, tickReads, full.readCacheTtlMs, clock);
  const tokens = createTokenService({ secret, clock });
  const events = new EventHub(reads, full.eventPollMs);
  const cluster = new Cluster(orm, { reads, credentials, cache, events });
  let checkpointer: Checkpointer | undefined;
  let reportError: (error: unknown) => void = () => {};
  const refusals = new RefusalLog(orm, (error) => reportError(error), { clock });
  let reportInfo: (details: Record<string, unknown>, message: string) => void = () => {};
  const nowDate = now ?? (() => new Date());
  const audience = new EventAudience({
    orm,
    reads,
    tickReads,
    tokens,
    refusals,
    credentials,
    cache,
    now: nowDate,
  });
  const eventRetention = new EventRetention(
    { orm, reads, now: nowDate, config: full },
    {
      onError: (error) => reportError(error),
      onReport: (report) =>
        reportInfo(
          {
            eventsDeleted: report.deleted,
            upTo: report.upTo,
            before: report.before.toISOString(),
            batches: report.batches,
            keptForTriggers: report.keptForTriggers,
            keptForParked: report.keptForParked,
            triggers: report.triggers.map((t) => `${t.bot}/${t.trigger}@${t.cursor}`),
          },
          `event log pruned: ${describePrune(report).join(' ')}`,
        ),
    },
  );
  return {
    orm,
    reads,
    tickReads,
    cache,
    tokens,
    credentials,
    refusals,
    config: full,
    events,
    audience,
    listedEvents: new ListedViews(),
    keyPruning: new KeyPruning({ orm, now: nowDate }),
    logins: new LoginThrottle(full.loginAttemptsPerMinute, 10, clock),
    cluster,
    eventRetention,
    now: nowDate,
    async start(onError, onInfo) {
      reportError = onError;
      if (onInfo) reportInfo = onInfo;
      await cluster.start(onError);
      if (dialectOf(orm) === 'sqlite') {
        const autocheckpoint = (pages: number) =>
          orm.em.getConnection().execute(`pragma wal_autocheckpoint = ${pages}`);
        checkpointer = startCheckpointer(orm.config.get('dbName') as string, {
          onError,
          // Without the worker, SQLite checkpoints inside commits again rather than never.
          onLost: () => void autocheckpoint(1000).catch(onError),
        });
        // This connection's own checkpoints would run inside a request's commit.
        await autocheckpoint(0);
      }
      eventRetention.start();
    },
    async close() {
      await eventRetention.stop();
      await refusals.flush();
      await cluster.close();
      await checkpointer?.stop();
      events.close();
      await reads.close();
    },
  };
}

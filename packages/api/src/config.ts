/** What the API needs from the server's configuration (read and validated by the server). */
export interface ApiConfig {
  /** How long a human sign-in lasts. */
  sessionTtlMs: number;
  /** Most active human users; null is unlimited. Bots never count. */
  seatLimit: number | null;
  /** When set, every bot needs an expiry at most this many days ahead. */
  botMaxLifetimeDays: number | null;
  /** A new bot given no expiry expires this many days ahead (within the maximum); 0: never. */
  botDefaultExpiryDays: number;
  /**
   * How long a verified credential's person and session are trusted without
   * reading the database again. Changes made through this server are seen at
   * once; this bounds how stale a change made elsewhere (another replica, a
   * CLI run) can be.
   */
  credentialCacheTtlMs: number;
  /**
   * How long a project and its team are trusted without reading them again.
   * Mutations on this server (and, on PostgreSQL, on other replicas) drop what
   * they touch at once; this bounds how stale a change made by a CLI run can be.
   */
  readCacheTtlMs: number;
  /**
   * How often the event log is read for live subscribers when nothing said it
   * changed (this server's writes, and other replicas' over PostgreSQL's
   * NOTIFY, wake the reader at once).
   */
  eventPollMs: number;
  /** Sign-in attempts a minute from one address (each costs a slow password hash). */
  loginAttemptsPerMinute: number;
  /** Events older than this many days are deleted every `eventsPruneEveryMs` (`event-retention.ts`); 0: kept forever. */
  eventsRetainDays: number;
  /** How often the server prunes the event log when `eventsRetainDays` is set (the first time a minute after it starts). */
  eventsPruneEveryMs: number;
  /**
   * How long a Kitsu listener's place is kept after it drops (`kitsu/listener.ts`): one that
   * comes back within it is sent what it missed.
   */
  listenerResumeMs: number;
  /** How often Kitsu listeners' places are written, for a crash or a return to another server. */
  listenerSaveEveryMs: number;
  /**
   * Events a Kitsu listener may have been sent and not yet received: past it, nothing more is
   * sent until it catches up; one that has not within `listenerPatienceMs` is let go (it
   * reconnects, and is sent the rest from the log).
   */
  listenerMaxBehind: number;
  listenerPatienceMs: number;
}

export const defaultApiConfig: ApiConfig = {
  sessionTtlMs: 14 * 24 * 60 * 60 * 1000,
  seatLimit: null,
  botMaxLifetimeDays: null,
  botDefaultExpiryDays: 365,
  credentialCacheTtlMs: 1000,
  readCacheTtlMs: 1000,
  eventPollMs: 500,
  loginAttemptsPerMinute: 30,
  eventsRetainDays: 0,
  eventsPruneEveryMs: 6 * 3_600_000,
  listenerResumeMs: 2 * 60 * 1000,
  listenerSaveEveryMs: 2000,
  listenerMaxBehind: 1000,
  listenerPatienceMs: 5000,
};

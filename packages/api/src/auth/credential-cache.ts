import type { PersonKind, Role } from '@clapper/db';
import { type Clock, TtlCache } from '../cache/ttl-cache';

/** What authentication needs to know of a person, as last read from the database. */
export interface PersonSnapshot {
  id: string;
  kind: PersonKind;
  name: string;
  role: Role;
  active: boolean;
  expiresAt: string | null;
  tokenId: string | null;
  previousTokenId: string | null;
  previousTokenValidUntil: Date | null;
  departmentIds: string[];
  lastUsedAt: Date | null;
}

export interface SessionSnapshot {
  id: string;
  personId: string;
  expiresAt: Date;
  revokedAt: Date | null;
}

const MAX_ENTRIES = 20_000;

/** A person or session found missing: cached too, as a miss. */
const MISSING = Symbol('missing');
type Held<T> = T | typeof MISSING;
const held = <T>(value: T | null): Held<T> => value ?? MISSING;
const unheld = <T>(value: Held<T> | undefined): T | null | undefined =>
  value === MISSING ? null : value;

/**
 * Keeps the hot path off the database: a person or session read for one
 * request serves the next ones until `ttlMs` passes. Writers on this server
 * call `forgetPerson`/`forgetSession` after they commit, so a revoke,
 * deactivation or delete is seen by the very next request: what was cached
 * goes, and a read under way then is neither cached nor joined by a request
 * after it. Misses (`null`) are cached too, so a deleted bot's token does not
 * cost a query per attempt.
 */
export class CredentialCache {
  private readonly people: TtlCache<Held<PersonSnapshot>>;
  private readonly sessions: TtlCache<Held<SessionSnapshot>>;

  constructor(ttlMs: number, clock?: Clock) {
    // A principal that keeps asking (a listener's every batch, a script's every call) is read
    // again before its entry lapses, and never waits for it.
    this.people = new TtlCache({ ttlMs, max: MAX_ENTRIES, clock, refreshAhead: true });
    this.sessions = new TtlCache({ ttlMs, max: MAX_ENTRIES, clock, refreshAhead: true });
  }

  person(id: string): PersonSnapshot | null | undefined {
    return unheld(this.people.get(id));
  }

  session(id: string): SessionSnapshot | null | undefined {
    return unheld(this.sessions.get(id));
  }

  /** The cached person, or `load`'s, shared with the misses of the same moment, then cached. */
  personThrough(id: string, load: () => Promise<PersonSnapshot | null>) {
    return this.through(this.people, id, load);
  }

  /** As `personThrough`, for a session. */
  sessionThrough(id: string, load: () => Promise<SessionSnapshot | null>) {
    return this.through(this.sessions, id, load);
  }

  private async through<T extends {}>(
    cache: TtlCache<Held<T>>,
    id: string,
    load: () => Promise<T | null>,
  ): Promise<T | null> {
    return unheld(await cache.through(id, async () => held(await load()))) ?? null;
  }

  /** Told of each forget made here, to pass it on to other replicas. */
  onForget?: (what: 'person' | 'session', id: string) => void;

  /** After any change to a person: role, activity, expiry, token, deletion, password. */
  forgetPerson(id: string, { fromPeer = false } = {}) {
    if (!fromPeer) this.onForget?.('person', id);
    this.people.delete(id);
    this.sessions.deleteWhere((session) => session !== MISSING && session.personId === id);
    // A session being read now may be this person's: its read is not kept.
    this.sessions.dropLoads();
  }

  forgetSession(id: string, { fromPeer = false } = {}) {
    if (!fromPeer) this.onForget?.('session', id);
    this.sessions.delete(id);
  }
}

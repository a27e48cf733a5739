import type { PersonKind, Role } from '@clapper/db';
import { LoadsInFlight, TtlMap } from '../cache/ttl-map';

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

/**
 * Keeps the hot path off the database: a person or session read for one
 * request serves the next ones until `ttlMs` passes. Writers on this server
 * call `forgetPerson`/`forgetSession` after they commit, so a revoke,
 * deactivation or delete is seen by the very next request. Misses (`null`) are
 * cached too, so a deleted bot's token does not cost a query per attempt.
 */
export class CredentialCache {
  private readonly people: TtlMap<PersonSnapshot | null>;
  private readonly sessions: TtlMap<SessionSnapshot | null>;
  /** Bumped by every forget: a read that began before it must not be cached after it. */
  private generation = 0;

  constructor(ttlMs: number, clock: () => number = Date.now) {
    this.people = new TtlMap(ttlMs, MAX_ENTRIES, clock);
    this.sessions = new TtlMap(ttlMs, MAX_ENTRIES, clock);
  }

  person(id: string): PersonSnapshot | null | undefined {
    return this.people.get(id);
  }

  private readonly personLoads = new LoadsInFlight<PersonSnapshot | null>();
  private readonly sessionLoads = new LoadsInFlight<SessionSnapshot | null>();

  /** The cached person, or `load`'s, shared with the misses of the same moment, then cached. */
  async personThrough(id: string, load: () => Promise<PersonSnapshot | null>) {
    const cached = this.people.get(id);
    if (cached !== undefined) return cached;
    const ticket = this.generation;
    const person = await this.personLoads.load(id, ticket, load);
    this.putPerson(id, person, ticket);
    return person;
  }

  /** As `personThrough`, for a session. */
  async sessionThrough(id: string, load: () => Promise<SessionSnapshot | null>) {
    const cached = this.sessions.get(id);
    if (cached !== undefined) return cached;
    const ticket = this.generation;
    const session = await this.sessionLoads.load(id, ticket, load);
    this.putSession(id, session, ticket);
    return session;
  }

  /** Call before reading the database; pass the result to `putPerson`/`putSession`. */
  readTicket(): number {
    return this.generation;
  }

  putPerson(id: string, value: PersonSnapshot | null, ticket: number) {
    if (ticket === this.generation) this.people.set(id, value);
  }

  session(id: string): SessionSnapshot | null | undefined {
    return this.sessions.get(id);
  }

  putSession(id: string, value: SessionSnapshot | null, ticket: number) {
    if (ticket === this.generation) this.sessions.set(id, value);
  }

  /** Told of each forget made here, to pass it on to other replicas. */
  onForget?: (what: 'person' | 'session', id: string) => void;

  /** After any change to a person: role, activity, expiry, token, deletion, password. */
  forgetPerson(id: string, { fromPeer = false } = {}) {
    if (!fromPeer) this.onForget?.('person', id);
    this.generation++;
    this.people.delete(id);
    this.sessions.deleteWhere((session) => session?.personId === id);
  }

  forgetSession(id: string, { fromPeer = false } = {}) {
    if (!fromPeer) this.onForget?.('session', id);
    this.generation++;
    this.sessions.delete(id);
  }
}

import type { PersonKind, Role } from '@clapper/db';

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

interface Entry<T> {
  value: T;
  loadedAt: number;
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
  private readonly people = new Map<string, Entry<PersonSnapshot | null>>();
  private readonly sessions = new Map<string, Entry<SessionSnapshot | null>>();
  /** Bumped by every forget: a read that began before it must not be cached after it. */
  private generation = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  person(id: string): PersonSnapshot | null | undefined {
    return this.fresh(this.people, id);
  }

  /** Call before reading the database; pass the result to `putPerson`/`putSession`. */
  readTicket(): number {
    return this.generation;
  }

  putPerson(id: string, value: PersonSnapshot | null, ticket: number) {
    if (ticket === this.generation) this.put(this.people, id, value);
  }

  session(id: string): SessionSnapshot | null | undefined {
    return this.fresh(this.sessions, id);
  }

  putSession(id: string, value: SessionSnapshot | null, ticket: number) {
    if (ticket === this.generation) this.put(this.sessions, id, value);
  }

  /** Told of each forget made here, to pass it on to other replicas. */
  onForget?: (what: 'person' | 'session', id: string) => void;

  /** After any change to a person: role, activity, expiry, token, deletion, password. */
  forgetPerson(id: string, { fromPeer = false } = {}) {
    if (!fromPeer) this.onForget?.('person', id);
    this.generation++;
    this.people.delete(id);
    for (const [sessionId, entry] of this.sessions) {
      if (entry.value?.personId === id) this.sessions.delete(sessionId);
    }
  }

  forgetSession(id: string, { fromPeer = false } = {}) {
    if (!fromPeer) this.onForget?.('session', id);
    this.generation++;
    this.sessions.delete(id);
  }

  private fresh<T>(map: Map<string, Entry<T>>, id: string): T | undefined {
    const entry = map.get(id);
    if (!entry) return undefined;
    if (this.clock() - entry.loadedAt >= this.ttlMs) {
      map.delete(id);
      return undefined;
    }
    return entry.value;
  }

  private put<T>(map: Map<string, Entry<T>>, id: string, value: T) {
    // Maps iterate in insertion order: dropping the first key drops the oldest.
    if (map.size >= MAX_ENTRIES) map.delete(map.keys().next().value!);
    map.set(id, { value, loadedAt: this.clock() });
  }
}

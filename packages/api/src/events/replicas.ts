import { randomUUID } from 'node:crypto';
import { type HotReads, type Listener, listen, type Orm } from '@clapper/db';
import type { CredentialCache } from '../auth/credential-cache';
import type { ReadCache, Touched } from '../cache/read-cache';
import { TouchedSets } from './changes';
import type { EventHub } from './hub';

const CHANNEL = 'clapper';

/** Every message names its sender (`s`), so a replica ignores its own. */
type Message = { s?: string } & (
  | { t: 'person'; id: string }
  | { t: 'session'; id: string }
  | { t: 'events' }
  /** What a server's writes touched, and whether they wrote events (read them now). */
  | ({ t: 'reads'; events?: boolean } & Touched)
  | { t: 'reads-all'; events?: boolean }
);

/** How long changes gather before one message tells the other replicas of them all. */
const COALESCE_MS = 5;
// PostgreSQL refuses a NOTIFY payload of 8,000 bytes or more.
const MAX_PAYLOAD = 7900;

interface Peers {
  reads: HotReads;
  credentials: CredentialCache;
  cache: ReadCache;
  events: EventHub;
}

/**
 * Tells the other replicas on the same PostgreSQL database, through
 * LISTEN/NOTIFY, what this one changed: a person or session whose cached
 * credential must go (a revoke takes effect on every replica at once), the
 * projects and people a mutation touched (their cached reads go), and that
 * events were written (their subscribers read them at once). On SQLite there is
 * one server per database file and nothing to tell. If the channel drops, the
 * credential cache's lifetime and the event poll still bound the delay.
 */
export class Cluster {
  private readonly id = randomUUID();
  private listener: Listener | null = null;
  /** What this server touched since the last message: many writes in a row send one. */
  private pending: { touched: TouchedSets; events: boolean } | undefined;
  private readonly sending = new Set<Promise<void>>();
  private onError: (error: unknown) => void = () => {};

  private readonly reads: HotReads;
  private readonly credentials: CredentialCache;
  private readonly cache: ReadCache;
  private readonly events: EventHub;

  constructor(
    private readonly orm: Orm,
    peers: Peers,
  ) {
    ({
      reads: this.reads,
      credentials: this.credentials,
      cache: this.cache,
      events: this.events,
    } = peers);
  }

  /** Listens for the other replicas; `onError` hears of a dropped channel or a failed notify. */
  async start(onError?: (error: unknown) => void) {
    if (onError) this.onError = onError;
    this.listener = await listen(
      this.orm,
      CHANNEL,
      (payload) => this.receive(payload),
      this.onError,
    );
    if (!this.listener) return;
    this.credentials.onForget = (t, id) => this.send({ t, id });
    this.cache.onInvalidate = (touched) => this.soon().touched.add(touched);
    this.events.onAnnounce = () => {
      this.soon().events = true;
    };
  }

  /**
   * Sends what is pending now and waits until every message has gone out:
   * after a change other replicas must not serve stale (a team, a role).
   */
  async settle() {
    this.flush();
    await Promise.all(this.sending);
  }

  /** Stops listening once every message sent so far has gone out. */
  async close() {
    await this.settle();
    this.credentials.onForget = undefined;
    this.cache.onInvalidate = undefined;
    this.events.onAnnounce = undefined;
    await this.listener?.close();
    this.listener = null;
  }

  /** Anyone who may connect can NOTIFY this channel: what is not a well-formed message is ignored. */
  private receive(payload: string) {
    try {
      const message = JSON.parse(payload) as Message | null;
      if (typeof message !== 'object' || message === null || message.s === this.id) return;
      if (message.t === 'person' && typeof message.id === 'string') {
        this.credentials.forgetPerson(message.id, { fromPeer: true });
      } else if (message.t === 'session' && typeof message.id === 'string') {
        this.credentials.forgetSession(message.id, { fromPeer: true });
      } else if (message.t === 'events') {
        this.events.nudge();
      } else if (message.t === 'reads-all') {
        this.cache.clear();
        if (message.events) this.events.nudge();
      } else if (message.t === 'reads') {
        if (message.events) this.events.nudge();
        this.cache.invalidate(
          {
            projects: ids(message.projects),
            lists: ids(message.lists),
            tasks: ids(message.tasks),
            people: ids(message.people),
            studio: message.studio === true,
          },
          { fromPeer: true },
        );
      }
    } catch (error) {
      this.onError(error);
    }
  }

  /**
   * What the next message will carry. It goes out within a few milliseconds,
   * one for all the writes of that time (under load, hundreds a second would
   * otherwise each cost PostgreSQL a NOTIFY); `settle` sends it at once.
   */
  private soon() {
    if (!this.pending) {
      this.pending = { touched: new TouchedSets(), events: false };
      setTimeout(() => this.flush(), COALESCE_MS).unref();
    }
    return this.pending;
  }

  private flush() {
    const pending = this.pending;
    this.pending = undefined;
    if (!pending) return;
    if (!pending.touched.empty) {
      this.send({ t: 'reads', ...pending.touched.toTouched(), events: pending.events });
    } else if (pending.events) {
      this.send({ t: 'events' });
    }
  }

  private send(message: Message) {
    let payload = JSON.stringify({ ...message, s: this.id });
    if (payload.length > MAX_PAYLOAD && message.t === 'reads') {
      payload = JSON.stringify({ t: 'reads-all', events: message.events, s: this.id });
    }
    const sent = this.reads.connection
      .notify(CHANNEL, payload)
      .catch((error) => this.onError(error));
    this.sending.add(sent);
    void sent.finally(() => this.sending.delete(sent));
  }
}

const ids = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : [];

import { type Listener, listen, notify, type Orm } from '@clapper/db';
import type { CredentialCache } from './auth/credential-cache';
import type { EventHub } from './event-hub';
import type { ReadCache, Touched } from './read-cache';

const CHANNEL = 'clapper';

type Message =
  | { t: 'person'; id: string }
  | { t: 'session'; id: string }
  | { t: 'events' }
  | ({ t: 'reads' } & Touched)
  | { t: 'reads-all' };

// PostgreSQL refuses a NOTIFY payload of 8,000 bytes or more.
const MAX_PAYLOAD = 7900;

interface Peers {
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
  private listener: Listener | null = null;
  private eventsPending = false;
  private readonly sending = new Set<Promise<void>>();
  private onError: (error: unknown) => void = () => {};

  private readonly credentials: CredentialCache;
  private readonly cache: ReadCache;
  private readonly events: EventHub;

  constructor(
    private readonly orm: Orm,
    peers: Peers,
  ) {
    ({ credentials: this.credentials, cache: this.cache, events: this.events } = peers);
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
    this.cache.onInvalidate = (touched) => this.send({ t: 'reads', ...touched });
    this.events.onAnnounce = () => this.announceEvents();
  }

  /** Stops listening once every message sent so far has gone out. */
  async close() {
    await Promise.all(this.sending);
    this.credentials.onForget = undefined;
    this.cache.onInvalidate = undefined;
    this.events.onAnnounce = undefined;
    await this.listener?.close();
    this.listener = null;
  }

  private receive(payload: string) {
    let message: Message;
    try {
      message = JSON.parse(payload) as Message;
    } catch {
      return;
    }
    if (message.t === 'person') this.credentials.forgetPerson(message.id, { fromPeer: true });
    else if (message.t === 'session')
      this.credentials.forgetSession(message.id, { fromPeer: true });
    else if (message.t === 'events') this.events.nudge();
    else if (message.t === 'reads-all') this.cache.clear();
    else if (message.t === 'reads') {
      this.cache.invalidate(
        {
          projects: message.projects ?? [],
          people: message.people ?? [],
          studio: !!message.studio,
        },
        { fromPeer: true },
      );
    }
  }

  /** Many writes in a row send one message. */
  private announceEvents() {
    if (this.eventsPending) return;
    this.eventsPending = true;
    queueMicrotask(() => {
      this.eventsPending = false;
      this.send({ t: 'events' });
    });
  }

  private send(message: Message) {
    let payload = JSON.stringify(message);
    if (payload.length > MAX_PAYLOAD && message.t === 'reads') payload = '{"t":"reads-all"}';
    const sent = notify(this.orm, CHANNEL, payload).catch((error) => this.onError(error));
    this.sending.add(sent);
    void sent.finally(() => this.sending.delete(sent));
  }
}

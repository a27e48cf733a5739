import { type Listener, listen, notify, type Orm } from '@clapper/db';
import type { CredentialCache } from './auth/credential-cache';
import type { EventHub } from './event-hub';

const CHANNEL = 'clapper';

type Message = { t: 'person'; id: string } | { t: 'session'; id: string } | { t: 'events' };

/**
 * Tells the other replicas on the same PostgreSQL database, through
 * LISTEN/NOTIFY, what this one changed: a person or session whose cached
 * credential must go (a revoke takes effect on every replica at once), and that
 * events were written (their subscribers read them at once). On SQLite there is
 * one server per database file and nothing to tell. If the channel drops, the
 * credential cache's lifetime and the event poll still bound the delay.
 */
export class Cluster {
  private listener: Listener | null = null;
  private eventsPending = false;
  private readonly sending = new Set<Promise<void>>();
  private onError: (error: unknown) => void = () => {};

  constructor(
    private readonly orm: Orm,
    private readonly credentials: CredentialCache,
    private readonly events: EventHub,
  ) {}

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
    this.events.onAnnounce = () => this.announceEvents();
  }

  /** Stops listening once every message sent so far has gone out. */
  async close() {
    await Promise.all(this.sending);
    this.credentials.onForget = undefined;
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
    const sent = notify(this.orm, CHANNEL, JSON.stringify(message)).catch((error) =>
      this.onError(error),
    );
    this.sending.add(sent);
    void sent.finally(() => this.sending.delete(sent));
  }
}

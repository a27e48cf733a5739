/**
 * Kitsu's event listener (gazu's `events.init()`): Socket.IO at `/socket.io` on the server's
 * own port, namespaces `/` and `/events`, both transports. A connection is authenticated by
 * the same code as every request (the handshake's `Authorization: Bearer`, or Socket.IO's
 * `auth: { token }`), and hears Clapper's live feed (`eventFeed`, as `events.subscribe`): the
 * same visibility, the same batches, a revoked token ended at the next batch (its own revoke is
 * one). Beyond Kitsu, a listener that drops is given what it missed on its return: the last
 * event each principal's listener was sent is kept for `resumeMs`, and a new connection by the
 * same principal within that time replays from it, in order, once.
 */
import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import { authenticate } from '../auth/authenticate';
import type { Principal } from '../auth/principal';
import { TtlCache } from '../cache/ttl-cache';
import { noTransport } from '../context';
import { DomainError } from '../errors';
import { batchesOf } from '../events/batched';
import { eventFeed } from '../events/feed';
import type { eventView } from '../events/visibility';

type EventView = ReturnType<typeof eventView>;

import type { ApiServices } from '../services';
import { kitsuEventsOf } from './events';

/** How long a dropped listener's place is kept: a laptop lid, a network blip, a restart. */
export const RESUME_MS = 2 * 60 * 1000;

export interface KitsuListenerOptions {
  services: ApiServices;
  /** How long a dropped listener's place is kept (`RESUME_MS`). */
  resumeMs?: number;
  onError?(error: unknown): void;
}

interface ListenerData {
  principal: Principal;
  credential: string;
  /** The event after which this listener hears: where it left off, or the log's head. */
  from?: number;
}

/** The handshake's credential: its `Authorization` header (gazu's) or Socket.IO's `auth.token`. */
function credentialOf(socket: Socket): string | null {
  const header = socket.handshake.headers.authorization;
  if (typeof header === 'string') return /^Bearer +(\S+) *$/i.exec(header)?.[1] ?? header;
  const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
  return typeof token === 'string' ? token : null;
}

/** A refusal as Socket.IO's `connect_error` carries it: the message, with Clapper's reason. */
function refusal(error: unknown) {
  const refused = new Error(error instanceof Error ? error.message : 'Refused') as Error & {
    data?: unknown;
  };
  refused.data =
    error instanceof DomainError
      ? { code: error.code, reason: error.reason ?? null }
      : { code: 'INTERNAL_SERVER_ERROR', reason: null };
  return refused;
}

export function attachKitsuListener(http: HttpServer, options: KitsuListenerOptions) {
  const { services, resumeMs = RESUME_MS, onError } = options;
  const io = new Server(http, { path: '/socket.io', serveClient: false });
  /** Per principal, the last event its listeners were sent, kept `resumeMs` after it. */
  const lastSent = new TtlCache<number>({ ttlMs: resumeMs, max: 100_000 });

  for (const namespace of [io.of('/'), io.of('/events')]) {
    namespace.use(async (socket, next) => {
      const credential = credentialOf(socket);
      try {
        const principal = await authenticate(services, credential);
        socket.data = { principal, credential: credential! } satisfies ListenerData;
        next();
      } catch (error) {
        next(refusal(error));
      }
    });
  }

  // Before the connection is acknowledged, so nothing written once the client has heard
  // `connect` is missed: the feed replays from here.
  io.of('/events').use(async (socket, next) => {
    const data = socket.data as ListenerData;
    try {
      data.from = lastSent.get(data.principal.id) ?? (await services.events.head());
      next();
    } catch (error) {
      next(refusal(error));
    }
  });

  io.of('/events').on('connection', async (socket) => {
    const { principal, credential, from = 0 } = socket.data as ListenerData;
    const abort = new AbortController();
    // Where it left off is taken: it is replayed once.
    if (lastSent.get(principal.id) === from) lastSent.delete(principal.id);
    let seen = from;
    socket.on('disconnect', () => {
      abort.abort();
      // Two listeners of one principal that both drop: the one further behind decides.
      const kept = lastSent.get(principal.id);
      lastSent.set(principal.id, kept === undefined ? seen : Math.min(kept, seen));
    });
    if (socket.disconnected) abort.abort();
    const feed = eventFeed(
      { services, transport: { ...noTransport, credential }, signal: abort.signal },
      { lastEventId: String(from) },
    );
    const batches = batchesOf(feed)!;
    try {
      for (let step = await batches.next(); !step.done; step = await batches.next()) {
        for (const [id, view] of step.value as readonly [string, EventView][]) {
          for (const event of kitsuEventsOf(view)) socket.emit(event.name, event.payload);
          seen = Number(id);
        }
      }
    } catch (error) {
      // A credential refused mid-stream (revoked, deactivated, expired) ends the connection.
      if (!(error instanceof Error && 'code' in error)) onError?.(error);
      socket.disconnect(true);
    }
  });

  return {
    io,
    /** Ends every connection; the HTTP server is the caller's to close. */
    close() {
      io.disconnectSockets(true);
      io.engine.close();
    },
  };
}

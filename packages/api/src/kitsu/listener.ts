/**
 * Kitsu's event listener (gazu's `events.init()`): Socket.IO at `/socket.io` on the server's
 * own port, namespaces `/` and `/events`, both transports. A connection is authenticated by
 * the same code as every request (the handshake's `Authorization: Bearer`, or Socket.IO's
 * `auth: { token }`), and hears Clapper's live feed (`eventFeed`, as `events.subscribe`): the
 * same visibility, the same batches, a revoked token ended at the next batch (its own revoke is
 * one). Beyond Kitsu, a listener that drops is given what it missed on its return: what its
 * client is known to have received (engine.io's pings and pongs, listener-places.ts) is its
 * principal's place, kept `listenerResumeMs`. Each event's packets are made once for every
 * listener (packets.ts).
 */
import type { Server as HttpServer } from 'node:http';
import { TRPCError } from '@trpc/server';
import { Server, type Socket } from 'socket.io';
import { authenticate } from '../auth/authenticate';
import type { Principal } from '../auth/principal';
import { noTransport } from '../context';
import { DomainError, toTRPCError } from '../errors';
import { batchesOf } from '../events/batched';
import { eventFeed } from '../events/feed';
import type { eventView } from '../events/visibility';
import type { ApiServices } from '../services';
import { ListenerPlaces } from './listener-places';
import { Outbox, Outboxes } from './outbox';
import { kitsuPacketsOf } from './packets';

type EventView = ReturnType<typeof eventView>;

export interface KitsuListenerOptions {
  services: ApiServices;
  onError?(error: unknown): void;
  onInfo?(details: Record<string, unknown>, message: string): void;
}

interface ListenerData {
  principal: Principal;
  credential: string;
  /** The event after which this listener hears: where its principal left off, or the log's head. */
  from?: number;
}

/** The handshake's credential: its `Authorization` header (gazu's) or Socket.IO's `auth.token`. */
function credentialOf(socket: Socket): string | null {
  const header = socket.handshake.headers.authorization;
  if (typeof header === 'string') return /^Bearer +(\S+) *$/i.exec(header)?.[1] ?? header;
  const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
  return typeof token === 'string' ? token : null;
}

/**
 * A refusal as Socket.IO's `connect_error` carries it: the message, with Clapper's code and
 * reason (a database outage is SERVICE_UNAVAILABLE); anything unknown says no more than that.
 */
function refusal(error: unknown) {
  const known = error instanceof DomainError ? error : toTRPCError(error)?.cause;
  const cause = known instanceof DomainError ? known : undefined;
  const refused = new Error(cause?.message ?? 'Internal server error') as Error & {
    data?: unknown;
  };
  refused.data = cause
    ? { code: cause.code, reason: cause.reason ?? null }
    : { code: 'INTERNAL_SERVER_ERROR', reason: null };
  return refused;
}

/** The refusal of a connection while the server stops: its client tries again, elsewhere or later. */
function stopping() {
  return Object.assign(new Error('The server is stopping'), {
    data: { code: 'SERVICE_UNAVAILABLE', reason: null },
  });
}

/**
 * Ends a connection without Socket.IO's goodbye, so its client reconnects (python-socketio
 * gives up for good on a `disconnect` packet, and on engine.io's `close` packet): a WebSocket is
 * closed, a long-poll waiting for its answer is cut.
 */
function dropConnection(socket: Socket) {
  const transport = socket.conn.transport as unknown as {
    name: string;
    req?: { destroy(): void } | null;
  };
  if (transport.name === 'polling') transport.req?.destroy();
  socket.conn.close(true);
}

export function attachKitsuListener(http: HttpServer, options: KitsuListenerOptions) {
  const { services, onError = () => {}, onInfo = () => {} } = options;
  const io = new Server(http, { path: '/socket.io', serveClient: false });
  const config = services.config;
  const places = new ListenerPlaces(services, {
    resumeMs: config.listenerResumeMs,
    saveEveryMs: config.listenerSaveEveryMs,
    onError,
  });
  let closing = false;
  const outboxes = new Outboxes(onError);

  for (const namespace of [io.of('/'), io.of('/events')]) {
    namespace.use(async (socket, next) => {
      if (closing) return next(stopping());
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
      data.from = await places.startOf(data.principal.id);
      next();
    } catch (error) {
      next(refusal(error));
    }
  });

  io.of('/events').on('connection', async (socket) => {
    const { principal, credential, from = 0 } = socket.data as ListenerData;
    const abort = new AbortController();
    const place = places.join(principal.id, from);
    // A listener behind is waited for, as a stream's reader is; one that stays behind is let
    // go, as a slow SSE subscriber is: the server holds no more for it.
    let letGo = false;
    const keepsUp = async () => {
      const caughtUp = await place.caughtUp(config.listenerMaxBehind, config.listenerPatienceMs);
      if (!caughtUp && !letGo) {
        letGo = true;
        onInfo({ principal: principal.id, behind: place.behind }, 'slow listener let go');
        dropConnection(socket);
      }
      return caughtUp;
    };
    const outbox = new Outbox(socket, place, () => {
      if (place.behind > config.listenerMaxBehind) void keepsUp();
    });
    // Every ping engine.io makes (its heartbeat's, the outbox's over long-polling), and every
    // pong: what has arrived.
    socket.conn.on('packetCreate', (packet: { type: string }) => {
      if (packet.type === 'ping') place.pinged();
    });
    socket.conn.on('heartbeat', () => {
      place.ponged();
      if (outbox.due) outboxes.watch(outbox);
    });
    onInfo(
      { principal: principal.id, transport: socket.conn.transport.name, from },
      'listener connected',
    );
    socket.on('disconnect', (reason) => {
      abort.abort();
      outboxes.forget(outbox);
      places.leave(principal.id, place);
      onInfo({ principal: principal.id, reason, place: place.place }, 'listener left');
    });
    if (socket.disconnected) abort.abort();
    const feed = eventFeed(
      { services, transport: { ...noTransport, credential }, signal: abort.signal },
      { lastEventId: String(from) },
      { onPassed: (eventId) => place.passedTo(eventId) },
    );
    const batches = batchesOf(feed)!;
    try {
      for (let step = await batches.next(); !step.done; step = await batches.next()) {
        if (!(await keepsUp())) break;
        for (const [id, view] of step.value as readonly [string, EventView][]) {
          const packets = kitsuPacketsOf(view);
          if (packets.length > 0) outbox.add(Number(id), packets);
        }
        if (outbox.due) outboxes.mark(outbox);
      }
    } catch (error) {
      // The database away while a batch was decided: no goodbye, so the client comes back
      // (and is sent the rest) once the database answers again.
      if (error instanceof TRPCError && error.code === 'SERVICE_UNAVAILABLE') {
        dropConnection(socket);
        return;
      }
      // A credential refused mid-stream (revoked, deactivated, expired) ends the connection,
      // with Socket.IO's goodbye: its client is not to come back with it.
      if (!(error instanceof Error && 'code' in error)) onError(error);
      socket.disconnect(true);
    }
  });

  return {
    io,
    /**
     * Refuses new connections, ends every one without a goodbye (their clients come back to the
     * server that replaces this one) and writes their places; the HTTP server is the caller's.
     */
    async close() {
      closing = true;
      // What is waiting goes first, as far as it can.
      outboxes.flush();
      outboxes.close();
      for (const socket of io.of('/events').sockets.values()) dropConnection(socket);
      io.engine.close();
      await places.close();
    },
  };
}

import { io, type Socket } from 'socket.io-client';

/** A Kitsu event as a listener hears it. */
export interface HeardEvent {
  name: string;
  payload: Record<string, unknown>;
}

/**
 * A listener as gazu's `events.init()` opens one (socket.io-client speaks python-socketio's
 * protocol): namespace `/events`, the token as an `Authorization` header (none when empty),
 * over one transport, without reconnecting on its own. Everything it hears is kept in order.
 */
export function listenLikeGazu(
  server: { url: string },
  token: string,
  transport: 'polling' | 'websocket' = 'websocket',
) {
  const socket: Socket = io(`${server.url}/events`, {
    path: '/socket.io',
    transports: [transport],
    extraHeaders: token ? { Authorization: `Bearer ${token}` } : {},
    reconnection: false,
    forceNew: true,
  });
  const heard: HeardEvent[] = [];
  socket.onAny((name: string, payload: Record<string, unknown>) => heard.push({ name, payload }));
  const connected = new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return { socket, heard, connected };
}

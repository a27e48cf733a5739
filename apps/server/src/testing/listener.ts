import { io, type Socket } from 'socket.io-client';

/** A Kitsu event as a listener hears it. */
export interface HeardEvent {
  name: string;
  payload: Record<string, unknown>;
}

export interface ListenOptions {
  transport?: 'polling' | 'websocket';
  /** Reconnect on its own, as python-socketio does after a drop (false: the test decides). */
  reconnection?: boolean;
  /** Where to connect, when not the server itself (a proxy in front of it). */
  url?: string;
}

/**
 * A listener as gazu's `events.init()` opens one (socket.io-client speaks python-socketio's
 * protocol): namespace `/events`, the token as an `Authorization` header (none when empty),
 * over one transport. Everything it hears is kept in order.
 */
export function listenLikeGazu(
  server: { url: string },
  token: string,
  { transport = 'websocket', reconnection = false, url = server.url }: ListenOptions = {},
) {
  const socket: Socket = io(`${url}/events`, {
    path: '/socket.io',
    transports: [transport],
    extraHeaders: token ? { Authorization: `Bearer ${token}` } : {},
    reconnection,
    reconnectionDelay: 50,
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

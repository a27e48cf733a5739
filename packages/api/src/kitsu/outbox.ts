/**
 * What a listener is sent, gathered and written every `FLUSH_MS`: over a WebSocket, in one write
 * to its TCP socket (the events' frames, made once for all listeners, then a ping), so a
 * thousand listeners at a hundred events a second cost a few writes per listener a second, not
 * one per event. A write of one frame per event, as engine.io makes them, was most of the
 * server's time. Over long-polling (and while a connection upgrades) it goes through engine.io.
 *
 * The ping goes with what it covers: its pong says everything before it arrived (the place,
 * listener-places.ts). One is sent when none is unanswered, with the first write after a quiet
 * spell and then at most every `PING_EVERY_MS`.
 */
import type { Socket as TcpSocket } from 'node:net';
import type { Socket } from 'socket.io';
import WebSocket from 'ws';
import type { ConnectionPlace } from './listener-places';
import type { KitsuPacket } from './packets';
import { frameOf } from './packets';

/** How long what a listener is sent may wait to go in one write with what follows it. */
export const FLUSH_MS = 25;

/**
 * How often a busy listener is pinged: its pongs are reads the server pays for. After a quiet
 * spell, the ping goes with the first write.
 */
export const PING_EVERY_MS = 200;

/** engine.io's ping packet ("2") as a WebSocket frame. */
const PING = frameOf('2');

/** engine.io's socket, as far as this module reaches into it. */
interface EngineSocket {
  transport: { name: string; socket?: { readyState: number; _socket?: TcpSocket } };
  upgrading: boolean;
  writeBuffer: readonly unknown[];
  write(text: string, options: KitsuPacket['options']): void;
  sendPacket(type: 'ping'): void;
}

/**
 * The connection's TCP socket when frames may be written to it directly: a WebSocket that is
 * open, with nothing of engine.io's waiting to go before them.
 */
function directSocket(engine: EngineSocket): TcpSocket | undefined {
  const ws = engine.transport.socket;
  if (engine.transport.name !== 'websocket' || engine.upgrading || !ws) return undefined;
  if (ws.readyState !== WebSocket.OPEN || engine.writeBuffer.length > 0) return undefined;
  const tcp = ws._socket;
  return tcp?.writable ? tcp : undefined;
}

export class Outbox {
  private pingedAt = -Infinity;
  private packets: KitsuPacket[] = [];
  /** The newest event among `packets`. */
  private last = 0;

  constructor(
    private readonly socket: Socket,
    private readonly place: ConnectionPlace,
    /** Called after each write: the listener judges whether it keeps up. */
    private readonly onFlushed: () => void,
  ) {}

  add(eventId: number, packets: readonly KitsuPacket[]) {
    for (const packet of packets) this.packets.push(packet);
    this.place.queued(eventId);
    this.last = eventId;
  }

  /** Whether it has something to write, or a ping to send. */
  get due(): boolean {
    return this.packets.length > 0 || (this.place.unprobed && !this.place.pinging);
  }

  /** Whether a ping goes now: something written is not covered, none is unanswered, and it is time. */
  private pingNow(): boolean {
    const { place } = this;
    if (!place.unprobed || place.pinging) return false;
    const now = performance.now();
    if (now - this.pingedAt < PING_EVERY_MS) return false;
    this.pingedAt = now;
    return true;
  }

  flush() {
    if (this.socket.disconnected) return;
    const engine = this.socket.conn as unknown as EngineSocket;
    const { packets, last, place } = this;
    this.packets = [];
    const tcp = directSocket(engine);
    if (tcp) {
      tcp.cork();
      for (const packet of packets) {
        for (const part of packet.options.wsPreEncodedFrame) tcp.write(part);
      }
      if (packets.length > 0) place.written(last);
      if (this.pingNow()) {
        for (const part of PING) tcp.write(part);
        place.pinged();
      }
      tcp.uncork();
    } else {
      for (const packet of packets) engine.write(packet.text, packet.options);
      if (packets.length > 0) place.written(last);
      // Counted as the server's own pings are, when engine.io makes it.
      if (this.pingNow()) engine.sendPacket('ping');
    }
    this.onFlushed();
  }
}

/** The listeners with something to write, flushed every `FLUSH_MS`. */
export class Outboxes {
  private readonly due = new Set<Outbox>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly onError: (error: unknown) => void) {
    this.timer = setInterval(() => this.flush(), FLUSH_MS).unref();
  }

  mark(outbox: Outbox) {
    this.due.add(outbox);
  }

  forget(outbox: Outbox) {
    this.due.delete(outbox);
  }

  flush() {
    for (const outbox of this.due) {
      // One listener's trouble is not every listener's (nor the server's: this runs on a timer).
      try {
        outbox.flush();
      } catch (error) {
        this.onError(error);
      }
      // A ping not yet sent keeps it for the next round.
      if (!outbox.due) this.due.delete(outbox);
    }
  }

  close() {
    clearInterval(this.timer);
  }
}

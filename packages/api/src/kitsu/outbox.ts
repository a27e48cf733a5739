/**
 * What a listener is sent, written as soon as the fan-out that gave it has reached every
 * listener: over a WebSocket, in one write to its TCP socket (the events' frames, made once for
 * all listeners, then a ping when one is due), directly. The hub already spaces fan-outs by the
 * number of listeners (events/hub.ts), so a listener gets at most one write per fan-out: a
 * thousand listeners cost ten thousand writes a second however fast events come. A write of one
 * frame per event, as engine.io makes them, was most of the server's time. Over long-polling (and
 * while a connection upgrades) it goes through engine.io.
 *
 * The ping goes with what it covers: its pong says everything before it arrived (the place,
 * listener-places.ts). One goes with a write when none is unanswered and the last was at least
 * `PING_EVERY_MS` ago; a listener whose last write stays unconfirmed that long (a quiet spell)
 * is sent one alone. A ping of its own per write, or a lone ping between writes, is a write and
 * a pong more per listener.
 */
import type { Socket as TcpSocket } from 'node:net';
import type { Socket } from 'socket.io';
import WebSocket from 'ws';
import type { ConnectionPlace } from './listener-places';
import type { KitsuPacket } from './packets';
import { frameOf } from './packets';

/**
 * How often a busy listener is pinged, and how long a quiet one's last write waits for a ping
 * of its own: its pongs are reads the server pays for. After a quiet spell, the ping goes with
 * the first write.
 */
export const PING_EVERY_MS = 200;
/** How often listeners waiting for a ping of their own are looked at. */
const LONE_PING_CHECK_MS = PING_EVERY_MS / 4;

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
  private pingedAt = Number.NEGATIVE_INFINITY;
  private wroteAt = Number.NEGATIVE_INFINITY;
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

  /**
   * Whether a ping goes now: something written is not covered and none is unanswered; with a
   * write, once `PING_EVERY_MS` since the last ping; alone, once the last write waited as long.
   */
  private pingNow(writing: boolean): boolean {
    const { place } = this;
    if (!place.unprobed || place.pinging) return false;
    const now = performance.now();
    if (now - this.pingedAt < PING_EVERY_MS) return false;
    if (!writing && now - this.wroteAt < PING_EVERY_MS) return false;
    this.pingedAt = now;
    return true;
  }

  flush() {
    if (this.socket.disconnected) return;
    const engine = this.socket.conn as unknown as EngineSocket;
    const { packets, last, place } = this;
    const writing = packets.length > 0;
    // Counted as written first, so that a ping going with them covers them.
    if (writing) place.written(last);
    const ping = this.pingNow(writing);
    if (!writing && !ping) return;
    this.packets = [];
    const tcp = directSocket(engine);
    if (tcp) {
      tcp.cork();
      for (const packet of packets) {
        for (const part of packet.options.wsPreEncodedFrame) tcp.write(part);
      }
      if (ping) {
        for (const part of PING) tcp.write(part);
        place.pinged();
      }
      tcp.uncork();
    } else {
      for (const packet of packets) engine.write(packet.text, packet.options);
      // Counted as the server's own pings are, when engine.io makes it.
      if (ping) engine.sendPacket('ping');
    }
    if (writing) this.wroteAt = performance.now();
    this.onFlushed();
  }
}

/**
 * The listeners with something to write: written once the fan-out that gave it has reached
 * every listener (the check phase after it, when the listeners' feeds have taken their batch),
 * and those waiting for a ping of their own every `LONE_PING_CHECK_MS`.
 */
export class Outboxes {
  private readonly due = new Set<Outbox>();
  private readonly timer: NodeJS.Timeout;
  private immediate: NodeJS.Immediate | undefined;

  constructor(private readonly onError: (error: unknown) => void) {
    this.timer = setInterval(() => this.flush(), LONE_PING_CHECK_MS).unref();
  }

  /** `outbox` has events to write: they go right after this fan-out. */
  mark(outbox: Outbox) {
    this.due.add(outbox);
    this.immediate ??= setImmediate(() => {
      this.immediate = undefined;
      this.flush();
    });
  }

  /** `outbox` may need a ping of its own (its last ping was answered): the timer looks. */
  watch(outbox: Outbox) {
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
    if (this.immediate) clearImmediate(this.immediate);
    this.immediate = undefined;
  }
}

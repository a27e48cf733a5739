/**
 * A Clapper event's Kitsu events as they go on the wire, made once for every listener that
 * hears it: the Socket.IO packet's text (`2/events,["comment:new",{…}]`, for long-polling) and
 * its WebSocket frame (engine.io writes a frame made beforehand as it is, as Socket.IO's own
 * broadcasts do). Per listener, only engine.io's packet record is made.
 */
import WebSocket from 'ws';
import type { eventView } from '../events/visibility';
import { kitsuEventsOf } from './events';

/** ws's frame maker, which its types leave out (Socket.IO's adapter uses it the same way). */
const { Sender } = WebSocket as unknown as {
  Sender: {
    frame(
      data: Buffer,
      options: { readOnly: boolean; mask: boolean; rsv1: boolean; opcode: number; fin: boolean },
    ): Buffer[];
  };
};

type EventView = ReturnType<typeof eventView>;

export interface KitsuPacket {
  /** The Socket.IO packet, as engine.io's `socket.write` takes it. */
  text: string;
  /** engine.io's write options, with the frame; shared, as Socket.IO shares its broadcasts'. */
  options: { wsPreEncodedFrame: Buffer[] };
}

const NAMESPACE = '/events';
/** Socket.IO's packet type for an event, and engine.io's for a message. */
const EVENT = '2';
const MESSAGE = '4';

/** An engine.io packet as a server's WebSocket text frame: header and payload. */
export function frameOf(packet: string): Buffer[] {
  return Sender.frame(Buffer.from(packet), {
    readOnly: false,
    mask: false,
    rsv1: false,
    opcode: 1,
    fin: true,
  });
}

const made = new WeakMap<EventView, readonly KitsuPacket[]>();

/** The packets an event is heard as (none for one Kitsu has no name for). Views are frozen. */
export function kitsuPacketsOf(view: EventView): readonly KitsuPacket[] {
  let packets = made.get(view);
  if (!packets) {
    packets = kitsuEventsOf(view).map(({ name, payload }) => {
      const text = `${EVENT}${NAMESPACE},${JSON.stringify([name, payload])}`;
      const frame = frameOf(MESSAGE + text);
      return { text, options: { wsPreEncodedFrame: frame } };
    });
    made.set(view, packets);
  }
  return packets;
}

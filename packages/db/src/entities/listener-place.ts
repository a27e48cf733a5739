import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/**
 * Where a principal's Socket.IO listener (gazu's `events.init()`) has got in the event log: the
 * last event its client acknowledged. A listener that comes back within minutes, to this server
 * or another, after a restart too, is sent what came after it. Kept by the server, as a trigger's
 * cursor is, because gazu's client says nothing of where it was.
 */
export const ListenerPlace = defineEntity({
  name: 'ListenerPlace',
  tableName: 'listener_places',
  properties: {
    principalId: p.uuid().primary(),
    eventId: p.integer(),
    savedAt: p.datetime(),
  },
});

export type IListenerPlace = InferEntity<typeof ListenerPlace>;

import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { idProperty } from './base';
import { Trigger } from './trigger';

/**
 * An event a trigger gave up on after its tries: kept with the last error until an admin (or
 * the bot) asks for another try or drops it. The trigger has moved on past it.
 */
export const ParkedEvent = defineEntity({
  name: 'ParkedEvent',
  tableName: 'parked_events',
  uniques: [{ properties: ['trigger', 'eventId'] }],
  properties: {
    id: idProperty(),
    trigger: () => p.manyToOne(Trigger).ref().deleteRule('cascade'),
    eventId: p.integer(),
    error: p.text(),
    attempts: p.integer(),
    parkedAt: p.datetime().onCreate(() => new Date()),
    /** Asked to be tried again: the running trigger takes it up, then drops it or parks it anew. */
    retryRequestedAt: p.datetime().nullable(),
  },
});

export type IParkedEvent = InferEntity<typeof ParkedEvent>;

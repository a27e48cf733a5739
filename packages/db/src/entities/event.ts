import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import type { PersonKind } from './person';

export type EventActorKind = PersonKind | 'system';

/**
 * One row of the audit and event log. Actor and target are plain ids, not
 * foreign keys, so the log outlives what it talks about (a deleted bot's
 * actions stay on record). The integer id orders events for resumption.
 */
export const Event = defineEntity({
  name: 'Event',
  tableName: 'events',
  // targetId: a person's page lists what was done to them, newest first; taskId: a vendor's
  // events are walked task by task, newest first.
  indexes: [
    { properties: ['projectId', 'id'] },
    { properties: ['actorId', 'id'] },
    { properties: ['targetId', 'id'] },
    { properties: ['taskId', 'id'] },
  ],
  properties: {
    id: p.integer().primary().autoincrement(),
    type: p.string().length(64),
    actorId: p.uuid().nullable(),
    actorKind: p.string().length(8).$type<EventActorKind>(),
    actorName: p.string().length(100),
    projectId: p.uuid().nullable(),
    targetType: p.string().length(32).nullable(),
    targetId: p.uuid().nullable(),
    /** The task an event is about (a task's own events and its comments'), for vendors' visibility. */
    taskId: p.uuid().nullable(),
    data: p.json<Record<string, unknown>>().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export type IEvent = InferEntity<typeof Event>;

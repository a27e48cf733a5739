import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { idProperty } from './base';
import { Person } from './person';

/**
 * A bot's reaction to events (`defineTrigger`), by name: which events it wants and how far it
 * has got. The server keeps the cursor, so a trigger resumes after the last event it
 * acknowledged, on this machine or another.
 */
export const Trigger = defineEntity({
  name: 'Trigger',
  tableName: 'triggers',
  uniques: [{ properties: ['bot', 'name'] }],
  properties: {
    id: idProperty(),
    bot: () => p.manyToOne(Person).ref().deleteRule('cascade'),
    name: p.string().length(100),
    /** Exact types (`task.status_changed`) or families (`comment.*`); empty: every type. */
    types: p.json<string[]>(),
    projectId: p.uuid().nullable(),
    /** The last event acknowledged (handled, or parked): the next run starts after it. */
    cursor: p.integer(),
    lastSuccessAt: p.datetime().nullable(),
    lastErrorAt: p.datetime().nullable(),
    lastError: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export type ITrigger = InferEntity<typeof Trigger>;

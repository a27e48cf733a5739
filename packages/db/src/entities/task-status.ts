import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { idProperty, nameKeyProperty, timestampProperties } from './base';

/** A step of a task's life: todo, wip, wfa (waiting for approval), retake, done, or the studio's own. */
export const TaskStatus = defineEntity({
  name: 'TaskStatus',
  tableName: 'task_statuses',
  properties: {
    id: idProperty(),
    name: p.string().length(100),
    nameKey: nameKeyProperty('name', 100).unique(),
    shortName: p.string().length(20),
    shortNameKey: nameKeyProperty('shortName', 20).unique(),
    isDone: p.boolean().default(false),
    color: p.string().length(7).nullable(),
    ...timestampProperties,
  },
});

export type ITaskStatus = InferEntity<typeof TaskStatus>;

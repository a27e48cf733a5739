import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { Person } from './person';
import { Task } from './task';

/**
 * Who a task is assigned to: the pivot of `Task.assignees`, named so it can carry an index on
 * the person (a vendor's visibility and a list by assignee start from it; PostgreSQL does not
 * index a foreign key by itself, SQLite's schema always had it).
 */
export const TaskAssignee = defineEntity({
  name: 'TaskAssignee',
  tableName: 'task_assignees',
  indexes: [{ properties: ['person'] }],
  properties: {
    task: () => p.manyToOne(Task).primary().deleteRule('cascade').updateRule('cascade'),
    person: () => p.manyToOne(Person).primary().deleteRule('cascade').updateRule('cascade'),
  },
});

export type ITaskAssignee = InferEntity<typeof TaskAssignee>;

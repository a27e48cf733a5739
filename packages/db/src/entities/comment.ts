import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { idProperty } from './base';
import { Person } from './person';
import { Task } from './task';
import { TaskStatus } from './task-status';

/** A note on a task, optionally moving it to a new status. The author's name is kept if they are deleted. */
export const Comment = defineEntity({
  name: 'Comment',
  tableName: 'comments',
  indexes: [{ properties: ['task', 'id'] }],
  properties: {
    id: idProperty(),
    task: () => p.manyToOne(Task).ref().deleteRule('cascade'),
    author: () => p.manyToOne(Person).ref().nullable().deleteRule('set null'),
    authorName: p.string().length(100),
    text: p.text(),
    status: () => p.manyToOne(TaskStatus).ref().nullable().deleteRule('set null'),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export type IComment = InferEntity<typeof Comment>;

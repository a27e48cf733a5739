import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { idProperty, timestampProperties } from './base';
import { Person } from './person';
import { Project } from './project';
import { Subject } from './subject';
import { TaskAssignee } from './task-assignee';
import { TaskStatus } from './task-status';
import { TaskType } from './task-type';

/** One kind of work on one asset or shot: at most one task per task type per entity. */
export const Task = defineEntity({
  name: 'Task',
  tableName: 'tasks',
  uniques: [{ properties: ['entity', 'taskType'] }],
  indexes: [{ properties: ['project', 'id'] }],
  properties: {
    id: idProperty(),
    // Kept beside `entity` so lists and permission checks filter without a join.
    project: () => p.manyToOne(Project).ref().deleteRule('cascade'),
    entity: () => p.manyToOne(Subject).ref().deleteRule('cascade'),
    taskType: () => p.manyToOne(TaskType).ref().deleteRule('restrict'),
    status: () => p.manyToOne(TaskStatus).ref().deleteRule('restrict'),
    assignees: () => p.manyToMany(Person).pivotEntity(() => TaskAssignee),
    dueDate: p.date().nullable(),
    ...timestampProperties,
  },
});

export type ITask = InferEntity<typeof Task>;

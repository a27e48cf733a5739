import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { idProperty, nameKeyProperty, timestampProperties } from './base';
import { Department } from './department';

export const SUBJECT_KINDS = ['asset', 'shot'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

/** A kind of work (Modeling, Animation, Lighting…), owned by a department, for assets or for shots. */
export const TaskType = defineEntity({
  name: 'TaskType',
  tableName: 'task_types',
  properties: {
    id: idProperty(),
    name: p.string().length(100),
    nameKey: nameKeyProperty('name', 100).unique(),
    department: () => p.manyToOne(Department).ref().deleteRule('restrict'),
    forEntity: p.string().length(8).$type<SubjectKind>(),
    ...timestampProperties,
  },
});

export type ITaskType = InferEntity<typeof TaskType>;

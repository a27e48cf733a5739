import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { idProperty, nameKeyProperty, timestampProperties } from './base';
import { Person } from './person';

export const Project = defineEntity({
  name: 'Project',
  tableName: 'projects',
  properties: {
    id: idProperty(),
    name: p.string().length(100),
    nameKey: nameKeyProperty('name', 100).unique(),
    /** Tasks may be assigned to bots only when this is on (agent workflows). */
    botCollaboration: p.boolean().default(false),
    /** The project's team: who, beyond admins, may see it. */
    team: () => p.manyToMany(Person).pivotTable('project_members'),
    ...timestampProperties,
  },
});

export type IProject = InferEntity<typeof Project>;

import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { idProperty, nameKeyProperty, timestampProperties } from './base';

export const Department = defineEntity({
  name: 'Department',
  tableName: 'departments',
  properties: {
    id: idProperty(),
    name: p.string().length(100),
    nameKey: nameKeyProperty('name', 100).unique(),
    color: p.string().length(7).nullable(),
    ...timestampProperties,
  },
});

export type IDepartment = InferEntity<typeof Department>;

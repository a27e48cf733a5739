import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { idProperty, timestampProperties } from './base';
import { Project } from './project';

/**
 * A project's sequence: the record a shot belongs to (Kitsu's, ShotGrid's and ftrack's model),
 * so scripts pass it around by id. Its name is exact and unique in its project, as shot names
 * are in their sequence, and it does not change: shots keep it as their natural key.
 */
export const Sequence = defineEntity({
  name: 'Sequence',
  tableName: 'sequences',
  uniques: [{ properties: ['project', 'name'] }],
  properties: {
    id: idProperty(),
    project: () => p.manyToOne(Project).ref().deleteRule('cascade'),
    name: p.string().length(100),
    ...timestampProperties,
  },
});

export type ISequence = InferEntity<typeof Sequence>;

import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { idProperty, timestampProperties } from './base';
import { Project } from './project';
import type { SubjectKind } from './task-type';

/**
 * A task's subject: an asset (with its asset type) or a shot (in a
 * sequence, with frames), one table as in Kitsu. Assets keep `sequence` empty,
 * so one unique index covers "asset name per project" and "shot name per
 * sequence".
 *
 * Called an entity on the wire (`entityId`, `forEntity`), as Kitsu and gazu do; `Subject` in
 * code so it never meets MikroORM's entities. The table keeps its first name.
 */
export const Subject = defineEntity({
  name: 'Subject',
  tableName: 'entities',
  uniques: [{ properties: ['project', 'kind', 'sequence', 'name'] }],
  properties: {
    id: idProperty(),
    project: () => p.manyToOne(Project).ref().deleteRule('cascade'),
    kind: p.string().length(8).$type<SubjectKind>(),
    name: p.string().length(100),
    assetType: p.string().length(100).nullable(),
    sequence: p.string().length(100).default(''),
    frameIn: p.integer().nullable(),
    frameOut: p.integer().nullable(),
    ...timestampProperties,
  },
});

export type ISubject = InferEntity<typeof Subject>;

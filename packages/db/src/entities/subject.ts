import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { AssetType } from './asset-type';
import { idProperty, timestampProperties } from './base';
import { Project } from './project';
import { Sequence } from './sequence';
import type { SubjectKind } from './task-type';

/**
 * A task's subject: an asset (with its asset type) or a shot (in a
 * sequence, with frames), one table as in Kitsu. Assets keep `sequence` empty,
 * so one unique index covers "asset name per project" and "shot name per
 * sequence". A shot links to its sequence record and an asset to its type record; their
 * names stay on the row as the natural key of that index (sequence and type names never
 * change, so the two cannot disagree).
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
    /** The asset's type as a record (Kitsu's `entity_type_id`); `assetType` is its name. */
    assetTypeLink: () =>
      p.manyToOne(AssetType).ref().nullable().fieldName('asset_type_id').deleteRule('restrict'),
    sequence: p.string().length(100).default(''),
    /** The shot's sequence as a record (Kitsu's `parent_id`); `sequence` is its name. */
    sequenceLink: () =>
      p.manyToOne(Sequence).ref().nullable().fieldName('sequence_id').deleteRule('cascade'),
    frameIn: p.integer().nullable(),
    frameOut: p.integer().nullable(),
    ...timestampProperties,
  },
});

export type ISubject = InferEntity<typeof Subject>;

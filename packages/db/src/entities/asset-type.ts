import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { idProperty, timestampProperties } from './base';

/**
 * A kind of asset (Character, Prop, Set…), studio-wide as in Kitsu, made the first time an asset
 * names it. Its name is exact and does not change: assets keep it as their natural key.
 */
export const AssetType = defineEntity({
  name: 'AssetType',
  tableName: 'asset_types',
  properties: {
    id: idProperty(),
    name: p.string().length(100).unique(),
    ...timestampProperties,
  },
});

export type IAssetType = InferEntity<typeof AssetType>;

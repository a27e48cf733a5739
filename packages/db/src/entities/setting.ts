import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/** Server-wide values kept in the database, such as the generated signing secret. */
export const Setting = defineEntity({
  name: 'Setting',
  tableName: 'settings',
  properties: {
    key: p.string().length(100).primary(),
    value: p.text(),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export type ISetting = InferEntity<typeof Setting>;

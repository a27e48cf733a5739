import { p } from '@mikro-orm/core';
import { v7 as uuidv7 } from 'uuid';

/** Time-ordered UUIDs: unguessable like Kitsu's ids, and they sort by creation for cursors. */
export const newId = (): string => uuidv7();

export const idProperty = () =>
  p
    .uuid()
    .primary()
    .onCreate(() => newId());

export const timestampProperties = {
  createdAt: p.datetime().onCreate(() => new Date()),
  updatedAt: p
    .datetime()
    .onCreate(() => new Date())
    .onUpdate(() => new Date()),
};

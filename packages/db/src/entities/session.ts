import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { idProperty } from './base';
import { Person } from './person';

/** A human sign-in. Its id is the `jti` of the session token; logout revokes it. */
export const Session = defineEntity({
  name: 'Session',
  tableName: 'sessions',
  properties: {
    id: idProperty(),
    person: () => p.manyToOne(Person).ref().deleteRule('cascade'),
    createdAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime(),
    revokedAt: p.datetime().nullable(),
  },
});

export type ISession = InferEntity<typeof Session>;

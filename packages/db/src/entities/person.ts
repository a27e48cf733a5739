import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { idProperty, nameKeyProperty, timestampProperties } from './base';
import { Department } from './department';

/** Most to least powerful: the role table of docs/security.md. */
export const ROLES = ['admin', 'manager', 'supervisor', 'artist', 'client', 'vendor'] as const;
export type Role = (typeof ROLES)[number];

export const PERSON_KINDS = ['user', 'bot'] as const;
export type PersonKind = (typeof PERSON_KINDS)[number];

/**
 * A human user or a bot. Bots have no email or password; users have no token id.
 * `kind` and `role` are strings typed from the lists above, validated by the API:
 * MikroORM 6.6's SQLite introspection misreads enum checks of three or more
 * values, which would make every schema diff recreate the table.
 */
export const Person = defineEntity({
  name: 'Person',
  tableName: 'people',
  // Bot names are unique among bots, whatever their case; people may share a display name.
  uniques: [
    {
      name: 'people_bot_name_key_unique',
      expression:
        "create unique index people_bot_name_key_unique on people (name_key) where kind = 'bot'",
    },
  ],
  properties: {
    id: idProperty(),
    kind: p.string().length(8).$type<PersonKind>().index(),
    name: p.string().length(100),
    nameKey: nameKeyProperty('name', 100),
    email: p.string().length(254).nullable().unique(),
    /** Lazy: only loaded where a password is checked, never by a plain find. */
    passwordHash: p.string().lazy(true, false).nullable(),
    role: p.string().length(16).$type<Role>(),
    departments: () => p.manyToMany(Department).pivotTable('person_departments'),
    active: p.boolean().default(true),
    /** Bots only: the token is good through the end of this day, UTC. */
    expiresAt: p.date().nullable(),
    /** Bots only: the id (`jti`) of the one token that is valid. */
    tokenId: p.uuid().nullable(),
    tokenIssuedAt: p.datetime().nullable(),
    /** Bots only: the token replaced by a rotation keeps working until `previousTokenValidUntil`. */
    previousTokenId: p.uuid().nullable(),
    previousTokenValidUntil: p.datetime().nullable(),
    lastUsedAt: p.datetime().nullable(),
    /**
     * Bots only: requests refused with this bot's well-signed token (revoked, inactive,
     * expired) since `refusedSince`; added up in memory and written at most once a minute.
     */
    refusedCount: p.integer().default(0),
    refusedSince: p.datetime().nullable(),
    refusedLastAt: p.datetime().nullable(),
    refusedLastReason: p.string().length(32).nullable(),
    createdBy: () => p.manyToOne(Person).nullable().ref().deleteRule('set null'),
    /** Made by the server itself or the CLI (`system` in the event log), not by a person. */
    createdBySystem: p.boolean().default(false),
    ...timestampProperties,
  },
});

export type IPerson = InferEntity<typeof Person>;

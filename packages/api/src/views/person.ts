import { type Em, type IPerson, type PersonRow, personRowOf } from '@clapper/db';
import { endOfDayUtc } from '../domain/time';

const SYSTEM = { id: null, name: 'system', kind: 'system' } as const;

/** The public view of a person, user or bot: never a password hash or a token id. */
export function personView(person: PersonRow, now: Date) {
  return {
    id: person.id,
    kind: person.kind,
    name: person.name,
    email: person.email,
    role: person.role,
    active: person.active,
    departments: person.departments,
    expiresAt: person.expiresAt,
    /** Bots: whether its expiry date has passed (the token is then refused). */
    expired: !!person.expiresAt && endOfDayUtc(person.expiresAt) <= now,
    tokenIssuedAt: person.tokenIssuedAt,
    lastUsedAt: person.lastUsedAt,
    /** Bots: requests refused with its token (revoked, inactive, expired); null if none. */
    refusals: person.refusals.count > 0 ? person.refusals : null,
    createdAt: person.createdAt,
    /** Who made it: a person, `system` (the CLI or the server itself), or null (gone since). */
    createdBy: person.createdBy ?? (person.createdBySystem ? SYSTEM : null),
  };
}

export type PersonView = ReturnType<typeof personView>;

/** The view of people loaded through the ORM (a mutation's own unit of work), in two queries. */
export async function personViewsOf(em: Em, people: IPerson[], now: Date): Promise<PersonView[]> {
  await em.populate(people, ['departments', 'createdBy']);
  return people.map((p) => personView(personRowOf(p), now));
}

export const personViewOf = async (em: Em, person: IPerson, now: Date) =>
  (await personViewsOf(em, [person], now))[0]!;

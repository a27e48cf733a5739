import type { Em, IPerson } from '@clapper/db';
import { endOfDayUtc } from '../auth/authenticate';

/** The public view of a person, user or bot: never a password hash or a token id. */
export async function personView(em: Em, person: IPerson, now = new Date()) {
  await em.populate(person, ['departments', 'createdBy']);
  const createdBy = person.createdBy?.getEntity();
  return {
    id: person.id,
    kind: person.kind,
    name: person.name,
    email: person.email ?? null,
    role: person.role,
    active: person.active,
    departments: person.departments.getItems().map((d) => ({ id: d.id, name: d.name })),
    expiresAt: person.expiresAt ?? null,
    /** Bots: whether its expiry date has passed (the token is then refused). */
    expired: !!person.expiresAt && endOfDayUtc(person.expiresAt) <= now,
    tokenIssuedAt: person.tokenIssuedAt ?? null,
    lastUsedAt: person.lastUsedAt ?? null,
    createdAt: person.createdAt,
    createdBy: createdBy ? { id: createdBy.id, name: createdBy.name, kind: createdBy.kind } : null,
  };
}

export type PersonView = Awaited<ReturnType<typeof personView>>;

/** Views of many people in two queries, whatever their number. */
export async function personViews(em: Em, people: IPerson[], now = new Date()) {
  await em.populate(people, ['departments', 'createdBy']);
  return Promise.all(people.map((p) => personView(em, p, now)));
}

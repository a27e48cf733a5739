import { type Em, type IPerson, Person } from '@clapper/db';
import { findDepartments } from './departments';
import type { Deps } from './deps';

export type Changes = Record<string, { from: unknown; to: unknown }>;

/** Applies field changes to a person and records each one that differs, for the event log. */
export function changeRecorder(person: IPerson) {
  const changes: Changes = {};
  return {
    changes,
    set<K extends 'name' | 'email' | 'role' | 'active' | 'expiresAt'>(key: K, to: IPerson[K]) {
      if (person[key] === to) return;
      changes[key] = { from: person[key] ?? null, to: to ?? null };
      person[key] = to;
    },
    /** Replaces the departments; BAD_REQUEST on `departmentIds` for one that does not exist. */
    async departments(em: Em, ids: readonly string[]) {
      await em.populate(person, ['departments']);
      const before = person.departments
        .getItems()
        .map((d) => d.id)
        .sort();
      const departments = await findDepartments(em, ids);
      const after = departments.map((d) => d.id).sort();
      if (before.join() === after.join()) return;
      changes.departmentIds = { from: before, to: after };
      person.departments.set(departments);
    },
    get changed() {
      return Object.keys(changes).length > 0;
    },
  };
}

/** A bot by its name or a user by their email (the CLI's way to name someone); null if none. */
export async function findPerson(
  { em }: Pick<Deps, 'em'>,
  who: { kind: 'bot'; name: string } | { kind: 'user'; email: string },
): Promise<{ id: string; name: string } | null> {
  const person = await em.findOne(
    Person,
    who.kind === 'bot' ? { kind: 'bot', name: who.name } : { kind: 'user', email: who.email },
  );
  return person && { id: person.id, name: person.name };
}

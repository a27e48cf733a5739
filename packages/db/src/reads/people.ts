import type { PersonKind, Role } from '../entities/person';
import type { ReadConnection } from './connection';
import {
  countPeople,
  type PeopleFilter,
  type PeopleOrder,
  peoplePage,
  peopleWhere,
} from './people-list';
import { toBool, toDate, toDateOrNull } from './values';

/** A person as the API shows and authenticates them: no password hash, ever. */
export interface PersonRow {
  id: string;
  kind: PersonKind;
  name: string;
  email: string | null;
  role: Role;
  active: boolean;
  expiresAt: string | null;
  tokenId: string | null;
  tokenIssuedAt: Date | null;
  previousTokenId: string | null;
  previousTokenValidUntil: Date | null;
  lastUsedAt: Date | null;
  /** Bots: requests refused with a well-signed token, counted since `since`. */
  refusals: { count: number; since: Date | null; lastAt: Date | null; lastReason: string | null };
  createdAt: Date;
  createdBy: { id: string; name: string; kind: PersonKind } | null;
  /** Made by the server or the CLI (`system`), not by a person. */
  createdBySystem: boolean;
  /** Ordered by id. */
  departments: { id: string; name: string }[];
}

export interface SessionRow {
  id: string;
  personId: string;
  expiresAt: Date;
  revokedAt: Date | null;
}

const PERSON = `select p.id, p.kind, p.name, p.email, p.role, p.active, p.expires_at as "expiresAt",
  p.token_id as "tokenId", p.token_issued_at as "tokenIssuedAt", p.previous_token_id as "previousTokenId",
  p.previous_token_valid_until as "previousTokenValidUntil", p.last_used_at as "lastUsedAt",
  p.refused_count as "refusedCount", p.refused_since as "refusedSince",
  p.refused_last_at as "refusedLastAt", p.refused_last_reason as "refusedLastReason",
  p.created_at as "createdAt", p.created_by_system as "createdBySystem", c.id as "creatorId", c.name as "creatorName", c.kind as "creatorKind"
  from people p left join people c on c.id = p.created_by_id`;

type RawPerson = Omit<PersonRow, 'createdBy' | 'departments' | 'refusals'> & {
  refusedCount: number | string;
  refusedSince: unknown;
  refusedLastAt: unknown;
  refusedLastReason: string | null;
  creatorId: string | null;
  creatorName: string | null;
  creatorKind: PersonKind | null;
};

export function peopleReads(db: ReadConnection) {
  async function withDepartments(raws: RawPerson[]): Promise<PersonRow[]> {
    if (raws.length === 0) return [];
    const links = await db.all<{ personId: string; id: string; name: string }>(
      `select pd.person_id as "personId", d.id, d.name from person_departments pd
        join departments d on d.id = pd.department_id
        where ${db.inList('pd.person_id')} order by d.id`,
      [db.list(raws.map((r) => r.id))],
    );
    const departments = new Map<string, { id: string; name: string }[]>(
      raws.map((r) => [r.id, []]),
    );
    for (const { personId, id, name } of links) departments.get(personId)?.push({ id, name });
    return raws.map((r) => ({
      id: r.id,
      kind: r.kind,
      name: r.name,
      email: r.email,
      role: r.role,
      active: toBool(r.active),
      expiresAt: r.expiresAt,
      tokenId: r.tokenId,
      tokenIssuedAt: toDateOrNull(r.tokenIssuedAt),
      previousTokenId: r.previousTokenId,
      previousTokenValidUntil: toDateOrNull(r.previousTokenValidUntil),
      lastUsedAt: toDateOrNull(r.lastUsedAt),
      refusals: {
        count: Number(r.refusedCount),
        since: toDateOrNull(r.refusedSince),
        lastAt: toDateOrNull(r.refusedLastAt),
        lastReason: r.refusedLastReason,
      },
      createdAt: toDate(r.createdAt),
      createdBySystem: toBool(r.createdBySystem),
      createdBy:
        r.creatorId === null
          ? null
          : { id: r.creatorId, name: r.creatorName!, kind: r.creatorKind! },
      departments: departments.get(r.id)!,
    }));
  }

  return {
    /** One person with departments and creator: two statements. */
    async byId(id: string): Promise<PersonRow | null> {
      const [person] = await withDepartments(
        await db.all<RawPerson>(`${PERSON} where p.id = ?`, [id]),
      );
      return person ?? null;
    },

    /** Several people (those found, in no given order): two statements however many. */
    async byIds(ids: readonly string[]): Promise<PersonRow[]> {
      if (ids.length === 0) return [];
      return withDepartments(
        await db.all<RawPerson>(`${PERSON} where ${db.inList('p.id')}`, [db.list(ids)]),
      );
    },

    /**
     * A page of users or bots matching `filter`, in `order` (`limit + 1` rows, for the next
     * cursor), and how many match in all; `cursorFound` is false when the cursor's person is gone.
     */
    async list(
      kind: PersonKind,
      filter: PeopleFilter,
      order: PeopleOrder,
      page: { cursor: string | undefined; take: number; today: string },
    ): Promise<{ rows: PersonRow[]; total: number; cursorFound: boolean }> {
      const where = peopleWhere(db, kind, filter, page.today);
      const { rows, cursorFound } = await peoplePage<RawPerson>(
        db,
        PERSON,
        where,
        order,
        page.cursor,
        page.take,
      );
      const [people, total] = await Promise.all([withDepartments(rows), countPeople(db, where)]);
      return { rows: people, total, cursorFound };
    },

    async session(id: string): Promise<SessionRow | null> {
      const [row] = await db.all<SessionRow>(
        `select id, person_id as "personId", expires_at as "expiresAt", revoked_at as "revokedAt"
          from sessions where id = ?`,
        [id],
      );
      return row
        ? {
            id: row.id,
            personId: row.personId,
            expiresAt: toDate(row.expiresAt),
            revokedAt: toDateOrNull(row.revokedAt),
          }
        : null;
    },
  };
}

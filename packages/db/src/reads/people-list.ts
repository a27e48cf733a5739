import type { PersonKind, Role } from '../entities/person';
import { nameKey } from '../name-key';
import type { ReadConnection } from './connection';
import { containing } from './like';

/** The columns a list of people sorts on; `createdAt` is id order (ids are UUIDv7). */
export const PEOPLE_SORTS = [
  'name',
  'role',
  'active',
  'expiresAt',
  'lastUsedAt',
  'createdAt',
] as const;
export type PeopleSort = (typeof PEOPLE_SORTS)[number];

export interface PeopleFilter {
  /** A case-insensitive part of the name (or, for users, the email). */
  q?: string;
  active?: boolean;
  role?: Role;
  departmentId?: string;
  /** On this project's team. */
  projectId?: string;
  /** Expired before `today`, never expiring, or expiring from `today` through `today + days`. */
  expiry?: { is: 'expired' | 'never' } | { is: 'within'; days: number; until: string };
  /** Not used since before this instant, or never used. */
  lastUsedBefore?: Date;
}

export interface PeopleOrder {
  sort: PeopleSort;
  desc: boolean;
}

/**
 * The sort key as a non-null expression, so (key, id) orders every row once and a cursor row's
 * key continues the order: a bot that never expires sorts after every date, one never used
 * before every time.
 */
function sortKey(db: ReadConnection, sort: PeopleSort): string {
  switch (sort) {
    case 'name':
      return 'p.name_key';
    case 'role':
      return `case p.role when 'admin' then 0 when 'manager' then 1 when 'supervisor' then 2
        when 'artist' then 3 when 'client' then 4 else 5 end`;
    case 'active':
      return 'p.active';
    case 'expiresAt':
      return "coalesce(p.expires_at, '9999-12-31')";
    case 'lastUsedAt':
      return db.dialect === 'sqlite'
        ? 'coalesce(p.last_used_at, 0)'
        : "coalesce(p.last_used_at, '-infinity'::timestamptz)";
    case 'createdAt':
      return 'p.id';
  }
}

/** The where clause (without `where`) and its parameters for `kind` and `filter`. */
export function peopleWhere(
  db: ReadConnection,
  kind: PersonKind,
  filter: PeopleFilter,
  today: string,
): { sql: string; params: unknown[] } {
  const clauses = ['p.kind = ?'];
  const params: unknown[] = [kind];
  if (filter.q) {
    clauses.push("(p.name_key like ? escape '\\' or p.email like ? escape '\\')");
    params.push(containing(nameKey(filter.q)), containing(filter.q.toLowerCase()));
  }
  if (filter.active !== undefined) {
    clauses.push('p.active = ?');
    // better-sqlite3 binds no booleans; SQLite keeps them as 0 and 1.
    params.push(db.dialect === 'sqlite' ? Number(filter.active) : filter.active);
  }
  if (filter.role) {
    clauses.push('p.role = ?');
    params.push(filter.role);
  }
  if (filter.departmentId) {
    clauses.push(
      'exists (select 1 from person_departments pd where pd.person_id = p.id and pd.department_id = ?)',
    );
    params.push(filter.departmentId);
  }
  if (filter.projectId) {
    clauses.push(
      'exists (select 1 from project_members pm where pm.person_id = p.id and pm.project_id = ?)',
    );
    params.push(filter.projectId);
  }
  if (filter.expiry?.is === 'expired') {
    clauses.push('p.expires_at < ?');
    params.push(today);
  } else if (filter.expiry?.is === 'never') {
    clauses.push('p.expires_at is null');
  } else if (filter.expiry?.is === 'within') {
    clauses.push('p.expires_at >= ? and p.expires_at <= ?');
    params.push(today, filter.expiry.until);
  }
  if (filter.lastUsedBefore) {
    clauses.push('(p.last_used_at is null or p.last_used_at < ?)');
    params.push(db.dialect === 'sqlite' ? filter.lastUsedBefore.getTime() : filter.lastUsedBefore);
  }
  return { sql: clauses.join(' and '), params };
}

/**
 * One page of `select` (a statement over `people p`, without its where clause): `take` rows
 * after the person `after` (an id) in `order`; `cursorFound` is false when that person is gone.
 */
export async function peoplePage<T>(
  db: ReadConnection,
  select: string,
  where: { sql: string; params: unknown[] },
  order: PeopleOrder,
  after: string | undefined,
  take: number,
): Promise<{ rows: T[]; cursorFound: boolean }> {
  const key = sortKey(db, order.sort);
  const [cmp, dir] = order.desc ? ['<', 'desc'] : ['>', 'asc'];
  let sql = `${select} where ${where.sql}`;
  const params = [...where.params];
  if (after !== undefined) {
    const [row] = await db.all<{ k: unknown }>(`select ${key} as k from people p where p.id = ?`, [
      after,
    ]);
    if (!row) return { rows: [], cursorFound: false };
    sql += ` and (${key} ${cmp} ? or (${key} = ? and p.id ${cmp} ?))`;
    params.push(row.k, row.k, after);
  }
  sql += ` order by ${key} ${dir}, p.id ${dir} limit ?`;
  params.push(take);
  return { rows: await db.all<T>(sql, params), cursorFound: true };
}

/** How many people `where` matches. */
export async function countPeople(
  db: ReadConnection,
  where: { sql: string; params: unknown[] },
): Promise<number> {
  const [row] = await db.all<{ n: number | string }>(
    `select count(*) as n from people p where ${where.sql}`,
    where.params,
  );
  return Number(row?.n ?? 0);
}

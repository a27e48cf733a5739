import { nameKey } from '../name-key';
import type { ReadConnection } from './connection';
import { containing } from './like';

/**
 * A page in id order (`take` is the limit + 1) of a table with a `name_key`, of every row or
 * of those in `ids`, whose name contains `q` (any case), and how many match in all.
 */
export async function pageByName<T>(
  db: ReadConnection,
  {
    select,
    table,
    ids = 'all',
    cursor,
    take,
    q,
  }: {
    /** `select … from <table>`, the columns of T. */
    select: string;
    table: string;
    ids?: readonly string[] | 'all';
    cursor: string | undefined;
    take: number;
    q: string | undefined;
  },
): Promise<{ rows: T[]; total: number }> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (ids !== 'all') {
    where.push(db.inList('id'));
    params.push(db.list(ids));
  }
  if (q) {
    where.push("name_key like ? escape '\\'");
    params.push(containing(nameKey(q)));
  }
  const matching = where.length ? ` where ${where.join(' and ')}` : '';
  const filter = cursor ? `${matching}${where.length ? ' and' : ' where'} id > ?` : matching;
  const [rows, [count]] = await Promise.all([
    db.all<T>(`${select}${filter} order by id limit ?`, [
      ...params,
      ...(cursor ? [cursor] : []),
      take,
    ]),
    db.all<{ n: number | string }>(`select count(*) as n from ${table}${matching}`, params),
  ]);
  return { rows, total: Number(count?.n ?? 0) };
}

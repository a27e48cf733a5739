import type { ReadConnection } from './connection';
import { pageByName } from './name-search';

export interface DepartmentRow {
  id: string;
  name: string;
  color: string | null;
}

export function departmentReads(db: ReadConnection) {
  return {
    /** A page in id order, names containing `q` (any case), and how many match in all. */
    page: (cursor: string | undefined, take: number, q?: string) =>
      pageByName<DepartmentRow>(db, {
        select: 'select id, name, color from departments',
        table: 'departments',
        cursor,
        take,
        q,
      }),
  };
}

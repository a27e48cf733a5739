import { nameKey } from '../name-key';

type Execute = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

interface KeyedColumn {
  table: string;
  column: 'name' | 'short_name';
  keyColumn: 'name_key' | 'short_name_key';
  /** The column's length: a renamed duplicate stays within it. */
  length: number;
  /** Rows among which the key must be unique (bots among people); all rows get a key. */
  uniqueAmong?: string;
}

/**
 * Fills a new key column from the names already there, in JavaScript so both dialects get the
 * keys the ORM computes. Names that now collide ("Publisher" and "publisher") would stop the
 * unique index from building: the later ones are renamed "Publisher (2)", "publisher (3)"…,
 * which an admin can change afterwards. Values are bound, never written into the statement.
 */
export async function fillNameKeys(execute: Execute, spec: KeyedColumn) {
  const { table, column, keyColumn, length, uniqueAmong } = spec;
  const rows = await execute(
    `select id, "${column}" as name, ${uniqueAmong ? `(${uniqueAmong})` : '1'} as keyed from "${table}" order by created_at, id`,
  );
  const taken = new Set<string>();
  for (const row of rows) {
    const id = String(row.id);
    let name = String(row.name);
    let key = nameKey(name);
    if (Number(row.keyed) || row.keyed === true) {
      for (let n = 2; taken.has(key); n++) {
        const suffix = ` (${n})`;
        name = String(row.name).slice(0, length - suffix.length) + suffix;
        key = nameKey(name);
      }
      taken.add(key);
    }
    await execute(`update "${table}" set "${column}" = ?, "${keyColumn}" = ? where id = ?`, [
      name,
      key,
      id,
    ]);
  }
}

/** The key columns this migration adds, on both dialects. */
export const NAME_KEYS: KeyedColumn[] = [
  { table: 'departments', column: 'name', keyColumn: 'name_key', length: 100 },
  { table: 'projects', column: 'name', keyColumn: 'name_key', length: 100 },
  { table: 'task_types', column: 'name', keyColumn: 'name_key', length: 100 },
  { table: 'task_statuses', column: 'name', keyColumn: 'name_key', length: 100 },
  { table: 'task_statuses', column: 'short_name', keyColumn: 'short_name_key', length: 20 },
  {
    table: 'people',
    column: 'name',
    keyColumn: 'name_key',
    length: 100,
    uniqueAmong: "kind = 'bot'",
  },
];

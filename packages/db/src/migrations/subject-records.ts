import { newId } from '../entities/base';

type Execute = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

/**
 * Turns the sequence and asset-type names already on shots and assets into records and links
 * each row to its record, in JavaScript so both dialects get the time-ordered ids the ORM makes.
 * A record is dated by the first row that named it. Values are bound, never written into SQL.
 */
export async function fillSubjectRecords(execute: Execute) {
  const sequences = await execute(
    `select project_id, sequence as name, min(created_at) as first from entities
     where kind = 'shot' group by project_id, sequence order by min(created_at), project_id, sequence`,
  );
  for (const s of sequences) {
    const id = newId();
    await execute(
      'insert into sequences (id, project_id, name, created_at, updated_at) values (?, ?, ?, ?, ?)',
      [id, s.project_id, s.name, s.first, s.first],
    );
    await execute(
      `update entities set sequence_id = ? where kind = 'shot' and project_id = ? and sequence = ?`,
      [id, s.project_id, s.name],
    );
  }
  const types = await execute(
    `select asset_type as name, min(created_at) as first from entities
     where kind = 'asset' and asset_type is not null group by asset_type order by min(created_at), asset_type`,
  );
  for (const t of types) {
    const id = newId();
    await execute('insert into asset_types (id, name, created_at, updated_at) values (?, ?, ?, ?)', [
      id,
      t.name,
      t.first,
      t.first,
    ]);
    await execute(`update entities set asset_type_id = ? where kind = 'asset' and asset_type = ?`, [
      id,
      t.name,
    ]);
  }
}

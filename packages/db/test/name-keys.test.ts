import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nameKey, type Orm, openDatabase } from '../src';
import { createTestDatabase, type TestDatabase, testDialect } from '../src/testing';

// The migration that made unique names case-insensitive, run on a database that already holds
// names colliding under the new rule: keys filled as the ORM computes them, later twins renamed.
describe(`case-insensitive names on existing data (${testDialect()})`, () => {
  let db: TestDatabase;
  let orm: Orm;
  /** Ids that sort as the rows were listed. */
  const id = (n: number) => `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`;
  const at = (minute: number) => new Date(Date.UTC(2026, 10, 1, 10, minute)).toISOString();

  beforeAll(async () => {
    db = await createTestDatabase();
    orm = await openDatabase(db.url);
    const migrator = orm.getMigrator();
    const all = (await migrator.getPendingMigrations()).map((m) => m.name);
    const index = all.findIndex((name) => name.endsWith('_case_insensitive_names'));
    expect(index).toBeGreaterThan(0);
    await migrator.up({ to: all[index - 1] });
    const run = (sql: string, params: unknown[]) => orm.em.getConnection().execute(sql, params);
    const ts = testDialect() === 'sqlite' ? (iso: string) => Date.parse(iso) : (iso: string) => iso;
    const projects: [string, string, number][] = [
      [id(1), 'Publisher', 1],
      [id(2), 'publisher', 2],
      [id(3), 'PUBLISHER', 3],
      [id(4), 'Caf\u00e9', 4],
      [id(5), 'Cafe\u0301', 5],
    ];
    for (const [rowId, name, minute] of projects) {
      await run(
        'insert into projects (id, name, bot_collaboration, created_at, updated_at) values (?, ?, ?, ?, ?)',
        [rowId, name, false, ts(at(minute)), ts(at(minute))],
      );
    }
    const people: [string, string, string, number][] = [
      [id(11), 'bot', 'Render', 1],
      [id(12), 'bot', 'render', 2],
      [id(13), 'user', 'render', 3],
    ];
    for (const [rowId, kind, name, minute] of people) {
      await run(
        'insert into people (id, kind, name, role, active, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?)',
        [rowId, kind, name, 'artist', true, ts(at(minute)), ts(at(minute))],
      );
    }
    await migrator.up();
  });
  afterAll(async () => {
    await orm?.close();
    await db?.dispose();
  });

  const rows = (table: string) =>
    orm.em
      .getConnection()
      .execute(`select id, name, name_key from ${table} order by id`) as Promise<
      { id: string; name: string; name_key: string }[]
    >;

  it('keeps the first name and renames later twins, with keys as the ORM computes them', async () => {
    expect(await rows('projects')).toEqual([
      { id: id(1), name: 'Publisher', name_key: 'publisher' },
      { id: id(2), name: 'publisher (2)', name_key: 'publisher (2)' },
      { id: id(3), name: 'PUBLISHER (3)', name_key: 'publisher (3)' },
      { id: id(4), name: 'Caf\u00e9', name_key: nameKey('Caf\u00e9') },
      { id: id(5), name: 'Cafe\u0301 (2)', name_key: nameKey('Cafe\u0301 (2)') },
    ]);
  });

  it('renames twins among bots only: a person may share a bot name', async () => {
    expect(await rows('people')).toEqual([
      { id: id(11), name: 'Render', name_key: 'render' },
      { id: id(12), name: 'render (2)', name_key: 'render (2)' },
      { id: id(13), name: 'render', name_key: 'render' },
    ]);
  });
});

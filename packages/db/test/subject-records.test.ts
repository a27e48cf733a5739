import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Orm, openDatabase } from '../src';
import { createTestDatabase, type TestDatabase, testDialect } from '../src/testing';

// The migration that made sequences and asset types records, run on a database whose shots and
// assets only name them: one record per name (per project for sequences), each row linked.
describe(`sequences and asset types on existing data (${testDialect()})`, () => {
  let db: TestDatabase;
  let orm: Orm;
  const id = (n: number) => `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`;
  const at = (minute: number) => new Date(Date.UTC(2026, 10, 1, 10, minute)).toISOString();
  const run = (sql: string, params: unknown[] = []) =>
    orm.em.getConnection().execute(sql, params) as Promise<Record<string, unknown>[]>;

  beforeAll(async () => {
    db = await createTestDatabase();
    orm = await openDatabase(db.url);
    const migrator = orm.getMigrator();
    const all = (await migrator.getPendingMigrations()).map((m) => m.name);
    const index = all.findIndex((name) => name.endsWith('_sequences_and_asset_types'));
    expect(index).toBeGreaterThan(0);
    await migrator.up({ to: all[index - 1] });
    const ts = testDialect() === 'sqlite' ? (iso: string) => Date.parse(iso) : (iso: string) => iso;
    for (const [n, name] of [
      [1, 'Alpha'],
      [2, 'Beta'],
    ] as const) {
      await run(
        'insert into projects (id, name, name_key, bot_collaboration, created_at, updated_at) values (?, ?, ?, ?, ?, ?)',
        [id(n), name, name.toLowerCase(), false, ts(at(n)), ts(at(n))],
      );
    }
    // [id, project, kind, name, asset type, sequence, minute]
    const rows: [number, number, string, string, string | null, string, number][] = [
      [11, 1, 'shot', 'SH010', null, 'SQ01', 3],
      [12, 1, 'shot', 'SH020', null, 'SQ01', 4],
      [13, 1, 'shot', 'SH010', null, 'sq01', 5],
      [14, 2, 'shot', 'SH010', null, 'SQ01', 6],
      [15, 1, 'asset', 'Hero', 'Character', '', 7],
      [16, 2, 'asset', 'Hero', 'Character', '', 8],
      [17, 2, 'asset', 'Cup', 'Prop', '', 9],
    ];
    for (const [n, project, kind, name, assetType, sequence, minute] of rows) {
      await run(
        'insert into entities (id, project_id, kind, name, asset_type, sequence, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?)',
        [id(n), id(project), kind, name, assetType, sequence, ts(at(minute)), ts(at(minute))],
      );
    }
    await migrator.up();
  });
  afterAll(async () => {
    await orm?.close();
    await db?.dispose();
  });

  it('makes one sequence per name and project, case kept, linked from each shot', async () => {
    const sequences = await run(
      'select s.id, p.name as project, s.name from sequences s join projects p on p.id = s.project_id order by s.id',
    );
    expect(sequences.map(({ project, name }) => [project, name])).toEqual([
      ['Alpha', 'SQ01'],
      ['Alpha', 'sq01'],
      ['Beta', 'SQ01'],
    ]);
    const shots = await run(
      `select e.id, e.sequence, s.name as linked from entities e
       left join sequences s on s.id = e.sequence_id where e.kind = 'shot' order by e.id`,
    );
    expect(shots.map(({ sequence, linked }) => [sequence, linked])).toEqual([
      ['SQ01', 'SQ01'],
      ['SQ01', 'SQ01'],
      ['sq01', 'sq01'],
      ['SQ01', 'SQ01'],
    ]);
    const [alpha, beta] = [shots[0]!, shots[3]!];
    expect(alpha.linked).toBe(beta.linked);
    const ids = await run(`select sequence_id from entities where kind = 'shot' order by id`);
    expect(ids[0]!.sequence_id).toBe(ids[1]!.sequence_id);
    expect(ids[0]!.sequence_id).not.toBe(ids[3]!.sequence_id);
  });

  it('makes one studio-wide asset type per name, linked from each asset, shots unlinked', async () => {
    expect((await run('select name from asset_types order by id')).map((r) => r.name)).toEqual([
      'Character',
      'Prop',
    ]);
    const assets = await run(
      `select e.kind, t.name as linked, e.asset_type_id from entities e
       left join asset_types t on t.id = e.asset_type_id order by e.id`,
    );
    expect(assets.map((r) => r.linked)).toEqual([
      null,
      null,
      null,
      null,
      'Character',
      'Character',
      'Prop',
    ]);
  });

  it('gives the new records ids the API accepts', async () => {
    const ids = [
      ...(await run('select id from sequences')),
      ...(await run('select id from asset_types')),
    ].map((r) => String(r.id));
    for (const recordId of ids) {
      expect(recordId).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    }
  });
});

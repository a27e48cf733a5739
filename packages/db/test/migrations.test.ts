import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectOf, migrate, type Orm, openDatabase } from '../src';
import { createTestDatabase, type TestDatabase, testDialect } from '../src/testing';

describe(`migrations on ${testDialect()}`, () => {
  let db: TestDatabase;
  let orm: Orm;

  beforeAll(async () => {
    db = await createTestDatabase();
    orm = await openDatabase(db.url);
  });
  afterAll(async () => {
    await orm?.close();
    await db?.dispose();
  });

  it('targets the dialect this project runs', () => {
    expect(dialectOf(orm)).toBe(testDialect());
  });

  it('builds a schema with no difference from the entities', async () => {
    const applied = await migrate(orm);
    expect(applied.length).toBeGreaterThan(0);
    const diff = await orm.schema.getUpdateSchemaSQL({ wrap: false, safe: false });
    expect(diff.trim()).toBe('');
    expect(await orm.getMigrator().checkMigrationNeeded()).toBe(false);
  });

  it('is idempotent: a second run applies nothing', async () => {
    expect(await migrate(orm)).toEqual([]);
  });
});

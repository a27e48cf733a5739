// On PostgreSQL, the migrations that index the event log build their indexes concurrently:
// a studio upgrading with a large log goes on writing while they run. Timed from outside: a
// writer inserts events one after another on its own connection while the migrations run, and
// none of its writes waits for an index build.
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrate, type Orm, openDatabase } from '../src';
import { createTestDatabase, type TestDatabase } from '../src/testing';

/** Enough events that building an index over them takes a good part of a second, or more. */
const EVENTS = 1_000_000;
const BEFORE_THE_INDEXES = 'Migration20261129070401_bot_created_by_system';

let db: TestDatabase;
let orm: Orm;
beforeAll(async () => {
  db = await createTestDatabase('postgres');
  orm = await openDatabase(db.url);
});
afterAll(async () => {
  await orm?.close(true);
  await db?.dispose();
});

it('indexes a large event log without holding up writes', async () => {
  await orm.getMigrator().up({ to: BEFORE_THE_INDEXES });
  await orm.em.getConnection().execute(
    `insert into events (type, actor_kind, actor_name, target_id, task_id, created_at)
       select 'test.fill', 'system', 'fill', gen_random_uuid(), gen_random_uuid(), now()
       from generate_series(1, ${EVENTS})`,
  );
  await orm.em.getConnection().execute('analyze events');

  const writer = new pg.Client({ connectionString: db.url });
  await writer.connect();
  const waits: number[] = [];
  let migrating = true;
  const writing = (async () => {
    while (migrating) {
      const started = performance.now();
      await writer.query(
        "insert into events (type, actor_kind, actor_name, created_at) values ('test.write', 'system', 'writer', now())",
      );
      waits.push(performance.now() - started);
    }
  })();
  const started = performance.now();
  try {
    const applied = await migrate(orm);
    expect(applied).toContain('Migration20261129173620_task_assignee_person_and_event_task_walks');
  } finally {
    migrating = false;
    await writing;
    await writer.end();
  }
  const migrationMs = performance.now() - started;
  // What a write held by a build would wait: one such build, timed here with nothing beside it
  // (a machine's speed moves this and the builds above alike).
  const buildStarted = performance.now();
  await orm.em.getConnection().execute('create index events_reference on events (task_id, id)');
  const buildMs = performance.now() - buildStarted;
  await orm.em.getConnection().execute('drop index events_reference');

  const indexes = await orm.em.getConnection().execute<{ name: string; valid: boolean }[]>(
    `select c.relname as name, i.indisvalid as valid from pg_index i join pg_class c on c.oid = i.indexrelid
       where c.relname in ('events_target_id_id_index', 'events_task_id_id_index', 'events_task_id_index')
       order by 1`,
  );
  expect(indexes).toEqual([
    { name: 'events_target_id_id_index', valid: true },
    { name: 'events_task_id_id_index', valid: true },
  ]);
  // The writes went on through the builds: many of them, none held for half a build's length.
  const longest = Math.max(...waits);
  expect(waits.length).toBeGreaterThan(20);
  expect(buildMs).toBeGreaterThan(100);
  expect(migrationMs).toBeGreaterThan(buildMs);
  expect(longest).toBeLessThan(Math.min(500, buildMs / 2));
}, 120_000);

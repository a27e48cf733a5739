import { Migration } from '@mikro-orm/migrations';
import { fillNameKeys, NAME_KEYS } from '../name-keys';

/** Unique names become unique whatever their case: a key column per name, filled, then indexed. */
export class Migration20261129021957_case_insensitive_names extends Migration {
  override async up(): Promise<void> {
    const run = (sql: string, params?: unknown[]) => this.execute(sql, params);
    await run(`alter table "departments" drop constraint "departments_name_unique";`);
    await run(`drop index "people_bot_name_unique";`);
    await run(`alter table "projects" drop constraint "projects_name_unique";`);
    await run(`alter table "task_statuses" drop constraint "task_statuses_name_unique";`);
    await run(`alter table "task_statuses" drop constraint "task_statuses_short_name_unique";`);
    await run(`alter table "task_types" drop constraint "task_types_name_unique";`);
    for (const spec of NAME_KEYS) {
      const size = spec.length * 2;
      await run(
        `alter table "${spec.table}" add column "${spec.keyColumn}" varchar(${size}) not null default '';`,
      );
      await fillNameKeys(run, spec);
    }
    await run(`alter table "departments" add constraint "departments_name_key_unique" unique ("name_key");`);
    await run(`create unique index people_bot_name_key_unique on people (name_key) where kind = 'bot';`);
    await run(`alter table "projects" add constraint "projects_name_key_unique" unique ("name_key");`);
    await run(`alter table "task_statuses" add constraint "task_statuses_name_key_unique" unique ("name_key");`);
    await run(`alter table "task_statuses" add constraint "task_statuses_short_name_key_unique" unique ("short_name_key");`);
    await run(`alter table "task_types" add constraint "task_types_name_key_unique" unique ("name_key");`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "departments" drop constraint "departments_name_key_unique";`);
    this.addSql(`alter table "departments" drop column "name_key";`);
    this.addSql(`alter table "departments" add constraint "departments_name_unique" unique ("name");`);
    this.addSql(`drop index "people_bot_name_key_unique";`);
    this.addSql(`alter table "people" drop column "name_key";`);
    this.addSql(`create unique index people_bot_name_unique on people (name) where kind = 'bot';`);
    this.addSql(`alter table "projects" drop constraint "projects_name_key_unique";`);
    this.addSql(`alter table "projects" drop column "name_key";`);
    this.addSql(`alter table "projects" add constraint "projects_name_unique" unique ("name");`);
    this.addSql(`alter table "task_statuses" drop constraint "task_statuses_name_key_unique";`);
    this.addSql(`alter table "task_statuses" drop constraint "task_statuses_short_name_key_unique";`);
    this.addSql(`alter table "task_statuses" drop column "name_key", drop column "short_name_key";`);
    this.addSql(`alter table "task_statuses" add constraint "task_statuses_name_unique" unique ("name");`);
    this.addSql(`alter table "task_statuses" add constraint "task_statuses_short_name_unique" unique ("short_name");`);
    this.addSql(`alter table "task_types" drop constraint "task_types_name_key_unique";`);
    this.addSql(`alter table "task_types" drop column "name_key";`);
    this.addSql(`alter table "task_types" add constraint "task_types_name_unique" unique ("name");`);
  }
}

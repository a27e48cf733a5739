import { Migration } from '@mikro-orm/migrations';
import { fillNameKeys, NAME_KEYS } from '../name-keys';

/**
 * Unique names become unique whatever their case: a key column per name, filled, then indexed.
 */
export class Migration20261129021956_case_insensitive_names extends Migration {
  override async up(): Promise<void> {
    const run = (sql: string, params?: unknown[]) => this.execute(sql, params);
    await run('drop index `departments_name_unique`;');
    await run('drop index `people_bot_name_unique`;');
    await run('drop index `projects_name_unique`;');
    await run('drop index `task_statuses_short_name_unique`;');
    await run('drop index `task_statuses_name_unique`;');
    await run('drop index `task_types_name_unique`;');
    for (const spec of NAME_KEYS) {
      await run(`alter table \`${spec.table}\` add column \`${spec.keyColumn}\` text not null default '';`);
      await fillNameKeys(run, spec);
    }
    await run('create unique index `departments_name_key_unique` on `departments` (`name_key`);');
    await run("create unique index people_bot_name_key_unique on people (name_key) where kind = 'bot';");
    await run('create unique index `projects_name_key_unique` on `projects` (`name_key`);');
    await run('create unique index `task_statuses_name_key_unique` on `task_statuses` (`name_key`);');
    await run('create unique index `task_statuses_short_name_key_unique` on `task_statuses` (`short_name_key`);');
    await run('create unique index `task_types_name_key_unique` on `task_types` (`name_key`);');
  }
}

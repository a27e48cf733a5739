import { Migration } from '@mikro-orm/migrations';
import { fillSubjectRecords } from '../subject-records';

/** Sequences and asset types become records with ids; shots and assets link to theirs. */
export class Migration20261207053213_sequences_and_asset_types extends Migration {
  override async up(): Promise<void> {
    const run = (sql: string, params?: unknown[]) => this.execute(sql, params);
    await run('create table `asset_types` (`id` text not null, `name` text not null, `created_at` datetime not null, `updated_at` datetime not null, primary key (`id`));');
    await run('create unique index `asset_types_name_unique` on `asset_types` (`name`);');
    await run('create table `sequences` (`id` text not null, `project_id` text not null, `name` text not null, `created_at` datetime not null, `updated_at` datetime not null, constraint `sequences_project_id_foreign` foreign key(`project_id`) references `projects`(`id`) on delete cascade on update cascade, primary key (`id`));');
    await run('create index `sequences_project_id_index` on `sequences` (`project_id`);');
    await run('create unique index `sequences_project_id_name_unique` on `sequences` (`project_id`, `name`);');
    await run('alter table `entities` add column `asset_type_id` text null constraint `entities_asset_type_id_foreign` references `asset_types` (`id`) on update cascade on delete restrict;');
    await run('alter table `entities` add column `sequence_id` text null constraint `entities_sequence_id_foreign` references `sequences` (`id`) on update cascade on delete cascade;');
    await run('create index `entities_asset_type_id_index` on `entities` (`asset_type_id`);');
    await run('create index `entities_sequence_id_index` on `entities` (`sequence_id`);');
    await fillSubjectRecords(run);
  }
}

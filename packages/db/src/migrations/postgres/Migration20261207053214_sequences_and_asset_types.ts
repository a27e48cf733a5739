import { Migration } from '@mikro-orm/migrations';
import { fillSubjectRecords } from '../subject-records';

/** Sequences and asset types become records with ids; shots and assets link to theirs. */
export class Migration20261207053214_sequences_and_asset_types extends Migration {
  override async up(): Promise<void> {
    const run = (sql: string, params?: unknown[]) => this.execute(sql, params);
    await run('create table "asset_types" ("id" uuid not null, "name" varchar(100) not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "asset_types_pkey" primary key ("id"));');
    await run('alter table "asset_types" add constraint "asset_types_name_unique" unique ("name");');
    await run('create table "sequences" ("id" uuid not null, "project_id" uuid not null, "name" varchar(100) not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "sequences_pkey" primary key ("id"));');
    await run('alter table "sequences" add constraint "sequences_project_id_name_unique" unique ("project_id", "name");');
    await run('alter table "sequences" add constraint "sequences_project_id_foreign" foreign key ("project_id") references "projects" ("id") on update cascade on delete cascade;');
    await run('alter table "entities" add column "asset_type_id" uuid null, add column "sequence_id" uuid null;');
    await run('alter table "entities" add constraint "entities_asset_type_id_foreign" foreign key ("asset_type_id") references "asset_types" ("id") on update cascade on delete restrict;');
    await run('alter table "entities" add constraint "entities_sequence_id_foreign" foreign key ("sequence_id") references "sequences" ("id") on update cascade on delete cascade;');
    await fillSubjectRecords(run);
  }
}

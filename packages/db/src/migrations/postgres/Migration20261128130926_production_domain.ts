import { Migration } from '@mikro-orm/migrations';

export class Migration20261128130926_production_domain extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "entities" ("id" uuid not null, "project_id" uuid not null, "kind" varchar(8) not null, "name" varchar(100) not null, "asset_type" varchar(100) null, "sequence" varchar(100) not null default '', "frame_in" int null, "frame_out" int null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "entities_pkey" primary key ("id"));`);
    this.addSql(`alter table "entities" add constraint "entities_project_id_kind_sequence_name_unique" unique ("project_id", "kind", "sequence", "name");`);

    this.addSql(`create table "task_statuses" ("id" uuid not null, "name" varchar(100) not null, "short_name" varchar(20) not null, "is_done" boolean not null default false, "color" varchar(7) null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "task_statuses_pkey" primary key ("id"));`);
    this.addSql(`alter table "task_statuses" add constraint "task_statuses_name_unique" unique ("name");`);
    this.addSql(`alter table "task_statuses" add constraint "task_statuses_short_name_unique" unique ("short_name");`);

    this.addSql(`create table "task_types" ("id" uuid not null, "name" varchar(100) not null, "department_id" uuid not null, "for_entity" varchar(8) not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "task_types_pkey" primary key ("id"));`);
    this.addSql(`alter table "task_types" add constraint "task_types_name_unique" unique ("name");`);

    this.addSql(`create table "tasks" ("id" uuid not null, "project_id" uuid not null, "entity_id" uuid not null, "task_type_id" uuid not null, "status_id" uuid not null, "due_date" date null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "tasks_pkey" primary key ("id"));`);
    this.addSql(`create index "tasks_project_id_id_index" on "tasks" ("project_id", "id");`);
    this.addSql(`alter table "tasks" add constraint "tasks_entity_id_task_type_id_unique" unique ("entity_id", "task_type_id");`);

    this.addSql(`create table "task_assignees" ("task_id" uuid not null, "person_id" uuid not null, constraint "task_assignees_pkey" primary key ("task_id", "person_id"));`);

    this.addSql(`create table "comments" ("id" uuid not null, "task_id" uuid not null, "author_id" uuid null, "author_name" varchar(100) not null, "text" text not null, "status_id" uuid null, "created_at" timestamptz not null, constraint "comments_pkey" primary key ("id"));`);
    this.addSql(`create index "comments_task_id_id_index" on "comments" ("task_id", "id");`);

    this.addSql(`alter table "entities" add constraint "entities_project_id_foreign" foreign key ("project_id") references "projects" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "task_types" add constraint "task_types_department_id_foreign" foreign key ("department_id") references "departments" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "tasks" add constraint "tasks_project_id_foreign" foreign key ("project_id") references "projects" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "tasks" add constraint "tasks_entity_id_foreign" foreign key ("entity_id") references "entities" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "tasks" add constraint "tasks_task_type_id_foreign" foreign key ("task_type_id") references "task_types" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "tasks" add constraint "tasks_status_id_foreign" foreign key ("status_id") references "task_statuses" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "task_assignees" add constraint "task_assignees_task_id_foreign" foreign key ("task_id") references "tasks" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "task_assignees" add constraint "task_assignees_person_id_foreign" foreign key ("person_id") references "people" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "comments" add constraint "comments_task_id_foreign" foreign key ("task_id") references "tasks" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "comments" add constraint "comments_author_id_foreign" foreign key ("author_id") references "people" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "comments" add constraint "comments_status_id_foreign" foreign key ("status_id") references "task_statuses" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "events" add column "task_id" uuid null;`);
    this.addSql(`create index "events_task_id_index" on "events" ("task_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "tasks" drop constraint "tasks_entity_id_foreign";`);

    this.addSql(`alter table "tasks" drop constraint "tasks_status_id_foreign";`);

    this.addSql(`alter table "comments" drop constraint "comments_status_id_foreign";`);

    this.addSql(`alter table "tasks" drop constraint "tasks_task_type_id_foreign";`);

    this.addSql(`alter table "task_assignees" drop constraint "task_assignees_task_id_foreign";`);

    this.addSql(`alter table "comments" drop constraint "comments_task_id_foreign";`);

    this.addSql(`drop table if exists "entities" cascade;`);

    this.addSql(`drop table if exists "task_statuses" cascade;`);

    this.addSql(`drop table if exists "task_types" cascade;`);

    this.addSql(`drop table if exists "tasks" cascade;`);

    this.addSql(`drop table if exists "task_assignees" cascade;`);

    this.addSql(`drop table if exists "comments" cascade;`);

    this.addSql(`drop index "events_task_id_index";`);
    this.addSql(`alter table "events" drop column "task_id";`);
  }

}

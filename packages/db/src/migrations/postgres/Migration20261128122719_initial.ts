import { Migration } from '@mikro-orm/migrations';

export class Migration20261128122719_initial extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "departments" ("id" uuid not null, "name" varchar(100) not null, "color" varchar(7) null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "departments_pkey" primary key ("id"));`);
    this.addSql(`alter table "departments" add constraint "departments_name_unique" unique ("name");`);

    this.addSql(`create table "events" ("id" serial primary key, "type" varchar(64) not null, "actor_id" uuid null, "actor_kind" varchar(8) not null, "actor_name" varchar(100) not null, "project_id" uuid null, "target_type" varchar(32) null, "target_id" uuid null, "data" jsonb null, "created_at" timestamptz not null);`);
    this.addSql(`create index "events_project_id_id_index" on "events" ("project_id", "id");`);
    this.addSql(`create index "events_actor_id_id_index" on "events" ("actor_id", "id");`);

    this.addSql(`create table "people" ("id" uuid not null, "kind" varchar(8) not null, "name" varchar(100) not null, "email" varchar(254) null, "password_hash" varchar(255) null, "role" varchar(16) not null, "active" boolean not null default true, "expires_at" date null, "token_id" uuid null, "token_issued_at" timestamptz null, "previous_token_id" uuid null, "previous_token_valid_until" timestamptz null, "last_used_at" timestamptz null, "created_by_id" uuid null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "people_pkey" primary key ("id"));`);
    this.addSql(`create index "people_kind_index" on "people" ("kind");`);
    this.addSql(`alter table "people" add constraint "people_email_unique" unique ("email");`);

    this.addSql(`create table "person_departments" ("person_id" uuid not null, "department_id" uuid not null, constraint "person_departments_pkey" primary key ("person_id", "department_id"));`);

    this.addSql(`create table "projects" ("id" uuid not null, "name" varchar(100) not null, "bot_collaboration" boolean not null default false, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "projects_pkey" primary key ("id"));`);
    this.addSql(`alter table "projects" add constraint "projects_name_unique" unique ("name");`);

    this.addSql(`create table "project_members" ("project_id" uuid not null, "person_id" uuid not null, constraint "project_members_pkey" primary key ("project_id", "person_id"));`);

    this.addSql(`create table "sessions" ("id" uuid not null, "person_id" uuid not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "revoked_at" timestamptz null, constraint "sessions_pkey" primary key ("id"));`);

    this.addSql(`create table "settings" ("key" varchar(100) not null, "value" text not null, "updated_at" timestamptz not null, constraint "settings_pkey" primary key ("key"));`);

    this.addSql(`alter table "people" add constraint "people_created_by_id_foreign" foreign key ("created_by_id") references "people" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "person_departments" add constraint "person_departments_person_id_foreign" foreign key ("person_id") references "people" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "person_departments" add constraint "person_departments_department_id_foreign" foreign key ("department_id") references "departments" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "project_members" add constraint "project_members_project_id_foreign" foreign key ("project_id") references "projects" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "project_members" add constraint "project_members_person_id_foreign" foreign key ("person_id") references "people" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "sessions" add constraint "sessions_person_id_foreign" foreign key ("person_id") references "people" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "person_departments" drop constraint "person_departments_department_id_foreign";`);

    this.addSql(`alter table "people" drop constraint "people_created_by_id_foreign";`);

    this.addSql(`alter table "person_departments" drop constraint "person_departments_person_id_foreign";`);

    this.addSql(`alter table "project_members" drop constraint "project_members_person_id_foreign";`);

    this.addSql(`alter table "sessions" drop constraint "sessions_person_id_foreign";`);

    this.addSql(`alter table "project_members" drop constraint "project_members_project_id_foreign";`);

    this.addSql(`drop table if exists "departments" cascade;`);

    this.addSql(`drop table if exists "events" cascade;`);

    this.addSql(`drop table if exists "people" cascade;`);

    this.addSql(`drop table if exists "person_departments" cascade;`);

    this.addSql(`drop table if exists "projects" cascade;`);

    this.addSql(`drop table if exists "project_members" cascade;`);

    this.addSql(`drop table if exists "sessions" cascade;`);

    this.addSql(`drop table if exists "settings" cascade;`);
  }

}

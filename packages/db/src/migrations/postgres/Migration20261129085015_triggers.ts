import { Migration } from '@mikro-orm/migrations';

export class Migration20261129085015_triggers extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "triggers" ("id" uuid not null, "bot_id" uuid not null, "name" varchar(100) not null, "types" jsonb not null, "project_id" uuid null, "cursor" int not null, "last_success_at" timestamptz null, "last_error_at" timestamptz null, "last_error" text null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "triggers_pkey" primary key ("id"));`);
    this.addSql(`alter table "triggers" add constraint "triggers_bot_id_name_unique" unique ("bot_id", "name");`);

    this.addSql(`create table "parked_events" ("id" uuid not null, "trigger_id" uuid not null, "event_id" int not null, "error" text not null, "attempts" int not null, "parked_at" timestamptz not null, "retry_requested_at" timestamptz null, constraint "parked_events_pkey" primary key ("id"));`);
    this.addSql(`alter table "parked_events" add constraint "parked_events_trigger_id_event_id_unique" unique ("trigger_id", "event_id");`);

    this.addSql(`alter table "triggers" add constraint "triggers_bot_id_foreign" foreign key ("bot_id") references "people" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "parked_events" add constraint "parked_events_trigger_id_foreign" foreign key ("trigger_id") references "triggers" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "parked_events" drop constraint "parked_events_trigger_id_foreign";`);

    this.addSql(`drop table if exists "triggers" cascade;`);

    this.addSql(`drop table if exists "parked_events" cascade;`);
  }

}

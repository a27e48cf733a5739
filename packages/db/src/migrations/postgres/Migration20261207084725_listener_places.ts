import { Migration } from '@mikro-orm/migrations';

export class Migration20261207084725_listener_places extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "listener_places" ("principal_id" uuid not null, "event_id" int not null, "saved_at" timestamptz not null, constraint "listener_places_pkey" primary key ("principal_id"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "listener_places" cascade;`);
  }

}

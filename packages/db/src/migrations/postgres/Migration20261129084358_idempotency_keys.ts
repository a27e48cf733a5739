import { Migration } from '@mikro-orm/migrations';

export class Migration20261129084358_idempotency_keys extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "idempotency_keys" ("person_id" uuid not null, "key" varchar(200) not null, "path" varchar(100) not null, "input_hash" varchar(64) not null, "result" text null, "created_at" timestamptz not null, constraint "idempotency_keys_pkey" primary key ("person_id", "key"));`);
    this.addSql(`create index "idempotency_keys_created_at_index" on "idempotency_keys" ("created_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "idempotency_keys" cascade;`);
  }

}

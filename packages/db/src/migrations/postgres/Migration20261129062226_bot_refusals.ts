import { Migration } from '@mikro-orm/migrations';

export class Migration20261129062226_bot_refusals extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "people" add column "refused_count" int not null default 0, add column "refused_since" timestamptz null, add column "refused_last_at" timestamptz null, add column "refused_last_reason" varchar(32) null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "people" drop column "refused_count", drop column "refused_since", drop column "refused_last_at", drop column "refused_last_reason";`);
  }

}

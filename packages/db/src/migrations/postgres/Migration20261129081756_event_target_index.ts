import { Migration } from '@mikro-orm/migrations';

export class Migration20261129081756_event_target_index extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create index "events_target_id_id_index" on "events" ("target_id", "id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "events_target_id_id_index";`);
  }

}

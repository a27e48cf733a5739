import { Migration } from '@mikro-orm/migrations';

export class Migration20261129062226_bot_refusals extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`people\` add column \`refused_count\` integer not null default 0;`);
    this.addSql(`alter table \`people\` add column \`refused_since\` datetime null;`);
    this.addSql(`alter table \`people\` add column \`refused_last_at\` datetime null;`);
    this.addSql(`alter table \`people\` add column \`refused_last_reason\` text null;`);
  }

}

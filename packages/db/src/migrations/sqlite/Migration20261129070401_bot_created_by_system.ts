import { Migration } from '@mikro-orm/migrations';

export class Migration20261129070401_bot_created_by_system extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`people\` add column \`created_by_system\` integer not null default false;`);
    // Bots the CLI made before: their creation event names the system.
    this.addSql(
      `update people set created_by_system = 1 where kind = 'bot' and created_by_id is null and exists (select 1 from events e where e.type = 'bot.created' and e.target_id = people.id and e.actor_kind = 'system');`,
    );
  }

}

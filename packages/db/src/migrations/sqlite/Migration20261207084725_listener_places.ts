import { Migration } from '@mikro-orm/migrations';

export class Migration20261207084725_listener_places extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`listener_places\` (\`principal_id\` text not null, \`event_id\` integer not null, \`saved_at\` datetime not null, primary key (\`principal_id\`));`);
  }

}

import { Migration } from '@mikro-orm/migrations';

export class Migration20261129085015_triggers extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`triggers\` (\`id\` text not null, \`bot_id\` text not null, \`name\` text not null, \`types\` json not null, \`project_id\` text null, \`cursor\` integer not null, \`last_success_at\` datetime null, \`last_error_at\` datetime null, \`last_error\` text null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`triggers_bot_id_foreign\` foreign key(\`bot_id\`) references \`people\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`triggers_bot_id_index\` on \`triggers\` (\`bot_id\`);`);
    this.addSql(`create unique index \`triggers_bot_id_name_unique\` on \`triggers\` (\`bot_id\`, \`name\`);`);

    this.addSql(`create table \`parked_events\` (\`id\` text not null, \`trigger_id\` text not null, \`event_id\` integer not null, \`error\` text not null, \`attempts\` integer not null, \`parked_at\` datetime not null, \`retry_requested_at\` datetime null, constraint \`parked_events_trigger_id_foreign\` foreign key(\`trigger_id\`) references \`triggers\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`parked_events_trigger_id_index\` on \`parked_events\` (\`trigger_id\`);`);
    this.addSql(`create unique index \`parked_events_trigger_id_event_id_unique\` on \`parked_events\` (\`trigger_id\`, \`event_id\`);`);
  }

}

import { Migration } from '@mikro-orm/migrations';

export class Migration20261129084357_idempotency_keys extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`idempotency_keys\` (\`person_id\` text not null, \`key\` text not null, \`path\` text not null, \`input_hash\` text not null, \`result\` text null, \`created_at\` datetime not null, primary key (\`person_id\`, \`key\`));`);
    this.addSql(`create index \`idempotency_keys_created_at_index\` on \`idempotency_keys\` (\`created_at\`);`);
  }

}

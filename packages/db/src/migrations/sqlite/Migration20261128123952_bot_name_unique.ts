import { Migration } from '@mikro-orm/migrations';

export class Migration20261128123952_bot_name_unique extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create unique index people_bot_name_unique on people (name) where kind = 'bot';`);
  }

}

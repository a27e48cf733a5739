import { Migration } from '@mikro-orm/migrations';

export class Migration20261129173620_task_assignee_person_and_event_task_walks extends Migration {

  override async up(): Promise<void> {
    this.addSql(`drop index "events_task_id_index";`);

    this.addSql(`create index "events_task_id_id_index" on "events" ("task_id", "id");`);

    this.addSql(`create index "task_assignees_person_id_index" on "task_assignees" ("person_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "events_task_id_id_index";`);

    this.addSql(`create index "events_task_id_index" on "events" ("task_id");`);

    this.addSql(`drop index "task_assignees_person_id_index";`);
  }

}

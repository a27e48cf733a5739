import { Migration } from '@mikro-orm/migrations';
import { createIndexConcurrently } from '../concurrently';

export class Migration20261129173620_task_assignee_person_and_event_task_walks extends Migration {
  // The event log's index is built (and the one it replaces dropped) without blocking writes:
  // concurrently, outside a transaction; the new index first, so task walks always have one.
  override isTransactional(): boolean {
    return false;
  }

  override async up(): Promise<void> {
    await createIndexConcurrently(this, 'events_task_id_id_index', `"events" ("task_id", "id")`);
    this.addSql(`drop index concurrently if exists "events_task_id_index";`);
    await createIndexConcurrently(
      this,
      'task_assignees_person_id_index',
      `"task_assignees" ("person_id")`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`create index concurrently if not exists "events_task_id_index" on "events" ("task_id");`);
    this.addSql(`drop index concurrently if exists "events_task_id_id_index";`);
    this.addSql(`drop index concurrently if exists "task_assignees_person_id_index";`);
  }
}

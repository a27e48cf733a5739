import { Migration } from '@mikro-orm/migrations';
import { createIndexConcurrently } from '../concurrently';

export class Migration20261129081756_event_target_index extends Migration {
  // Built without blocking writes to a large event log: concurrently, outside a transaction.
  override isTransactional(): boolean {
    return false;
  }

  override async up(): Promise<void> {
    await createIndexConcurrently(this, 'events_target_id_id_index', `"events" ("target_id", "id")`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index concurrently if exists "events_target_id_id_index";`);
  }
}

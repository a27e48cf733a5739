import type { Migration } from '@mikro-orm/migrations';

/**
 * Creates an index on PostgreSQL without blocking writes to its table (`create index
 * concurrently`), for the tables that grow large (the event log): a migration that calls it
 * must not be transactional (`isTransactional() { return false }`), since PostgreSQL builds
 * such an index only outside a transaction. A build that failed half-way leaves an invalid
 * index of that name behind: it is dropped, concurrently too, and built again.
 */
export async function createIndexConcurrently(migration: Migration, name: string, on: string) {
  const invalid = await migration.execute(
    `select 1 from pg_class c join pg_index i on i.indexrelid = c.oid where c.relname = ? and not i.indisvalid`,
    [name],
  );
  if (invalid.length > 0) migration.addSql(`drop index concurrently if exists "${name}";`);
  migration.addSql(`create index concurrently if not exists "${name}" on ${on};`);
}

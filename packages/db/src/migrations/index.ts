import type { MigrationObject } from '@mikro-orm/core';
import type { Dialect } from '../database-url';
import { postgresMigrations } from './postgres';
import { sqliteMigrations } from './sqlite';

/** Listed statically so they run under tsx and in any bundle; one list per dialect. */
export function migrationsFor(dialect: Dialect): MigrationObject[] {
  return dialect === 'sqlite' ? sqliteMigrations : postgresMigrations;
}

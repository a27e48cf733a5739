import { DriverException } from '@mikro-orm/core';
import { entities } from './entities';

/** What a log may say about a failed statement: never its text, its values or the driver's detail. */
export interface DatabaseErrorSummary {
  type: string;
  /** SQLite's result code or PostgreSQL's SQLSTATE. */
  code?: string;
  /** The entity whose table the statement touched, when it can be told. */
  entity?: string;
  operation?: string;
}

const ENTITY_OF_TABLE = new Map(entities.map((e) => [e.meta.tableName, e.meta.className]));
const STATEMENT =
  /^\s*(insert|update|delete|select|with)\b[\s\S]*?\b(?:into|update|from)\s+[`"]?(\w+)/i;

/** The drivers' own errors carry the statement or the offending values in message and detail. */
function isDriverError(error: object): boolean {
  const name = error.constructor?.name;
  return error instanceof DriverException || name === 'SqliteError' || name === 'DatabaseError';
}

/**
 * A database error reduced to what is safe to log (its type, code, entity and operation), or
 * undefined when `error` is not one. MikroORM writes the whole statement, values included,
 * into its errors' messages, and PostgreSQL's detail quotes the conflicting value.
 */
export function describeDatabaseError(error: unknown): DatabaseErrorSummary | undefined {
  if (typeof error !== 'object' || error === null || !isDriverError(error)) return undefined;
  const { code, sqlState } = error as { code?: unknown; sqlState?: unknown };
  const message = error instanceof Error ? error.message : '';
  // The statement comes first in MikroORM's messages: only its verb and table are read.
  const statement = error instanceof DriverException ? STATEMENT.exec(message) : null;
  const table = statement?.[2];
  return {
    type: error.constructor.name,
    code: String(sqlState ?? code ?? '') || undefined,
    entity: table ? (ENTITY_OF_TABLE.get(table) ?? table) : undefined,
    operation: statement?.[1]?.toLowerCase(),
  };
}

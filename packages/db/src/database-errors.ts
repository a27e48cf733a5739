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

/**
 * Why the database could not serve a statement, when that is the fault: not the statement's nor
 * the caller's, and gone once the database is back. `full` and `read_only` are a disk's or a
 * file's state; `unavailable` is everything else (refused, dropped, shutting down, busy).
 */
export type DatabaseOutage = 'unavailable' | 'full' | 'read_only';

/** Node's socket errors for a server that is down, unreachable or gone mid-statement. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** The pg client's and knex's own words for a lost connection or an exhausted pool. */
const LOST_CONNECTION =
  /Connection terminated|connection error and is not queryable|Timeout acquiring a connection|Unable to acquire a connection|Connection ended|the database system is (?:shutting down|starting up|in recovery mode)/i;

function outageOfCode(code: string): DatabaseOutage | undefined {
  if (NETWORK_CODES.has(code)) return 'unavailable';
  // PostgreSQL: disk full, read-only transaction (a standby), connection exceptions (08…),
  // shutdown and recovery (57P01–57P03), out of memory or connections (53…), I/O error.
  if (code === '53100') return 'full';
  if (code === '25006') return 'read_only';
  if (/^(08|53)|^57P0[1-3]$|^58030$/.test(code)) return 'unavailable';
  // SQLite (better-sqlite3 names its extended result codes).
  if (code === 'SQLITE_FULL') return 'full';
  if (code.startsWith('SQLITE_READONLY')) return 'read_only';
  if (/^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|NOMEM|PROTOCOL)/.test(code)) return 'unavailable';
  return undefined;
}

/**
 * The outage behind `error` (walking its causes: MikroORM and knex wrap the driver's error), or
 * undefined when the error is anything else, a bug or a refused statement included.
 */
export function databaseOutageOf(error: unknown): DatabaseOutage | undefined {
  for (let link = error, depth = 0; link && typeof link === 'object' && depth < 5; depth++) {
    const { code, sqlState, name, message, cause, previous } = link as {
      code?: unknown;
      sqlState?: unknown;
      name?: unknown;
      message?: unknown;
      cause?: unknown;
      previous?: unknown;
    };
    for (const value of [sqlState, code]) {
      const outage = typeof value === 'string' ? outageOfCode(value) : undefined;
      if (outage) return outage;
    }
    if (name === 'KnexTimeoutError') return 'unavailable';
    if (typeof message === 'string' && LOST_CONNECTION.test(message)) return 'unavailable';
    link = cause ?? previous;
  }
  return undefined;
}

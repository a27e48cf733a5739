import { databaseOutageOf } from '@clapper/db';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { TRPCError } from '@trpc/server';

export type DomainErrorCode =
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'BAD_REQUEST'
  | 'TOO_MANY_REQUESTS'
  | 'SERVICE_UNAVAILABLE';

/**
 * Why a caller was refused (`error.data.reason`), for clients to act on without
 * reading the message: authentication's refusals (`UNAUTHORIZED`) and the
 * user-only and role guards (`FORBIDDEN`). An outage has its own reasons (below);
 * every other error has none (`null`).
 */
export const REFUSAL_REASONS = [
  /** No `Authorization` header and no session cookie. */
  'no_credential',
  /** Not a JWT, or its claims are not a Clapper token's. */
  'malformed_token',
  /** A JWT whose signature this server's key does not verify. */
  'bad_signature',
  /** A JWT signed with an algorithm other than the server's (`alg: none` included). */
  'algorithm_refused',
  /** The token's own `exp` has passed. */
  'token_expired',
  /** The bot's expiry date has passed (or was moved into the past). */
  'bot_expired',
  /** A bot token replaced by a regeneration (after its grace period). */
  'token_revoked',
  'bot_inactive',
  'bot_deleted',
  'user_inactive',
  /** A user token naming no user. */
  'user_deleted',
  /** The session was signed out, ended by a password change, or never existed. */
  'session_ended',
  'session_expired',
  /** `auth.login` with an unknown email or a wrong password. */
  'invalid_credentials',
  /** A bot on a route limited to real users. */
  'user_only_route',
  /** A caller whose role the route does not admit. */
  'role_forbidden',
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/**
 * Why a call answered SERVICE_UNAVAILABLE: its database could not serve it. The call may be
 * tried again after the answer's `Retry-After` (a mutation with an idempotency key included).
 */
export const OUTAGE_REASONS = [
  /** Refused, dropped, shutting down, recovering, busy past its timeout, or its pool exhausted. */
  'database_unavailable',
  /** The database's disk is full. */
  'database_full',
  /** The database is read-only (a standby, or a file that cannot be written). */
  'database_read_only',
] as const;
export type OutageReason = (typeof OUTAGE_REASONS)[number];

/** `error.data.reason`: a refusal's or an outage's, null for every other error. */
export type ErrorReason = RefusalReason | OutageReason;

/** The one error type of the domain; `toTRPCError` maps it for the wire. */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** The input field at fault, for forms to show the message in place. */
    readonly field?: string,
    /** Why the caller was refused, or the outage (`error.data.reason`). */
    readonly reason?: ErrorReason,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const unauthorized = (message: string, reason: RefusalReason) =>
  new DomainError('UNAUTHORIZED', message, undefined, reason);
export const forbidden = (message: string, reason?: RefusalReason) =>
  new DomainError('FORBIDDEN', message, undefined, reason);
export const notFound = (what: string) => new DomainError('NOT_FOUND', `${what} not found`);
export const badRequest = (field: string, message: string) =>
  new DomainError('BAD_REQUEST', `${field}: ${message}`, field);
export const conflict = (field: string, message: string) =>
  new DomainError('CONFLICT', message, field);

const UNIQUE_INDEXES: [RegExp, string, string][] = [
  [/short_name_key/, 'shortName', 'That short name is already taken'],
  [/name_key/, 'name', 'That name is already taken'],
  [/email/, 'email', 'That email is already in use'],
];

/** The driver's reason comes last, after the statement (which holds values): only it is read. */
function fieldOfUniqueIndex(message: string): [string | undefined, string] {
  const reason = message.slice(message.lastIndexOf(' - ') + 1);
  const known = UNIQUE_INDEXES.find(([index]) => index.test(reason));
  return known ? [known[1], known[2]] : [undefined, 'That value is already taken'];
}

/** Maps what handlers throw to a tRPC error; anything unknown stays an internal error. */
export function toTRPCError(error: unknown): TRPCError | undefined {
  if (error instanceof DomainError) {
    return new TRPCError({ code: error.code, message: error.message, cause: error });
  }
  if (error instanceof UniqueConstraintViolationException) {
    // A write that lost a race with another: the index names the field (never the value).
    const [field, message] = fieldOfUniqueIndex(error.message);
    return new TRPCError({
      code: 'CONFLICT',
      message,
      cause: new DomainError('CONFLICT', message, field),
    });
  }
  const outage = databaseOutageOf(error);
  if (outage) {
    const cause = databaseUnavailable(outage);
    return new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: cause.message, cause });
  }
  return undefined;
}

const OUTAGE_MESSAGES = {
  unavailable: 'The database is unavailable: try again shortly',
  full: "The database's disk is full: try again once space is freed",
  read_only: 'The database is read-only: try again shortly',
} as const;

/** A call refused because the database could not serve it (reason `database_…`). */
export function databaseUnavailable(outage: keyof typeof OUTAGE_MESSAGES): DomainError {
  return new DomainError(
    'SERVICE_UNAVAILABLE',
    OUTAGE_MESSAGES[outage],
    undefined,
    `database_${outage}`,
  );
}

/** Seconds a client should wait before trying a call refused with SERVICE_UNAVAILABLE again. */
export const RETRY_AFTER_SECONDS = 2;

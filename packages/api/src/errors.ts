import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { TRPCError } from '@trpc/server';

export type DomainErrorCode =
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'BAD_REQUEST'
  | 'TOO_MANY_REQUESTS';

/** The one error type of the domain; `toTRPCError` maps it for the wire. */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** The input field at fault, for forms to show the message in place. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const unauthorized = (message: string) => new DomainError('UNAUTHORIZED', message);
export const forbidden = (message: string) => new DomainError('FORBIDDEN', message);
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
  return undefined;
}

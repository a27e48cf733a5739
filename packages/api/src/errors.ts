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

/** Maps what handlers throw to a tRPC error; anything unknown stays an internal error. */
export function toTRPCError(error: unknown): TRPCError | undefined {
  if (error instanceof DomainError) {
    return new TRPCError({ code: error.code, message: error.message, cause: error });
  }
  if (error instanceof UniqueConstraintViolationException) {
    return new TRPCError({ code: 'CONFLICT', message: 'That name is already taken', cause: error });
  }
  return undefined;
}

import { describeDatabaseError } from '@clapper/db';
import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * An error for the log. When a database error is anywhere in its chain, only the error's type
 * and the database error's summary (code, entity, operation) are kept: the drivers put the
 * statement with its values (emails, password hashes, comment text) in messages and details,
 * and pino's own serializer would copy every message of the chain.
 */
export function serializeError(error: unknown) {
  for (let link: unknown = error, depth = 0; link && depth < 8; depth++) {
    const database = describeDatabaseError(link);
    if (database) {
      return { type: (error as Error).constructor?.name ?? 'Error', database };
    }
    link = (link as { cause?: unknown }).cause;
  }
  return pino.stdSerializers.err(error as Error);
}

/**
 * pino with credentials redacted wherever a serializer might put them. The
 * request serializer also drops the query string: tRPC GETs carry input there; the error
 * serializer drops what a failed statement held.
 */
export function createLogger({
  level = 'info',
  destination,
}: {
  level?: string;
  destination?: DestinationStream;
} = {}): Logger {
  return pino(
    {
      level,
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'res.headers["set-cookie"]',
          '*.token',
          '*.password',
        ],
        censor: '[redacted]',
      },
      serializers: {
        err: serializeError,
        req: (req: { method: string; url: string; ip?: string }) => ({
          method: req.method,
          url: req.url.split('?')[0],
          ip: req.ip,
        }),
      },
    },
    destination ?? pino.destination(1),
  );
}

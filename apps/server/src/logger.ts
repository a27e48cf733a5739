import { describeDatabaseError } from '@clapper/db';
import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';

/** `json`: one JSON object a line, for machines; `pretty`: one coloured line, for people. */
export type LogFormat = 'json' | 'pretty';

/** `LOG_FORMAT`, else pretty for a terminal and JSON for anything else (a file, a pipe, a collector). */
export function logFormatFor(configured: LogFormat | undefined, isTerminal: boolean): LogFormat {
  return configured ?? (isTerminal ? 'pretty' : 'json');
}

/** The request line's fields, shown as `GET /path 200 1.2 ms 127.0.0.1` rather than as keys. */
const REQUEST_FIELDS = ['reqId', 'method', 'url', 'statusCode', 'ms', 'ip'];

/**
 * pino-pretty as a stream in this thread, not as a transport: a transport is a worker that
 * loads pino-pretty by name, which the esbuild bundle (apps/server/build.ts) would have to
 * resolve at run time, and a worker cannot take the request line's format function.
 */
function prettyStream(destination: DestinationStream | number, colorize?: boolean) {
  return pretty({
    destination,
    // Unset, pino-pretty's default (colour on a terminal, off with NO_COLOR); undefined would override it.
    ...(colorize === undefined ? {} : { colorize }),
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: ['pid', 'hostname', ...REQUEST_FIELDS].join(','),
    singleLine: true,
    messageFormat: (log, messageKey, _level, { colors }) => {
      if (log.msg !== 'request completed' || typeof log.statusCode !== 'number') {
        return String(log[messageKey] ?? '');
      }
      const status = log.statusCode;
      const paint = status >= 500 ? colors.red : status >= 400 ? colors.yellow : colors.green;
      return `${log.method} ${log.url} ${paint(String(status))} ${log.ms} ms ${colors.gray(String(log.ip ?? ''))}`;
    },
  });
}

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
  format = 'json',
  colorize,
}: {
  level?: string;
  destination?: DestinationStream;
  format?: LogFormat;
  /** Pretty lines only; by default when the terminal supports colour (and NO_COLOR is unset). */
  colorize?: boolean;
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
    format === 'pretty'
      ? prettyStream(destination ?? 1, colorize)
      : (destination ?? pino.destination(1)),
  );
}

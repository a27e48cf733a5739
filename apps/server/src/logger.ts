import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * pino with credentials redacted wherever a serializer might put them. The
 * request serializer also drops the query string: tRPC GETs carry input there.
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

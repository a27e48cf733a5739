import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadEnv } from '../src/env';
import { createLogger, type LogFormat, logFormatFor } from '../src/logger';

/** A logger of `format` writing into an array; `lines()` waits for the pretty stream to flush. */
function captured(format: LogFormat) {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(String(chunk));
      callback();
    },
  });
  const logger = createLogger({ format, destination, colorize: false });
  return {
    logger,
    async lines() {
      await new Promise((resolve) => setTimeout(resolve, 50));
      return chunks.join('').split('\n').filter(Boolean);
    },
  };
}

describe('log format', () => {
  it('json writes one JSON object a line, credentials redacted', async () => {
    const { logger, lines } = captured('json');
    logger
      .child({ reqId: 'req-1' })
      .info(
        { method: 'GET', url: '/healthz', statusCode: 200, ms: 1.5, ip: '127.0.0.1' },
        'request completed',
      );
    logger.info({ req: { method: 'GET', url: '/x?token=abc', headers: {} }, password: 'p' }, 'x');
    const [request, other] = (await lines()).map((line) => JSON.parse(line));
    expect(request).toMatchObject({ msg: 'request completed', statusCode: 200, url: '/healthz' });
    expect(other.req.url).toBe('/x');
  });

  it('pretty writes one human line per request, not JSON, redaction and serializers kept', async () => {
    const { logger, lines } = captured('pretty');
    logger
      .child({ reqId: 'req-1' })
      .info(
        { method: 'GET', url: '/trpc/auth.me', statusCode: 401, ms: 2.5, ip: '127.0.0.1' },
        'request completed',
      );
    logger.info({ user: { password: 'hunter2-secret' } }, 'signed in');
    logger.error({ err: new Error('boom') }, 'procedure failed');
    const out = await lines();
    for (const line of out) expect(line.startsWith('{')).toBe(false);
    expect(out[0]).toMatch(
      /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: GET \/trpc\/auth\.me 401 2\.5 ms 127\.0\.0\.1$/,
    );
    expect(out[1]).toContain('signed in');
    expect(out[1]).toContain('[redacted]');
    expect(out.join('\n')).not.toContain('hunter2-secret');
    expect(out[2]).toContain('ERROR: procedure failed');
    expect(out.join('\n')).toContain('boom');
  });

  it('follows LOG_FORMAT, else pretty on a terminal and JSON elsewhere', () => {
    expect(logFormatFor('json', true)).toBe('json');
    expect(logFormatFor('pretty', false)).toBe('pretty');
    expect(logFormatFor(undefined, true)).toBe('pretty');
    expect(logFormatFor(undefined, false)).toBe('json');
  });
});

describe('LOG_FORMAT', () => {
  const format = (value: string | undefined) => loadEnv({ LOG_FORMAT: value }).LOG_FORMAT;

  it('takes json or pretty; unset or empty leaves the choice to the terminal', () => {
    expect(format('json')).toBe('json');
    expect(format('pretty')).toBe('pretty');
    expect(format(undefined)).toBeUndefined();
    expect(format('')).toBeUndefined();
  });

  it('refuses anything else, naming the variable', () => {
    expect(() => format('yaml')).toThrow(/LOG_FORMAT/);
  });
});

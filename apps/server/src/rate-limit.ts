import type { TokenService } from '@clapper/api';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { credentialFrom } from './credentials';

/**
 * `CLAPPER_RATE_LIMIT` requests a minute per token. Only a token whose
 * signature verifies gets a budget of its own, keyed by its id; anything else
 * (no credential, a forged or garbage one) spends its address's budget, so
 * neither varying junk nor a forged token escapes the limit or spends another
 * token's. Past the limit: 429 TOO_MANY_REQUESTS in tRPC's error shape, with
 * Retry-After.
 */
export async function registerRateLimit(
  app: FastifyInstance,
  perMinute: number,
  tokens: TokenService,
) {
  await app.register(rateLimit, {
    max: perMinute,
    timeWindow: 60_000,
    keyGenerator: async (req) => {
      const credential = credentialFrom(req);
      if (!credential) return `ip:${req.ip}`;
      try {
        return `token:${(await tokens.verify(credential)).jti}`;
      } catch {
        return `ip:${req.ip}`;
      }
    },
    errorResponseBuilder: (req, context) => {
      const message = `Rate limit of ${context.max} requests a minute reached: retry in ${context.after}`;
      return new RateLimited(message, tooManyRequests(req, message));
    },
  });
  app.setErrorHandler((error, _req, reply) => {
    if (error instanceof RateLimited) return reply.code(429).send(error.body);
    return reply.send(error);
  });
}

/**
 * What @fastify/rate-limit throws past the limit; the error handler sends its body (tRPC's
 * shape). The REST routes' own error handler answers its message in theirs.
 */
class RateLimited extends Error {
  readonly statusCode = 429;
  constructor(
    message: string,
    readonly body: unknown,
  ) {
    super(message);
  }
}

/** tRPC's wire shape for an error, once per procedure of a batch, so clients read the code. */
function tooManyRequests(req: FastifyRequest, message: string) {
  const url = new URL(req.url, 'http://localhost');
  const paths = url.pathname.replace(/^\/trpc\/?/, '').split(',');
  const one = (path: string) => ({
    error: {
      json: {
        message,
        code: -32029,
        data: { code: 'TOO_MANY_REQUESTS', httpStatus: 429, path, field: null, reason: null },
      },
    },
  });
  return url.searchParams.get('batch') === '1' ? paths.map(one) : one(paths[0] ?? '');
}

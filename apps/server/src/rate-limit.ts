import type { TokenService } from '@clapper/api';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { credentialFrom } from './credentials';

/**
 * `CLAPPER_RATE_LIMIT` requests a minute per token. Only a token whose
 * signature verifies gets a budget of its own, keyed by its id; anything else
 * (no credential, a forged or garbage one) spends its address's budget, so
 * neither varying junk nor a forged token escapes the limit or spends another
 * token's. Past the limit: 429 TOO_MANY_REQUESTS, with Retry-After, in the shape of the
 * surface asked (tRPC's or REST's).
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
    // Thrown: the error handlers answer it in each surface's shape (http-errors.ts, rest.ts).
    errorResponseBuilder: (_req, context) => {
      const error = new Error(
        `Rate limit of ${context.max} requests a minute reached: retry in ${context.after}`,
      );
      return Object.assign(error, { statusCode: 429 });
    },
  });
}

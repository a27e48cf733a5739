import { type AnyTRPCRouter, TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { toTRPCError } from '../errors';
import { getErrorShape } from './trpc-internals';

/** Fastify's own refusals (before any procedure runs) and the tRPC code each one is. */
const CODES: Record<number, TRPCError['code']> = {
  400: 'BAD_REQUEST',
  404: 'NOT_FOUND',
  408: 'TIMEOUT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
};

/**
 * A refusal Fastify made (bad JSON, a body over the limit, a content type it cannot read, the
 * rate limit) or a hook's database outage as the tRPC error it is; null for a server fault,
 * which stays Fastify's 500.
 */
export function refusalOf(error: Pick<FastifyError, 'statusCode' | 'message'>): TRPCError | null {
  const mapped = toTRPCError(error);
  if (mapped?.code === 'SERVICE_UNAVAILABLE') return mapped;
  const code = CODES[error.statusCode ?? 500];
  if (!code) return null;
  const message =
    code === 'UNSUPPORTED_MEDIA_TYPE'
      ? 'The body must be JSON, sent as content-type: application/json'
      : error.message;
  return new TRPCError({ code, message, cause: error });
}

/**
 * Fastify's refusals on `/trpc` answer in tRPC's error shape, made by the router's own error
 * formatter as every other error is (once per procedure of a batch, so clients read the code);
 * the REST routes have their own handler (rest.ts); anything else is Fastify's to answer.
 */
export function registerHttpErrors(app: FastifyInstance, router: AnyTRPCRouter) {
  const config = router._def._config;
  app.setErrorHandler((error: FastifyError, req, reply) => {
    const refusal = req.url.startsWith('/trpc') ? refusalOf(error) : null;
    if (!refusal) return reply.send(error);
    const url = new URL(req.url, 'http://localhost');
    const paths = url.pathname.replace(/^\/trpc\/?/, '').split(',');
    const one = (path: string) => ({
      error: config.transformer.output.serialize(
        getErrorShape({
          config,
          error: refusal,
          type: 'unknown',
          path,
          input: undefined,
          ctx: undefined,
        }),
      ),
    });
    const body = url.searchParams.get('batch') === '1' ? paths.map(one) : one(paths[0] ?? '');
    return reply.code(getHTTPStatusCodeFromError(refusal)).send(body);
  });
}

/**
 * Fastify's own refusals in `api`'s scope (bad JSON, a body over the limit, a wrong content
 * type, the rate limit) and its unknown routes, answered by `send` in the surface's own error
 * shape; a server fault stays an internal error.
 */
export function refuseInShape(
  api: FastifyInstance,
  send: (req: FastifyRequest, reply: FastifyReply, cause: unknown) => unknown,
) {
  api.setErrorHandler((error: FastifyError, req, reply) =>
    send(req, reply, refusalOf(error) ?? error),
  );
  api.setNotFoundHandler((req, reply) =>
    send(
      req,
      reply,
      new TRPCError({
        code: 'NOT_FOUND',
        message: `No route ${req.method} ${req.url.split('?')[0]}`,
      }),
    ),
  );
}

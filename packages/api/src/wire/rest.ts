import { type AnyTRPCRouter, TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../errors';
import type { RestRoute } from '../rest/document';
import { oncePerFrozen } from './frozen';
import { refuseInShape } from './http-errors';
import { callProcedure, type ProcedureDef } from './lean-trpc';
import { getErrorShape, getTRPCErrorFromUnknown } from './trpc-internals';

export interface RestOptions<TContext> {
  router: AnyTRPCRouter;
  routes: RestRoute[];
  /**
   * The OpenAPI document, served at `/openapi.json`: made once, when first asked for. Its
   * modules take a few hundred milliseconds to load, which no start (and no request made
   * just after one) should wait for.
   */
  document: () => Promise<object>;
  createContext(req: FastifyRequest, reply: FastifyReply): TContext;
  onError(opts: { error: TRPCError; path?: string; req: FastifyRequest }): void;
}

/**
 * The REST surface (`/api/v1`, registered with that prefix): one Fastify route per procedure
 * with an `openapi` meta. Input is the query (GET, DELETE) or the JSON body, with the path's
 * parameters; the procedure runs through the same middlewares as over tRPC (`callProcedure`),
 * so authentication, roles, user-only routes, dry runs and idempotency keys hold alike. The
 * answer is plain JSON; every error is `{ code, message, field, reason }` with tRPC's status.
 * trpc-to-openapi makes the document; its adapter is not used (docs/decisions.md says why).
 */
export async function registerRest<TContext>(api: FastifyInstance, options: RestOptions<TContext>) {
  const { router, routes, createContext, onError } = options;
  const config = router._def._config;
  let documentJson: Promise<string> | undefined;
  const documentOnce = () => {
    documentJson ??= options.document().then((document) => JSON.stringify(document));
    return documentJson;
  };

  const sendError = (req: FastifyRequest, reply: FastifyReply, cause: unknown, route?: Call) => {
    const error = getTRPCErrorFromUnknown(cause);
    onError({ error, path: route?.path, req });
    const shape = getErrorShape({
      config,
      error,
      type: route?.type ?? 'unknown',
      path: route?.path,
      input: route?.input,
      ctx: route?.ctx,
    });
    const data = shape.data as { field?: string | null; reason?: string | null; issues?: unknown };
    return reply.code(getHTTPStatusCodeFromError(error)).send({
      code: error.code,
      message: shape.message,
      field: data.field ?? null,
      reason: data.reason ?? null,
      ...(data.issues ? { issues: data.issues } : {}),
    });
  };

  // JSON only: a text body is refused (415) rather than read as input.
  api.removeContentTypeParser('text/plain');
  refuseInShape(api, sendError);

  api.get('/openapi.json', async (_req, reply) =>
    reply.header('content-type', 'application/json; charset=utf-8').send(await documentOnce()),
  );

  for (const route of routes) {
    const def = route.procedure._def as unknown as ProcedureDef;
    const type = def.type as 'query' | 'mutation';
    const fromQuery = route.method === 'GET' || route.method === 'DELETE';
    const readInput = inputReader(route.procedure._def.inputs[0], fromQuery);
    api.route({
      method: route.method,
      url: route.path.replace(/\{(\w+)\}/g, ':$1'),
      handler: async (req, reply) => {
        const call: Call = { path: route.procedurePath, type, input: undefined, ctx: undefined };
        try {
          call.input = readInput(req);
          call.ctx = createContext(req, reply);
          const data = await callProcedure(def, {
            path: call.path,
            getRawInput: async () => call.input,
            ctx: call.ctx,
            type,
            signal: undefined,
            batchIndex: 0,
          });
          return reply.header('content-type', 'application/json; charset=utf-8').send(jsonOf(data));
        } catch (cause) {
          return sendError(req, reply, cause, call);
        }
      },
    });
  }
}

interface Call {
  path: string;
  type: 'query' | 'mutation';
  input: unknown;
  ctx: unknown;
}

/** The answer's JSON; a cached (frozen) answer's bytes are made once while it lives. */
const jsonOf = oncePerFrozen((data) => Buffer.from(JSON.stringify(data)));

/** A refusal of the request's input, naming the field, as the procedures' own refusals do. */
function inputError(field: string, message: string) {
  const text = `${field}: ${message}`;
  return new TRPCError({
    code: 'BAD_REQUEST',
    message: text,
    cause: new DomainError('BAD_REQUEST', text, field),
  });
}

/**
 * How a route reads its input: the query (GET, DELETE; numbers and booleans read from their
 * text) or the JSON body, with the path's parameters. A name the input does not have is
 * refused rather than dropped (a typo in a filter would otherwise list everything), and so is
 * a body field that contradicts the path.
 */
function inputReader(schema: unknown, fromQuery: boolean) {
  const object = unwrap(schema);
  const shape = object?._zod.def.type === 'object' ? (object._zod.def.shape ?? {}) : {};
  const known = new Set(Object.keys(shape));
  const coercion = new Map<string, (value: string) => unknown>();
  for (const [key, field] of Object.entries(shape)) {
    const type = unwrap(field)?._zod.def.type;
    if (type === 'number') {
      coercion.set(key, (v) => (/^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v));
    } else if (type === 'boolean') {
      coercion.set(key, (v) => (v === 'true' ? true : v === 'false' ? false : v));
    }
  }
  const unknownField = (key: string) =>
    inputError(key, `is not an input of this route (it takes ${[...known].join(', ') || 'none'})`);

  return (req: FastifyRequest): Record<string, unknown> => {
    const params = req.params as Record<string, string>;
    const input: Record<string, unknown> = {};
    if (fromQuery) {
      const query = req.query as Record<string, string | string[]>;
      for (const key of Object.keys(query)) {
        if (!known.has(key) || key in params) throw unknownField(key);
        const as = coercion.get(key);
        const value = query[key]!;
        input[key] = as && typeof value === 'string' ? as(value) : value;
      }
    } else if (req.body !== undefined) {
      const body = req.body;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw inputError('input', 'the body must be a JSON object');
      }
      for (const [key, value] of Object.entries(body)) {
        if (!known.has(key)) throw unknownField(key);
        if (key in params && value !== params[key]) {
          throw inputError(key, `is ${params[key]} in the path and differs in the body`);
        }
        input[key] = value;
      }
    }
    return Object.assign(input, params);
  };
}

interface ZodLike {
  _zod: { def: { type: string; innerType?: unknown; shape?: Record<string, unknown> } };
}

/** The schema inside `.optional()`, `.nullable()`, `.default()`: what a value must be. */
function unwrap(schema: unknown): ZodLike | undefined {
  let at = schema as ZodLike | undefined;
  while (at?._zod.def.innerType !== undefined) at = at._zod.def.innerType as ZodLike;
  return at;
}

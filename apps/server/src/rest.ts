import { type AnyTRPCRouter, TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { getErrorShape, getTRPCErrorFromUnknown } from '@trpc/server/unstable-core-do-not-import';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { instanceofZodTypeKind, unwrapZodType } from 'trpc-to-openapi';
import { refusalOf } from './http-errors';
import { callProcedure, type ProcedureDef } from './lean-trpc';

interface RestRouteDef {
  procedurePath: string;
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  procedure: { _def: { type: string; inputs: unknown[] } };
}

export interface RestOptions<TContext> {
  router: AnyTRPCRouter;
  routes: RestRouteDef[];
  /** The OpenAPI document, served as is at `/openapi.json`. */
  document: object;
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
  const documentJson = JSON.stringify(options.document);

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
  // Fastify's own refusals in this scope (bad JSON, a body over the limit, a wrong content
  // type, the rate limit) answer in the same shape; a server fault stays an internal error.
  api.setErrorHandler((error: FastifyError, req, reply) =>
    sendError(req, reply, refusalOf(error) ?? error),
  );
  api.setNotFoundHandler((req, reply) =>
    sendError(
      req,
      reply,
      new TRPCError({
        code: 'NOT_FOUND',
        message: `No route ${req.method} ${req.url.split('?')[0]}`,
      }),
    ),
  );

  api.get('/openapi.json', (_req, reply) =>
    reply.header('content-type', 'application/json; charset=utf-8').send(documentJson),
  );

  for (const route of routes) {
    const def = route.procedure._def as unknown as ProcedureDef;
    const type = def.type as 'query' | 'mutation';
    const fromQuery = route.method === 'GET' || route.method === 'DELETE';
    const coerce = queryCoercion(route.procedure._def.inputs[0]);
    const frozenBodies = new WeakMap<object, string>();
    api.route({
      method: route.method,
      url: route.path.replace(/\{(\w+)\}/g, ':$1'),
      handler: async (req, reply) => {
        const call: Call = { path: route.procedurePath, type, input: undefined, ctx: undefined };
        try {
          call.input = inputOf(req, fromQuery, coerce);
          call.ctx = createContext(req, reply);
          const data = await callProcedure(def, {
            path: call.path,
            getRawInput: async () => call.input,
            ctx: call.ctx,
            type,
            signal: undefined,
            batchIndex: 0,
          });
          return reply
            .header('content-type', 'application/json; charset=utf-8')
            .send(jsonOf(data, frozenBodies));
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

/** A cached (frozen) answer cannot change: its JSON is made once while it lives. */
function jsonOf(data: unknown, frozen: WeakMap<object, string>) {
  if (typeof data !== 'object' || data === null || !Object.isFrozen(data)) {
    return JSON.stringify(data);
  }
  let json = frozen.get(data);
  if (json === undefined) {
    json = JSON.stringify(data);
    frozen.set(data, json);
  }
  return json;
}

/** The query (with its coercion) or the JSON body, then the path's parameters over them. */
function inputOf(req: FastifyRequest, fromQuery: boolean, coerce: Coercion) {
  const params = req.params as Record<string, string>;
  if (fromQuery) {
    const query = req.query as Record<string, string | string[]>;
    const input: Record<string, unknown> = { ...params };
    for (const key of Object.keys(query)) {
      if (key in params) continue;
      const as = coerce.get(key);
      const value = query[key]!;
      input[key] = as && typeof value === 'string' ? as(value) : value;
    }
    return input;
  }
  const body: unknown = req.body;
  if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'input: the body must be a JSON object' });
  }
  return { ...(body as object | undefined), ...params };
}

type Coercion = Map<string, (value: string) => unknown>;

/**
 * How a query string's text becomes the number or boolean a field wants: exact forms only
 * (`12`, `true`); anything else is passed on as text, for the schema to refuse with the field's
 * name. The schema itself is not touched: tRPC uses the same one.
 */
function queryCoercion(schema: unknown): Coercion {
  const coercion: Coercion = new Map();
  const object = schema === undefined ? undefined : unwrapZodType(schema as never, true);
  if (!object || !instanceofZodTypeKind(object, 'object')) return coercion;
  for (const [key, field] of Object.entries((object as unknown as { shape: object }).shape)) {
    const inner = unwrapZodType(field, false);
    if (instanceofZodTypeKind(inner, 'number')) {
      coercion.set(key, (v) => (/^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v));
    } else if (instanceofZodTypeKind(inner, 'boolean')) {
      coercion.set(key, (v) => (v === 'true' ? true : v === 'false' ? false : v));
    }
  }
  return coercion;
}

import { type AnyTRPCRouter, TRPCError } from '@trpc/server';
import {
  getErrorShape,
  getHTTPStatusCode,
  getTRPCErrorFromUnknown,
  isAsyncIterable,
  isObject,
  isPromise,
  middlewareMarker,
} from '@trpc/server/unstable-core-do-not-import';
import type { FastifyReply, FastifyRequest } from 'fastify';

interface CallOptions {
  path: string;
  getRawInput: () => Promise<unknown>;
  ctx: unknown;
  type: 'query' | 'mutation';
  signal: AbortSignal | undefined;
  batchIndex: number;
  input?: unknown;
}

type MiddlewareResult = { ok: true; data: unknown } | { ok: false; error: TRPCError };

interface ProcedureDef {
  type: string;
  meta: unknown;
  middlewares: ((opts: object) => Promise<MiddlewareResult>)[];
}

/**
 * tRPC's `callRecursive`, statement for statement, building each middleware's
 * options as one literal of fixed shape: the compiled object spread tRPC ships
 * cost more than everything else a cached read does. The same middlewares run,
 * in the same order, with the same options.
 */
function callRecursive(
  index: number,
  def: ProcedureDef,
  opts: CallOptions,
): Promise<MiddlewareResult> {
  const middleware = def.middlewares[index]!;
  const next = (nextOpts?: {
    ctx?: object;
    input?: unknown;
    getRawInput?: () => Promise<unknown>;
  }) =>
    callRecursive(index + 1, def, {
      path: opts.path,
      getRawInput: nextOpts?.getRawInput ?? opts.getRawInput,
      ctx: nextOpts?.ctx ? { ...(opts.ctx as object), ...nextOpts.ctx } : opts.ctx,
      type: opts.type,
      signal: opts.signal,
      batchIndex: opts.batchIndex,
      input: nextOpts && 'input' in nextOpts ? nextOpts.input : opts.input,
    });
  try {
    return middleware({
      path: opts.path,
      getRawInput: opts.getRawInput,
      ctx: opts.ctx,
      type: opts.type,
      signal: opts.signal,
      batchIndex: opts.batchIndex,
      input: opts.input,
      meta: def.meta,
      next,
    }).catch(failed);
  } catch (cause) {
    return Promise.resolve(failed(cause));
  }
}

const failed = (cause: unknown) =>
  ({
    ok: false,
    error: getTRPCErrorFromUnknown(cause),
    marker: middlewareMarker,
  }) as MiddlewareResult;

/** tRPC's procedure call (`createProcedureCaller`) over the lean `callRecursive`. */
export async function callProcedure(def: ProcedureDef, opts: CallOptions): Promise<unknown> {
  const result = await callRecursive(0, def, opts);
  if (!result) {
    throw new TRPCError({
      code: 'INTERNAL_SERVER_ERROR',
      message: 'No result from middlewares - did you forget to `return next()`?',
    });
  }
  if (!result.ok) throw result.error;
  return result.data;
}

export interface LeanTrpcOptions<TContext> {
  router: AnyTRPCRouter;
  createContext(req: FastifyRequest, reply: FastifyReply): TContext;
  onError(opts: {
    error: TRPCError;
    path: string;
    input: unknown;
    ctx: TContext | undefined;
    type: 'query' | 'mutation';
    req: FastifyRequest;
  }): void;
}

const METHOD_OF = { query: 'GET', mutation: 'POST' } as const;

/**
 * A shorter way through tRPC for the calls scripts make most: one query by GET
 * or one mutation by POST, unbatched, with input that parses. It calls the same
 * procedure, with the same middlewares, and writes the same status, headers and
 * body as tRPC's Fastify adapter (`resolveResponse`), without the Web `Request`,
 * abort signals and streamed `Response` the adapter builds for every call.
 * Anything else (batches, subscriptions, streaming, other content types, input
 * that does not parse, unknown paths) goes on to the adapter untouched.
 * `test/lean-trpc.test.ts` holds both paths to the same bytes on every procedure.
 */
export function leanTrpcHook<TContext>({
  router,
  createContext,
  onError,
}: LeanTrpcOptions<TContext>) {
  const config = router._def._config;
  const serialize = (value: unknown) => config.transformer.output.serialize(value);
  // What transformTRPCResponse makes of `{ result: { data } }`, without its spreads. A frozen
  // result (a cached page) cannot change, so its body is written once while it lives.
  const bodies = new WeakMap<object, Buffer>();
  const successBody = (data: unknown) => {
    const memo = typeof data === 'object' && data !== null && Object.isFrozen(data);
    let body = memo ? bodies.get(data) : undefined;
    if (body === undefined) {
      body = Buffer.from(JSON.stringify({ result: { data: serialize(data) } }));
      if (memo) bodies.set(data, body);
    }
    return body;
  };
  const procedures = router._def.procedures as Record<string, { _def: ProcedureDef } | undefined>;

  return async function leanTrpc(req: FastifyRequest, reply: FastifyReply) {
    const call = singleCall(req);
    if (!call) return;
    const procedure = procedures[call.path];
    const type = procedure?._def.type;
    if ((type !== 'query' && type !== 'mutation') || METHOD_OF[type] !== req.method) return;
    let input: { value: unknown } | undefined;
    try {
      const json = call.input === undefined ? undefined : JSON.parse(call.input);
      input =
        json === undefined ? undefined : { value: config.transformer.input.deserialize(json) };
    } catch {
      return; // tRPC reports a bad input in its own way and order
    }

    let ctx: TContext | undefined;
    let status = 200;
    // Bytes, not a string: Fastify would add `; charset=utf-8` to the adapter's content type.
    let body: Buffer;
    try {
      ctx = createContext(req, reply);
      const data = await callProcedure(procedure!._def, {
        path: call.path,
        getRawInput: async () => input?.value,
        ctx,
        type,
        signal: undefined,
        batchIndex: 0,
      });
      if (isDataStream(data)) {
        throw new TRPCError({
          code: 'UNSUPPORTED_MEDIA_TYPE',
          message:
            'Cannot use stream-like response in non-streaming request - use httpBatchStreamLink',
        });
      }
      body = successBody(data);
    } catch (cause) {
      const error = getTRPCErrorFromUnknown(cause);
      onError({ error, path: call.path, input: input?.value, ctx, type, req });
      const shape = getErrorShape({
        config,
        ctx,
        error,
        input: input?.value,
        path: call.path,
        type,
      });
      status = getHTTPStatusCode([{ error: shape }] as Parameters<typeof getHTTPStatusCode>[0]);
      body = Buffer.from(JSON.stringify({ error: serialize(shape) }));
    }
    reply
      .code(status)
      .header('content-type', 'application/json')
      .header('vary', 'trpc-accept, accept');
    return reply.send(body);
  };
}

/** The path and raw input of a request tRPC would treat as one JSON call, or null. */
function singleCall(req: FastifyRequest): { path: string; input: string | undefined } | null {
  const { method, headers } = req;
  if (method !== 'GET' && method !== 'POST') return null;
  if (headers['trpc-accept'] !== undefined || headers.accept?.includes('application/jsonl'))
    return null;
  const contentType = headers['content-type'];
  const isJson = contentType?.toLowerCase().split(';', 1)[0]?.trim() === 'application/json';
  if (method === 'GET' ? contentType !== undefined && !isJson : !isJson) return null;
  const query = req.url.indexOf('?');
  const search = new URLSearchParams(query === -1 ? '' : req.url.slice(query + 1));
  if (search.get('batch') === '1' || search.has('connectionParams')) return null;
  const raw = (req.params as { path?: string }).path;
  if (raw === undefined) return null;
  let path: string;
  try {
    path = decodeURIComponent(raw);
  } catch {
    return null;
  }
  if (method === 'GET') return { path, input: search.get('input') || undefined };
  return typeof req.body === 'string' && req.body !== '' ? { path, input: req.body } : null;
}

/** As tRPC's adapter decides: an async iterable, or an object holding promises or iterables. */
function isDataStream(value: unknown) {
  if (!isObject(value)) return false;
  if (isAsyncIterable(value)) return true;
  const values = Object.values(value);
  return values.some(isPromise) || values.some(isAsyncIterable);
}

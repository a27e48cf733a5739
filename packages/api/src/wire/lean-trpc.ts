import { type AnyTRPCRouter, TRPCError } from '@trpc/server';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { oncePerFrozen } from './frozen';
import {
  getErrorShape,
  getHTTPStatusCode,
  getTRPCErrorFromUnknown,
  isAsyncIterable,
  isObject,
  isPromise,
  middlewareMarker,
} from './trpc-internals';

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

export interface ProcedureDef {
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
  /** The adapter's `maxBatchSize`: a longer batch is the adapter's to refuse. */
  maxBatchSize: number;
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

/**
 * A shorter way through tRPC for the calls scripts and the admin make: queries
 * by GET and mutations by POST, alone or batched (`@trpc/client`'s batch link
 * batches even a single call), with input that parses. It calls the same
 * procedures, with the same middlewares, concurrently within a batch as tRPC
 * does, and writes the same status, headers and body as tRPC's Fastify adapter
 * (`resolveResponse`), without the Web `Request`, abort signals and streamed
 * `Response` the adapter builds for every request. Anything else
 * (subscriptions, streaming, other content types, input that does not parse,
 * unknown paths, mixed batches) goes on to the adapter untouched.
 * `test/lean-trpc.test.ts` holds both paths to the same bytes on every procedure.
 */
export function leanTrpcHook<TContext>({
  router,
  maxBatchSize,
  createContext,
  onError,
}: LeanTrpcOptions<TContext>) {
  const config = router._def._config;
  const toJson = outputJson(config.transformer);
  const deserialize = (value: unknown) => config.transformer.input.deserialize(value);
  // What transformTRPCResponse makes of `{ result: { data } }`, without its spreads. A frozen
  // result (a cached page) cannot change, so its JSON, and its bytes once sent alone, are made
  // once while it lives.
  const resultOf = oncePerFrozen((data): { json: string; bytes?: Buffer } => ({
    json: `{"result":{"data":${toJson(data)}}}`,
  }));
  const singleBody = (data: unknown) => {
    const result = resultOf(data);
    result.bytes ??= Buffer.from(result.json);
    return result.bytes;
  };
  const procedures = router._def.procedures as Record<string, { _def: ProcedureDef } | undefined>;

  return async function leanTrpc(req: FastifyRequest, reply: FastifyReply) {
    const request = jsonCall(req);
    if (!request || request.paths.length > maxBatchSize) return;
    const { paths, batch } = request;
    const type = req.method === 'GET' ? 'query' : 'mutation';
    const calls = paths.map((path) => ({ path, procedure: procedures[path] }));
    if (calls.some((c) => c.procedure?._def.type !== type)) return;
    let inputs: ({ value: unknown } | undefined)[];
    try {
      const json: unknown = request.input === undefined ? undefined : JSON.parse(request.input);
      if (!batch) {
        inputs = [json === undefined ? undefined : { value: deserialize(json) }];
      } else {
        if (json !== undefined && !isObject(json)) return;
        const all = (json ?? {}) as Record<number, unknown>;
        inputs = paths.map((_, i) =>
          all[i] === undefined ? undefined : { value: deserialize(all[i]) },
        );
      }
    } catch {
      return; // tRPC reports a bad input in its own way and order
    }

    let ctx: TContext | undefined;
    let outcomes: Outcome[];
    try {
      ctx = createContext(req, reply);
      const run = ({ path, procedure }: (typeof calls)[number], index: number) =>
        callProcedure(procedure!._def, {
          path,
          getRawInput: async () => inputs[index]?.value,
          ctx,
          type,
          signal: undefined,
          batchIndex: index,
        }).then(settled, refused);
      // A batch's calls all start before any is awaited, as the adapter does.
      outcomes = calls.length === 1 ? [await run(calls[0]!, 0)] : await Promise.all(calls.map(run));
    } catch (cause) {
      outcomes = calls.map(() => ({ ok: false, cause }));
    }

    const items: string[] = [];
    const shapes: object[] = [];
    for (const [index, outcome] of outcomes.entries()) {
      if (outcome.ok) {
        items.push(resultOf(outcome.data).json);
        shapes.push({ result: {} });
        continue;
      }
      const { path } = calls[index]!;
      const input = inputs[index]?.value;
      const error = getTRPCErrorFromUnknown(outcome.cause);
      onError({ error, path, input, ctx, type, req });
      const shape = getErrorShape({ config, ctx, error, input, path, type });
      items.push(`{"error":${toJson(shape)}}`);
      shapes.push({ error: shape });
    }
    // Bytes, not a string: Fastify would add `; charset=utf-8` to the adapter's content type.
    const [first] = outcomes;
    const body =
      !batch && first?.ok
        ? singleBody(first.data)
        : Buffer.from(batch ? `[${items.join(',')}]` : items[0]!);
    reply
      .code(getHTTPStatusCode(shapes as Parameters<typeof getHTTPStatusCode>[0]))
      .header('content-type', 'application/json')
      .header('vary', 'trpc-accept, accept');
    return reply.send(body);
  };
}

type Outcome = { ok: true; data: unknown } | { ok: false; cause: unknown };

const settled = (data: unknown): Outcome =>
  isDataStream(data) ? { ok: false, cause: streamRefused() } : { ok: true, data };
const refused = (cause: unknown): Outcome => ({ ok: false, cause });

const streamRefused = () =>
  new TRPCError({
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'Cannot use stream-like response in non-streaming request - use httpBatchStreamLink',
  });

/** The paths and raw input of a request tRPC would answer with JSON, or null. */
function jsonCall(
  req: FastifyRequest,
): { paths: string[]; batch: boolean; input: string | undefined } | null {
  const { method, headers } = req;
  if (method !== 'GET' && method !== 'POST') return null;
  if (headers['trpc-accept'] !== undefined || headers.accept?.includes('application/jsonl'))
    return null;
  const contentType = headers['content-type'];
  const isJson = contentType?.toLowerCase().split(';', 1)[0]?.trim() === 'application/json';
  if (method === 'GET' ? contentType !== undefined && !isJson : !isJson) return null;
  const query = req.url.indexOf('?');
  const search = new URLSearchParams(query === -1 ? '' : req.url.slice(query + 1));
  if (search.has('connectionParams')) return null;
  const batch = search.get('batch') === '1';
  const raw = (req.params as { path?: string }).path;
  if (raw === undefined) return null;
  let path: string;
  try {
    path = decodeURIComponent(raw);
  } catch {
    return null;
  }
  const paths = batch ? path.split(',') : [path];
  if (method === 'GET') return { paths, batch, input: search.get('input') || undefined };
  return typeof req.body === 'string' && req.body !== '' ? { paths, batch, input: req.body } : null;
}

/** As tRPC's adapter decides: an async iterable, or an object holding promises or iterables. */
function isDataStream(value: unknown) {
  if (!isObject(value)) return false;
  if (isAsyncIterable(value)) return true;
  const values = Object.values(value);
  return values.some(isPromise) || values.some(isAsyncIterable);
}

/**
 * The transformer's output as JSON text: its own `toJson` when it has one (ours writes the text
 * itself, and splices in what it wrote before for a frozen part), else its `serialize`, stringified.
 */
export function outputJson(transformer: AnyTRPCRouter['_def']['_config']['transformer']) {
  const output = transformer.output as typeof transformer.output & {
    toJson?: (value: unknown) => string;
  };
  return output.toJson ?? ((value: unknown) => JSON.stringify(output.serialize(value)));
}

import type { OutgoingHttpHeaders } from 'node:http';
import type { AnyTRPCRouter } from '@trpc/server';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { batchesOf } from '../events/batched';
import { oncePerFrozen } from './frozen';
import { callProcedure, outputJson, type ProcedureDef } from './lean-trpc';
import {
  getErrorShape,
  getTRPCErrorFromUnknown,
  isAsyncIterable,
  isObject,
  isTrackedEnvelope,
  type TRPCError,
} from './trpc-internals';

export interface LeanSseOptions<TContext> {
  router: AnyTRPCRouter;
  /** The subscriptions served here; any other goes on to tRPC's adapter. */
  paths: readonly string[];
  createContext(req: FastifyRequest, reply: FastifyReply): TContext;
  onError(opts: { error: TRPCError; path: string; req: FastifyRequest }): void;
}

/**
 * A subscriber this far behind when something new is to be written (bytes written to its socket
 * and not yet taken) is let go: its client reconnects with the last event id it got and is sent
 * the rest from the log. Without it, a slow reader would hold every event meant for it in the
 * server's memory; with it, one holds at most this and one batch.
 */
export const MAX_BUFFERED_BYTES = 1024 * 1024;

/** tRPC's `sseHeaders`. */
const SSE_HEADERS = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
  connection: 'keep-alive',
};

/**
 * A live subscription (`events.subscribe`) written straight to the socket, without the
 * machinery of tRPC's `sseStreamProducer`: its layers of async generators, a ping timer and a
 * promise race for every item, and a Web stream in front of the response cost ~100 µs of CPU
 * per event per subscriber, so a few hundred subscribers filled a core at a few events a second.
 * The same procedure runs (its middlewares authenticate and its generator decides what the
 * caller may see), and the bytes are the producer's: `connected` with the client options,
 * `data:`/`id:` per tracked item, `ping` after `sse.ping.intervalMs` of silence,
 * `serialized-error` with the error's shape, `return` at the end. An item's frame is made once
 * for every subscriber it goes to, and a procedure that yields batches (`Batched`, as the event
 * feed does with what the hub read together) has each batch written in one go, one async step
 * per batch, not per item. `test/lean-sse.test.ts` holds it to tRPC's bytes.
 */
export function leanSseHook<TContext>({
  router,
  paths,
  createContext,
  onError,
}: LeanSseOptions<TContext>) {
  const config = router._def._config;
  const sse = (config.sse ?? {}) as {
    ping?: { enabled?: boolean; intervalMs?: number };
    client?: object;
  };
  const pingMs = sse.ping?.enabled ? (sse.ping.intervalMs ?? 1000) : 0;
  const connected = `event: connected\ndata: ${JSON.stringify(sse.client ?? {})}\n\n\n`;
  const serialize = outputJson(config.transformer);
  const deserialize = (value: unknown) => config.transformer.input.deserialize(value);
  const procedures = router._def.procedures as Record<string, { _def: ProcedureDef } | undefined>;
  // An item's frame: made once for a frozen event, which goes to every subscriber.
  const dataLine = (data: unknown) => `data: ${serialize(data)}\n`;
  const frameOf = oncePerFrozen((value) =>
    isTrackedEnvelope(value)
      ? `${dataLine(value[1])}id: ${value[0]}\n\n\n`
      : `${dataLine(value)}\n\n`,
  );
  // A batch's frames, as bytes: made once for a frozen batch that goes to many subscribers.
  const framesOf = oncePerFrozen((batch) => {
    let frames = '';
    for (const value of batch as readonly unknown[]) frames += frameOf(value);
    return Buffer.from(frames);
  }) as (batch: readonly unknown[]) => Buffer;

  return async function leanSse(req: FastifyRequest, reply: FastifyReply) {
    if (req.method !== 'GET') return;
    const path = (req.params as { path?: string }).path;
    if (path === undefined || !paths.includes(path)) return;
    const procedure = procedures[path];
    if (procedure?._def.type !== 'subscription') return;
    const url = new URL(req.url, 'http://localhost');
    const search = url.searchParams;
    if (search.has('batch') || search.has('connectionParams')) return;
    let input: unknown;
    try {
      const raw = search.get('input');
      input = raw ? deserialize(JSON.parse(raw)) : undefined;
    } catch {
      return; // tRPC reports a bad input in its own way
    }
    const header = req.headers['last-event-id'];
    const lastEventId =
      (typeof header === 'string' ? header : undefined) ??
      search.get('lastEventId') ??
      search.get('Last-Event-Id');
    if (lastEventId) {
      if (isObject(input)) input = { ...input, lastEventId };
      else input ??= { lastEventId };
    }

    reply.hijack();
    void stream(req, reply, path, procedure._def, input);
    // Returned at once: the stream goes on outside Fastify's hooks, which have nothing to send.
    return reply;
  };

  async function stream(
    req: FastifyRequest,
    reply: FastifyReply,
    path: string,
    def: ProcedureDef,
    input: unknown,
  ) {
    const res = reply.raw;
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    // What the hooks before set (the rate limit's headers) goes out too, as through tRPC.
    const hooked = reply.getHeaders() as OutgoingHttpHeaders;
    res.writeHead(200, { ...hooked, ...SSE_HEADERS, vary: 'trpc-accept, accept' });

    // A batch of frames goes out in one write (the response corks the socket until the tick ends).
    let ping: NodeJS.Timeout | undefined;
    const write = (frames: string | Buffer) => {
      if (res.writableEnded || res.destroyed) return;
      // Judged before the write, by what earlier writes left waiting: a batch larger than the
      // limit still goes to a subscriber who keeps up (cut after it, their reconnect would be
      // sent the same batch again, and be cut again).
      if (res.writableLength > MAX_BUFFERED_BYTES) {
        req.log.info({ path, buffered: res.writableLength }, 'slow subscriber let go');
        res.destroy();
        return;
      }
      res.write(frames);
      ping?.refresh();
    };
    // `connected` goes out once the procedure runs: a client that acts when it sees it (a test,
    // a script) must not act before the feed listens.
    let isConnected = false;
    const connect = () => {
      if (isConnected) return;
      isConnected = true;
      write(connected);
      if (pingMs > 0) ping = setInterval(() => write('event: ping\ndata: \n\n\n'), pingMs);
    };

    let ctx: TContext | undefined;
    let iterator: AsyncIterator<readonly unknown[], void> | undefined;
    try {
      ctx = createContext(req, reply);
      const result = await callProcedure(def, {
        path,
        getRawInput: async () => input,
        ctx,
        type: 'subscription' as never,
        signal: abort.signal,
        batchIndex: 0,
      });
      if (!isAsyncIterable(result)) throw new Error(`${path} did not return an async iterable`);
      iterator = batchesOf(result) ?? oneByOne(result[Symbol.asyncIterator]());
      // The first step starts the generator, which subscribes before its first await.
      let next = iterator.next();
      connect();
      // Every step asked for is awaited: one left pending could reject with no one to hear it.
      for (let step = await next; !step.done && !abort.signal.aborted; step = await next) {
        const frames = framesOf(step.value);
        if (frames.length > 0) write(frames);
        next = iterator.next();
      }
      if (!abort.signal.aborted) write('event: return\ndata: \n\n\n');
    } catch (cause) {
      if (!abort.signal.aborted) {
        connect();
        const error = getTRPCErrorFromUnknown(cause);
        onError({ error, path, req });
        const shape = getErrorShape({ config, ctx, error, input, path, type: 'subscription' });
        write(`event: serialized-error\ndata: ${serialize(shape)}\n\n\n`);
      }
    } finally {
      clearInterval(ping);
      await iterator?.return?.().catch(() => undefined);
      res.end();
    }
  }
}

/** Any other subscription's items, as batches of one. */
async function* oneByOne(items: AsyncIterator<unknown>): AsyncGenerator<readonly unknown[], void> {
  try {
    for (let step = await items.next(); !step.done; step = await items.next()) yield [step.value];
  } finally {
    await items.return?.();
  }
}

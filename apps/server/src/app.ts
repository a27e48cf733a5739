import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import {
  type ApiServices,
  type AppRouter,
  appRouter,
  attachKitsuListener,
  createContextInner,
  leanSseHook,
  leanTrpcHook,
  openApiDocument,
  REST_BASE,
  RETRY_AFTER_SECONDS,
  registerHttpErrors,
  registerKitsu,
  registerRest,
  restRoutes,
} from '@clapper/api';
import { IDEMPOTENCY_HEADER, MAX_BATCH_ITEMS } from '@clapper/client/limits';
import fastifyCookie from '@fastify/cookie';
import type { TRPCError } from '@trpc/server';
import {
  type CreateFastifyContextOptions,
  type FastifyTRPCPluginOptions,
  fastifyTRPCPlugin,
} from '@trpc/server/adapters/fastify';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import { registerAdmin } from './admin-static';
import { registerApiDocs } from './api-docs';
import { clearSessionCookie, credentialFrom, setSessionCookie } from './credentials';
import { DEFAULT_RATE_LIMIT } from './env';
import { registerRateLimit } from './rate-limit';

export const DEFAULT_ADMIN_DIR = fileURLToPath(new URL('../../admin/dist', import.meta.url));
export const BODY_LIMIT_BYTES = 1024 * 1024;
/** The REST API's version in its OpenAPI document: `/api/v1` changes only compatibly. */
export const API_VERSION = '1.0.0';
/** A client gets this long to send its whole request (slow senders hold sockets): then 408. */
export const REQUEST_TIMEOUT_MS = 30_000;

export interface BuildServerOptions {
  services: ApiServices;
  logger: FastifyBaseLogger;
  /** Requests a minute per token (or per address without one). */
  rateLimitPerMinute?: number;
  /** The built web admin; null serves none. */
  adminDir?: string | null;
  requestTimeoutMs?: number;
  /** Single calls take the lean path through tRPC (`lean-trpc.ts`); false sends all through the adapter. */
  leanCalls?: boolean;
  /**
   * `TRUST_PROXY`: which peers' X-Forwarded-For / X-Forwarded-Proto give `req.ip` and
   * `req.protocol` (the rate limit, the sign-in throttle, the cookie's Secure flag). Off by default.
   */
  trustProxy?: boolean | string[];
}

export async function buildServer({
  services,
  logger,
  rateLimitPerMinute = DEFAULT_RATE_LIMIT,
  adminDir = DEFAULT_ADMIN_DIR,
  requestTimeoutMs = REQUEST_TIMEOUT_MS,
  leanCalls = true,
  trustProxy = false,
}: BuildServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: logger,
    // One line per request (below), not Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy,
    // Node checks request timeouts only every 30 s by default; every second keeps the limit honest.
    serverFactory: (handler) =>
      createServer(
        { requestTimeout: requestTimeoutMs, connectionsCheckingInterval: 1000 },
        handler,
      ),
    // Event streams never go idle: on close, end them rather than wait.
    forceCloseConnections: true,
    // tRPC batches put every procedure name in the path.
    routerOptions: { maxParamLength: 5000 },
  });
  const { orm } = services;
  await services.start(
    (err) =>
      app.log.warn(
        { err },
        'background work trouble (replica channel, WAL checkpoints or event log pruning)',
      ),
    (details, message) => app.log.info(details, message),
  );
  app.addHook('onClose', () => services.close());

  // Flat fields: nothing for the redaction paths to walk into. The query string (tRPC puts
  // input there) is never logged.
  app.addHook('onResponse', (req, reply, done) => {
    const query = req.url.indexOf('?');
    req.log.info(
      {
        method: req.method,
        url: query === -1 ? req.url : req.url.slice(0, query),
        statusCode: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        ip: req.ip,
      },
      'request completed',
    );
    done();
  });

  // Every outage's answer says when to try again: 503 (tRPC, /api/v1, /healthz), and 502 on
  // Kitsu's routes (surface.ts says why).
  app.addHook('onSend', (_req, reply, payload, done) => {
    const status = reply.statusCode;
    if ((status === 503 || status === 502) && !reply.hasHeader('retry-after')) {
      reply.header('retry-after', RETRY_AFTER_SECONDS);
    }
    done(null, payload);
  });

  await app.register(fastifyCookie);
  registerHttpErrors(app, appRouter);
  await registerRateLimit(app, rateLimitPerMinute, services.tokens);

  app.get('/healthz', { config: { rateLimit: false } }, async (_req, reply) => {
    try {
      await orm.em.getConnection().execute('select 1');
      return { status: 'ok' };
    } catch {
      return reply.code(503).send({ status: 'unavailable', reason: 'database unreachable' });
    }
  });

  const createContext = (req: FastifyRequest, res: FastifyReply) =>
    createContextInner(services, {
      credential: credentialFrom(req),
      ip: req.ip,
      dryRun: req.headers['x-clapper-dry-run'] === '1',
      ...idempotencyOf(req),
      setSessionCookie: (token, expires) => setSessionCookie(req, res, token, expires),
      clearSessionCookie: () => clearSessionCookie(req, res),
    });
  const onError = ({
    error,
    path,
    req,
  }: {
    error: TRPCError;
    path?: string | undefined;
    req: FastifyRequest;
  }) => {
    if (error.code === 'INTERNAL_SERVER_ERROR') {
      req.log.error({ err: error.cause ?? error, path }, 'procedure failed');
    } else if (error.code === 'SERVICE_UNAVAILABLE') {
      req.log.warn({ path, reason: error.message }, 'procedure refused: database outage');
    } else {
      req.log.debug({ code: error.code, path, reason: error.message }, 'procedure refused');
    }
  };
  await app.register(async (trpc) => {
    if (leanCalls) {
      trpc.addHook(
        'preHandler',
        leanSseHook({ router: appRouter, paths: ['events.subscribe'], createContext, onError }),
      );
      trpc.addHook(
        'preHandler',
        leanTrpcHook({ router: appRouter, maxBatchSize: MAX_BATCH_ITEMS, createContext, onError }),
      );
    }
    await trpc.register(fastifyTRPCPlugin, {
      prefix: '/trpc',
      trpcOptions: {
        router: appRouter,
        maxBatchSize: MAX_BATCH_ITEMS,
        createContext: ({ req, res }: CreateFastifyContextOptions) => createContext(req, res),
        onError,
      } satisfies FastifyTRPCPluginOptions<AppRouter>['trpcOptions'],
    });
  });

  // The same procedures as plain JSON for any language (Python): `/api/v1`, described at
  // `/api/v1/openapi.json` and shown at `/api/docs`.
  await app.register(
    (api) =>
      registerRest(api, {
        router: appRouter,
        routes: restRoutes(appRouter),
        document: () => openApiDocument(appRouter, API_VERSION),
        createContext,
        onError,
      }),
    { prefix: REST_BASE },
  );
  await registerApiDocs(app, `${REST_BASE}/openapi.json`);

  // Kitsu's API as gazu calls it, for gazu scripts unchanged but for their host and token:
  // `gazu.set_host("http://<server>/api")` (docs/gazu-requests.md).
  await app.register((api) => registerKitsu(api, { router: appRouter, createContext, onError }), {
    prefix: '/api',
  });

  // gazu's event listener (`gazu.events.init()`): Socket.IO on this server's own port.
  const listener = attachKitsuListener(app.server, {
    services,
    onError: (err) => app.log.warn({ err }, 'Kitsu listener trouble'),
    onInfo: (details, message) => app.log.info(details, message),
  });
  // Before the database closes (onClose): the listeners' places are written last.
  app.addHook('preClose', () => listener.close());

  await registerAdmin(app, adminDir);
  return app;
}

/**
 * The request's idempotency key and how many calls it carries, read only when it has a key
 * (a GET's query holds its input: no request without one pays for reading its path). A header
 * sent twice is both values, which no key matches.
 */
function idempotencyOf(req: FastifyRequest): { idempotencyKey?: string; calls?: number } {
  const value = req.headers[IDEMPOTENCY_HEADER];
  if (value === undefined) return {};
  return {
    idempotencyKey: Array.isArray(value) ? value.join(',') : value,
    calls: callsOf(req.url),
  };
}

/** `/trpc/a,b?batch=1` carries two calls: the commas of the path (its query holds the input). */
function callsOf(url: string): number {
  const end = url.indexOf('?');
  const path = end === -1 ? url : url.slice(0, end);
  let calls = 1;
  for (let at = path.indexOf(','); at !== -1; at = path.indexOf(',', at + 1)) calls += 1;
  return calls;
}

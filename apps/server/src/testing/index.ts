/**
 * Shared test helpers: a real server on a free loopback port over a fresh
 * database of the run's dialect, typed clients, sign-in and people.
 */
import { createHash } from 'node:crypto';
import {
  type ApiConfig,
  type ApiServices,
  type AppRouter,
  cheapPasswordHashesForTests,
  createApiServices,
  type ErrorReason,
  hashPassword,
  type RouterInputs,
  type RouterOutputs,
} from '@clapper/api';
import { newId, type Orm, openDatabase, Person, type Role } from '@clapper/db';
import {
  copyTestDatabase,
  createTemplateDatabase,
  type TestDatabase,
  testDialect,
} from '@clapper/db/testing';
import type { EntityManager } from '@mikro-orm/core';
import {
  createTRPCClient,
  httpBatchLink,
  httpLink,
  httpSubscriptionLink,
  splitLink,
  type TRPCClient,
  TRPCClientError,
} from '@trpc/client';
import { EventSource } from 'eventsource';
import type { FastifyInstance } from 'fastify';
import superjson from 'superjson';
import { buildServer } from '../app';
import { createLogger } from '../logger';
import { prepareDatabase } from '../start';
import { databaseWithOutages } from './outage';
import { collectingStream } from './processes';
import { jsonOrUndefined } from './rest';

// Sign-ins and new users by the hundred: the real scrypt, at a test's cost (passwords.ts).
cheapPasswordHashesForTests();

export { type TestClock, testClock } from './clock';
export { callableProcedures, procedureInputs, routerProcedures } from './inputs';
export { type HeardEvent, type ListenOptions, listenLikeGazu } from './listener';
export { ensureBuilt, type ProcessRun, runCli, runProcess, spawnCli } from './processes';
export {
  CHECKOUT,
  type CodeBlock,
  checkoutFolder,
  codeBlocks,
  readmeSection,
  type ShellRun,
  shell,
  shellLines,
} from './readme';
export {
  GAZU_USER_AGENT,
  gazuCall,
  jsonOrUndefined,
  type RestAnswer,
  type RestRequest,
  restCall,
} from './rest';
export { startTcpRelay } from './tcp-relay';

export const TEST_ADMIN = { email: 'admin@clapper.test', password: 'admin-password-1' } as const;

export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  app: FastifyInstance;
  orm: Orm;
  services: ApiServices;
  db: TestDatabase;
  /** The signing secret, for tests that forge tokens the way an attacker would. */
  secret: string;
  /** Every log line the server wrote, for tests that look for leaks. */
  logs: string[];
  /** With `countQueries`: every SQL statement run. */
  queries: string[];
  close(): Promise<void>;
}

export interface StartTestServerOptions {
  config?: Partial<ApiConfig>;
  /** The server's clock: a `testClock()`'s `now`, to move time on rather than wait. */
  now?: () => Date;
  rateLimitPerMinute?: number;
  adminDir?: string | null;
  /** An existing database (and its secret) to serve, such as one the CLI provisioned; kept on close. */
  db?: TestDatabase;
  secret?: string;
  /** Record every SQL statement in `queries`. */
  countQueries?: boolean;
  requestTimeoutMs?: number;
  /** false: every call goes through tRPC's own adapter (to compare with the lean path). */
  leanCalls?: boolean;
  /** `TRUST_PROXY` as `loadEnv` parses it; off by default. */
  trustProxy?: boolean | string[];
}

const prepared = new Map<string, Promise<TestDatabase>>();

/**
 * A new database as `prepareDatabase` leaves it for the test admin: a copy of one this process
 * migrated and prepared once (a SQLite file copied, a PostgreSQL `CREATE DATABASE … TEMPLATE`),
 * so a server's start applies no migration and hashes no password. Its own start still runs
 * `prepareDatabase`, which then finds everything in place.
 */
export async function createPreparedDatabase(): Promise<TestDatabase> {
  const dialect = testDialect();
  let template = prepared.get(dialect);
  if (!template) {
    template = (async () => {
      const db = await createTemplateDatabase(dialect);
      const orm = await openDatabase(db.url);
      try {
        // A secret given is used, not stored: the copies hold none.
        await prepareDatabase(orm, {
          secret: `template-${newId()}-${newId()}`,
          adminEmail: TEST_ADMIN.email,
          adminPassword: TEST_ADMIN.password,
        });
      } finally {
        await orm.close(true);
      }
      return db;
    })();
    prepared.set(dialect, template);
  }
  return copyTestDatabase(await template);
}

export async function startTestServer(options: StartTestServerOptions = {}): Promise<TestServer> {
  const db = options.db ?? (await createPreparedDatabase());
  const queries: string[] = [];
  const orm = await openDatabase(
    db.url,
    options.countQueries ? { onQuery: (sql) => queries.push(sql) } : {},
  );
  const secret = options.secret ?? `test-secret-${newId()}-${newId()}`;
  await prepareDatabase(orm, {
    secret,
    adminEmail: TEST_ADMIN.email,
    adminPassword: TEST_ADMIN.password,
  });
  const logs: string[] = [];
  const destination = collectingStream(logs);
  // Suites sign many people in from one address; the throttle's own test sets its limit.
  const config = { loginAttemptsPerMinute: 10_000, ...options.config };
  const services = createApiServices({ orm, secret, config, now: options.now });
  const app = await buildServer({
    services,
    logger: createLogger({ level: 'trace', destination }),
    rateLimitPerMinute: options.rateLimitPerMinute,
    adminDir: options.adminDir ?? null,
    requestTimeoutMs: options.requestTimeoutMs,
    leanCalls: options.leanCalls,
    trustProxy: options.trustProxy,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('server has no TCP address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    app,
    orm,
    services,
    db,
    secret,
    logs,
    queries,
    async close() {
      await app.close();
      await orm.close(true);
      if (!options.db) await db.dispose();
    },
  };
}

/**
 * A test server whose database can be taken away and brought back (`goAway`, `comeBack`:
 * testing/outage.ts says how, per dialect), on a prepared database of its own.
 */
export async function startServerWithOutages(options: Omit<StartTestServerOptions, 'db'> = {}) {
  const db = await createPreparedDatabase();
  const outage = await databaseWithOutages(db);
  const server = await startTestServer({ ...options, db: outage.served });
  return {
    server,
    db,
    goAway: () => outage.goAway(),
    comeBack: () => outage.comeBack(),
    async close() {
      await server.close();
      await outage.close();
      await db.dispose();
    },
  };
}

export type Client = TRPCClient<AppRouter>;

/** A typed client; with a token, every request carries `Authorization: Bearer <token>`. */
export function createTestClient(
  server: Pick<TestServer, 'url'>,
  auth?: string | { authorization: string },
): Client {
  const authorization =
    auth === undefined
      ? undefined
      : typeof auth === 'string'
        ? `Bearer ${auth}`
        : auth.authorization;
  const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        // Server-sent events, with the credential added to each (re)connection.
        true: httpSubscriptionLink<AppRouter, typeof EventSource>({
          url: `${server.url}/trpc`,
          transformer: superjson,
          EventSource,
          eventSourceOptions: () => ({
            fetch: (input, init) =>
              fetch(input, { ...init, headers: { ...init?.headers, ...headers } }),
          }),
        }),
        false: httpLink({
          url: `${server.url}/trpc`,
          transformer: superjson,
          headers: () => headers,
        }),
      }),
    ],
  });
}

/**
 * A typed client whose calls made together go out batched: one request for the queries and one
 * for the mutations, up to the server's 50 calls each. The server runs a batch's calls concurrently.
 */
export function createBatchTestClient(server: Pick<TestServer, 'url'>, token?: string): Client {
  const headers: Record<string, string> =
    token === undefined ? {} : { authorization: `Bearer ${token}` };
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${server.url}/trpc`,
        transformer: superjson,
        headers: () => headers,
        maxItems: 50,
        maxURLLength: 6000,
      }),
    ],
  });
}

/** Signs in through `auth.login` and returns the session token. */
export async function login(
  server: Pick<TestServer, 'url'>,
  credentials: { email: string; password: string } = TEST_ADMIN,
): Promise<string> {
  const { token } = await createTestClient(server).auth.login.mutate(credentials);
  return token;
}

let userCount = 0;
/** Inserts a human user straight into the database, for tests that need one before `users.create` is in play. */
export async function createUser(
  server: Pick<TestServer, 'orm'>,
  { role = 'artist', active = true }: { role?: Role; active?: boolean } = {},
) {
  userCount += 1;
  const email = `user${userCount}-${newId().slice(-8)}@clapper.test`;
  const password = `password-${userCount}-long`;
  const em = server.orm.em.fork();
  const person = em.create(Person, {
    id: newId(),
    kind: 'user',
    name: `User ${userCount}`,
    email,
    passwordHash: await hashPassword(password),
    role,
    active,
  });
  await em.flush();
  return { id: person.id, name: person.name, email, password };
}

/** Every row of every table, by table: where a leak would show. */
export async function tableRows(server: Pick<TestServer, 'orm'>) {
  const em = server.orm.em.fork();
  const tables: Record<string, Record<string, unknown>[]> = {};
  for (const meta of Object.values(server.orm.getMetadata().getAll())) {
    if (meta.embeddable || meta.virtual || !meta.tableName) continue;
    tables[meta.tableName] = await em.getConnection().execute(`select * from ${meta.tableName}`);
  }
  return tables;
}

/** The whole database as one string, to search for a secret. */
export const databaseDump = async (server: Pick<TestServer, 'orm'>) =>
  JSON.stringify(await tableRows(server));

/**
 * A hash of the database's content, to check a refused call changed nothing; the throttled
 * last-use times, which any authenticated call may touch, are left out.
 */
export async function databaseDigest(server: Pick<TestServer, 'orm'>) {
  const hash = createHash('sha256');
  for (const [table, rows] of Object.entries(await tableRows(server))) {
    const kept = rows.map(({ last_used_at: _, ...row }) => JSON.stringify(row)).sort();
    hash.update(table).update(JSON.stringify(kept));
  }
  return hash.digest('hex');
}

/** Sends a raw tRPC HTTP request, for what a typed client cannot express. */
export async function rawTrpc(
  server: Pick<TestServer, 'url'>,
  path: string,
  init: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string } = {},
) {
  const res = await fetch(`${server.url}/trpc/${path}`, {
    method: init.method ?? 'GET',
    headers: { 'content-type': 'application/json', ...init.headers },
    body: init.body,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: jsonOrUndefined(text) };
}

const adminTokens = new WeakMap<TestServer, Promise<string>>();
/** A client signed in as the test admin (one session per server). */
export async function adminClient(server: TestServer): Promise<Client> {
  if (!adminTokens.has(server)) adminTokens.set(server, login(server));
  return createTestClient(server, await adminTokens.get(server)!);
}

let botCount = 0;
/** Creates a bot through `bots.create` as the test admin; returns the bot and its token. */
export async function createBot(
  server: TestServer,
  input: Partial<RouterInputs['bots']['create']> = {},
): Promise<RouterOutputs['bots']['create']> {
  botCount += 1;
  const admin = await adminClient(server);
  return admin.bots.create.mutate({ name: `bot ${botCount} ${newId().slice(-6)}`, ...input });
}

/** A `manager` bot (unless `input` says otherwise) on `projectId`'s team, and a client as it. */
export async function createTeamBot(
  server: TestServer,
  projectId: string,
  input: Partial<RouterInputs['bots']['create']> = {},
) {
  const created = await createBot(server, { role: 'manager', ...input });
  const admin = await adminClient(server);
  await admin.projects.addMember.mutate({ projectId, personId: created.bot.id });
  return { ...created, client: createTestClient(server, created.token) };
}

/**
 * Simulates a change made by another replica or a CLI run: the database is
 * changed behind this server's back, and its credential cache has expired.
 */
export async function changeBehindTheServer(
  server: TestServer,
  personId: string,
  change: (em: EntityManager) => Promise<unknown>,
) {
  await change(server.orm.em.fork());
  server.services.credentials.forgetPerson(personId);
}

export interface CaughtTrpcError {
  code: string | undefined;
  httpStatus: number | undefined;
  message: string;
  field: string | null | undefined;
  /** Why a credential or route refused the caller (`error.data.reason`), null for other errors. */
  reason: ErrorReason | null | undefined;
}

/** Awaits a call that must fail and returns its tRPC code, HTTP status, message, field and reason. */
export async function trpcError(call: Promise<unknown>): Promise<CaughtTrpcError> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof TRPCClientError)) throw error;
    const data = error.data as
      | { code?: string; httpStatus?: number; field?: string | null; reason?: ErrorReason | null }
      | undefined;
    return {
      code: data?.code,
      httpStatus: data?.httpStatus,
      message: error.message,
      field: data?.field,
      reason: data?.reason,
    };
  }
  throw new Error('expected the call to fail, but it succeeded');
}

let studioCount = 0;
/**
 * A small studio made through the API as the test admin: two departments,
 * shot task types in the first, a project (bots may collaborate) with one
 * shot, and the default statuses by short name.
 */
export async function createStudio(server: TestServer, { botCollaboration = true } = {}) {
  studioCount += 1;
  const admin = await adminClient(server);
  const n = `${studioCount}-${newId().slice(-6)}`;
  const animation = await admin.departments.create.mutate({
    name: `Animation ${n}`,
    color: '#ff8800',
  });
  const lighting = await admin.departments.create.mutate({ name: `Lighting ${n}` });
  const animate = await admin.taskTypes.create.mutate({
    name: `Animate ${n}`,
    departmentId: animation.id,
    forEntity: 'shot',
  });
  const layout = await admin.taskTypes.create.mutate({
    name: `Layout ${n}`,
    departmentId: animation.id,
    forEntity: 'shot',
  });
  const model = await admin.taskTypes.create.mutate({
    name: `Model ${n}`,
    departmentId: lighting.id,
    forEntity: 'asset',
  });
  const project = await admin.projects.create.mutate({ name: `Project ${n}`, botCollaboration });
  const shot = await admin.shots.create.mutate({
    projectId: project.id,
    sequence: 'SQ01',
    name: 'SH010',
    frameIn: 1001,
    frameOut: 1040,
  });
  const statuses = Object.fromEntries(
    (await admin.taskStatuses.list.query()).items.map((s) => [s.shortName, s]),
  );
  // Someone already on the team, for calls that add a member without changing anything.
  const extra = await createUser(server);
  await admin.projects.addMember.mutate({ projectId: project.id, personId: extra.id });
  return {
    admin,
    animation,
    lighting,
    animate,
    layout,
    model,
    project,
    shot,
    statuses,
    extraMemberId: extra.id,
  };
}

/** A shot named SH1 in `sequence` of a studio's project, and its Animate task. */
export async function createShotWithTask(
  studio: Awaited<ReturnType<typeof createStudio>>,
  sequence: string,
  assigneeIds: string[] = [],
) {
  const shot = await studio.admin.shots.create.mutate({
    projectId: studio.project.id,
    sequence,
    name: 'SH1',
  });
  const task = await studio.admin.tasks.create.mutate({
    entityId: shot.id,
    taskTypeId: studio.animate.id,
    assigneeIds,
  });
  return { shot, task };
}

/** An event as a test subscriber receives it. */
export interface ReceivedEvent {
  id: string;
  data: { type: string; projectId: string | null; taskId: string | null; id: number };
}

/** Subscribes over HTTP (SSE) and collects what arrives, until `stop()`. */
export function subscribeEvents(
  client: Client,
  input: Parameters<typeof client.events.subscribe.subscribe>[0],
) {
  const received: ReceivedEvent[] = [];
  let started!: () => void;
  const ready = new Promise<void>((resolve) => {
    started = resolve;
  });
  const subscription = client.events.subscribe.subscribe(input, {
    onStarted: () => started(),
    onData: (event) => received.push(event as unknown as ReceivedEvent),
    onError: (error) =>
      received.push({
        id: 'error',
        data: { type: `error: ${error.message}`, projectId: null, taskId: null, id: -1 },
      }),
  });
  return { received, ready, stop: () => subscription.unsubscribe() };
}

/** Polls `probe` every 10 ms until it returns a value; fails after `ms`. */
export async function until<T>(probe: () => T | undefined, ms = 1000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`nothing within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

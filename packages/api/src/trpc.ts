/**
 * 1. init: superjson, and an error formatter that names the field at fault and the refusal's reason
 * 2. middlewares: domain errors to tRPC codes, authentication, bots kept off user-only routes
 * 3. procedures: public, authed, read, write, userOnly, and the studio-wide rule guard
 * @see https://trpc.io/docs/server/procedures
 */
import type { Em } from '@clapper/db';
import { isUniqueViolation } from '@clapper/db';
import { experimental_standaloneMiddleware, initTRPC } from '@trpc/server';
import { ZodError } from 'zod';
import type { Principal } from './auth/principal';
import type { Context } from './context';
import { Access } from './domain/access';
import {
  checkedKey,
  inputHash,
  inTransactionWithKey,
  PendingKey,
  replay,
  saveResult,
} from './domain/idempotency';
import { conflict, DomainError, type ErrorReason, forbidden, toTRPCError } from './errors';
import { ChangeTracker } from './events/changes';
import type { StudioAction } from './permissions';
import type { ClapperMeta } from './rest/meta';
import { transformer } from './wire/transformer';
import { middlewareMarker } from './wire/trpc-internals';

// 1. init ------------------------------------------------------------------

const t = initTRPC
  .context<Context>()
  .meta<ClapperMeta>()
  .create({
    // superjson on the wire; its output walk replaced by an identical, faster one.
    transformer,
    // Never send stack traces, whatever NODE_ENV says.
    isDev: false,
    sse: {
      // Keeps proxies from closing a quiet stream; the client reconnects after 20 s of silence.
      ping: { enabled: true, intervalMs: 10_000 },
      client: { reconnectAfterInactivityMs: 20_000 },
    },
    // The single place `data` is shaped, for tRPC's adapter and the server's lean path alike:
    // every error has `field` and `reason`, each null when it has none.
    errorFormatter({ shape, error }) {
      const { cause } = error;
      const reason: ErrorReason | null =
        cause instanceof DomainError ? (cause.reason ?? null) : null;
      if (error.code === 'BAD_REQUEST' && cause instanceof ZodError) {
        const issues = cause.issues.map((issue) => ({
          field: issue.path.map(String).join('.') || 'input',
          message: issue.message,
        }));
        return {
          ...shape,
          message: issues.map((i) => `${i.field}: ${i.message}`).join('; '),
          data: { ...shape.data, field: issues[0]?.field ?? null, reason, issues },
        };
      }
      if (error.code === 'INTERNAL_SERVER_ERROR') {
        return {
          ...shape,
          message: 'Internal server error',
          data: { ...shape.data, field: null, reason: null },
        };
      }
      const field = cause instanceof DomainError ? (cause.field ?? null) : null;
      return { ...shape, data: { ...shape.data, field, reason } };
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

// 2. middlewares -----------------------------------------------------------

const mapDomainErrors = t.middleware(async ({ ctx, type, next }) => {
  const result = await next();
  if (!result.ok) {
    const mapped = toTRPCError(result.error.cause);
    if (mapped) throw mapped;
  }
  // A mutation has committed its events: let live subscribers read them now.
  if (type === 'mutation' && result.ok && !ctx.transport.dryRun) ctx.services.events.announce();
  return result;
});

const requireAuth = t.middleware(async ({ ctx, next }) => {
  const principal = await ctx.authenticate();
  return next({ ctx: { principal, access: new Access(ctx.services, principal) } });
});

// 3. procedures ------------------------------------------------------------

/**
 * Each procedure of a batch works in its own entity manager, so a call that
 * fails can never leave changes for another call of the batch to flush. A
 * mutation's cached reads are dropped by what its event rows name, after it
 * commits and before it answers.
 */
/**
 * After a mutation, before it answers: the read cache drops what its events
 * named, and when a team, a role or a name changed, other replicas hear of it
 * before the answer too (lists and tasks reach them within a few milliseconds).
 */
async function dropTouched(services: Context['services'], changes: ChangeTracker) {
  const touched = changes.touched();
  services.cache.invalidate(touched);
  if (touched.projects.length || touched.people.length || touched.studio) {
    await services.cluster.settle();
  }
}

const ownEntityManager = t.middleware(async ({ ctx, type, next }) => {
  const { services, transport } = ctx;
  if (type !== 'mutation') return next({ ctx: { em: services.orm.em.fork() as Em } });
  const { em, changes } = ChangeTracker.fork(services.orm.em);
  if (!transport.dryRun) {
    try {
      return await next({ ctx: { em } });
    } finally {
      await dropTouched(services, changes);
    }
  }
  // Dry run: everything the mutation writes, its event included, is rolled back.
  // Authenticate first: SQLite's one connection is then held by the transaction.
  await ctx.authenticate().catch(() => undefined);
  await em.begin();
  try {
    return await next({ ctx: { em } });
  } finally {
    await em.rollback();
  }
});

export const publicProcedure = t.procedure.use(mapDomainErrors).use(ownEntityManager);

/**
 * A mutation sent with an idempotency key (idempotency.ts): a repeat answers the first result;
 * a first run writes its key with its change. Not in a dry run, which keeps nothing.
 */
const idempotent = experimental_standaloneMiddleware<{
  ctx: Pick<Context, 'services' | 'transport'> & { principal: Principal };
}>().create(async (opts) => {
  const { ctx, type, path, next } = opts;
  const header = ctx.transport.idempotencyKey;
  if (type !== 'mutation' || header === undefined || ctx.transport.dryRun) return next();
  const key = checkedKey(header, ctx.transport.calls ?? 1);
  const hash = inputHash(path, await opts.getRawInput());
  const found = await ctx.services.reads.idempotency.find(ctx.principal.id, key);
  if (found) {
    // The first call's answer, as if the procedure had run.
    return {
      ok: true as const,
      data: replay(found, path, hash),
      marker: middlewareMarker,
    } as Awaited<ReturnType<typeof next>>;
  }
  const row = {
    personId: ctx.principal.id,
    key,
    path,
    inputHash: hash,
    createdAt: ctx.services.now(),
  };
  const em = (ctx as { em?: Em }).em;
  try {
    let result: Awaited<ReturnType<typeof next>>;
    if (em) {
      // An ORM mutation: its change, its event, the key and the answer in one transaction.
      result = await inTransactionWithKey(em, row, (tem) => next({ ctx: { em: tem } }));
    } else {
      // Prepared statements: `writeWithEvent` writes the key and the answer with the change.
      const pending = new PendingKey(row);
      result = await next({ ctx: { idempotency: pending } });
      if (!result.ok && isUniqueViolation(result.error.cause)) throw result.error.cause;
      if (result.ok && !pending.isWritten) await saveResult(ctx.services, row, result.data);
    }
    if (result.ok) await ctx.services.keyPruning.afterKeyedMutation();
    return result;
  } catch (error) {
    // Another request with the key committed first: this one's change was rolled back.
    if (isUniqueViolation(error)) {
      throw conflict(
        'idempotencyKey',
        'a call with this key is already done or running: ask again',
      );
    }
    throw error;
  }
});

export const authedProcedure = publicProcedure.use(requireAuth).use(idempotent);

/** A change tracker for mutations that write through prepared statements (`writeWithEvent`). */
const trackChanges = t.middleware(async ({ ctx, next }) => {
  const changes = new ChangeTracker();
  try {
    return await next({ ctx: { changes } });
  } finally {
    if (!ctx.transport.dryRun) await dropTouched(ctx.services, changes);
  }
});

/**
 * Authenticated mutations that write through prepared statements only: like
 * `readProcedure`, no entity manager is made for them.
 */
export const writeProcedure = t.procedure
  .use(mapDomainErrors)
  .use(trackChanges)
  .use(requireAuth)
  .use(idempotent);

/**
 * Authenticated queries served by the hot reads and the project cache. There is
 * no entity manager here, so nothing on this path can reach the ORM.
 */
export const readProcedure = t.procedure.use(mapDomainErrors).use(requireAuth);

/** Refuses bots: for routes limited to real users, whichever procedure they build on. */
const usersOnly = experimental_standaloneMiddleware<{ ctx: { principal: Principal } }>().create(
  ({ ctx, path, next }) => {
    refuseBots(ctx.principal, path);
    return next();
  },
);

/**
 * The one guard for a studio-wide rule of the role table (permissions.ts): FORBIDDEN
 * (`role_forbidden`) for a caller whose role it does not admit, user or bot alike.
 */
export const allowedTo = (action: StudioAction) =>
  experimental_standaloneMiddleware<{ ctx: { access: Access } }>().create(({ ctx, path, next }) => {
    ctx.access.require(action, path);
    return next();
  });

/** Routes limited to real users: passwords, sessions, and anything that mints or changes credentials. */
export const userOnlyProcedure = authedProcedure.use(usersOnly);

/** `userOnlyProcedure` for queries served by the hot reads. */
export const userOnlyReadProcedure = readProcedure.use(usersOnly);

/** Studio settings: departments, task types, task statuses, projects themselves. */
export const configureProcedure = authedProcedure.use(allowedTo('configureStudio'));

/**
 * For public user-only routes (password login): a request that carries a bot
 * token is refused; one with no or a bad credential goes on unauthenticated.
 */
export const publicUserOnlyProcedure = publicProcedure.use(async ({ ctx, path, next }) => {
  const principal = ctx.transport.credential ? await ctx.authenticate().catch(() => null) : null;
  if (principal) refuseBots(principal, path);
  return next();
});

function refuseBots(principal: Principal, path: string) {
  if (principal.kind === 'bot') {
    throw forbidden(`${path} is limited to real users: bots cannot call it`, 'user_only_route');
  }
}

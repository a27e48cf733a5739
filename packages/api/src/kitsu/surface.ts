/**
 * How a Kitsu route is answered: each calls procedures of the router through the same
 * `callProcedure` as tRPC and `/api/v1` (the same authentication, roles, visibility, rate limit,
 * dry run and idempotency keys), and writes the answer in zou's shape. A refusal has the status
 * gazu turns into its exception and zou's `error`/`message`, with Clapper's `code`, `reason` and
 * `field` beside them.
 */
import { type AnyTRPCRouter, TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MAX_PAGE } from '../domain/pagination';
import { ZId } from '../domain/schemas';
import { DomainError } from '../errors';
import { refuseInShape } from '../wire/http-errors';
import { callProcedure, type ProcedureDef } from '../wire/lean-trpc';
import { getErrorShape, getTRPCErrorFromUnknown } from '../wire/trpc-internals';

export interface KitsuOptions<TContext> {
  router: AnyTRPCRouter;
  createContext(req: FastifyRequest, reply: FastifyReply): TContext;
  onError(opts: { error: TRPCError; path?: string; req: FastifyRequest }): void;
}

interface Paged<T> {
  items: T[];
  nextCursor: string | null;
}

/** One request to a Kitsu route: its parts, read as zou reads them, and the procedures to call. */
export interface KitsuRequest {
  req: FastifyRequest;
  /** A path parameter that must be an id; else 400 naming it. */
  id(name: string): string;
  /** A query parameter given once, or undefined; given twice, 400 naming it. */
  query(name: string): string | undefined;
  /** A query parameter that must be an id when given. */
  queryId(name: string): string | undefined;
  /** A query flag as zou casts booleans (`True`, `false`, `1`…). */
  flag(name: string): boolean;
  /** The JSON body as an object; anything else is 400. */
  body(): Record<string, unknown>;
  call<T>(path: string, input?: unknown): Promise<T>;
  /** Every page of a list procedure. */
  pages<T>(path: string, input?: Record<string, unknown>): Promise<T[]>;
}

export type Answer = (r: KitsuRequest) => Promise<unknown>;

export interface KitsuSurface {
  get(url: string, answer: Answer): void;
  /** A POST: 201 as zou's creations answer, unless told (`auth/login` is 200). */
  post(url: string, answer: Answer, status?: number): void;
  put(url: string, answer: Answer): void;
  /** A DELETE: the work is done in `answer`; the answer is zou's empty 204. */
  delete(url: string, answer: Answer): void;
}

/** The refusal of a bad parameter, in the shape every other refusal has. */
export function badParameter(field: string, problem: string) {
  const message = `${field}: ${problem}`;
  return new TRPCError({
    code: 'BAD_REQUEST',
    message,
    cause: new DomainError('BAD_REQUEST', message, field),
  });
}

export function notFoundHere(what: string) {
  return new TRPCError({ code: 'NOT_FOUND', message: `${what} not found` });
}

/** The answer of `attempt`, or null when it is NOT_FOUND (gazu's "first or None" lookups). */
export async function orNull<T>(attempt: Promise<T>): Promise<T | null> {
  try {
    return await attempt;
  } catch (error) {
    if (error instanceof TRPCError && error.code === 'NOT_FOUND') return null;
    throw error;
  }
}

/** A boolean in a query or body as zou casts one; anything else is refused. */
export function zouBoolean(field: string, value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  const text = String(value).toLowerCase();
  if (['y', 'yes', 't', 'true', 'on', '1'].includes(text)) return true;
  if (['n', 'no', 'f', 'false', 'off', '0'].includes(text)) return false;
  throw badParameter(field, `invalid boolean value: ${value}`);
}

/**
 * gazu raises an exception only for the statuses its `check_status` knows (400, 401, 403, 404,
 * 405, 413, 422, 500, 502); any other counts as success and the error body would be taken for
 * the answer. A conflict (a duplicate name, a task already made) is therefore 400, as zou
 * answers it, and a database outage 502, what a proxy in front of a stopped zou answers
 * (gazu raises `ServerErrorException` and logs the message); the body's `code` keeps Clapper's.
 */
const statusFor = (error: TRPCError) =>
  error.code === 'CONFLICT'
    ? 400
    : error.code === 'SERVICE_UNAVAILABLE'
      ? 502
      : getHTTPStatusCodeFromError(error);

export function createSurface<TContext>(
  api: FastifyInstance,
  { router, createContext, onError }: KitsuOptions<TContext>,
): KitsuSurface {
  const config = router._def._config;
  const procedures = router._def.procedures as Record<string, { _def: ProcedureDef }>;

  const sendError = (req: FastifyRequest, reply: FastifyReply, cause: unknown) => {
    const error = getTRPCErrorFromUnknown(cause);
    onError({ error, req });
    const shape = getErrorShape({
      config,
      error,
      type: 'query',
      path: undefined,
      input: undefined,
      ctx: undefined,
    });
    const data = shape.data as { field?: string | null; reason?: string | null };
    return reply.code(statusFor(error)).send({
      error: true,
      message: shape.message,
      code: error.code,
      reason: data.reason ?? null,
      field: data.field ?? null,
    });
  };
  refuseInShape(api, sendError);

  const calls: Calls = { procedures, createContext };
  const handle =
    (answer: Answer, status: number) => async (req: FastifyRequest, reply: FastifyReply) => {
      try {
        const body = await answer(new Call(calls, req, reply));
        if (status === 204) return reply.code(204).send();
        if (Buffer.isBuffer(body)) reply.type('application/json; charset=utf-8');
        return reply.code(status).send(body);
      } catch (cause) {
        return sendError(req, reply, cause);
      }
    };

  return {
    get: (url, answer) => api.get(url, handle(answer, 200)),
    post: (url, answer, status = 201) => api.post(url, handle(answer, status)),
    put: (url, answer) => api.put(url, handle(answer, 200)),
    delete: (url, answer) => api.delete(url, handle(answer, 204)),
  };
}

/** Query parameters zou's list routes read as something other than a filter. */
const NOT_FILTERS = new Set(['relations', 'page', 'limit', 'fields', 'force']);

/**
 * Rows in zou's shape, filtered as zou's list routes filter: every query parameter that names
 * a field of the rows must match it (`name` without regard to case, as zou's ILIKE; a boolean
 * as zou casts one; a list of ids contains the value; null matches nothing). A parameter that
 * names no field is ignored, as zou ignores what is not a column.
 */
export function filtered<T extends object>(r: KitsuRequest, rows: T[]): T[] {
  const tests: ((row: T) => boolean)[] = [];
  for (const name of Object.keys(r.req.query as object)) {
    if (NOT_FILTERS.has(name)) continue;
    const value = r.query(name)!;
    tests.push((row) => {
      if (!(name in row)) return true;
      const cell = (row as Record<string, unknown>)[name];
      if (cell === null || cell === undefined) return false;
      if (typeof cell === 'boolean') return cell === zouBoolean(name, value);
      if (Array.isArray(cell)) return cell.includes(value);
      if (name === 'name') return String(cell).toLowerCase() === value.toLowerCase();
      return String(cell) === value;
    });
  }
  return tests.length === 0 ? rows : rows.filter((row) => tests.every((test) => test(row)));
}

/**
 * An answer's JSON bytes, made once while the frozen values it is made from live (a cached
 * page, a cached project), as `/api/v1` does: gazu's most frequent reads then cost no more than
 * Clapper's own. `variant` names what else the answer depends on (a flag of the query).
 */
export function frozenJson<A, B>(make: (a: A, b: B, variant: string) => unknown) {
  const made = new WeakMap<object, WeakMap<object, Map<string, Buffer>>>();
  const bytes = (a: A, b: B, variant: string) => Buffer.from(JSON.stringify(make(a, b, variant)));
  return (a: A, b: B, variant = ''): Buffer => {
    if (!isFrozenObject(a) || !isFrozenObject(b)) return bytes(a, b, variant);
    let byB = made.get(a);
    if (!byB) {
      byB = new WeakMap();
      made.set(a, byB);
    }
    let byVariant = byB.get(b);
    if (!byVariant) {
      byVariant = new Map();
      byB.set(b, byVariant);
    }
    let answer = byVariant.get(variant);
    if (!answer) {
      answer = bytes(a, b, variant);
      byVariant.set(variant, answer);
    }
    return answer;
  };
}

const isFrozenObject = (value: unknown): value is object =>
  typeof value === 'object' && value !== null && Object.isFrozen(value);

interface Calls {
  procedures: Record<string, { _def: ProcedureDef }>;
  createContext(req: FastifyRequest, reply: FastifyReply): unknown;
}

/**
 * One request to a Kitsu route. A class, not a bag of closures: gazu's reads are frequent, and
 * a request should allocate little. Its context is made once, at the first procedure it calls,
 * whatever the number it calls (a list's pages, `auth.me` then the projects): the credential
 * is checked once, as in a tRPC batch.
 */
class Call implements KitsuRequest {
  private ctx: unknown;

  constructor(
    private readonly calls: Calls,
    readonly req: FastifyRequest,
    private readonly reply: FastifyReply,
  ) {}

  call<T>(path: string, input?: unknown): Promise<T> {
    const { _def } = this.calls.procedures[path]!;
    this.ctx ??= this.calls.createContext(this.req, this.reply);
    return callProcedure(_def, {
      path,
      getRawInput: () => Promise.resolve(input),
      ctx: this.ctx,
      type: _def.type as 'query' | 'mutation',
      signal: undefined,
      batchIndex: 0,
    }) as Promise<T>;
  }

  async pages<T>(path: string, input: Record<string, unknown> = {}): Promise<T[]> {
    const rows: T[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.call<Paged<T>>(path, { ...input, limit: MAX_PAGE, cursor });
      rows.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return rows;
  }

  query(name: string): string | undefined {
    const value = (this.req.query as Record<string, unknown>)[name];
    if (value !== undefined && typeof value !== 'string')
      throw badParameter(name, 'give one value');
    return value;
  }

  id(name: string): string {
    return mustBeId(name, (this.req.params as Record<string, string>)[name] ?? '');
  }

  queryId(name: string): string | undefined {
    const value = this.query(name);
    return value === undefined ? undefined : mustBeId(name, value);
  }

  flag(name: string): boolean {
    const value = this.query(name);
    return value !== undefined && zouBoolean(name, value);
  }

  body(): Record<string, unknown> {
    const body = this.req.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw badParameter('body', 'send a JSON object');
    }
    return body as Record<string, unknown>;
  }
}

function mustBeId(name: string, value: string) {
  if (!ZId.safeParse(value).success) throw badParameter(name, 'must be an id');
  return value;
}

import { type AnyTRPCRouter, TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MAX_PAGE } from '../domain/pagination';
import { ZId } from '../domain/schemas';
import { DomainError } from '../errors';
import {
  type ClapperPerson,
  type ClapperProject,
  kitsuDepartment,
  kitsuPerson,
  kitsuProject,
  kitsuTaskStatus,
  kitsuTaskType,
  ORGANISATION,
  ZOU_VERSION,
} from '../kitsu/views';
import { refuseInShape } from './http-errors';
import { callProcedure, type ProcedureDef } from './lean-trpc';
import { getErrorShape, getTRPCErrorFromUnknown } from './trpc-internals';

export interface KitsuOptions<TContext> {
  router: AnyTRPCRouter;
  createContext(req: FastifyRequest, reply: FastifyReply): TContext;
  onError(opts: { error: TRPCError; path?: string; req: FastifyRequest }): void;
}

/**
 * Kitsu's API as gazu calls it (registered at `/api`, so `gazu.set_host(".../api")` works with
 * only the host and the token changed): each route is a procedure of the router, called through
 * the same `callProcedure` as tRPC and `/api/v1` (the same authentication, roles, visibility,
 * rate limit), its answer written in zou's shape (`kitsu/views.ts`). A refusal has the status
 * gazu turns into its exception (400, 401, 403, 404) and zou's `error`/`message`, with
 * Clapper's `code`, `reason` and `field` beside them. So far: the client's calls
 * (`host_is_up`, `get_api_version`, `get_current_user`, `is_authenticated`) and reading
 * projects (`all_projects`, `all_open_projects`, `get_project`, `get_project_by_name`,
 * `get_team`, `user.all_open_projects`) and the studio settings (task types, task statuses,
 * departments: all, by id, by name) and people (`all_persons`, by id, email or full name).
 */
export async function registerKitsu<TContext>(
  api: FastifyInstance,
  { router, createContext, onError }: KitsuOptions<TContext>,
) {
  const config = router._def._config;
  const procedures = router._def.procedures as Record<string, { _def: ProcedureDef }>;

  // One context per request, whatever the number of procedures a route calls (a list's pages,
  // `auth.me` then the projects): the credential is checked once, as in a tRPC batch.
  const contexts = new WeakMap<FastifyRequest, TContext>();
  const contextOf = (req: FastifyRequest, reply: FastifyReply) => {
    let ctx = contexts.get(req);
    if (ctx === undefined) {
      ctx = createContext(req, reply);
      contexts.set(req, ctx);
    }
    return ctx;
  };

  const call = (req: FastifyRequest, reply: FastifyReply, path: string, input?: unknown) =>
    callProcedure(procedures[path]!._def, {
      path,
      getRawInput: async () => input,
      ctx: contextOf(req, reply),
      type: 'query',
      signal: undefined,
      batchIndex: 0,
    });

  /** Every project the caller may read, page after page (zou lists them whole). */
  const allProjects = async (req: FastifyRequest, reply: FastifyReply, q?: string) => {
    const projects: ClapperProject[] = [];
    let cursor: string | undefined;
    do {
      const page = (await call(req, reply, 'projects.list', { limit: MAX_PAGE, cursor, q })) as {
        items: ClapperProject[];
        nextCursor: string | null;
      };
      projects.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return projects;
  };

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
    return reply.code(getHTTPStatusCodeFromError(error)).send({
      error: true,
      message: shape.message,
      code: error.code,
      reason: data.reason ?? null,
      field: data.field ?? null,
    });
  };

  refuseInShape(api, sendError);

  const route = (
    url: string,
    answer: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>,
  ) =>
    api.get(url, async (req, reply) => {
      try {
        return reply.send(await answer(req, reply));
      } catch (cause) {
        return sendError(req, reply, cause);
      }
    });

  // gazu.client.host_is_up (HEAD, no token) and get_api_version.
  route('/', async () => ({ api: 'Zou', version: ZOU_VERSION }));

  // gazu.client.get_current_user, gazu.user.is_authenticated.
  route('/auth/authenticated', async (req, reply) => ({
    authenticated: true,
    user: kitsuPerson((await call(req, reply, 'auth.me')) as ClapperPerson),
    organisation: ORGANISATION,
  }));

  // gazu.project.all_projects, and get_project_by_name (`?name=`, matched without regard to
  // case, as zou's ILIKE does): an array, of which gazu takes the first.
  route('/data/projects', async (req, reply) => {
    const { name } = req.query as { name?: string };
    if (name !== undefined && typeof name !== 'string') throw badFilter('name');
    const wanted = name?.toLowerCase();
    const projects = await allProjects(req, reply, name);
    return projects
      .filter((project) => wanted === undefined || project.name.toLowerCase() === wanted)
      .map((project) => kitsuProject(project));
  });

  // gazu.project.all_open_projects: every Clapper project is open.
  route('/data/projects/open', async (req, reply) =>
    (await allProjects(req, reply))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((project) => kitsuProject(project, { withRelations: true })),
  );

  // gazu.user.all_open_projects: the caller's own teams, admins included.
  route('/data/user/projects/open', async (req, reply) => {
    const { id } = (await call(req, reply, 'auth.me')) as ClapperPerson;
    return (await allProjects(req, reply))
      .filter((project) => project.team.some((member) => member.id === id))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((project) => kitsuProject(project, { withRelations: true }));
  });

  // gazu.project.get_project.
  route('/data/projects/:id', async (req, reply) => {
    const { id } = req.params as { id: string };
    const project = (await call(req, reply, 'projects.get', { id })) as ClapperProject;
    return kitsuProject(project, { withRelations: true });
  });

  /**
   * A studio setting's list and its rows by id, as zou's generic `/data/<model>` routes: every
   * page of `procedure`, in zou's shape, filtered by the query's `filters` (a name without
   * regard to case, as zou's ILIKE matches; any other exactly). Other query names are ignored,
   * as zou ignores what is not a column.
   */
  /** Every page of a list procedure, each item in zou's shape. */
  const pagesOf =
    <T>(procedure: string, shape: (item: never) => T) =>
    async (req: FastifyRequest, reply: FastifyReply) => {
      const rows: T[] = [];
      let cursor: string | undefined;
      do {
        const page = (await call(req, reply, procedure, { limit: MAX_PAGE, cursor })) as {
          items: never[];
          nextCursor: string | null;
        };
        rows.push(...page.items.map(shape));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return rows;
    };

  /**
   * A list and its rows by id, as zou's generic `/data/<model>` routes: every row `all` loads,
   * filtered by the query's `filters` (a name without regard to case, as zou's ILIKE matches;
   * any other exactly). Other query names are ignored, as zou ignores what is not a column.
   */
  const listed = <T extends { id: string }>(
    url: string,
    all: (req: FastifyRequest, reply: FastifyReply) => Promise<T[]>,
    filters: Record<string, (row: T, value: string) => boolean>,
  ) => {
    route(url, async (req, reply) => {
      const query = req.query as Record<string, unknown>;
      const tests = Object.entries(filters).flatMap(([name, test]) => {
        const value = query[name];
        if (value === undefined) return [];
        if (typeof value !== 'string') throw badFilter(name);
        return [(row: T) => test(row, value)];
      });
      return (await all(req, reply)).filter((row) => tests.every((test) => test(row)));
    });
    route(`${url}/:id`, async (req, reply) => {
      const { id } = req.params as { id: string };
      if (!ZId.safeParse(id).success) throw badFilter('id', 'must be an id');
      const found = (await all(req, reply)).find((row) => row.id === id);
      if (!found) throw new TRPCError({ code: 'NOT_FOUND', message: `${url}: no such id` });
      return found;
    });
  };
  const setting = <T extends { id: string }>(
    url: string,
    procedure: string,
    shape: (item: never) => T,
    filters: Record<string, (row: T, value: string) => boolean>,
  ) => listed(url, pagesOf(procedure, shape), filters);
  const sameName = (row: { name: string }, value: string) =>
    row.name.toLowerCase() === value.toLowerCase();

  // gazu.task.all_task_types, get_task_type, get_task_type_by_name (with for_entity, department).
  setting('/data/task-types', 'taskTypes.list', kitsuTaskType, {
    name: sameName,
    for_entity: (row, value) => row.for_entity === value,
    department_id: (row, value) => row.department_id === value,
  });
  // gazu.task.all_task_statuses, get_task_status, get_task_status_by_name, _by_short_name.
  setting('/data/task-status', 'taskStatuses.list', kitsuTaskStatus, {
    name: sameName,
    short_name: (row, value) => row.short_name === value,
  });
  // gazu.person.all_departments, get_department, get_department_by_name.
  setting('/data/departments', 'departments.list', kitsuDepartment, { name: sameName });

  // gazu.person.all_persons, get_person (`?id=`), get_person_by_email, get_person_by_full_name
  // (with `is_bot=False`): the users, for those who may list people (admins, managers), and the
  // bots too for those who may manage them (admins signed in as users, as on `bots.list`).
  const users = pagesOf('users.list', kitsuPerson);
  const bots = pagesOf('bots.list', kitsuPerson);
  const noneIfRefused = (error: unknown) => {
    if (error instanceof TRPCError && error.code === 'FORBIDDEN') return [];
    throw error;
  };
  type KitsuPerson = ReturnType<typeof kitsuPerson>;
  listed(
    '/data/persons',
    async (req, reply) => [
      ...(await users(req, reply)),
      ...(await bots(req, reply).catch(noneIfRefused)),
    ],
    {
      id: (row, value) => row.id === value,
      email: (row, value) => row.email === value,
      full_name: (row, value) => row.full_name === value,
      first_name: (row, value) => row.first_name === value,
      last_name: (row, value) => row.last_name === value,
      is_bot: (row: KitsuPerson, value) => row.is_bot === zouBoolean('is_bot', value),
    },
  );

  // gazu.project.get_team: the team's people, as zou's minimal person.
  route('/data/projects/:id/team', async (req, reply) => {
    const { id } = req.params as { id: string };
    const project = (await call(req, reply, 'projects.get', { id })) as ClapperProject;
    return project.team.map((member) => ({
      ...kitsuPerson({
        id: member.id,
        kind: member.kind,
        name: member.name,
        email: null,
        role: member.role,
        active: true,
        departments: [],
        expiresAt: null,
        createdAt: project.createdAt,
      }),
      project_role: null,
    }));
  });
}

/** A filter given twice (`?name=a&name=b`), which zou cannot read either. */
function badFilter(field: string, problem = 'give one value') {
  const message = `${field}: ${problem}`;
  return new TRPCError({
    code: 'BAD_REQUEST',
    message,
    cause: new DomainError('BAD_REQUEST', message, field),
  });
}

/** A boolean in a query as zou casts one (`True`, `false`, `1`, `no`…); anything else is refused. */
function zouBoolean(field: string, value: string): boolean {
  const text = value.toLowerCase();
  if (['y', 'yes', 't', 'true', 'on', '1'].includes(text)) return true;
  if (['n', 'no', 'f', 'false', 'off', '0'].includes(text)) return false;
  throw badFilter(field, `invalid boolean value: ${value}`);
}

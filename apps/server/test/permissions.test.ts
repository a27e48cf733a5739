/**
 * Every procedure of the router × every role × where the caller stands (in
 * the project team or not, in the task type's department or not, assigned or
 * not), once with human users and once with bots of the same role, and once
 * with no credential: each procedure has a row below saying who may call it,
 * and a test fails when the router has a procedure without one. The rows
 * restate the role table (docs/security.md) on their own; they do not import the code
 * under test. Every call goes over HTTP with a real token; a caller's calls
 * are batched, the way a client's are.
 */
import { hashPassword } from '@clapper/api';
import { Department, newId, Person, ROLES, type Role } from '@clapper/db';
import {
  type Client,
  createBatchTestClient,
  createBot,
  createStudio,
  createTestClient,
  login,
  routerProcedures,
  startTestServer,
  type TestServer,
  trpcError,
} from '@clapper/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Cond = 'all' | 'team' | 'dept' | 'assigned' | 'never';
type Cap =
  | 'readProject'
  | 'changeProject'
  | 'readEntities'
  | 'changeEntities'
  | 'readTask'
  | 'changeTask'
  | 'setStatus'
  | 'comment'
  | 'configure';

// biome-ignore format: a table
const SPEC: Record<Role, Record<Cap, Cond>> = {
  admin:      { readProject: 'all',  changeProject: 'all',   readEntities: 'all',      changeEntities: 'all',   readTask: 'all',      changeTask: 'all',   setStatus: 'all',      comment: 'all',      configure: 'all' },
  manager:    { readProject: 'team', changeProject: 'team',  readEntities: 'team',     changeEntities: 'team',  readTask: 'team',     changeTask: 'team',  setStatus: 'team',     comment: 'team',     configure: 'never' },
  supervisor: { readProject: 'team', changeProject: 'never', readEntities: 'team',     changeEntities: 'never', readTask: 'team',     changeTask: 'dept',  setStatus: 'dept',     comment: 'dept',     configure: 'never' },
  artist:     { readProject: 'team', changeProject: 'never', readEntities: 'team',     changeEntities: 'never', readTask: 'team',     changeTask: 'never', setStatus: 'assigned', comment: 'assigned', configure: 'never' },
  client:     { readProject: 'team', changeProject: 'never', readEntities: 'team',     changeEntities: 'never', readTask: 'team',     changeTask: 'never', setStatus: 'never',    comment: 'team',     configure: 'never' },
  vendor:     { readProject: 'team', changeProject: 'never', readEntities: 'assigned', changeEntities: 'never', readTask: 'assigned', changeTask: 'never', setStatus: 'never',    comment: 'never',    configure: 'never' },
};

/** People and credentials: only admin users manage bots and users; admins and managers read the roster. */
const MANAGE_PEOPLE: readonly Role[] = ['admin'];
const ROSTER: readonly Role[] = ['admin', 'manager'];

interface Standing {
  inTeam: boolean;
  inDept: boolean;
  assigned: boolean;
}

interface Who extends Standing {
  kind: 'user' | 'bot';
  role: Role;
  /** The studio rows are checked too. */
  studio: boolean;
}

const holds = (cond: Cond, s: Standing) =>
  cond === 'all' ||
  (cond === 'team' && s.inTeam) ||
  (cond === 'dept' && s.inTeam && s.inDept) ||
  (cond === 'assigned' && s.inTeam && s.assigned);

type Outcome = 'ok' | 'NOT_FOUND' | 'FORBIDDEN' | 'UNAUTHORIZED';
type Want = (who: Who) => Outcome;

/** NOT_FOUND when the caller may not read the thing; FORBIDDEN when it may read but not do. */
const onProject =
  (read: Cap, ...doing: Cap[]): Want =>
  (who) => {
    if (!holds(SPEC[who.role][read], who)) return 'NOT_FOUND';
    return doing.every((cap) => holds(SPEC[who.role][cap], who)) ? 'ok' : 'FORBIDDEN';
  };
const anyone: Want = () => 'ok';
/** Routes for real users: a bot is refused whatever its role. */
const usersOnly =
  (then: Want): Want =>
  (who) =>
    who.kind === 'bot' ? 'FORBIDDEN' : then(who);
const roles =
  (allowed: readonly Role[]): Want =>
  (who) =>
    allowed.includes(who.role) ? 'ok' : 'FORBIDDEN';
/** Studio settings are readable by all: changing them is only FORBIDDEN, never NOT_FOUND. */
const configure: Want = (who) => (SPEC[who.role].configure === 'all' ? 'ok' : 'FORBIDDEN');
/** Another bot's trigger: admins see and handle it; to anyone else it does not exist. */
const othersTrigger: Want = (who) => (who.role === 'admin' ? 'ok' : 'NOT_FOUND');

/** Whether the caller may `cap` on its own shot, asset and task. */
const may = (f: Fixture, cap: Cap) => holds(SPEC[f.who.role][cap], f.who);

/** A list holds each of `ids` exactly when the caller may read it. */
function listHolds(items: { id: string }[], list: string, ids: Record<string, boolean>) {
  const got = new Set(items.map((item) => item.id));
  for (const [id, readable] of Object.entries(ids)) {
    expect(got.has(id), `${list} holds ${id}`).toBe(readable);
  }
}

/** What one caller works on: its own shot, asset and tasks in the studio's project, and targets. */
interface Fixture {
  who: Who;
  me: { id: string; email: string | null; password: string };
  token: string;
  n: number;
  /** The newest event before this caller's fixture was made. */
  markStart: number;
  shotId: string;
  /** The caller's own shot's sequence: a vendor sees it when that shot is assigned to it. */
  sequenceId: string;
  assetId: string;
  assetTypeId: string;
  taskId: string;
  assetTaskId: string;
  /** On the caller's asset too, assigned to nobody. */
  otherTaskId: string;
  /** A bot on the team, for removeMember and then delete. */
  targetBotId: string;
  departmentId: string;
  parkedId: string;
  /** Set once the log is checked: the events this caller may see, up to `checkedHead`. */
  visible: number[];
  checkedHead: number;
}

interface Check {
  label?: string;
  want: Want;
  /** Without a credential; UNAUTHORIZED unless said. */
  anonymous?: Outcome;
  /**
   * Rounds run in order; a round's calls go out together, batched, and run concurrently. Round 2
   * holds what needs an earlier call (a trigger started); round 3 the lists, which check what they
   * hold once nothing else is changing; rounds 4 and 5 what ends what others use (deletes, the
   * password, the session).
   */
  round?: 1 | 2 | 3 | 4 | 5;
  call: (api: Client, f: Fixture) => Promise<unknown>;
}

let server: TestServer;
let admin: Client;
let shared: Awaited<ReturnType<typeof setUpStudio>>;

async function setUpStudio() {
  const studio = await createStudio(server);
  const { admin } = studio;
  const [comp, spareType, spareDept, spareStatus, other, regen, owner] = await Promise.all([
    admin.taskTypes.create.mutate({
      name: 'Comp',
      departmentId: studio.animation.id,
      forEntity: 'shot',
    }),
    admin.taskTypes.create.mutate({
      name: 'Spare',
      departmentId: studio.lighting.id,
      forEntity: 'asset',
    }),
    admin.departments.create.mutate({ name: 'Spare', color: '#123456' }),
    admin.taskStatuses.create.mutate({ name: 'Spare', shortName: 'spare' }),
    admin.projects.create.mutate({ name: 'Elsewhere' }),
    createBot(server, { name: 'Regenerated' }),
    createBot(server, { name: 'Owner' }),
  ]);
  const { bot: managed } = await createBot(server, { name: 'Managed' });
  const password = 'perm-password';
  const user = await admin.users.create.mutate({
    email: 'shared@perm.test',
    name: 'Shared user',
    password,
  });
  // Another bot's trigger with a parked event, for the routes that reach other bots' triggers.
  const ownerApi = createTestClient(server, owner.token);
  const trigger = await ownerApi.triggers.start.mutate({ name: 'owned' });
  const parked = await ownerApi.triggers.park.mutate({
    name: 'owned',
    eventId: 1,
    error: 'shared',
    attempts: 1,
  });
  return {
    ...studio,
    comp,
    spareType,
    spareDept,
    spareStatus,
    other,
    regenBotId: regen.bot.id,
    managedBotId: managed.id,
    owner: ownerApi,
    ownerId: owner.bot.id,
    triggerId: trigger.id,
    parkedId: parked.id,
    user: { id: user.id, email: 'shared@perm.test', password },
    // Hashed once: every user caller gets the same password without paying for a hash each.
    passwordHash: await hashPassword(password),
  };
}

beforeAll(async () => {
  // The hub polls the log every 20 ms while someone subscribes: a stream gets its events at once.
  server = await startTestServer({ rateLimitPerMinute: 1_000_000, config: { eventPollMs: 20 } });
  adminToken = await login(server);
  admin = createBatchTestClient(server, adminToken);
  shared = await setUpStudio();
});
afterAll(() => server?.close());

const P = () => shared.project.id;

/**
 * Procedures whose rule names no project: who may call them depends on the role and on being a
 * user or a bot, not on where the caller stands; they are checked in the team and outside it.
 */
const STUDIO_ROWS: Record<string, Check | Check[]> = {
  'auth.login': {
    want: usersOnly(anyone),
    anonymous: 'ok',
    call: (api, f) =>
      api.auth.login.mutate(
        f.me.email ? { email: f.me.email, password: f.me.password } : shared.user,
      ),
  },
  'auth.logout': { want: usersOnly(anyone), round: 5, call: (api) => api.auth.logout.mutate() },
  'auth.me': { want: anyone, call: (api) => api.auth.me.query() },
  'auth.changePassword': {
    want: usersOnly(anyone),
    round: 4,
    call: (api, f) =>
      api.auth.changePassword.mutate({ current: f.me.password, next: 'perm-password-2' }),
  },

  'bots.list': { want: usersOnly(roles(MANAGE_PEOPLE)), call: (api) => api.bots.list.query() },
  'bots.defaults': {
    want: usersOnly(roles(MANAGE_PEOPLE)),
    call: (api) => api.bots.defaults.query(),
  },
  'bots.get': {
    want: usersOnly(roles(MANAGE_PEOPLE)),
    call: (api) => api.bots.get.query({ id: shared.managedBotId }),
  },
  'bots.activity': {
    want: usersOnly(roles(MANAGE_PEOPLE)),
    call: (api) => api.bots.activity.query({ id: shared.managedBotId }),
  },
  'bots.create': {
    want: usersOnly(roles(MANAGE_PEOPLE)),
    call: (api, f) => api.bots.create.mutate({ name: `Minted ${f.n}` }),
  },
  'bots.update': {
    want: usersOnly(roles(MANAGE_PEOPLE)),
    call: (api) => api.bots.update.mutate({ id: shared.managedBotId, active: true }),
  },
  'bots.regenerateToken': {
    want: usersOnly(roles(MANAGE_PEOPLE)),
    call: (api) => api.bots.regenerateToken.mutate({ id: shared.regenBotId }),
  },
  'bots.delete': {
    want: usersOnly(roles(MANAGE_PEOPLE)),
    round: 2,
    call: (api, f) => api.bots.delete.mutate({ id: f.targetBotId }),
  },

  'users.list': { want: roles(ROSTER), call: (api) => api.users.list.query() },
  'users.seats': { want: roles(ROSTER), call: (api) => api.users.seats.query() },
  'users.create': {
    want: usersOnly(roles(MANAGE_PEOPLE)),
    call: (api, f) =>
      api.users.create.mutate({
        email: `made${f.n}@perm.test`,
        name: `Made ${f.n}`,
        password: 'made-password',
      }),
  },
  'users.update': {
    want: usersOnly(roles(MANAGE_PEOPLE)),
    call: (api) => api.users.update.mutate({ id: shared.user.id, name: 'Shared user' }),
  },

  'departments.list': { want: anyone, call: (api) => api.departments.list.query() },
  'departments.create': {
    want: configure,
    call: (api, f) => api.departments.create.mutate({ name: `Dept ${f.n}` }),
  },
  'departments.update': {
    want: configure,
    call: (api) => api.departments.update.mutate({ id: shared.spareDept.id, color: '#123456' }),
  },
  'departments.delete': {
    want: configure,
    call: (api, f) => api.departments.delete.mutate({ id: f.departmentId }),
  },
  'taskTypes.list': { want: anyone, call: (api) => api.taskTypes.list.query() },
  'assetTypes.list': { want: anyone, call: (api) => api.assetTypes.list.query() },
  'assetTypes.get': {
    want: anyone,
    call: (api, f) => api.assetTypes.get.query({ id: f.assetTypeId }),
  },
  'taskTypes.create': {
    want: configure,
    call: (api, f) =>
      api.taskTypes.create.mutate({
        name: `Type ${f.n}`,
        departmentId: shared.lighting.id,
        forEntity: 'asset',
      }),
  },
  'taskTypes.update': {
    want: configure,
    call: (api) => api.taskTypes.update.mutate({ id: shared.spareType.id, name: 'Spare' }),
  },
  'taskStatuses.list': { want: anyone, call: (api) => api.taskStatuses.list.query() },
  'taskStatuses.create': {
    want: configure,
    call: (api, f) =>
      api.taskStatuses.create.mutate({ name: `Status ${f.n}`, shortName: `s${f.n}` }),
  },
  'taskStatuses.update': {
    want: configure,
    call: (api) => api.taskStatuses.update.mutate({ id: shared.spareStatus.id, isDone: false }),
  },

  'projects.list': {
    want: anyone,
    round: 3,
    call: async (api, f) => {
      const { items } = await api.projects.list.query({ limit: 500 });
      listHolds(items, 'projects.list', {
        [P()]: may(f, 'readProject'),
        [shared.other.id]: f.who.role === 'admin',
      });
    },
  },
  'projects.create': {
    want: configure,
    call: (api, f) => api.projects.create.mutate({ name: `Made ${f.n}` }),
  },

  // A trigger is its owner's: anyone signed in runs their own; only admins reach another's.
  'triggers.start': { want: anyone, call: (api) => api.triggers.start.mutate({ name: 'mine' }) },
  'triggers.ack': {
    want: anyone,
    round: 2,
    call: (api) => api.triggers.ack.mutate({ name: 'mine', eventId: 1 }),
  },
  'triggers.recordFailure': {
    want: anyone,
    round: 2,
    call: (api) =>
      api.triggers.recordFailure.mutate({ name: 'mine', eventId: 2, error: 'x', attempts: 1 }),
  },
  'triggers.park': {
    want: anyone,
    round: 2,
    call: (api) => api.triggers.park.mutate({ name: 'mine', eventId: 3, error: 'x', attempts: 2 }),
  },
  'triggers.list': [
    { label: 'its own', want: anyone, call: (api) => api.triggers.list.query() },
    {
      label: "another bot's",
      want: (who) => (who.role === 'admin' ? 'ok' : 'FORBIDDEN'),
      call: (api) => api.triggers.list.query({ botId: shared.ownerId }),
    },
  ],
  'triggers.parked': [
    {
      label: 'its own',
      want: anyone,
      round: 2,
      call: (api) => api.triggers.parked.query({ name: 'mine' }),
    },
    {
      label: "another bot's",
      want: othersTrigger,
      call: (api) => api.triggers.parked.query({ triggerId: shared.triggerId }),
    },
  ],
  'triggers.retryParked': {
    want: othersTrigger,
    call: (api) => api.triggers.retryParked.mutate({ id: shared.parkedId }),
  },
  'triggers.dropParked': {
    want: othersTrigger,
    call: (api, f) => api.triggers.dropParked.mutate({ id: f.parkedId }),
  },
};

/** Procedures on a project and what is in it: checked at every standing. */
const PROJECT_ROWS: Record<string, Check | Check[]> = {
  'projects.get': {
    want: onProject('readProject'),
    call: (api) => api.projects.get.query({ id: P() }),
  },
  'projects.byName': {
    want: onProject('readProject'),
    call: (api) => api.projects.byName.query({ name: shared.project.name }),
  },
  'projects.update': {
    want: onProject('readProject', 'changeProject'),
    call: (api) => api.projects.update.mutate({ id: P(), botCollaboration: true }),
  },
  'projects.addMember': {
    want: onProject('readProject', 'changeProject'),
    call: (api) =>
      api.projects.addMember.mutate({ projectId: P(), personId: shared.extraMemberId }),
  },
  'projects.removeMember': {
    want: onProject('readProject', 'changeProject'),
    call: (api, f) => api.projects.removeMember.mutate({ projectId: P(), personId: f.targetBotId }),
  },

  'assets.list': {
    want: onProject('readProject'),
    round: 3,
    call: async (api, f) => {
      const { items } = await api.assets.list.query({ projectId: P(), limit: 500 });
      listHolds(items, 'assets.list', { [f.assetId]: may(f, 'readEntities') });
    },
  },
  'assets.get': {
    want: onProject('readEntities'),
    call: (api, f) => api.assets.get.query({ id: f.assetId }),
  },
  'assets.create': {
    want: onProject('readProject', 'changeEntities'),
    call: (api, f) =>
      api.assets.create.mutate({ projectId: P(), assetType: 'prop', name: `Made ${f.n}` }),
  },
  'assets.update': {
    want: onProject('readEntities', 'changeEntities'),
    call: (api, f) => api.assets.update.mutate({ id: f.assetId, assetType: 'prop' }),
  },
  'assets.delete': {
    want: onProject('readEntities', 'changeEntities'),
    round: 4,
    call: (api, f) => api.assets.delete.mutate({ id: f.assetId }),
  },
  'shots.list': {
    want: onProject('readProject'),
    round: 3,
    call: async (api, f) => {
      const { items } = await api.shots.list.query({ projectId: P(), limit: 500 });
      listHolds(items, 'shots.list', { [f.shotId]: may(f, 'readEntities') });
    },
  },
  'shots.get': {
    want: onProject('readEntities'),
    call: (api, f) => api.shots.get.query({ id: f.shotId }),
  },
  'shots.create': {
    want: onProject('readProject', 'changeEntities'),
    call: (api, f) =>
      api.shots.create.mutate({ projectId: P(), sequence: 'MADE', name: `SH${f.n}` }),
  },
  'shots.update': {
    want: onProject('readEntities', 'changeEntities'),
    call: (api, f) => api.shots.update.mutate({ id: f.shotId, frameIn: 1 }),
  },
  'sequences.list': {
    want: onProject('readProject'),
    round: 3,
    call: async (api, f) => {
      const { items } = await api.sequences.list.query({ projectId: P(), limit: 500 });
      listHolds(items, 'sequences.list', { [f.sequenceId]: may(f, 'readEntities') });
    },
  },
  'sequences.get': {
    want: onProject('readEntities'),
    call: (api, f) => api.sequences.get.query({ id: f.sequenceId }),
  },
  'sequences.create': {
    want: onProject('readProject', 'changeEntities'),
    call: (api, f) => api.sequences.create.mutate({ projectId: P(), name: `Made ${f.n}` }),
  },
  'shots.delete': {
    want: onProject('readEntities', 'changeEntities'),
    round: 4,
    call: (api, f) => api.shots.delete.mutate({ id: f.shotId }),
  },

  'tasks.list': {
    want: onProject('readProject'),
    round: 3,
    call: async (api, f) => {
      const { items } = await api.tasks.list.query({ projectId: P(), limit: 500 });
      listHolds(items, 'tasks.list', {
        [f.taskId]: may(f, 'readTask'),
        [f.otherTaskId]: holds(SPEC[f.who.role].readTask, { ...f.who, assigned: false }),
      });
    },
  },
  'tasks.ofEntity': {
    want: onProject('readProject'),
    round: 3,
    call: async (api, f) => {
      const { items } = await api.tasks.ofEntity.query({ entityId: f.assetId, limit: 500 });
      listHolds(items, 'tasks.ofEntity', {
        [f.assetTaskId]: may(f, 'readTask'),
        [f.otherTaskId]: holds(SPEC[f.who.role].readTask, { ...f.who, assigned: false }),
      });
    },
  },
  'tasks.get': {
    want: onProject('readTask'),
    call: (api, f) => api.tasks.get.query({ id: f.taskId }),
  },
  'tasks.create': {
    want: onProject('readEntities', 'changeTask'),
    call: (api, f) => api.tasks.create.mutate({ entityId: f.shotId, taskTypeId: shared.layout.id }),
  },
  'tasks.createMany': {
    want: onProject('readEntities', 'changeTask'),
    call: (api, f) =>
      api.tasks.createMany.mutate({ tasks: [{ entityId: f.shotId, taskTypeId: shared.comp.id }] }),
  },
  'tasks.update': {
    want: onProject('readTask', 'changeTask'),
    call: (api, f) => api.tasks.update.mutate({ id: f.taskId, dueDate: '2099-01-01' }),
  },
  'tasks.assign': {
    want: onProject('readTask', 'changeTask'),
    // The same assignees: the caller's standing stays what the case says.
    call: (api, f) =>
      api.tasks.assign.mutate({
        taskId: f.taskId,
        personIds: f.who.assigned ? [f.me.id] : [],
      }),
  },
  'tasks.setStatus': {
    want: onProject('readTask', 'setStatus'),
    call: (api, f) =>
      api.tasks.setStatus.mutate({ taskId: f.taskId, statusId: shared.statuses.wip!.id }),
  },
  'comments.list': {
    want: onProject('readTask'),
    call: (api, f) => api.comments.list.query({ taskId: f.taskId }),
  },
  'comments.add': [
    {
      want: onProject('readTask', 'comment'),
      call: (api, f) => api.comments.add.mutate({ taskId: f.taskId, text: 'note' }),
    },
    {
      label: 'with a status',
      want: onProject('readTask', 'comment', 'setStatus'),
      call: (api, f) =>
        api.comments.add.mutate({
          taskId: f.taskId,
          text: 'done',
          statusId: shared.statuses.wfa!.id,
        }),
    },
  ],

  'events.list': { want: anyone, round: 3, call: checkLog },
  'events.subscribe': {
    want: anyone,
    // After `checkLog`: the stream replays the log from before the fixture.
    round: 4,
    call: (_api, f) => streamDelivers(f),
  },
};

const MATRIX = { ...STUDIO_ROWS, ...PROJECT_ROWS };

/** A refusal that did not come through a tRPC client (an event stream's). */
class Refused extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'ok';
  } catch (error) {
    if (error instanceof Refused) return error.code;
    const { code, message } = await trpcError(Promise.reject(error));
    return ['NOT_FOUND', 'FORBIDDEN', 'UNAUTHORIZED'].includes(code!)
      ? code!
      : `${code} (${message})`;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `events.subscribe` over SSE from after `lastEventId`: the event ids it delivers, or its refusal. */
function openStream(token: string | undefined, lastEventId: number) {
  const abort = new AbortController();
  const ids: number[] = [];
  let refused: string | null = null;
  let connected = false;
  const input = encodeURIComponent(JSON.stringify({ json: { lastEventId: String(lastEventId) } }));
  const reading = (async () => {
    const res = await fetch(`${server.url}/trpc/events.subscribe?input=${input}`, {
      headers: {
        accept: 'text/event-stream',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      signal: abort.signal,
    });
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
        const fields = new Map(
          buffer
            .slice(0, end)
            .split('\n')
            .filter((line) => line.includes(':'))
            .map((line) => [
              line.slice(0, line.indexOf(':')),
              line.slice(line.indexOf(':') + 1).trim(),
            ]),
        );
        buffer = buffer.slice(end + 2);
        if (fields.get('event') === 'connected') {
          connected = true;
        } else if (fields.get('event') === 'serialized-error') {
          refused = JSON.parse(fields.get('data')!).json.data.code;
        } else if (fields.has('id')) {
          ids.push(Number(fields.get('id')));
        }
      }
    }
  })().catch((error) => {
    if (!abort.signal.aborted) throw error;
  });
  return {
    ids,
    refused: () => refused,
    connected: () => connected,
    async close() {
      abort.abort();
      await reading;
    },
  };
}

/**
 * Subscribes as the caller from before its fixture: the stream must deliver exactly the events
 * `checkLog` found visible, up to the head it checked; a refusal is the call's outcome.
 */
async function streamDelivers(f: Fixture) {
  const stream = openStream(f.token, f.markStart);
  // From after markStart: nothing at or before it may come (a resumed stream never repeats).
  const upToHead = () => stream.ids.filter((id) => id <= f.checkedHead);
  try {
    const deadline = Date.now() + 5000;
    const waiting = () => !stream.connected() || !f.visible.every((id) => stream.ids.includes(id));
    while (!stream.refused() && waiting()) {
      if (Date.now() > deadline) {
        throw new Error(`events.subscribe delivered [${upToHead()}], not all of [${f.visible}]`);
      }
      await sleep(5);
    }
    // Events after the last visible one, had they leaked, arrive right behind it; a refusal,
    // right behind `connected`.
    if (f.visible.at(-1) !== f.checkedHead) await sleep(50);
    const refused = stream.refused();
    if (refused) throw new Refused(refused);
    expect(upToHead(), 'events.subscribe delivered').toEqual(f.visible);
  } finally {
    await stream.close();
  }
}

let n = 0;
let adminToken: string;

/** A user straight into the database with the shared password hash: a hash costs 50 ms. */
async function insertUser(role: Role, departmentIds: string[]) {
  const em = server.orm.em.fork();
  const email = `perm${n}@perm.test`;
  const person = em.create(Person, {
    id: newId(),
    kind: 'user',
    name: `Perm ${n}`,
    email,
    passwordHash: shared.passwordHash,
    role,
    active: true,
  });
  person.departments.set(departmentIds.map((id) => em.getReference(Department, id)));
  await em.flush();
  const password = shared.user.password;
  return { id: person.id, email, password, token: null as string | null };
}

/** The caller, and what it works on, made by the admin; the caller's standing is what `who` says. */
async function setUp(who: Who): Promise<Fixture> {
  n += 1;
  const api = createBatchTestClient(server, adminToken);
  const markStart = await server.services.reads.events.head();
  const departmentIds = [who.inDept ? shared.animation.id : shared.lighting.id];
  const [me, shot, asset, target, department, parked] = await Promise.all([
    who.kind === 'bot'
      ? api.bots.create
          .mutate({ name: `Perm ${n}`, role: who.role, departmentIds })
          .then(({ bot, token }) => ({ id: bot.id, email: null, password: '', token }))
      : insertUser(who.role, departmentIds),
    api.shots.create.mutate({ projectId: P(), sequence: `PERM${n}`, name: `SH${n}` }),
    api.assets.create.mutate({ projectId: P(), assetType: 'prop', name: `Prop ${n}` }),
    api.bots.create.mutate({ name: `Target ${n}` }),
    // For the studio rows: a department to delete, another bot's parked event to drop.
    who.studio ? api.departments.create.mutate({ name: `Gone ${n}` }) : null,
    who.studio
      ? shared.owner.triggers.park.mutate({
          name: 'owned',
          eventId: 1000 + n,
          error: 'x',
          attempts: 1,
        })
      : null,
  ]);
  await Promise.all([
    who.inTeam && api.projects.addMember.mutate({ projectId: P(), personId: me.id }),
    api.projects.addMember.mutate({ projectId: P(), personId: target.bot.id }),
  ]);
  const assigneeIds = who.assigned ? [me.id] : [];
  const [
    {
      items: [task, assetTask, otherTask],
    },
    token,
  ] = await Promise.all([
    api.tasks.createMany.mutate({
      tasks: [
        { entityId: shot.id, taskTypeId: shared.animate.id, assigneeIds },
        { entityId: asset.id, taskTypeId: shared.model.id, assigneeIds },
        // Assigned to nobody: a vendor sees neither it nor its events.
        { entityId: asset.id, taskTypeId: shared.spareType.id },
      ],
    }),
    me.token ?? login(server, { email: me.email!, password: me.password }),
  ]);
  return {
    who,
    me,
    token,
    n,
    markStart,
    shotId: shot.id,
    sequenceId: shot.sequenceId!,
    assetId: asset.id,
    assetTypeId: asset.assetTypeId!,
    taskId: task!.id,
    assetTaskId: assetTask!.id,
    otherTaskId: otherTask!.id,
    targetBotId: target.bot.id,
    departmentId: department?.id ?? '',
    parkedId: parked?.id ?? '',
    visible: [],
    checkedHead: markStart,
  };
}

const checksOf = (rows: Record<string, Check | Check[]>) =>
  Object.entries(rows).flatMap(([path, row]) =>
    (Array.isArray(row) ? row : [row]).map((check) => ({
      ...check,
      name: check.label ? `${path} (${check.label})` : path,
    })),
  );
const STUDIO_CHECKS = checksOf(STUDIO_ROWS);
const PROJECT_CHECKS = checksOf(PROJECT_ROWS);

/** Every check of `round`, called together as the caller; what differs from the row. */
async function runRound(
  round: number,
  due: ReturnType<typeof checksOf>,
  api: Client,
  f: Fixture,
  want: (c: Check) => Outcome,
) {
  const now = due.filter((c) => (c.round ?? 1) === round);
  const got = await Promise.all(now.map((c) => outcome(c.call(api, f))));
  return now.flatMap((c, i) =>
    got[i] === want(c) ? [] : [`${c.name}: expected ${want(c)}, got ${got[i]}`],
  );
}

/**
 * `events.list` holds exactly what the caller may see of everything logged since its fixture was
 * made: its own actions, and otherwise an event is read like a task of its project (vendors: the
 * event's task must be theirs); events of no project are for admins.
 */
async function checkLog(api: Client, f: Fixture) {
  const { who } = f;
  const since = { after: f.markStart, order: 'asc', limit: 500 } as const;
  const [all, got] = await Promise.all([
    admin.events.list.query(since),
    api.events.list.query(since),
  ]);
  const everything = all.items;
  const seen = got.items.map((e) => e.id);
  const mine = new Set(who.assigned ? [f.taskId, f.assetTaskId] : []);
  const visible = everything
    .filter(
      (e) =>
        e.actorId === f.me.id ||
        holds(SPEC[who.role].readTask, {
          inTeam: who.inTeam && e.projectId === P(),
          inDept: who.inDept,
          assigned: e.taskId !== null && mine.has(e.taskId),
        }),
    )
    .map((e) => e.id);
  // The log holds what some callers may not see, so the check can fail.
  expect(everything.some((e) => e.taskId === f.otherTaskId)).toBe(true);
  expect(everything.some((e) => e.projectId === null && e.actorId !== f.me.id)).toBe(true);
  expect(seen, 'events.list').toEqual(visible);
  // A project the caller was never on: its events are for admins.
  const elsewhere = await api.events.list.query({ projectId: shared.other.id });
  expect(elsewhere.items.length > 0, 'events.list: another project').toBe(who.role === 'admin');
  f.visible = visible;
  f.checkedHead = everything.at(-1)?.id ?? f.markStart;
}

// Assignment needs team membership, so "assigned outside the team" cannot happen.
const STANDINGS: Standing[] = [
  { inTeam: true, inDept: true, assigned: true },
  { inTeam: true, inDept: true, assigned: false },
  { inTeam: true, inDept: false, assigned: true },
  { inTeam: true, inDept: false, assigned: false },
  { inTeam: false, inDept: true, assigned: false },
  { inTeam: false, inDept: false, assigned: false },
];
/** Where the studio rows are checked: the most and the least a caller can stand in a project. */
const STUDIO_STANDINGS = [STANDINGS[0], STANDINGS[5]];

const label = ({ role, inTeam, inDept, assigned }: Who) =>
  `${role}, ${inTeam ? 'in team' : 'outside team'}, ${inDept ? 'in dept' : 'other dept'}${assigned ? ', assigned' : ''}`;

it('has a row for every procedure of the router, and none for a procedure it lacks', () => {
  const procedures = routerProcedures.map((p) => p.path).sort();
  expect(procedures.length).toBeGreaterThan(50);
  expect(Object.keys(MATRIX).sort()).toEqual(procedures);
});

describe.each(['user', 'bot'] as const)('as a %s', (kind) => {
  const cases = ROLES.flatMap((role) =>
    STANDINGS.map((s): Who => ({ kind, role, ...s, studio: STUDIO_STANDINGS.includes(s) })),
  );
  it.each(cases.map((who) => [label(who), who] as const))('%s', async (_label, who) => {
    const f = await setUp(who);
    const api = createBatchTestClient(server, f.token);
    const due = who.studio ? [...STUDIO_CHECKS, ...PROJECT_CHECKS] : PROJECT_CHECKS;
    const want = (c: Check) => c.want(who);
    const mismatches: string[] = [];
    for (const round of [1, 2, 3, 4, 5])
      mismatches.push(...(await runRound(round, due, api, f, want)));
    expect(mismatches).toEqual([]);
  });
});

it('without a credential every procedure is UNAUTHORIZED but auth.login', async () => {
  const who: Who = {
    kind: 'user',
    role: 'admin',
    inTeam: false,
    inDept: false,
    assigned: false,
    studio: true,
  };
  // Shared ids: nothing is looked up before the credential is checked.
  const f: Fixture = {
    who,
    me: { id: shared.user.id, email: null, password: 'x' },
    token: '',
    n: 0,
    markStart: 0,
    shotId: shared.shot.id,
    sequenceId: shared.shot.id,
    assetId: shared.shot.id,
    assetTypeId: shared.shot.id,
    taskId: shared.shot.id,
    assetTaskId: shared.shot.id,
    otherTaskId: shared.shot.id,
    targetBotId: shared.managedBotId,
    departmentId: shared.spareDept.id,
    parkedId: shared.parkedId,
    visible: [],
    checkedHead: 0,
  };
  const api = createBatchTestClient(server);
  const mismatches: string[] = [];
  const want = (c: Check) => c.anonymous ?? 'UNAUTHORIZED';
  const due = [...STUDIO_CHECKS, ...PROJECT_CHECKS];
  for (const round of [1, 2, 3, 4, 5])
    mismatches.push(...(await runRound(round, due, api, f, want)));
  expect(mismatches).toEqual([]);
});

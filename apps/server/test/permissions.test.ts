/**
 * Every role × every read and mutation × where the caller stands (in the
 * project team or not, in the task type's department or not, assigned or not),
 * once with human users and once with bots of the same role: bots follow
 * exactly the same rules. The expectation below restates DESIGN.md's role
 * table on its own; it does not import the code under test.
 */
import { ROLES, type Role } from '@clapper/db';
import {
  type Client,
  createBot,
  createStudio,
  createTestClient,
  login,
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

interface Standing {
  inTeam: boolean;
  inDept: boolean;
  assigned: boolean;
}

const holds = (cond: Cond, s: Standing) =>
  cond === 'all' ||
  (cond === 'team' && s.inTeam) ||
  (cond === 'dept' && s.inTeam && s.inDept) ||
  (cond === 'assigned' && s.inTeam && s.assigned);

type Outcome = 'ok' | 'NOT_FOUND' | 'FORBIDDEN';

/** NOT_FOUND when the caller may not read the thing; FORBIDDEN when it may read but not do. */
function expected(role: Role, s: Standing, read: Cap, ...doing: Cap[]): Outcome {
  if (!holds(SPEC[role][read], s)) return 'NOT_FOUND';
  return doing.every((cap) => holds(SPEC[role][cap], s)) ? 'ok' : 'FORBIDDEN';
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

let server: TestServer;
let studio: Awaited<ReturnType<typeof createStudio>>;
let n = 0;

beforeAll(async () => {
  server = await startTestServer();
  studio = await createStudio(server);
});
afterAll(() => server?.close());

async function caller(
  kind: 'user' | 'bot',
  role: Role,
  s: Standing,
): Promise<{ id: string; client: Client }> {
  n += 1;
  const departmentIds = [s.inDept ? studio.animation.id : studio.lighting.id];
  if (kind === 'bot') {
    const { bot, token } = await createBot(server, { role, departmentIds });
    return { id: bot.id, client: createTestClient(server, token) };
  }
  const email = `perm${n}@studio.test`;
  const user = await studio.admin.users.create.mutate({
    email,
    name: `Perm ${n}`,
    password: 'perm-password',
    role,
    departmentIds,
  });
  return {
    id: user.id,
    client: createTestClient(server, await login(server, { email, password: 'perm-password' })),
  };
}

async function outcome(call: Promise<unknown>): Promise<Outcome> {
  try {
    await call;
    return 'ok';
  } catch {
    const error = await trpcError(call);
    if (error.code === 'NOT_FOUND' || error.code === 'FORBIDDEN') return error.code;
    throw new Error(`unexpected ${error.code}: ${error.message}`);
  }
}

const cases = ROLES.flatMap((role) => STANDINGS.map((s) => ({ role, ...s })));
const label = ({ role, inTeam, inDept, assigned }: Standing & { role: Role }) =>
  `${role}, ${inTeam ? 'in team' : 'outside team'}, ${inDept ? 'in dept' : 'other dept'}${assigned ? ', assigned' : ''}`;

describe.each(['user', 'bot'] as const)('as a %s', (kind) => {
  it.each(cases.map((c) => [label(c), c] as const))('%s', async (_label, c) => {
    const { role } = c;
    const me = await caller(kind, role, c);
    const { admin, project } = studio;
    if (c.inTeam) await admin.projects.addMember.mutate({ projectId: project.id, personId: me.id });
    const shot = await admin.shots.create.mutate({
      projectId: project.id,
      sequence: 'PERM',
      name: `SH${n}`,
    });
    const task = await admin.tasks.create.mutate({
      entityId: shot.id,
      taskTypeId: studio.animate.id,
      assigneeIds: c.assigned ? [me.id] : [],
    });
    const api = me.client;

    const checks: [string, Outcome, () => Promise<unknown>][] = [
      [
        'projects.get',
        expected(role, c, 'readProject'),
        () => api.projects.get.query({ id: project.id }),
      ],
      [
        'projects.byName',
        expected(role, c, 'readProject'),
        () => api.projects.byName.query({ name: project.name }),
      ],
      [
        'projects.update',
        expected(role, c, 'readProject', 'changeProject'),
        () => api.projects.update.mutate({ id: project.id, botCollaboration: true }),
      ],
      [
        'projects.addMember',
        expected(role, c, 'readProject', 'changeProject'),
        () =>
          api.projects.addMember.mutate({ projectId: project.id, personId: studio.extraMemberId }),
      ],
      [
        'shots.list',
        expected(role, c, 'readProject'),
        () => api.shots.list.query({ projectId: project.id }),
      ],
      ['shots.get', expected(role, c, 'readEntities'), () => api.shots.get.query({ id: shot.id })],
      [
        'shots.update',
        expected(role, c, 'readEntities', 'changeEntities'),
        () => api.shots.update.mutate({ id: shot.id, frameIn: 1 }),
      ],
      [
        'shots.create',
        expected(role, c, 'readProject', 'changeEntities'),
        () => api.shots.create.mutate({ projectId: project.id, sequence: 'PERM2', name: `SH${n}` }),
      ],
      [
        'tasks.list',
        expected(role, c, 'readProject'),
        () => api.tasks.list.query({ projectId: project.id }),
      ],
      ['tasks.get', expected(role, c, 'readTask'), () => api.tasks.get.query({ id: task.id })],
      [
        'tasks.update',
        expected(role, c, 'readTask', 'changeTask'),
        () => api.tasks.update.mutate({ id: task.id, dueDate: '2099-01-01' }),
      ],
      [
        'tasks.assign',
        expected(role, c, 'readTask', 'changeTask'),
        () => api.tasks.assign.mutate({ taskId: task.id, personIds: c.assigned ? [me.id] : [] }),
      ],
      [
        'tasks.setStatus',
        expected(role, c, 'readTask', 'setStatus'),
        () => api.tasks.setStatus.mutate({ taskId: task.id, statusId: studio.statuses.wip!.id }),
      ],
      [
        'tasks.create',
        expected(role, c, 'readEntities', 'changeTask'),
        () => api.tasks.create.mutate({ entityId: shot.id, taskTypeId: studio.layout.id }),
      ],
      [
        'comments.list',
        expected(role, c, 'readTask'),
        () => api.comments.list.query({ taskId: task.id }),
      ],
      [
        'comments.add',
        expected(role, c, 'readTask', 'comment'),
        () => api.comments.add.mutate({ taskId: task.id, text: 'note' }),
      ],
      [
        'comments.add with status',
        expected(role, c, 'readTask', 'comment', 'setStatus'),
        () =>
          api.comments.add.mutate({
            taskId: task.id,
            text: 'done',
            statusId: studio.statuses.wfa!.id,
          }),
      ],
      // Studio settings are readable by all: only FORBIDDEN, never NOT_FOUND.
      [
        'departments.create',
        SPEC[role].configure === 'all' ? 'ok' : 'FORBIDDEN',
        () => api.departments.create.mutate({ name: `Dept ${kind} ${n}` }),
      ],
      ['events.list', 'ok', () => api.events.list.query()],
    ];

    const mismatches: string[] = [];
    for (const [name, want, call] of checks) {
      const got = await outcome(call());
      if (got !== want) mismatches.push(`${name}: expected ${want}, got ${got}`);
    }
    expect(mismatches).toEqual([]);

    // Lists hold exactly what the caller may read.
    if (holds(SPEC[role].readProject, c)) {
      const tasks = (await api.tasks.list.query({ projectId: project.id, limit: 500 })).items.map(
        (t) => t.id,
      );
      expect(tasks.includes(task.id)).toBe(holds(SPEC[role].readTask, c));
      const shots = (await api.shots.list.query({ projectId: project.id, limit: 500 })).items.map(
        (x) => x.id,
      );
      expect(shots.includes(shot.id)).toBe(holds(SPEC[role].readEntities, c));
    }
  });
});

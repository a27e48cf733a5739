import {
  adminClient,
  type Client,
  createBot,
  createStudio,
  createTestClient,
  createUser,
  login,
  startTestServer,
  type TestServer,
  trpcError,
} from '@clapper/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const NO_SUCH_ID = '00000000-0000-7000-8000-000000000000';

let server: TestServer;
let admin: Client;
let studio: Awaited<ReturnType<typeof createStudio>>;

beforeAll(async () => {
  server = await startTestServer();
  admin = await adminClient(server);
  studio = await createStudio(server);
});
afterAll(() => server?.close());

/** A signed-in user of `role`, on the studio project's team unless told otherwise. */
async function member(
  role: 'manager' | 'supervisor' | 'artist' | 'client' | 'vendor',
  inTeam = true,
) {
  const user = await createUser(server, { role });
  if (inTeam)
    await admin.projects.addMember.mutate({ projectId: studio.project.id, personId: user.id });
  return { ...user, client: createTestClient(server, await login(server, user)) };
}

describe('task statuses', () => {
  it('come with the defaults of first start: todo, wip, wfa, retake, done', async () => {
    expect(Object.keys(studio.statuses).sort()).toEqual(['done', 'retake', 'todo', 'wfa', 'wip']);
    expect(studio.statuses.done!.isDone).toBe(true);
    expect(studio.statuses.wfa!.name).toBe('Waiting for approval');
  });

  it('can be added and renamed by an admin; names are unique', async () => {
    const status = await admin.taskStatuses.create.mutate({
      name: 'On hold',
      shortName: 'hold',
      color: '#777777',
    });
    expect(status).toMatchObject({ name: 'On hold', shortName: 'hold', isDone: false });
    expect(
      await trpcError(admin.taskStatuses.create.mutate({ name: 'Paused', shortName: 'hold' })),
    ).toMatchObject({
      code: 'CONFLICT',
      field: 'shortName',
    });
    expect(
      await trpcError(admin.taskStatuses.update.mutate({ id: NO_SUCH_ID, name: 'x' })),
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect(
      await trpcError(
        admin.taskStatuses.create.mutate({ name: 'Bad', shortName: 'bad', color: 'red' }),
      ),
    ).toMatchObject({
      code: 'BAD_REQUEST',
      field: 'color',
    });
  });
});

describe('departments and task types', () => {
  it('an admin creates and renames; names are unique; a department with task types cannot go', async () => {
    const dept = await admin.departments.create.mutate({ name: 'FX dept' });
    expect(await trpcError(admin.departments.create.mutate({ name: 'FX dept' }))).toMatchObject({
      code: 'CONFLICT',
      field: 'name',
    });
    const type = await admin.taskTypes.create.mutate({
      name: 'Simulation',
      departmentId: dept.id,
      forEntity: 'shot',
    });
    expect(type).toMatchObject({ departmentId: dept.id, forEntity: 'shot' });
    expect(await trpcError(admin.departments.delete.mutate({ id: dept.id }))).toMatchObject({
      code: 'CONFLICT',
    });
    expect(
      await trpcError(
        admin.taskTypes.create.mutate({
          name: 'Sim2',
          departmentId: NO_SUCH_ID,
          forEntity: 'shot',
        }),
      ),
    ).toMatchObject({
      code: 'BAD_REQUEST',
      field: 'departmentId',
    });
    expect(
      await trpcError(
        admin.taskTypes.create.mutate({
          name: 'Sim3',
          departmentId: dept.id,
          forEntity: 'sequence' as 'shot',
        }),
      ),
    ).toMatchObject({
      code: 'BAD_REQUEST',
      field: 'forEntity',
    });
    const moved = await admin.taskTypes.update.mutate({
      id: type.id,
      departmentId: studio.lighting.id,
      name: 'Simulation FX',
    });
    expect(moved).toMatchObject({ departmentId: studio.lighting.id, name: 'Simulation FX' });
    const empty = await admin.departments.create.mutate({ name: 'Temp dept' });
    expect(await admin.departments.delete.mutate({ id: empty.id })).toEqual({
      ok: true,
      id: empty.id,
    });
    expect(
      await trpcError(admin.departments.update.mutate({ id: empty.id, name: 'x' })),
    ).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('are read by everyone signed in and changed only by admins, users or bots', async () => {
    const { token } = await createBot(server, { role: 'manager' });
    const bot = createTestClient(server, token);
    expect((await bot.departments.list.query()).items.length).toBeGreaterThan(0);
    expect((await bot.taskTypes.list.query()).items.length).toBeGreaterThan(0);
    expect(await trpcError(bot.departments.create.mutate({ name: 'Bot dept' }))).toMatchObject({
      code: 'FORBIDDEN',
      message: 'departments.create needs the role admin; you are manager',
      reason: 'role_forbidden',
    });
    const adminBot = createTestClient(server, (await createBot(server, { role: 'admin' })).token);
    expect((await adminBot.departments.create.mutate({ name: 'Made by an admin bot' })).name).toBe(
      'Made by an admin bot',
    );
  });
});

describe('projects', () => {
  it('byName finds a project the caller may read, and is NOT_FOUND for one it may not', async () => {
    expect((await admin.projects.byName.query({ name: studio.project.name })).id).toBe(
      studio.project.id,
    );
    const outsider = await member('artist', false);
    for (const call of [
      () => outsider.client.projects.byName.query({ name: studio.project.name }),
      () => outsider.client.projects.get.query({ id: studio.project.id }),
      () => admin.projects.byName.query({ name: 'No such production' }),
    ]) {
      expect(await trpcError(call())).toMatchObject({
        code: 'NOT_FOUND',
        message: 'Project not found',
      });
    }
    expect((await outsider.client.projects.list.query()).items).toEqual([]);
  });

  it('a manager in the team manages the team and botCollaboration; an artist reads but may not', async () => {
    const manager = await member('manager');
    const artist = await member('artist');
    const { bot } = await createBot(server);
    const withBot = await manager.client.projects.addMember.mutate({
      projectId: studio.project.id,
      personId: bot.id,
    });
    expect(withBot.team.map((p) => p.id)).toContain(bot.id);
    expect(
      (await artist.client.projects.get.query({ id: studio.project.id })).team.length,
    ).toBeGreaterThan(2);
    expect(
      await trpcError(
        artist.client.projects.update.mutate({ id: studio.project.id, botCollaboration: false }),
      ),
    ).toMatchObject({
      code: 'FORBIDDEN',
    });
    const removed = await manager.client.projects.removeMember.mutate({
      projectId: studio.project.id,
      personId: bot.id,
    });
    expect(removed.team.map((p) => p.id)).not.toContain(bot.id);
    expect(
      await trpcError(
        manager.client.projects.removeMember.mutate({
          projectId: studio.project.id,
          personId: bot.id,
        }),
      ),
    ).toMatchObject({
      code: 'BAD_REQUEST',
      field: 'personId',
    });
  });

  it('names are unique, and only admins create projects', async () => {
    expect(
      await trpcError(admin.projects.create.mutate({ name: studio.project.name })),
    ).toMatchObject({ code: 'CONFLICT', field: 'name' });
    const manager = await member('manager');
    expect(
      await trpcError(manager.client.projects.create.mutate({ name: 'Manager project' })),
    ).toMatchObject({ code: 'FORBIDDEN' });
    expect(await trpcError(admin.projects.create.mutate({ name: '' }))).toMatchObject({
      code: 'BAD_REQUEST',
      field: 'name',
    });
  });
});

describe('assets and shots', () => {
  it('create, read, update and delete an asset; names are unique per project', async () => {
    const asset = await admin.assets.create.mutate({
      projectId: studio.project.id,
      assetType: 'Prop',
      name: 'Lamp',
    });
    expect(asset).toMatchObject({ name: 'Lamp', assetType: 'Prop', projectId: studio.project.id });
    expect(
      await trpcError(
        admin.assets.create.mutate({
          projectId: studio.project.id,
          assetType: 'Prop',
          name: 'Lamp',
        }),
      ),
    ).toMatchObject({
      code: 'CONFLICT',
      field: 'name',
    });
    expect((await admin.assets.update.mutate({ id: asset.id, name: 'Desk lamp' })).name).toBe(
      'Desk lamp',
    );
    expect(
      (await admin.assets.list.query({ projectId: studio.project.id })).items.map((a) => a.name),
    ).toContain('Desk lamp');
    await admin.assets.delete.mutate({ id: asset.id });
    expect(await trpcError(admin.assets.get.query({ id: asset.id }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await trpcError(admin.shots.get.query({ id: NO_SUCH_ID }))).toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('shots: frames in order, unique names per sequence, filter by sequence', async () => {
    expect(
      await trpcError(
        admin.shots.create.mutate({
          projectId: studio.project.id,
          sequence: 'SQ09',
          name: 'SH1',
          frameIn: 100,
          frameOut: 50,
        }),
      ),
    ).toMatchObject({ code: 'BAD_REQUEST', field: 'frameOut' });
    expect(
      await trpcError(
        admin.shots.create.mutate({
          projectId: studio.project.id,
          sequence: 'SQ01',
          name: 'SH010',
        }),
      ),
    ).toMatchObject({
      code: 'CONFLICT',
      field: 'name',
    });
    const other = await admin.shots.create.mutate({
      projectId: studio.project.id,
      sequence: 'SQ02',
      name: 'SH010',
    });
    const sq02 = await admin.shots.list.query({ projectId: studio.project.id, sequence: 'SQ02' });
    expect(sq02.items.map((s) => s.id)).toEqual([other.id]);
    expect(
      await trpcError(admin.shots.update.mutate({ id: other.id, frameIn: 10, frameOut: 5 })),
    ).toMatchObject({ field: 'frameOut' });
    expect(await trpcError(admin.shots.list.query({ projectId: NO_SUCH_ID }))).toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('an asset id is not a shot id', async () => {
    const asset = await admin.assets.create.mutate({
      projectId: studio.project.id,
      assetType: 'Prop',
      name: 'Chair',
    });
    expect(await trpcError(admin.shots.get.query({ id: asset.id }))).toMatchObject({
      code: 'NOT_FOUND',
      message: 'Shot not found',
    });
  });
});

describe('sequences and asset types', () => {
  it('shots made at once in a new sequence share one sequence record, made once', async () => {
    const projectId = studio.project.id;
    const before = await server.services.reads.events.head();
    const shots = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        admin.shots.create.mutate({ projectId, sequence: 'RACE', name: `SH${i}` }),
      ),
    );
    const ids = new Set(shots.map((shot) => shot.sequenceId));
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    expect(await admin.sequences.get.query({ id: id! })).toMatchObject({ projectId, name: 'RACE' });
    const listed = await admin.sequences.list.query({ projectId, name: 'RACE' });
    expect(listed.items.map((s) => s.id)).toEqual([id]);
    const { items } = await admin.shots.list.query({ projectId, sequence: 'RACE', limit: 50 });
    expect(items).toHaveLength(12);
    // Made by a shot, not asked for: no event of its own (shot.created names it).
    const events = await admin.events.list.query({ after: before, limit: 100 });
    expect(events.items.filter((e) => e.type === 'sequence.created')).toEqual([]);
  });

  it('sequences.create answers an existing name as it is; a shot moved to another sequence links to it', async () => {
    const projectId = studio.project.id;
    const made = await admin.sequences.create.mutate({ projectId, name: 'SQ90' });
    expect(await admin.sequences.create.mutate({ projectId, name: 'SQ90' })).toEqual(made);
    const shot = await admin.shots.create.mutate({ projectId, sequence: 'SQ91', name: 'SH010' });
    expect(shot.sequenceId).not.toBe(made.id);
    const moved = await admin.shots.update.mutate({ id: shot.id, sequence: 'SQ90' });
    expect(moved).toMatchObject({ sequence: 'SQ90', sequenceId: made.id });
    expect(await trpcError(admin.sequences.get.query({ id: NO_SUCH_ID }))).toMatchObject({
      code: 'NOT_FOUND',
      message: 'Sequence not found',
    });
    expect(
      await trpcError(admin.sequences.create.mutate({ projectId: NO_SUCH_ID, name: 'SQ' })),
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect(await trpcError(admin.sequences.create.mutate({ projectId, name: '' }))).toMatchObject({
      code: 'BAD_REQUEST',
      field: 'name',
    });
  });

  it('asset types are studio-wide, made by the first asset that names one, listed per project', async () => {
    const other = await admin.projects.create.mutate({ name: 'Types elsewhere' });
    const [a, b] = await Promise.all([
      admin.assets.create.mutate({
        projectId: studio.project.id,
        assetType: 'Vehicle',
        name: 'Car',
      }),
      admin.assets.create.mutate({ projectId: other.id, assetType: 'Vehicle', name: 'Bus' }),
    ]);
    expect(a.assetTypeId).toBe(b.assetTypeId);
    const type = await admin.assetTypes.get.query({ id: a.assetTypeId! });
    expect(type).toMatchObject({ name: 'Vehicle' });
    expect((await admin.assetTypes.list.query({ limit: 500 })).items).toContainEqual(type);
    const retyped = await admin.assets.update.mutate({ id: b.id, assetType: 'Vehicle 2' });
    expect(retyped.assetTypeId).not.toBe(a.assetTypeId);
    const inOther = await admin.assetTypes.list.query({ projectId: other.id });
    expect(inOther.items.map((t) => t.name)).toEqual(['Vehicle 2']);
    expect(await trpcError(admin.assetTypes.get.query({ id: NO_SUCH_ID }))).toMatchObject({
      code: 'NOT_FOUND',
      message: 'Asset type not found',
    });
  });
});

describe('tasks and comments', () => {
  it('creates a task at todo, one per task type per entity, of a task type for that kind', async () => {
    const shot = await admin.shots.create.mutate({
      projectId: studio.project.id,
      sequence: 'SQ03',
      name: 'SH100',
    });
    const task = await admin.tasks.create.mutate({
      entityId: shot.id,
      taskTypeId: studio.animate.id,
      dueDate: '2099-05-01',
    });
    expect(task).toMatchObject({
      entity: { id: shot.id, kind: 'shot', name: 'SH100', sequence: 'SQ03' },
      taskType: { id: studio.animate.id },
      status: { shortName: 'todo' },
      assignees: [],
      dueDate: '2099-05-01',
    });
    expect(
      await trpcError(
        admin.tasks.create.mutate({ entityId: shot.id, taskTypeId: studio.animate.id }),
      ),
    ).toMatchObject({
      code: 'CONFLICT',
      field: 'taskTypeId',
    });
    expect(
      await trpcError(
        admin.tasks.create.mutate({ entityId: shot.id, taskTypeId: studio.model.id }),
      ),
    ).toMatchObject({
      code: 'BAD_REQUEST',
      field: 'taskTypeId',
      message: expect.stringContaining('is for assets, not shots'),
    });
    expect(
      await trpcError(
        admin.tasks.create.mutate({ entityId: NO_SUCH_ID, taskTypeId: studio.animate.id }),
      ),
    ).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(
      await trpcError(admin.tasks.update.mutate({ id: task.id, dueDate: '31/12/2099' })),
    ).toMatchObject({ field: 'dueDate' });
  });

  it('assigns only team members, and bots only where botCollaboration is on', async () => {
    const artist = await member('artist');
    const outsider = await member('artist', false);
    const { bot } = await createBot(server);
    await admin.projects.addMember.mutate({ projectId: studio.project.id, personId: bot.id });
    const shot = await admin.shots.create.mutate({
      projectId: studio.project.id,
      sequence: 'SQ04',
      name: 'SH200',
    });
    const task = await admin.tasks.create.mutate({
      entityId: shot.id,
      taskTypeId: studio.animate.id,
      assigneeIds: [artist.id],
    });
    expect(task.assignees.map((a) => a.id)).toEqual([artist.id]);
    expect(
      await trpcError(admin.tasks.assign.mutate({ taskId: task.id, personIds: [outsider.id] })),
    ).toMatchObject({
      code: 'BAD_REQUEST',
      field: 'personIds',
    });
    const withBot = await admin.tasks.assign.mutate({
      taskId: task.id,
      personIds: [artist.id, bot.id],
    });
    expect(withBot.assignees.map((a) => a.kind).sort()).toEqual(['bot', 'user']);

    await admin.projects.update.mutate({ id: studio.project.id, botCollaboration: false });
    try {
      const error = await trpcError(
        admin.tasks.assign.mutate({ taskId: task.id, personIds: [bot.id] }),
      );
      expect(error).toMatchObject({ code: 'FORBIDDEN', field: 'personIds' });
      expect(error.message).toContain('botCollaboration');
    } finally {
      await admin.projects.update.mutate({ id: studio.project.id, botCollaboration: true });
    }
  });

  it('a comment with a status moves the task in the same call; a bad status changes nothing', async () => {
    const artist = await member('artist');
    const shot = await admin.shots.create.mutate({
      projectId: studio.project.id,
      sequence: 'SQ05',
      name: 'SH300',
    });
    const task = await admin.tasks.create.mutate({
      entityId: shot.id,
      taskTypeId: studio.animate.id,
      assigneeIds: [artist.id],
    });
    const comment = await artist.client.comments.add.mutate({
      taskId: task.id,
      text: 'Ready for review',
      statusId: studio.statuses.wfa!.id,
    });
    expect(comment).toMatchObject({
      taskId: task.id,
      text: 'Ready for review',
      statusId: studio.statuses.wfa!.id,
      author: { id: artist.id },
    });
    expect((await admin.tasks.get.query({ id: task.id })).status.shortName).toBe('wfa');

    expect(
      await trpcError(
        artist.client.comments.add.mutate({ taskId: task.id, text: 'oops', statusId: NO_SUCH_ID }),
      ),
    ).toMatchObject({
      code: 'BAD_REQUEST',
      field: 'statusId',
    });
    expect(
      await trpcError(artist.client.comments.add.mutate({ taskId: task.id, text: '   ' })),
    ).toMatchObject({ field: 'text' });
    const comments = await admin.comments.list.query({ taskId: task.id });
    expect(comments.items.map((c) => c.text)).toEqual(['Ready for review']);
    expect((await admin.tasks.get.query({ id: task.id })).status.shortName).toBe('wfa');
    const events = await admin.events.list.query({ projectId: studio.project.id, limit: 5 });
    expect(events.items[0]).toMatchObject({
      type: 'comment.added',
      taskId: task.id,
      actorId: artist.id,
    });
  });

  it('lists tasks by assignee, status and task type, paged', async () => {
    const artist = await member('artist');
    const shots = await Promise.all(
      [1, 2, 3].map((i) =>
        admin.shots.create.mutate({
          projectId: studio.project.id,
          sequence: 'SQ06',
          name: `SH${i}`,
        }),
      ),
    );
    const tasks = [];
    for (const shot of shots) {
      tasks.push(
        await admin.tasks.create.mutate({
          entityId: shot.id,
          taskTypeId: studio.layout.id,
          assigneeIds: [artist.id],
        }),
      );
    }
    await admin.tasks.setStatus.mutate({
      taskId: tasks[0]!.id,
      statusId: studio.statuses.done!.id,
    });
    const mine = await admin.tasks.list.query({
      projectId: studio.project.id,
      assigneeId: artist.id,
    });
    expect(mine.items.map((t) => t.id)).toEqual(tasks.map((t) => t.id));
    const done = await admin.tasks.list.query({
      projectId: studio.project.id,
      assigneeId: artist.id,
      statusId: studio.statuses.done!.id,
    });
    expect(done.items.map((t) => t.id)).toEqual([tasks[0]!.id]);
    const first = await admin.tasks.list.query({
      projectId: studio.project.id,
      taskTypeId: studio.layout.id,
      limit: 2,
    });
    expect(first.items).toHaveLength(2);
    const second = await admin.tasks.list.query({
      projectId: studio.project.id,
      taskTypeId: studio.layout.id,
      limit: 2,
      cursor: first.nextCursor!,
    });
    expect([...first.items, ...second.items].map((t) => t.id)).toEqual(tasks.map((t) => t.id));
  });
});

describe('tasks.ofEntity', () => {
  it("lists a shot's tasks by its id alone; a deleted or unknown one is NOT_FOUND", async () => {
    const shot = await admin.shots.create.mutate({
      projectId: studio.project.id,
      sequence: 'SQ95',
      name: 'SH1',
    });
    const task = await admin.tasks.create.mutate({
      entityId: shot.id,
      taskTypeId: studio.animate.id,
    });
    const listed = await admin.tasks.ofEntity.query({ entityId: shot.id });
    expect(listed.items.map((t) => t.id)).toEqual([task.id]);
    // Asked again: from the cache, which the deletion must reach.
    expect((await admin.tasks.ofEntity.query({ entityId: shot.id })).items).toHaveLength(1);
    await admin.shots.delete.mutate({ id: shot.id });
    expect(await trpcError(admin.tasks.ofEntity.query({ entityId: shot.id }))).toMatchObject({
      code: 'NOT_FOUND',
      message: 'Entity not found',
    });
    expect(await trpcError(admin.tasks.ofEntity.query({ entityId: NO_SUCH_ID }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    // Outside the project's team, it is not found either.
    const outsider = await member('manager', false);
    const other = await admin.shots.create.mutate({
      projectId: studio.project.id,
      sequence: 'SQ95',
      name: 'SH2',
    });
    expect(
      await trpcError(outsider.client.tasks.ofEntity.query({ entityId: other.id })),
    ).toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});

describe('tasks.list with 100 tasks', () => {
  it('runs a small constant number of SQL statements, however many tasks', async () => {
    const local = await startTestServer({ countQueries: true });
    try {
      const s = await createStudio(local);
      const artist = await createUser(local);
      await s.admin.projects.addMember.mutate({ projectId: s.project.id, personId: artist.id });
      for (let i = 0; i < 100; i++) {
        const shot = await s.admin.shots.create.mutate({
          projectId: s.project.id,
          sequence: 'SQ',
          name: `SH${i}`,
        });
        await s.admin.tasks.create.mutate({
          entityId: shot.id,
          taskTypeId: s.animate.id,
          assigneeIds: [artist.id],
        });
      }
      await s.admin.tasks.list.query({ projectId: s.project.id, limit: 1 });
      local.queries.length = 0;
      const page = await s.admin.tasks.list.query({ projectId: s.project.id, limit: 500 });
      expect(page.items).toHaveLength(100);
      expect(
        page.items.every((t) => t.assignees.length === 1 && t.entity.name.startsWith('SH')),
      ).toBe(true);
      const statements = local.queries.filter((q) => /\b(select|insert|update|delete)\b/i.test(q));
      expect(statements.length, statements.join('\n')).toBeLessThanOrEqual(8);
    } finally {
      await local.close();
    }
  }, 120_000);
});

describe('every studio router answers each kind of refusal', () => {
  it('NOT_FOUND, FORBIDDEN and BAD_REQUEST for departments, task types, task statuses and assets', async () => {
    const manager = await member('manager');
    const m = manager.client;
    const asset = await admin.assets.create.mutate({
      projectId: studio.project.id,
      assetType: 'Set',
      name: 'Street',
    });
    const cases: [string, () => Promise<unknown>, string, string | null][] = [
      [
        'departments.update unknown',
        () => admin.departments.update.mutate({ id: NO_SUCH_ID, name: 'x' }),
        'NOT_FOUND',
        null,
      ],
      [
        'departments.update by a manager',
        () => m.departments.update.mutate({ id: studio.lighting.id, name: 'x' }),
        'FORBIDDEN',
        null,
      ],
      [
        'departments.create with a bad colour',
        () => admin.departments.create.mutate({ name: 'Paint', color: 'blue' }),
        'BAD_REQUEST',
        'color',
      ],
      [
        'taskTypes.update unknown',
        () => admin.taskTypes.update.mutate({ id: NO_SUCH_ID, name: 'x' }),
        'NOT_FOUND',
        null,
      ],
      [
        'taskTypes.create by a manager',
        () =>
          m.taskTypes.create.mutate({
            name: 'x',
            departmentId: studio.lighting.id,
            forEntity: 'shot',
          }),
        'FORBIDDEN',
        null,
      ],
      [
        'taskTypes.create without a name',
        () =>
          admin.taskTypes.create.mutate({
            name: '',
            departmentId: studio.lighting.id,
            forEntity: 'shot',
          }),
        'BAD_REQUEST',
        'name',
      ],
      [
        'taskTypes.create with a taken name',
        () =>
          admin.taskTypes.create.mutate({
            name: studio.animate.name,
            departmentId: studio.lighting.id,
            forEntity: 'shot',
          }),
        'CONFLICT',
        'name',
      ],
      [
        'taskStatuses.create by a manager',
        () => m.taskStatuses.create.mutate({ name: 'x', shortName: 'x' }),
        'FORBIDDEN',
        null,
      ],
      [
        'taskStatuses.update with a long short name',
        () =>
          admin.taskStatuses.update.mutate({
            id: studio.statuses.wip!.id,
            shortName: 'x'.repeat(21),
          }),
        'BAD_REQUEST',
        'shortName',
      ],
      ['assets.get unknown', () => admin.assets.get.query({ id: NO_SUCH_ID }), 'NOT_FOUND', null],
      [
        'assets.create without an asset type',
        () =>
          admin.assets.create.mutate({ projectId: studio.project.id, assetType: '', name: 'x' }),
        'BAD_REQUEST',
        'assetType',
      ],
      [
        'assets.update by an artist',
        async () =>
          (await member('artist')).client.assets.update.mutate({ id: asset.id, name: 'y' }),
        'FORBIDDEN',
        null,
      ],
      [
        'assets.delete by an outsider',
        async () => (await member('manager', false)).client.assets.delete.mutate({ id: asset.id }),
        'NOT_FOUND',
        null,
      ],
    ];
    for (const [label, call, code, field] of cases) {
      const error = await trpcError(call());
      expect(error.code, label).toBe(code);
      if (field) expect(error.field, label).toBe(field);
    }
    expect((await admin.assets.get.query({ id: asset.id })).name).toBe('Street');
  });
});

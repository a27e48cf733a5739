import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Comment,
  commentRowOf,
  Department,
  type Em,
  Event,
  eventRowOf,
  type HotReads,
  migrate,
  newId,
  type Orm,
  openDatabase,
  openHotReads,
  type PeopleOrder,
  Person,
  Project,
  personRowOf,
  projectRowOf,
  runStatements,
  Session,
  Subject,
  subjectRowOf,
  Task,
  TaskStatus,
  TaskType,
  taskRowOf,
  teamRowsOf,
  writes,
} from '../src';
import { createTestDatabase, type TestDatabase, testDialect } from '../src/testing';

// Every hot read is held to its entity twin: the same rows, loaded through the ORM from the
// entity definitions and turned into rows by the `*RowOf` functions, on both dialects.
let db: TestDatabase;
let orm: Orm;
let reads: HotReads;
const ids = {} as Record<
  'admin' | 'bot' | 'vendor' | 'anim' | 'light' | 'project' | 'other' | 'shot' | 'asset',
  string
> & { tasks: string[]; statuses: string[]; taskType: string; session: string };

const fresh = () => orm.em.fork() as Em;

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await openDatabase(db.url);
  await migrate(orm);
  const em = fresh();
  const anim = em.create(Department, { name: 'Animation', color: '#ff8800' });
  const light = em.create(Department, { name: 'Lighting' });
  const admin = em.create(Person, {
    kind: 'user',
    name: 'Ada',
    email: 'ada@clapper.test',
    role: 'admin',
    lastUsedAt: new Date('2026-11-01T10:00:00.123Z'),
  });
  admin.departments.set([light, anim]);
  const bot = em.create(Person, {
    kind: 'bot',
    name: 'Publisher',
    role: 'supervisor',
    expiresAt: '2027-06-30',
    tokenId: newId(),
    tokenIssuedAt: new Date('2026-11-02T00:00:00.000Z'),
    previousTokenId: newId(),
    previousTokenValidUntil: new Date('2026-11-02T00:15:00.000Z'),
    createdBy: admin,
    active: false,
  });
  bot.departments.set([anim]);
  const vendor = em.create(Person, { kind: 'bot', name: 'Vendor', role: 'vendor' });
  const project = em.create(Project, { name: 'MyProduction', botCollaboration: true });
  project.team.set([vendor, bot, admin]);
  const other = em.create(Project, { name: 'Other' });
  other.team.set([admin]);
  const shot = em.create(Subject, {
    project,
    kind: 'shot',
    name: 'SH010',
    sequence: 'SQ01',
    frameIn: 1001,
    frameOut: 1040,
  });
  const asset = em.create(Subject, {
    project,
    kind: 'asset',
    name: 'Hero',
    assetType: 'Character',
  });
  const taskType = em.create(TaskType, { name: 'Animate', department: anim, forEntity: 'shot' });
  const model = em.create(TaskType, { name: 'Model', department: light, forEntity: 'asset' });
  const todo = em.create(TaskStatus, { name: 'Todo', shortName: 'todo', color: '#9e9e9e' });
  const done = em.create(TaskStatus, { name: 'Done', shortName: 'done', isDone: true });
  const t1 = em.create(Task, {
    project,
    entity: shot,
    taskType,
    status: todo,
    dueDate: '2027-01-15',
  });
  t1.assignees.set([vendor, bot]);
  const t2 = em.create(Task, { project, entity: asset, taskType: model, status: done });
  const session = em.create(Session, {
    person: admin,
    expiresAt: new Date('2026-12-12T00:00:00.000Z'),
    revokedAt: new Date('2026-11-03T00:00:00.000Z'),
  });
  for (const [task, text] of [
    [t1, 'first'],
    [t1, 'second'],
    [t2, 'elsewhere'],
  ] as const) {
    em.create(Comment, { task, author: admin, authorName: 'Ada', text, status: done });
  }
  for (const [type, projectId, actorId, taskId] of [
    ['project.created', project.id, admin.id, null],
    ['task.created', project.id, bot.id, t1.id],
    ['comment.added', project.id, admin.id, t2.id],
    ['bot.updated', null, admin.id, null],
    ['project.created', other.id, admin.id, null],
  ] as const) {
    em.create(Event, {
      type,
      actorId,
      actorKind: 'user',
      actorName: 'Ada',
      projectId,
      targetType: 'project',
      targetId: projectId,
      taskId,
      data: { nested: { list: [1, 'two'] }, flag: true },
    });
  }
  await em.flush();
  Object.assign(ids, {
    admin: admin.id,
    bot: bot.id,
    vendor: vendor.id,
    anim: anim.id,
    light: light.id,
    project: project.id,
    other: other.id,
    shot: shot.id,
    asset: asset.id,
    tasks: [t1.id, t2.id],
    statuses: [todo.id, done.id],
    taskType: taskType.id,
    session: session.id,
  });
  reads = openHotReads(orm);
});

afterAll(async () => {
  await reads?.close();
  await orm?.close();
  await db?.dispose();
});

async function personTwin(id: string) {
  const person = await fresh().findOneOrFail(
    Person,
    { id },
    { populate: ['departments', 'createdBy'] },
  );
  return personRowOf(person);
}

async function taskTwins(where: object) {
  const tasks = await fresh().find(Task, where, {
    populate: ['entity', 'taskType', 'status', 'assignees'],
    orderBy: { id: 'asc' },
  });
  return tasks.map(taskRowOf);
}

describe(`hot reads on ${testDialect()}, against the entities`, () => {
  it('reads people with departments and creator as the ORM does', async () => {
    for (const id of [ids.admin, ids.bot, ids.vendor]) {
      expect(await reads.people.byId(id)).toEqual(await personTwin(id));
    }
    expect((await reads.people.byId(ids.admin))!.departments.map((d) => d.name)).toHaveLength(2);
    expect(await reads.people.byId(newId())).toBeNull();
    // The batched twin: every person asked for that exists, as `byId` reads them.
    const some = await reads.people.byIds([ids.vendor, newId(), ids.admin]);
    expect(some.sort((a, b) => a.id.localeCompare(b.id))).toEqual(
      await Promise.all([ids.admin, ids.vendor].sort().map(personTwin)),
    );
    const bots = await fresh().find(
      Person,
      { kind: 'bot' },
      {
        populate: ['departments', 'createdBy'],
        orderBy: { id: 'asc' },
      },
    );
    const list = (cursor?: string, order: PeopleOrder = { sort: 'createdAt', desc: false }) =>
      reads.people.list('bot', {}, order, { cursor, take: 10, today: '2026-01-01' });
    expect(await list()).toEqual({
      rows: bots.map(personRowOf),
      total: bots.length,
      cursorFound: true,
    });
    expect((await list(bots[0]!.id)).rows).toEqual(bots.slice(1).map(personRowOf));
    const byName = await fresh().find(
      Person,
      { kind: 'bot' },
      { populate: ['departments', 'createdBy'], orderBy: [{ nameKey: 'desc' }, { id: 'desc' }] },
    );
    expect((await list(undefined, { sort: 'name', desc: true })).rows).toEqual(
      byName.map(personRowOf),
    );
    expect((await list(newId())).cursorFound).toBe(false);
  });

  it('reads a session as the ORM does', async () => {
    const session = await fresh().findOneOrFail(Session, { id: ids.session });
    expect(await reads.people.session(ids.session)).toEqual({
      id: session.id,
      personId: session.person.id,
      expiresAt: session.expiresAt,
      revokedAt: session.revokedAt,
    });
  });

  it('reads projects, teams and memberships as the ORM does', async () => {
    const project = await fresh().findOneOrFail(
      Project,
      { id: ids.project },
      { populate: ['team'] },
    );
    expect(await reads.projects.byId(ids.project)).toEqual(projectRowOf(project));
    expect(await reads.projects.byName('MyProduction')).toEqual(projectRowOf(project));
    // Names are unique whatever their case, so any case finds the one project.
    expect(await reads.projects.byName('myproduction')).toEqual(projectRowOf(project));
    expect(await reads.projects.byName('MyProduction 2')).toBeNull();
    const teams = await reads.projects.teams([ids.project, ids.other, newId()]);
    expect(teams.get(ids.project)).toEqual(teamRowsOf(project));
    expect(teams.get(ids.project)!.map((m) => m.id)).toEqual(
      [ids.admin, ids.bot, ids.vendor].sort(),
    );
    expect([...teams.values()].at(-1)).toEqual([]);
    const ofAdmin = await fresh().find(Project, { team: ids.admin }, { orderBy: { id: 'asc' } });
    const ofVendor = await fresh().find(Project, { team: ids.vendor }, { orderBy: { id: 'asc' } });
    const nobody = newId();
    const members = await reads.projects.ofMembers([ids.admin, ids.vendor, nobody]);
    expect([...members.keys()]).toEqual([ids.admin, ids.vendor, nobody]);
    expect(members.get(ids.admin)!.sort()).toEqual(ofAdmin.map((p) => p.id));
    expect(members.get(ids.vendor)!.sort()).toEqual(ofVendor.map((p) => p.id));
    expect(members.get(nobody)).toEqual([]);
    const all = await fresh().find(Project, {}, { orderBy: { id: 'asc' } });
    expect(await reads.projects.page('all', undefined, 10)).toEqual({
      rows: all.map(projectRowOf),
      total: all.length,
    });
    expect((await reads.projects.page([ids.other], undefined, 10)).rows).toEqual(
      all.filter((p) => p.id === ids.other).map(projectRowOf),
    );
    expect((await reads.projects.page('all', all[0]!.id, 10)).rows).toEqual(
      all.slice(1).map(projectRowOf),
    );
    // A part of the name, any case; the total counts every match, not the page.
    const named = all[1]!;
    const part = named.name.slice(1, 4).toUpperCase();
    const matching = all.filter((p) => p.name.toLowerCase().includes(part.toLowerCase()));
    expect(await reads.projects.page('all', undefined, 10, part)).toEqual({
      rows: matching.map(projectRowOf),
      total: matching.length,
    });
  });

  it('reads tasks, their filters, comments and statuses as the ORM does', async () => {
    const [t1, t2] = ids.tasks as [string, string];
    expect(await reads.tasks.byId(t1)).toEqual((await taskTwins({ id: t1 }))[0]);
    expect((await reads.tasks.byId(t1))!.assignees.map((p) => p.id)).toEqual(
      [ids.bot, ids.vendor].sort(),
    );
    expect(await reads.tasks.page({ projectId: ids.project }, 10)).toEqual(
      await taskTwins({ project: ids.project }),
    );
    expect(
      await reads.tasks.page({ projectId: ids.project, assignedTo: [ids.vendor] }, 10),
    ).toEqual(await taskTwins({ id: t1 }));
    expect(
      await reads.tasks.page({ projectId: ids.project, assignedTo: [ids.vendor, ids.admin] }, 10),
    ).toEqual([]);
    expect(
      await reads.tasks.page({ projectId: ids.project, statusId: ids.statuses[1] }, 10),
    ).toEqual(await taskTwins({ id: t2 }));
    expect(
      await reads.tasks.page({ projectId: ids.project, taskTypeId: ids.taskType }, 10),
    ).toEqual(await taskTwins({ id: t1 }));
    const sorted = [t1, t2].sort();
    expect(await reads.tasks.page({ projectId: ids.project, cursor: sorted[0] }, 10)).toEqual(
      await taskTwins({ id: sorted[1] }),
    );
    expect(await reads.tasks.page({ projectId: ids.project }, 1)).toHaveLength(1);

    const comments = await fresh().find(Comment, { task: t1 }, { orderBy: { id: 'asc' } });
    expect(await reads.tasks.comments(t1, undefined, 10)).toEqual(comments.map(commentRowOf));
    expect(await reads.tasks.comments(t1, comments[0]!.id, 10)).toEqual(
      comments.slice(1).map(commentRowOf),
    );
    const status = await fresh().findOneOrFail(TaskStatus, { id: ids.statuses[1] });
    expect(await reads.tasks.status(status.id)).toEqual({
      id: status.id,
      name: status.name,
      shortName: status.shortName,
      isDone: status.isDone,
      color: status.color ?? null,
    });
    const assigned = await reads.tasks.assignedToEach([ids.vendor, ids.admin]);
    for (const person of [ids.vendor, ids.admin]) {
      const twins = await fresh().find(Task, { assignees: person }, { orderBy: { id: 'asc' } });
      const byId = (a: { taskId: string }, b: { taskId: string }) =>
        a.taskId.localeCompare(b.taskId);
      expect(assigned.get(person)!.sort(byId)).toEqual(
        twins.map((t) => ({ taskId: t.id, projectId: t.project.id })),
      );
    }
    expect(assigned.get(ids.vendor)!.map((t) => t.taskId)).toEqual([t1]);
  });

  it('reads assets and shots as the ORM does, with a vendor seeing only its own', async () => {
    for (const kind of ['asset', 'shot'] as const) {
      const twins = await fresh().find(
        Subject,
        { project: ids.project, kind },
        { orderBy: { id: 'asc' } },
      );
      expect(await reads.subjects.page({ projectId: ids.project, kind }, 10)).toEqual(
        twins.map(subjectRowOf),
      );
    }
    expect(
      await reads.subjects.page({ projectId: ids.project, kind: 'shot', sequence: 'SQ02' }, 10),
    ).toEqual([]);
    expect(
      (
        await reads.subjects.page(
          { projectId: ids.project, kind: 'shot', assignedTo: ids.vendor },
          10,
        )
      ).map((e) => e.id),
    ).toEqual([ids.shot]);
    expect(
      await reads.subjects.page(
        { projectId: ids.project, kind: 'asset', assignedTo: ids.vendor },
        10,
      ),
    ).toEqual([]);
  });

  it('reads the event log as the ORM does, with each visibility', async () => {
    const all = (await fresh().find(Event, {}, { orderBy: { id: 'desc' } })).map(eventRowOf);
    expect(await reads.events.page({ visibility: 'all', order: 'desc' }, 10)).toEqual(all);
    expect(await reads.events.page({ visibility: 'all', order: 'asc' }, 10)).toEqual(
      [...all].reverse(),
    );
    expect(all[0]!.data).toEqual({ nested: { list: [1, 'two'] }, flag: true });
    const mine = { actorId: ids.bot, projectIds: [] as string[], assignedTaskIds: null };
    expect(await reads.events.page({ visibility: mine, order: 'desc' }, 10)).toEqual(
      all.filter((e) => e.actorId === ids.bot),
    );
    const team = { actorId: ids.vendor, projectIds: [ids.project], assignedTaskIds: null };
    expect(await reads.events.page({ visibility: team, order: 'desc' }, 10)).toEqual(
      all.filter((e) => e.projectId === ids.project),
    );
    const vendor = {
      ...team,
      assignedTaskIds: (await reads.tasks.assignedToEach([ids.vendor]))
        .get(ids.vendor)!
        .map((t) => t.taskId),
    };
    expect(await reads.events.page({ visibility: vendor, order: 'desc' }, 10)).toEqual(
      all.filter((e) => e.taskId === ids.tasks[0]),
    );
    expect(
      await reads.events.page(
        { visibility: 'all', order: 'asc', after: all[2]!.id, projectId: ids.project },
        10,
      ),
    ).toEqual(all.filter((e) => e.id > all[2]!.id && e.projectId === ids.project).reverse());
    expect(
      await reads.events.page({ visibility: 'all', order: 'desc', cursor: all[1]!.id }, 10),
    ).toEqual(all.slice(2));
    expect(await reads.events.head()).toBe(all[0]!.id);
    expect(await reads.events.since(all[2]!.id, [all[4]!.id], 10)).toEqual([
      all[4]!,
      all[1]!,
      all[0]!,
    ]);
  });

  it('counts nothing it is not asked for: values are bound, never written into a statement', async () => {
    const quote = 'O\'Brien"; drop table people; --';
    expect(await reads.projects.byName(quote)).toBeNull();
    expect(await reads.people.byId(ids.admin)).not.toBeNull();
  });
});

describe(`hot writes on ${testDialect()}, against the entities`, () => {
  it('writes a comment, a status change and an event that read back through the ORM as written', async () => {
    const [t1] = ids.tasks as [string];
    const at = new Date('2026-11-28T12:34:56.789Z');
    const comment = {
      id: newId(),
      taskId: t1,
      authorId: ids.admin,
      authorName: 'Ada',
      text: "it's done — ✓ 'quoted' \"twice\"\nsecond line",
      statusId: ids.statuses[1]!,
      createdAt: at,
    };
    const event = {
      type: 'comment.added',
      actorId: ids.admin,
      actorKind: 'user' as const,
      actorName: 'Ada',
      projectId: ids.project,
      targetType: 'comment',
      targetId: comment.id,
      taskId: t1,
      data: { statusId: comment.statusId },
      createdAt: at,
    };
    const headBefore = await reads.events.head();
    await runStatements(orm, [writes.setTaskDueDate(t1, '2027-02-01', at)]);
    await runStatements(orm, [
      writes.setTaskStatus(t1, ids.statuses[1]!, at),
      writes.insertComment(comment),
      writes.insertEvent(event),
    ]);
    expect(commentRowOf(await fresh().findOneOrFail(Comment, { id: comment.id }))).toEqual(comment);
    const [task] = await taskTwins({ id: t1 });
    expect(task).toMatchObject({ dueDate: '2027-02-01', updatedAt: at });
    expect(task!.status.id).toBe(ids.statuses[1]);
    const written = eventRowOf(await fresh().findOneOrFail(Event, { targetId: comment.id }));
    expect(written).toEqual({ ...event, id: written.id });
    expect(written.id).toBeGreaterThan(headBefore);
  });

  it('writes nothing when rolled back (a dry run) or when a statement fails', async () => {
    const [, t2] = ids.tasks as [string, string];
    const count = () => fresh().count(Comment, { task: t2 });
    const before = await count();
    const comment = (text: string) => ({
      id: newId(),
      taskId: t2,
      authorId: null,
      authorName: 'x',
      text,
      statusId: null,
      createdAt: new Date(),
    });
    await runStatements(orm, [writes.insertComment(comment('dry'))], { rollback: true });
    expect(await count()).toBe(before);
    // The second comment points at a task that does not exist: neither is kept.
    await expect(
      runStatements(orm, [
        writes.insertComment(comment('kept?')),
        writes.insertComment({ ...comment('orphan'), taskId: newId() }),
      ]),
    ).rejects.toThrow();
    expect(await count()).toBe(before);
  });
});

describe('the WAL checkpointer', () => {
  it('reports a worker that cannot start, and says it is lost, rather than failing silently', async () => {
    const { startCheckpointer } = await import('../src');
    const errors: unknown[] = [];
    const lost = new Promise<void>((resolve) => {
      startCheckpointer('/nonexistent/clapper.db', {
        onError: (error) => errors.push(error),
        onLost: resolve,
      });
    });
    await lost;
    expect(errors.length).toBeGreaterThan(0);
  });
});

import {
  adminClient,
  type Client,
  createBot,
  createStudio,
  createTestClient,
  createUser,
  startTestServer,
  type TestServer,
  trpcError,
} from '@clapper/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let server: TestServer;
let admin: Client;

beforeAll(async () => {
  server = await startTestServer({ countQueries: true });
  admin = await adminClient(server);
});
afterAll(() => server?.close());

async function shots(studio: Awaited<ReturnType<typeof createStudio>>, count: number) {
  const made = [];
  for (let i = 0; i < count; i++) {
    made.push(
      await admin.shots.create.mutate({
        projectId: studio.project.id,
        sequence: 'BULK',
        name: `SH${String(i).padStart(3, '0')}`,
      }),
    );
  }
  return made;
}

const taskCount = async (projectId: string) =>
  (await admin.tasks.list.query({ projectId, limit: 500 })).items.length;

describe('tasks.createMany', () => {
  it('creates every task in order with one event each, in a constant number of statements', async () => {
    const studio = await createStudio(server);
    const artist = await createUser(server);
    await admin.projects.addMember.mutate({ projectId: studio.project.id, personId: artist.id });
    const made = await shots(studio, 60);
    const input = made.flatMap((shot) => [
      { entityId: shot.id, taskTypeId: studio.animate.id, assigneeIds: [artist.id] },
      { entityId: shot.id, taskTypeId: studio.layout.id, dueDate: '2027-03-01' },
    ]);
    const before = (await admin.events.list.query({ limit: 1 })).items[0]!.id;

    server.queries.length = 0;
    const { items } = await admin.tasks.createMany.mutate({ tasks: input });
    const statements = server.queries.filter((q) => /\b(select|insert|update|delete)\b/i.test(q));

    expect(items.map((t) => [t.entity.id, t.taskType.id])).toEqual(
      input.map((t) => [t.entityId, t.taskTypeId]),
    );
    expect(items[0]).toMatchObject({
      status: { shortName: 'todo' },
      assignees: [{ id: artist.id }],
    });
    expect(items[1]).toMatchObject({ dueDate: '2027-03-01', assignees: [] });
    // 120 tasks: lookups, one insert each for tasks, assignees and events, then the views.
    expect(statements.length, statements.join('\n')).toBeLessThanOrEqual(20);
    const events = await admin.events.list.query({ after: before, order: 'asc', limit: 500 });
    expect(events.items.filter((e) => e.type === 'task.created')).toHaveLength(120);
    expect(await taskCount(studio.project.id)).toBe(120);
  });

  it('creates nothing when one item is wrong, and names that item', async () => {
    const studio = await createStudio(server);
    const [a, b] = await shots(studio, 2);
    const wrongKind = await trpcError(
      admin.tasks.createMany.mutate({
        tasks: [
          { entityId: a!.id, taskTypeId: studio.animate.id },
          { entityId: b!.id, taskTypeId: studio.model.id },
        ],
      }),
    );
    expect(wrongKind).toMatchObject({ code: 'BAD_REQUEST', field: 'tasks.1.taskTypeId' });
    expect(wrongKind.message).toContain('is for assets, not shots');

    const twice = await trpcError(
      admin.tasks.createMany.mutate({
        tasks: [
          { entityId: a!.id, taskTypeId: studio.animate.id },
          { entityId: a!.id, taskTypeId: studio.animate.id },
        ],
      }),
    );
    expect(twice).toMatchObject({ code: 'CONFLICT', field: 'tasks.1.taskTypeId' });

    const missing = await trpcError(
      admin.tasks.createMany.mutate({
        tasks: [
          { entityId: a!.id, taskTypeId: studio.animate.id },
          { entityId: '00000000-0000-7000-8000-000000000000', taskTypeId: studio.animate.id },
        ],
      }),
    );
    expect(missing).toMatchObject({ code: 'NOT_FOUND', field: 'tasks.1.entityId' });
    expect(await taskCount(studio.project.id)).toBe(0);

    await admin.tasks.create.mutate({ entityId: b!.id, taskTypeId: studio.layout.id });
    const existing = await trpcError(
      admin.tasks.createMany.mutate({
        tasks: [
          { entityId: a!.id, taskTypeId: studio.layout.id },
          { entityId: b!.id, taskTypeId: studio.layout.id },
        ],
      }),
    );
    expect(existing).toMatchObject({ code: 'CONFLICT', field: 'tasks.1.taskTypeId' });
    expect(await taskCount(studio.project.id)).toBe(1);
  });

  it('refuses an empty list or more than 500 tasks, naming the field', async () => {
    expect(await trpcError(admin.tasks.createMany.mutate({ tasks: [] }))).toMatchObject({
      code: 'BAD_REQUEST',
      field: 'tasks',
    });
    const many = Array.from({ length: 501 }, () => ({
      entityId: '00000000-0000-7000-8000-000000000000',
      taskTypeId: '00000000-0000-7000-8000-000000000000',
    }));
    expect(await trpcError(admin.tasks.createMany.mutate({ tasks: many }))).toMatchObject({
      code: 'BAD_REQUEST',
      field: 'tasks',
    });
  });

  it('applies the role table to every item: a bot outside the team sees nothing, an artist bot may not create', async () => {
    const studio = await createStudio(server);
    const [shot] = await shots(studio, 1);
    const tasks = [{ entityId: shot!.id, taskTypeId: studio.animate.id }];

    const outsider = await createBot(server, { role: 'manager' });
    expect(
      await trpcError(createTestClient(server, outsider.token).tasks.createMany.mutate({ tasks })),
    ).toMatchObject({ code: 'NOT_FOUND', field: 'tasks.0.entityId' });

    const artist = await createBot(server, { role: 'artist' });
    await admin.projects.addMember.mutate({
      projectId: studio.project.id,
      personId: artist.bot.id,
    });
    expect(
      await trpcError(createTestClient(server, artist.token).tasks.createMany.mutate({ tasks })),
    ).toMatchObject({ code: 'FORBIDDEN' });

    const manager = await createBot(server, { role: 'manager' });
    await admin.projects.addMember.mutate({
      projectId: studio.project.id,
      personId: manager.bot.id,
    });
    const created = await createTestClient(server, manager.token).tasks.createMany.mutate({
      tasks,
    });
    expect(created.items).toHaveLength(1);
    expect(await taskCount(studio.project.id)).toBe(1);
  });
});

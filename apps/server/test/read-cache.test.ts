import { Task } from '@clapper/db';
import {
  adminClient,
  createBot,
  createStudio,
  createTestClient,
  startTestServer,
  type TestServer,
  trpcError,
} from '@clapper/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The read cache lives a minute here: only a mutation's own invalidation can explain a change
// seen by the very next request.
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ config: { readCacheTtlMs: 60_000 } });
});
afterAll(async () => {
  await server?.close();
});

/** A manager bot on the studio's team, with its client, having read everything once (all cached). */
async function warmStudio() {
  const studio = await createStudio(server);
  const { bot, token } = await createBot(server, {
    role: 'manager',
    departmentIds: [studio.animation.id],
  });
  await studio.admin.projects.addMember.mutate({ projectId: studio.project.id, personId: bot.id });
  const client = createTestClient(server, token);
  const task = await studio.admin.tasks.create.mutate({
    entityId: studio.shot.id,
    taskTypeId: studio.animate.id,
    assigneeIds: [bot.id],
  });
  await client.projects.byName.query({ name: studio.project.name });
  await client.tasks.list.query({ projectId: studio.project.id });
  await client.tasks.get.query({ id: task.id });
  return { ...studio, bot, token, client, task };
}

describe('the read cache, on one server', () => {
  it('sees a team removal on the very next request', async () => {
    const { admin, project, bot, client } = await warmStudio();
    expect((await client.projects.get.query({ id: project.id })).team.map((m) => m.id)).toContain(
      bot.id,
    );
    await admin.projects.removeMember.mutate({ projectId: project.id, personId: bot.id });
    // One call at a time: a rejection must never wait unobserved while another is awaited.
    for (const call of [
      () => client.projects.byName.query({ name: project.name }),
      () => client.projects.get.query({ id: project.id }),
      () => client.tasks.list.query({ projectId: project.id }),
    ]) {
      expect((await trpcError(call())).code).toBe('NOT_FOUND');
    }
    expect((await client.projects.list.query()).items.map((p) => p.id)).not.toContain(project.id);
  });

  it('sees a rename, a status change by comment and an assignment on the very next request', async () => {
    const { admin, project, client, task, statuses, extraMemberId } = await warmStudio();
    await admin.projects.update.mutate({ id: project.id, name: `${project.name} renamed` });
    expect((await client.projects.get.query({ id: project.id })).name).toBe(
      `${project.name} renamed`,
    );
    expect((await trpcError(client.projects.byName.query({ name: project.name }))).code).toBe(
      'NOT_FOUND',
    );

    await client.comments.add.mutate({
      taskId: task.id,
      text: 'Ready',
      statusId: statuses.wfa!.id,
    });
    const [listed] = (await client.tasks.list.query({ projectId: project.id })).items;
    expect(listed!.status.shortName).toBe('wfa');
    expect((await client.tasks.get.query({ id: task.id })).status.shortName).toBe('wfa');
    expect(
      (await client.comments.list.query({ taskId: task.id })).items.map((c) => c.text),
    ).toEqual(['Ready']);

    await admin.tasks.assign.mutate({ taskId: task.id, personIds: [extraMemberId] });
    const [reassigned] = (await client.tasks.list.query({ projectId: project.id })).items;
    expect(reassigned!.assignees.map((p) => p.id)).toEqual([extraMemberId]);
  });

  it('sees a renamed status, task type or assignee in every cached list', async () => {
    const { admin, project, client, animate, bot } = await warmStudio();
    await admin.taskTypes.update.mutate({ id: animate.id, name: `${animate.name} 2` });
    let [task] = (await client.tasks.list.query({ projectId: project.id })).items;
    expect(task!.taskType.name).toBe(`${animate.name} 2`);
    const me = await adminClient(server);
    await me.bots.update.mutate({ id: bot.id, name: `${bot.name} renamed` });
    [task] = (await client.tasks.list.query({ projectId: project.id })).items;
    expect(task!.assignees[0]!.name).toBe(`${bot.name} renamed`);
  });

  it('keeps permissions per caller: a cached page is never served to someone who may not read it', async () => {
    const { admin, project, client } = await warmStudio();
    const outsider = await createBot(server, { role: 'manager' });
    const vendor = await createBot(server, { role: 'vendor' });
    await admin.projects.addMember.mutate({ projectId: project.id, personId: vendor.bot.id });
    expect((await client.tasks.list.query({ projectId: project.id })).items).toHaveLength(1);
    expect(
      (
        await trpcError(
          createTestClient(server, outsider.token).tasks.list.query({ projectId: project.id }),
        )
      ).code,
    ).toBe('NOT_FOUND');
    // Same list, same filters: the vendor sees only what is assigned to it (nothing).
    expect(
      (await createTestClient(server, vendor.token).tasks.list.query({ projectId: project.id }))
        .items,
    ).toEqual([]);
  });

  it('keeps serving what is committed after a dry run, which changes nothing', async () => {
    const { project, client, token, task, statuses } = await warmStudio();
    const before = await client.tasks.list.query({ projectId: project.id });
    const res = await fetch(`${server.url}/trpc/comments.add`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-clapper-dry-run': '1',
        authorization: `Bearer ${token}`,
      },
      body: JSON.stringify({ json: { taskId: task.id, text: 'x', statusId: statuses.done!.id } }),
    });
    expect(res.status).toBe(200);
    expect(await client.tasks.list.query({ projectId: project.id })).toEqual(before);
    expect((await client.tasks.get.query({ id: task.id })).status.shortName).toBe('todo');
    expect((await client.comments.list.query({ taskId: task.id })).items).toEqual([]);
  });

  it('writes on what the task holds now, not on a cached row changed behind the server', async () => {
    const { client, task, statuses } = await warmStudio();
    // Another replica or a CLI run moves the task to wfa; this server still caches todo.
    await server.orm.em
      .fork()
      .nativeUpdate(Task, { id: task.id }, { status: statuses.wfa!.id, dueDate: '2027-03-01' });
    expect((await client.tasks.get.query({ id: task.id })).status.shortName).toBe('todo');

    const moved = await client.tasks.setStatus.mutate({
      taskId: task.id,
      statusId: statuses.todo!.id,
    });
    expect(moved.status.shortName).toBe('todo');
    const updated = await client.tasks.update.mutate({ id: task.id, dueDate: null });
    expect(updated.dueDate).toBeNull();
    const stored = await server.orm.em.fork().findOneOrFail(Task, { id: task.id });
    expect(stored.status.id).toBe(statuses.todo!.id);
    expect(stored.dueDate ?? null).toBeNull();
  });

  it('answers NOT_FOUND, never 500, for a task deleted behind the server', async () => {
    const { client, task, extraMemberId } = await warmStudio();
    const admin = await adminClient(server);
    await server.orm.em.fork().nativeDelete(Task, { id: task.id });
    expect(
      (await trpcError(client.comments.add.mutate({ taskId: task.id, text: 'gone?' }))).code,
    ).toBe('NOT_FOUND');
    expect(
      (await trpcError(admin.tasks.assign.mutate({ taskId: task.id, personIds: [extraMemberId] })))
        .code,
    ).toBe('NOT_FOUND');
    expect(server.logs.join('')).not.toContain('procedure failed');
  });
});

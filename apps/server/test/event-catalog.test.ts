/**
 * The event catalog (issue #15) tells triggers what each production event carries: every such
 * event the API writes, made here through HTTP, matches its schema exactly (no key more or less).
 */
import { EVENT_DATA } from '@clapper/api';
import {
  adminClient,
  createBot,
  createStudio,
  startTestServer,
  type TestServer,
} from '@clapper/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

describe('the event catalog', () => {
  it('matches the data of every cataloged event the API writes', async () => {
    const admin = await adminClient(server);
    const studio = await createStudio(server);
    const { bot } = await createBot(server);
    const project = await admin.projects.create.mutate({ name: 'Catalog', botCollaboration: true });
    await admin.projects.update.mutate({ id: project.id, name: 'Catalog 2' });
    await admin.projects.addMember.mutate({ projectId: project.id, personId: bot.id });
    await admin.projects.removeMember.mutate({ projectId: project.id, personId: bot.id });
    await admin.sequences.create.mutate({ projectId: studio.project.id, name: 'SQ05' });
    const shot = await admin.shots.create.mutate({
      projectId: studio.project.id,
      sequence: 'SQ05',
      name: 'SH050',
    });
    await admin.shots.update.mutate({ id: shot.id, frameIn: 1001, frameOut: 1100 });
    const asset = await admin.assets.create.mutate({
      projectId: studio.project.id,
      name: 'Robot',
      assetType: 'Character',
    });
    await admin.assets.update.mutate({ id: asset.id, assetType: 'Prop' });
    const task = await admin.tasks.create.mutate({
      entityId: shot.id,
      taskTypeId: studio.animate.id,
    });
    await admin.tasks.update.mutate({ id: task.id, dueDate: '2027-01-15' });
    await admin.tasks.assign.mutate({ taskId: task.id, personIds: [studio.extraMemberId] });
    await admin.tasks.setStatus.mutate({ taskId: task.id, statusId: studio.statuses.wfa!.id });
    await admin.comments.add.mutate({ taskId: task.id, text: 'note' });
    await admin.comments.add.mutate({
      taskId: task.id,
      text: 'done',
      statusId: studio.statuses.done!.id,
    });
    await admin.assets.delete.mutate({ id: asset.id });
    await admin.shots.delete.mutate({ id: shot.id });

    const { items } = await admin.events.list.query({ limit: 500 });
    const seen = new Set<string>();
    for (const event of items) {
      const schema = EVENT_DATA[event.type as keyof typeof EVENT_DATA];
      if (!schema) continue;
      seen.add(event.type);
      const parsed = schema.strict().safeParse(event.data);
      expect(parsed.success, `${event.type}: ${JSON.stringify(event.data)}`).toBe(true);
    }
    expect([...seen].sort()).toEqual(Object.keys(EVENT_DATA).sort());
  });
});

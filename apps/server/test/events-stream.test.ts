import { getEventListeners } from 'node:events';
import { eventFeed, noTransport } from '@clapper/api';
import {
  adminClient,
  createStudio,
  createTeamBot,
  createTestClient,
  createUser,
  login,
  startTestServer,
  subscribeEvents,
  type TestServer,
  until,
} from '@clapper/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

describe('events.subscribe over SSE', () => {
  it('delivers a comment within a second, hides projects the subscriber cannot see, and resumes once after a reconnect', async () => {
    const mine = await createStudio(server);
    const other = await createStudio(server);
    const admin = await adminClient(server);
    const watcher = await createUser(server, { role: 'supervisor' });
    await admin.projects.addMember.mutate({ projectId: mine.project.id, personId: watcher.id });
    const watcherClient = createTestClient(server, await login(server, watcher));

    const taskMine = await admin.tasks.create.mutate({
      entityId: mine.shot.id,
      taskTypeId: mine.animate.id,
    });
    const taskOther = await admin.tasks.create.mutate({
      entityId: other.shot.id,
      taskTypeId: other.animate.id,
    });

    const first = subscribeEvents(watcherClient, { types: ['comment.*'] });
    await first.ready;
    const sentAt = Date.now();
    await admin.comments.add.mutate({ taskId: taskOther.id, text: 'not for the watcher' });
    await admin.comments.add.mutate({ taskId: taskMine.id, text: 'hello' });
    const arrived = await until(() => first.received.find((e) => e.data.taskId === taskMine.id));
    expect(Date.now() - sentAt).toBeLessThan(1000);
    expect(arrived.data).toMatchObject({ type: 'comment.added', projectId: mine.project.id });
    expect(arrived.id).toBe(String(arrived.data.id));
    // The other project's comment was written first, so had it leaked it would be here by now.
    expect(first.received.some((e) => e.data.projectId === other.project.id)).toBe(false);
    first.stop();

    // While disconnected, two more comments; then reconnect from the last event id.
    await admin.comments.add.mutate({ taskId: taskMine.id, text: 'missed one' });
    await admin.comments.add.mutate({ taskId: taskOther.id, text: 'still hidden' });
    await admin.comments.add.mutate({ taskId: taskMine.id, text: 'missed two' });
    const resumed = subscribeEvents(watcherClient, {
      types: ['comment.*'],
      lastEventId: arrived.id,
    });
    await resumed.ready;
    await until(() => (resumed.received.length >= 2 ? true : undefined));
    await admin.comments.add.mutate({ taskId: taskMine.id, text: 'live again' });
    await until(() => (resumed.received.length >= 3 ? true : undefined));
    await new Promise((r) => setTimeout(r, 300));
    resumed.stop();

    const ids = resumed.received.map((e) => e.data.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(3);
    expect(ids.every((id) => id > Number(arrived.id))).toBe(true);
    expect(resumed.received.every((e) => e.data.projectId === mine.project.id)).toBe(true);
    const texts = await admin.comments.list.query({ taskId: taskMine.id });
    expect(texts.items.map((c) => c.text)).toEqual([
      'hello',
      'missed one',
      'missed two',
      'live again',
    ]);
  });

  it('resumes after an id newer than the server last read while idle, without sending what came before it again', async () => {
    const studio = await createStudio(server);
    const admin = await adminClient(server);
    const task = await admin.tasks.create.mutate({
      entityId: studio.shot.id,
      taskTypeId: studio.animate.id,
    });
    const first = subscribeEvents(admin, { types: ['comment.*'] });
    await first.ready;
    await admin.comments.add.mutate({ taskId: task.id, text: 'seen live' });
    await until(() => (first.received.length >= 1 ? true : undefined));
    // The last subscriber leaves: the server stops reading the log.
    first.stop();
    await admin.comments.add.mutate({ taskId: task.id, text: 'read from the list' });
    await admin.comments.add.mutate({ taskId: task.id, text: 'also read from the list' });
    await admin.comments.add.mutate({ taskId: task.id, text: 'missed' });
    // The client caught up through events.list, up to the second of the three.
    const listed = (await admin.events.list.query({ limit: 10 })).items
      .filter((e) => e.type === 'comment.added')
      .map((e) => e.id)
      .sort((a, b) => a - b);
    const caughtUp = listed[listed.length - 2]!;
    const resumed = subscribeEvents(admin, { types: ['comment.*'], lastEventId: String(caughtUp) });
    await resumed.ready;
    await until(() => (resumed.received.length >= 1 ? true : undefined));
    await admin.comments.add.mutate({ taskId: task.id, text: 'live again' });
    await until(() => (resumed.received.length >= 2 ? true : undefined));
    await new Promise((r) => setTimeout(r, 300));
    resumed.stop();
    const ids = resumed.received.map((e) => e.data.id);
    expect(ids).toHaveLength(2);
    expect(ids.every((id) => id > caughtUp)).toBe(true);
  });

  it('filters by project and type, and refuses a subscriber without a valid token', async () => {
    const studio = await createStudio(server);
    const admin = await adminClient(server);
    const stream = subscribeEvents(admin, {
      projectId: studio.project.id,
      types: ['task.status_changed'],
    });
    await stream.ready;
    const task = await admin.tasks.create.mutate({
      entityId: studio.shot.id,
      taskTypeId: studio.animate.id,
    });
    await admin.tasks.setStatus.mutate({ taskId: task.id, statusId: studio.statuses.wip!.id });
    const event = await until(() =>
      stream.received.find((e) => e.data.type === 'task.status_changed'),
    );
    expect(event.data.taskId).toBe(task.id);
    expect(stream.received.every((e) => e.data.type === 'task.status_changed')).toBe(true);
    stream.stop();

    // SSE answers 200 and carries the error as a `serialized-error` event, then ends.
    const res = await fetch(`${server.url}/trpc/events.subscribe?input=%7B%22json%22%3A%7B%7D%7D`, {
      headers: { authorization: 'Bearer garbage', accept: 'text/event-stream' },
      signal: AbortSignal.timeout(5000),
    });
    const body = await res.text();
    expect(body).toContain('event: serialized-error');
    expect(body).toContain('UNAUTHORIZED');
    expect(body).not.toContain('comment.added');
  });

  it('follows what a subscriber may see as it changes: a new assignment, a team it left, a bot switched off', async () => {
    const studio = await createStudio(server);
    const admin = await adminClient(server);
    const newTask = async (name: string) => {
      const shot = await admin.shots.create.mutate({
        projectId: studio.project.id,
        sequence: 'SQ20',
        name,
      });
      return admin.tasks.create.mutate({ entityId: shot.id, taskTypeId: studio.animate.id });
    };
    const [early, later] = [await newTask('SH100'), await newTask('SH110')];
    const vendor = await createTeamBot(server, studio.project.id, { role: 'vendor' });
    const artist = await createTeamBot(server, studio.project.id, { role: 'artist' });
    const asVendor = subscribeEvents(vendor.client, { types: ['comment.*'] });
    const asArtist = subscribeEvents(artist.client, { types: ['comment.*'] });
    await Promise.all([asVendor.ready, asArtist.ready]);
    const texts = (stream: typeof asVendor) => stream.received.map((e) => e.data.taskId);

    await admin.comments.add.mutate({ taskId: early.id, text: 'not the vendor’s yet' });
    await until(() => (asArtist.received.length === 1 ? true : undefined));
    // Assigned, then commented on at once: the assignment is seen before the comment is judged.
    await admin.tasks.assign.mutate({ taskId: later.id, personIds: [vendor.bot.id] });
    await admin.comments.add.mutate({ taskId: later.id, text: 'for the vendor' });
    await until(() => (asVendor.received.length === 1 ? true : undefined));
    expect(texts(asVendor)).toEqual([later.id]);

    // Off the team: the next comment in the project no longer reaches the artist.
    await admin.projects.removeMember.mutate({
      projectId: studio.project.id,
      personId: artist.bot.id,
    });
    await admin.comments.add.mutate({ taskId: later.id, text: 'after the artist left' });
    await until(() => (asVendor.received.length === 2 ? true : undefined));
    await new Promise((r) => setTimeout(r, 100));
    expect(texts(asArtist)).toEqual([early.id, later.id]);

    // Switched off: the vendor's stream ends with the reason instead of another event.
    await admin.bots.update.mutate({ id: vendor.bot.id, active: false });
    await admin.comments.add.mutate({
      taskId: later.id,
      text: 'after the vendor was switched off',
    });
    const ended = await until(() => asVendor.received.find((e) => e.id === 'error'));
    expect(ended.data.type).toMatch(/inactive/i);
    expect(asVendor.received.filter((e) => e.id !== 'error')).toHaveLength(2);
    asVendor.stop();
    asArtist.stop();
  });

  it('shows a vendor the events of its tasks only in projects whose team it is on, listed or live', async () => {
    const kept = await createStudio(server);
    const left = await createStudio(server);
    const admin = await adminClient(server);
    const vendor = await createTeamBot(server, kept.project.id, { role: 'vendor' });
    await admin.projects.addMember.mutate({ projectId: left.project.id, personId: vendor.bot.id });
    const tasks = [];
    for (const studio of [kept, left]) {
      const task = await admin.tasks.create.mutate({
        entityId: studio.shot.id,
        taskTypeId: studio.animate.id,
      });
      await admin.tasks.assign.mutate({ taskId: task.id, personIds: [vendor.bot.id] });
      tasks.push(task);
    }
    const [inKept, inLeft] = tasks as [(typeof tasks)[0], (typeof tasks)[0]];
    // Off one team, still assigned its task there: that task's events are no longer its to see.
    await admin.projects.removeMember.mutate({
      projectId: left.project.id,
      personId: vendor.bot.id,
    });
    const live = subscribeEvents(vendor.client, { types: ['comment.*'] });
    await live.ready;
    await admin.comments.add.mutate({ taskId: inLeft.id, text: 'in the project it left' });
    await admin.comments.add.mutate({ taskId: inKept.id, text: 'in the project it is on' });
    await until(() => (live.received.length === 1 ? true : undefined));
    const listed = await vendor.client.events.list.query({ limit: 100 });
    const tasksSeen = new Set(listed.items.map((e) => e.taskId));
    expect(tasksSeen.has(inKept.id)).toBe(true);
    expect(tasksSeen.has(inLeft.id)).toBe(false);
    await new Promise((r) => setTimeout(r, 100));
    expect(live.received.map((e) => e.data.taskId)).toEqual([inKept.id]);
    live.stop();
  });

  it('keeps one abort listener for a stream however many batches it waits for', async () => {
    const studio = await createStudio(server);
    const admin = await adminClient(server);
    const { token } = await createTeamBot(server, studio.project.id);
    const task = await admin.tasks.create.mutate({
      entityId: studio.shot.id,
      taskTypeId: studio.animate.id,
    });
    const abort = new AbortController();
    const transport = { ...noTransport, credential: token };
    const stream = eventFeed(
      { services: server.services, transport, signal: abort.signal },
      { types: ['comment.*'] },
    );
    const received: unknown[] = [];
    const reading = (async () => {
      for await (const item of stream) received.push(item);
    })();
    for (let i = 0; i < 20; i++) {
      await admin.comments.add.mutate({ taskId: task.id, text: `batch ${i}` });
      await until(() => (received.length === i + 1 ? true : undefined));
    }
    expect(getEventListeners(abort.signal, 'abort')).toHaveLength(1);
    abort.abort();
    await reading;
    expect(getEventListeners(abort.signal, 'abort')).toHaveLength(0);
  });
});

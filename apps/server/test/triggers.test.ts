/**
 * Triggers' bookkeeping on the server (issue #15): a cursor per bot and trigger, kept across
 * runs and machines, parked events with their error, and what admins and the bot itself see.
 * Through HTTP, as the runner and the admin call it.
 */
import {
  adminClient,
  type Client,
  createStudio,
  createTeamBot,
  startTestServer,
  type TestServer,
  trpcError,
} from '@clapper/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let server: TestServer;
let admin: Client;
let studio: Awaited<ReturnType<typeof createStudio>>;

beforeAll(async () => {
  server = await startTestServer();
  admin = await adminClient(server);
  studio = await createStudio(server);
});
afterAll(() => server?.close());

const newestEvent = async () => (await admin.events.list.query({ limit: 1 })).items[0]!.id;

const botOnTeam = () => createTeamBot(server, studio.project.id);

describe('triggers', () => {
  it('starts at now the first time, resumes from its cursor, and backfills from an id or a time', async () => {
    const { client } = await botOnTeam();
    const head = await newestEvent();
    const first = await client.triggers.start.mutate({ name: 'preview-on-wfa', types: ['task.*'] });
    expect(first.cursor).toBe(head);
    await client.triggers.ack.mutate({ name: 'preview-on-wfa', eventId: head });
    await admin.shots.create.mutate({
      projectId: studio.project.id,
      sequence: 'SQ02',
      name: 'SH020',
    });
    const again = await client.triggers.start.mutate({ name: 'preview-on-wfa', types: ['task.*'] });
    expect(again).toEqual({ ...first, cursor: head });

    const backfill = await client.triggers.start.mutate({ name: 'preview-on-wfa', from: 3 });
    expect(backfill.cursor).toBe(3);
    const since = new Date(Date.now() - 60_000).toISOString();
    const byTime = await client.triggers.start.mutate({ name: 'preview-on-wfa', from: since });
    const { items } = await admin.events.list.query({ order: 'asc', limit: 500 });
    const firstAfter = items.find((e) => e.createdAt >= new Date(since))!;
    expect(byTime.cursor).toBe(firstAfter.id - 1);
  });

  it('moves the cursor forward only, and records the last success and error', async () => {
    const { client } = await botOnTeam();
    await client.triggers.start.mutate({ name: 'mirror', types: ['comment.*'], from: 5 });
    await client.triggers.ack.mutate({ name: 'mirror', eventId: 9 });
    await client.triggers.ack.mutate({ name: 'mirror', eventId: 7 });
    await client.triggers.recordFailure.mutate({
      name: 'mirror',
      eventId: 10,
      error: 'webhook answered 502',
      attempts: 1,
    });
    const task = await admin.tasks.create.mutate({
      entityId: studio.shot.id,
      taskTypeId: studio.animate.id,
    });
    await admin.comments.add.mutate({ taskId: task.id, text: 'one' });
    await admin.comments.add.mutate({ taskId: task.id, text: 'two' });
    const [trigger] = await client.triggers.list.query();
    expect(trigger).toMatchObject({
      name: 'mirror',
      cursor: 9,
      types: ['comment.*'],
      lastError: 'webhook answered 502',
      parked: 0,
    });
    expect(trigger!.lastSuccessAt).toBeInstanceOf(Date);
    // Its lag counts the events of its types only.
    const after = await admin.events.list.query({ after: 9, order: 'asc', limit: 500 });
    const comments = after.items.filter((e) => e.type.startsWith('comment.'));
    expect(comments.length).toBeGreaterThanOrEqual(2);
    expect(after.items.length).toBeGreaterThan(comments.length);
    expect(trigger!.lag.events).toBe(comments.length);
    expect(trigger!.lag.seconds).toBeGreaterThanOrEqual(0);
  });

  it('parks an event with its error; admins list it, ask for a retry, or drop it', async () => {
    const { bot, client } = await botOnTeam();
    const task = await client.tasks.create.mutate({
      entityId: studio.shot.id,
      taskTypeId: studio.layout.id,
    });
    const eventId = await newestEvent();
    await client.triggers.start.mutate({ name: 'notify', from: eventId - 1 });
    const { id } = await client.triggers.park.mutate({
      name: 'notify',
      eventId,
      error: 'chat server refused: 401',
      attempts: 5,
    });
    const [trigger] = await admin.triggers.list.query({ botId: bot.id });
    expect(trigger).toMatchObject({ name: 'notify', cursor: eventId, parked: 1 });
    expect(trigger!.bot).toEqual({ id: bot.id, name: bot.name });
    const [parked] = await admin.triggers.parked.query({ triggerId: trigger!.id });
    expect(parked).toMatchObject({
      id,
      eventId,
      error: 'chat server refused: 401',
      attempts: 5,
      retryRequestedAt: null,
    });
    expect(parked!.event).toMatchObject({ type: 'task.created', targetId: task.id });

    expect(await client.triggers.parked.query({ name: 'notify', retryRequested: true })).toEqual(
      [],
    );
    await admin.triggers.retryParked.mutate({ id });
    const asked = await client.triggers.parked.query({ name: 'notify', retryRequested: true });
    expect(asked.map((p) => p.id)).toEqual([id]);
    await client.triggers.dropParked.mutate({ id });
    expect(await admin.triggers.parked.query({ triggerId: trigger!.id })).toEqual([]);
  });

  it("keeps a bot out of another bot's triggers, and refuses bad input by field", async () => {
    const { client: owner } = await botOnTeam();
    const { bot: otherBot, client: other } = await botOnTeam();
    await owner.triggers.start.mutate({ name: 'private' });
    const [mine] = await owner.triggers.list.query();
    expect(await other.triggers.list.query()).toEqual([]);
    expect(await trpcError(other.triggers.parked.query({ triggerId: mine!.id }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    const { id } = await owner.triggers.park.mutate({
      name: 'private',
      eventId: mine!.cursor,
      error: 'x',
      attempts: 1,
    });
    expect(await trpcError(other.triggers.dropParked.mutate({ id }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(otherBot.id).not.toBe(mine!.bot.id);
    expect(await trpcError(other.triggers.list.query({ botId: mine!.bot.id }))).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await trpcError(owner.triggers.ack.mutate({ name: 'nope', eventId: 1 }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await trpcError(owner.triggers.start.mutate({ name: 'has space' }))).toMatchObject({
      code: 'BAD_REQUEST',
      field: 'name',
    });
    expect(
      await trpcError(owner.triggers.start.mutate({ name: 'late', from: 2_000_000_000 })),
    ).toMatchObject({ code: 'BAD_REQUEST', field: 'from' });
  });
});

// gazu's event listener (gazu.events.init(), python-socketio) against Clapper's Socket.IO
// endpoint, spoken by socket.io-client (the same protocol), on both transports: refusals at
// connect with their reason, Kitsu's event names and payloads, visibility, a revoke ending the
// connection, and what a listener missed while it was away given back on its return.
import {
  adminClient,
  type Client,
  createBot,
  createShotWithTask,
  createStudio,
  createTeamBot,
  listenLikeGazu,
  login,
  startTcpRelay,
  startTestServer,
  type TestServer,
  until,
} from '@clapper/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let server: TestServer;
let admin: Client;
let studio: Awaited<ReturnType<typeof createStudio>>;

/** A listener this many events behind what it was sent is waited for this long, then let go. */
const MAX_BEHIND = 10;
const PATIENCE_MS = 1000;

beforeAll(async () => {
  server = await startTestServer({
    config: {
      eventPollMs: 20,
      listenerMaxBehind: MAX_BEHIND,
      listenerPatienceMs: PATIENCE_MS,
    },
  });
  admin = await adminClient(server);
  studio = await createStudio(server);
});
afterAll(() => server?.close());

const listen = (token: string, transport: 'polling' | 'websocket') =>
  listenLikeGazu(server, token, { transport });

/** A manager bot of the studio's team listening, then a shot in `sequence` and its task made. */
async function listeningToNewTask(sequence: string, transport: 'polling' | 'websocket') {
  const bot = await createTeamBot(server, studio.project.id);
  const listener = listen(bot.token, transport);
  await listener.connected;
  const { shot, task } = await createShotWithTask(studio, sequence);
  return { bot, listener, shot, task };
}

/** The error a connection is refused with. */
async function refusedWith(token: string, transport: 'polling' | 'websocket') {
  const { socket, connected } = listen(token, transport);
  try {
    await connected;
    return null;
  } catch (error) {
    return error as Error & { data?: { code: string; reason: string | null } };
  } finally {
    socket.close();
  }
}

describe.each(['polling', 'websocket'] as const)('over %s', (transport) => {
  it('refuses a missing, forged, revoked, expired or inactive token at connect, with its reason', async () => {
    const revoked = await createBot(server);
    await admin.bots.regenerateToken.mutate({ id: revoked.bot.id });
    const expired = await createBot(server);
    await admin.bots.update.mutate({ id: expired.bot.id, expiresAt: '2020-01-01' });
    const inactive = await createBot(server);
    await admin.bots.update.mutate({ id: inactive.bot.id, active: false });
    const cases: [string, string][] = [
      ['', 'no_credential'],
      ['not-a-token', 'malformed_token'],
      [revoked.token, 'token_revoked'],
      [expired.token, 'bot_expired'],
      [inactive.token, 'bot_inactive'],
    ];
    for (const [token, reason] of cases) {
      const error = await refusedWith(token, transport);
      expect(error, reason).not.toBeNull();
      expect(error!.data).toMatchObject({ code: 'UNAUTHORIZED', reason });
    }
  });

  it("hears each status change and comment once, as Kitsu's events with their payloads", async () => {
    const { listener, shot, task } = await listeningToNewTask(`L${transport}`, transport);
    const { todo, wip, wfa } = studio.statuses;
    await admin.tasks.setStatus.mutate({ taskId: task.id, statusId: wip!.id });
    const note = await admin.comments.add.mutate({ taskId: task.id, text: 'note' });
    const review = await admin.comments.add.mutate({
      taskId: task.id,
      text: 'review',
      statusId: wfa!.id,
    });
    const of = (name: string) => listener.heard.filter((h) => h.name === name);
    // The second comment's status change is the last event sent: a packet of its own.
    const count = (name: string) => of(name).length;
    await until(
      () => (count('comment:new') === 2 && count('task:status-changed') === 2 ? true : undefined),
      3000,
    );
    const project_id = studio.project.id;
    expect(of('shot:new')).toEqual([
      { name: 'shot:new', payload: { shot_id: shot.id, episode_id: null, project_id } },
    ]);
    expect(of('task:new')).toEqual([
      { name: 'task:new', payload: { task_id: task.id, project_id } },
    ]);
    expect(of('task:status-changed').map((h) => h.payload)).toEqual([
      {
        task_id: task.id,
        new_task_status_id: wip!.id,
        previous_task_status_id: todo!.id,
        person_id: expect.any(String),
        project_id,
      },
      {
        task_id: task.id,
        new_task_status_id: wfa!.id,
        previous_task_status_id: wip!.id,
        person_id: expect.any(String),
        project_id,
      },
    ]);
    expect(of('comment:new').map((h) => h.payload)).toEqual([
      { comment_id: note.id, task_id: task.id, task_status_id: null, project_id },
      { comment_id: review.id, task_id: task.id, task_status_id: wfa!.id, project_id },
    ]);
    listener.socket.close();
  });

  it('lets a vendor hear of its own tasks only', async () => {
    const vendor = await createTeamBot(server, studio.project.id, { role: 'vendor' });
    const listener = listen(vendor.token, transport);
    await listener.connected;
    const shot = await admin.shots.create.mutate({
      projectId: studio.project.id,
      sequence: `V${transport}`,
      name: 'SH1',
    });
    const [mine, other] = await Promise.all([
      admin.tasks.create.mutate({
        entityId: shot.id,
        taskTypeId: studio.animate.id,
        assigneeIds: [vendor.bot.id],
      }),
      admin.tasks.create.mutate({ entityId: shot.id, taskTypeId: studio.layout.id }),
    ]);
    await admin.comments.add.mutate({ taskId: other!.id, text: 'not for the vendor' });
    await admin.comments.add.mutate({ taskId: mine!.id, text: 'for the vendor' });
    await until(
      () => (listener.heard.some((h) => h.name === 'comment:new') ? true : undefined),
      3000,
    );
    const tasks = new Set(listener.heard.map((h) => h.payload.task_id).filter(Boolean));
    expect([...tasks]).toEqual([mine!.id]);
    listener.socket.close();
  });

  it('ends a connection whose token is revoked while it listens', async () => {
    const bot = await createTeamBot(server, studio.project.id);
    const listener = listen(bot.token, transport);
    await listener.connected;
    const ended = new Promise<string>((resolve) => listener.socket.once('disconnect', resolve));
    await admin.bots.regenerateToken.mutate({ id: bot.bot.id });
    expect(await ended).toBe('io server disconnect');
  });

  /**
   * A team bot listening through a relay, a new shot's task heard; then the link goes silent,
   * and the server, which has not noticed (a ping timeout away), goes on sending into it.
   */
  async function listeningThenFrozen(sequence: string) {
    const relay = await startTcpRelay(server);
    const bot = await createTeamBot(server, studio.project.id);
    const first = listenLikeGazu(server, bot.token, { transport, url: relay.url });
    await first.connected;
    const { task } = await createShotWithTask(studio, sequence);
    await until(() => (first.heard.some((h) => h.name === 'task:new') ? true : undefined), 3000);
    // Its pong for that reaches the server first (a busy listener is pinged every 200 ms).
    await new Promise((resolve) => setTimeout(resolve, 500));
    relay.freeze();
    return { relay, bot, first, task };
  }

  it('gives a listener whose connection died unnoticed what it had not received, and nothing it had', async () => {
    const { relay, bot, first, task } = await listeningThenFrozen(`U${transport}`);
    const written: string[] = [];
    for (let i = 0; i < 5; i++) {
      written.push((await admin.comments.add.mutate({ taskId: task.id, text: `lost ${i}` })).id);
    }
    const second = listen(bot.token, transport);
    try {
      await second.connected;
      const comments = () => second.heard.filter((h) => h.name === 'comment:new');
      await until(() => (comments().length >= 5 ? true : undefined), 3000);
      const live = await admin.comments.add.mutate({ taskId: task.id, text: 'back' });
      await until(() => (comments().length >= 6 ? true : undefined), 3000);
      expect(comments().map((h) => h.payload.comment_id)).toEqual([...written, live.id]);
      expect(first.heard.filter((h) => h.name === 'comment:new')).toEqual([]);
      expect(second.heard.filter((h) => h.name !== 'comment:new')).toEqual([]);
    } finally {
      first.socket.close();
      second.socket.close();
      await relay.close();
    }
  });

  it('waits for a listener that stops reading, then lets it go; it is sent the rest on its return', async () => {
    const { relay, bot, first, task } = await listeningThenFrozen(`S${transport}`);
    try {
      const written: string[] = [];
      for (let i = 0; i < MAX_BEHIND + 5; i++) {
        written.push((await admin.comments.add.mutate({ taskId: task.id, text: `slow ${i}` })).id);
      }
      const letGo = () =>
        server.logs.find(
          (line) => line.includes('slow listener let go') && line.includes(bot.bot.id),
        );
      const line = await until(letGo, PATIENCE_MS + 3000);
      // Let go once past the limit: more than that was waiting, and not all of it.
      expect(JSON.parse(line).behind).toBeGreaterThan(MAX_BEHIND);
      const second = listen(bot.token, transport);
      await second.connected;
      const comments = () => second.heard.filter((h) => h.name === 'comment:new');
      await until(() => (comments().length >= written.length ? true : undefined), 3000);
      expect(comments().map((h) => h.payload.comment_id)).toEqual(written);
      second.socket.close();
    } finally {
      first.socket.close();
      await relay.close();
    }
  });

  it('drops its listeners without a goodbye when the server stops, so their clients come back', async () => {
    const stopping = await startTestServer();
    const listener = listenLikeGazu(stopping, await login(stopping), { transport });
    await listener.connected;
    // Long enough for a polling client's next request to be waiting for its answer.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const reason = new Promise((resolve) => listener.socket.once('disconnect', resolve));
    await stopping.close();
    // Not Socket.IO's `disconnect` packet nor engine.io's `close` packet ('transport close' over
    // polling), after either of which python-socketio gives up for good.
    expect(await reason).toBe(transport === 'websocket' ? 'transport close' : 'transport error');
  });

  it('gives a listener that dropped the 20 events written while it was away, in order, once', async () => {
    const { bot, listener: first, task } = await listeningToNewTask(`R${transport}`, transport);
    await until(() => (first.heard.some((h) => h.name === 'task:new') ? true : undefined), 3000);
    // What it heard is known to the server once the pong after it arrives (a busy listener is
    // pinged every 200 ms); what a listener heard just before it dropped may come again.
    await new Promise((resolve) => setTimeout(resolve, 500));
    first.socket.close();
    // A clean close reaches the server at once over a WebSocket, and with the next request over
    // polling (a drop it has not noticed is the test above).
    await new Promise((resolve) => setTimeout(resolve, 300));
    const written: string[] = [];
    for (let i = 0; i < 20; i++) {
      written.push((await admin.comments.add.mutate({ taskId: task.id, text: `away ${i}` })).id);
    }
    const second = listen(bot.token, transport);
    await second.connected;
    const comments = () => second.heard.filter((h) => h.name === 'comment:new');
    await until(() => (comments().length >= 20 ? true : undefined), 3000);
    // One more written live arrives after them, and nothing comes twice.
    const live = await admin.comments.add.mutate({ taskId: task.id, text: 'back' });
    await until(() => (comments().length >= 21 ? true : undefined), 3000);
    expect(comments().map((h) => h.payload.comment_id)).toEqual([...written, live.id]);
    expect(second.heard.some((h) => h.name === 'task:new')).toBe(false);
    second.socket.close();
  });
});

/**
 * A trigger through a database outage (issue #32): the handler's calls fail with
 * SERVICE_UNAVAILABLE while the database is away, which is no try: the event waits, is handled
 * once when the database is back, and nothing is parked. PostgreSQL is taken away behind a TCP
 * relay; SQLite is held by another connection's write lock past its busy timeout.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createStudio,
  createTeamBot,
  startServerWithOutages,
  type TestServer,
} from '@clapper/server/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runBot, until } from './run-bot';

let outage: Awaited<ReturnType<typeof startServerWithOutages>>;
let server: TestServer;
let dir: string;

beforeAll(async () => {
  outage = await startServerWithOutages();
  server = outage.server;
  dir = await mkdtemp(join(tmpdir(), 'clapper-outage-'));
});
afterAll(async () => {
  await outage?.close();
  await rm(dir, { recursive: true, force: true });
});

it('waits out an outage in the middle of a handler: handled once, nothing parked', async () => {
  const studio = await createStudio(server);
  const { bot, token } = await createTeamBot(server, studio.project.id);
  const gate = join(dir, 'go');
  const started = join(dir, 'started');
  await writeFile(
    join(dir, 'note.ts'),
    `import { existsSync, writeFileSync } from 'node:fs';
import { defineTrigger } from '@clapper/runner';
export default defineTrigger({
  name: 'note-on-status',
  on: ['task.status_changed'],
  maxTries: 1,
  async handle(event, { client }) {
    writeFileSync(${JSON.stringify(started)}, '');
    while (!existsSync(${JSON.stringify(gate)})) await new Promise((r) => setTimeout(r, 50));
    await client.comments.add.mutate({ taskId: event.taskId, text: 'noted' });
  },
});`,
  );
  const task = await studio.admin.tasks.create.mutate({
    entityId: studio.shot.id,
    taskTypeId: studio.animate.id,
  });
  // Each call gives up after 8 s (SQLite's busy timeout is 5 s), so the trigger waits too.
  const running = runBot(server, join(dir, 'note.ts'), {
    CLAPPER_TOKEN: token,
    CLAPPER_MAX_WAIT_MS: '8000',
  });
  try {
    await running.said(/after event \d+/);
    await studio.admin.tasks.setStatus.mutate({
      taskId: task.id,
      statusId: studio.statuses.wfa!.id,
    });
    await until(async () => existsSync(started));
    await outage.goAway();
    try {
      await writeFile(gate, '');
      await running.said(/cannot serve calls for now \(HTTP 503, database_unavailable\)/);
      await running.said(/waits out an outage \(SERVICE_UNAVAILABLE/);
    } finally {
      await outage.comeBack();
    }
    await running.said(/handled after [\d.]+ s of outage/);
    await running.said(/is back after [\d.]+ s; going on/);
    const { items } = await studio.admin.comments.list.query({ taskId: task.id });
    expect(items.filter((c) => c.author?.id === bot.id)).toHaveLength(1);
    const [trigger] = await studio.admin.triggers.list.query({ botId: bot.id });
    expect(trigger).toMatchObject({ parked: 0 });
    expect(running.stderr()).not.toMatch(/try 1 of 1|parked/);
  } finally {
    running.child.kill('SIGTERM');
    await running.exited;
  }
}, 90_000);

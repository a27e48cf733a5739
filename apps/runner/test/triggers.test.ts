/**
 * Triggers run by `pnpm bot` (issue #15), against a real server: each event handled once
 * however the runner stops (SIGTERM, or kill -9 at random moments), resumed from the server's
 * cursor, failing events retried then parked, and a refused token ending the run.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  adminClient,
  type Client,
  createStudio,
  createTeamBot,
  startTestServer,
  type TestServer,
} from '@clapper/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBot, until } from './run-bot';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const commentOnWfa = join(repo, 'scripts/examples/triggers/comment-on-wfa.ts');

let server: TestServer;
let admin: Client;
let studio: Awaited<ReturnType<typeof createStudio>>;

beforeAll(async () => {
  server = await startTestServer();
  admin = await adminClient(server);
  studio = await createStudio(server);
});
afterAll(() => server?.close());

const managerBot = () => createTeamBot(server, studio.project.id);

/** `count` new shot tasks, in `todo`. */
async function newTasks(count: number) {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const shot = await admin.shots.create.mutate({
      projectId: studio.project.id,
      sequence: 'SQ09',
      name: `SH${String(ids.length + 1).padStart(3, '0')}-${Math.random().toString(36).slice(2, 8)}`,
    });
    ids.push(
      (await admin.tasks.create.mutate({ entityId: shot.id, taskTypeId: studio.animate.id })).id,
    );
  }
  return ids;
}

const toWfa = (taskId: string) =>
  admin.tasks.setStatus.mutate({ taskId, statusId: studio.statuses.wfa!.id });

async function commentsBy(botId: string, taskIds: string[]) {
  const counts: number[] = [];
  for (const taskId of taskIds) {
    const { items } = await admin.comments.list.query({ taskId, limit: 500 });
    counts.push(items.filter((c) => c.author?.id === botId).length);
  }
  return counts;
}

describe('triggers with pnpm bot', () => {
  it('reacts once per event, stops on SIGTERM, and resumes after the last event it handled', async () => {
    const { bot, token } = await managerBot();
    const tasks = await newTasks(4);
    const first = runBot(server, commentOnWfa, { CLAPPER_TOKEN: token });
    await first.said(/trigger comment-on-wfa: after event \d+/);
    for (const id of tasks.slice(0, 3)) await toWfa(id);
    await until(async () => (await commentsBy(bot.id, tasks.slice(0, 3))).every((n) => n === 1));
    first.child.kill('SIGTERM');
    expect(await first.exited, first.stderr()).toBe(0);
    expect(first.stderr()).toContain('finishing the event in hand');

    // Made while it was stopped: handled when it comes back, and nothing twice.
    await toWfa(tasks[3]!);
    const second = runBot(server, commentOnWfa, { CLAPPER_TOKEN: token });
    await until(async () => (await commentsBy(bot.id, [tasks[3]!]))[0] === 1);
    expect(await commentsBy(bot.id, tasks)).toEqual([1, 1, 1, 1]);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    const [trigger] = await admin.triggers.list.query({ botId: bot.id });
    expect(trigger).toMatchObject({ name: 'comment-on-wfa', parked: 0, lastError: null });
    expect(trigger!.lag.events).toBe(0);
  }, 90_000);

  it('retries a failing event, parks it and moves on; an admin asks for a retry and it is handled', async () => {
    const { bot, token } = await managerBot();
    const dir = await mkdtemp(join(tmpdir(), 'clapper-trigger-'));
    try {
      const blocked = join(dir, 'blocked');
      const handled = join(dir, 'handled.txt');
      const [failing, fine] = await newTasks(2);
      // Events about the task named in `blocked` fail while the file is there.
      await writeFile(blocked, failing!);
      await writeFile(
        join(dir, 'flaky.ts'),
        `import { existsSync, appendFileSync, readFileSync } from 'node:fs';
import { defineTrigger } from '@clapper/runner';
export default defineTrigger({
  name: 'flaky',
  on: ['comment.added'],
  maxTries: 2,
  handle(event) {
    const path = ${JSON.stringify(blocked)};
    if (existsSync(path) && readFileSync(path, 'utf8') === event.taskId) {
      throw new Error('the render farm is down');
    }
    appendFileSync(${JSON.stringify(handled)}, event.id + '\\n');
  },
});`,
      );
      const running = runBot(server, join(dir, 'flaky.ts'), {
        CLAPPER_TOKEN: token,
        CLAPPER_TRIGGER_RETRY_POLL_MS: '300',
      });
      await running.said(/after event \d+/);
      await admin.comments.add.mutate({ taskId: failing!, text: 'please render' });
      await admin.comments.add.mutate({ taskId: fine!, text: 'fine' });
      const lines = async () =>
        (await readFile(handled, 'utf8').catch(() => '')).split('\n').filter(Boolean);
      await until(async () => (await lines()).length === 1).catch((e) => {
        throw new Error(`${e}: ${running.stderr()}`);
      });
      await running.said(/parked: the render farm is down/);
      expect(running.stderr()).toContain('try 1 of 2');

      const [trigger] = await admin.triggers.list.query({ botId: bot.id });
      expect(trigger).toMatchObject({ parked: 1, lastError: 'the render farm is down' });
      const [parked] = await admin.triggers.parked.query({ triggerId: trigger!.id });
      expect(parked).toMatchObject({ attempts: 2, error: 'the render farm is down' });
      expect(parked!.event).toMatchObject({ type: 'comment.added', taskId: failing });

      await rm(blocked);
      await admin.triggers.retryParked.mutate({ id: parked!.id });
      await until(
        async () => (await admin.triggers.parked.query({ triggerId: trigger!.id })).length === 0,
      );
      expect((await lines()).map(Number).sort()).toContain(parked!.eventId);
      running.child.kill('SIGTERM');
      expect(await running.exited).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it('serve <dir> runs every trigger file of a folder in one process, skipping the rest', async () => {
    const { token } = await managerBot();
    const dir = await mkdtemp(join(tmpdir(), 'clapper-serve-'));
    try {
      const seen = (name: string) => join(dir, `${name}.seen`);
      for (const [name, on] of [
        ['comments', 'comment.added'],
        ['statuses', 'task.status_changed'],
      ] as const) {
        await writeFile(
          join(dir, `${name}.ts`),
          `import { appendFileSync } from 'node:fs';
import { defineTrigger } from '@clapper/runner';
export default defineTrigger({
  name: '${name}',
  on: ['${on}'],
  handle(event) { appendFileSync(${JSON.stringify(seen(name))}, event.type + '\\n'); },
});`,
        );
      }
      await writeFile(join(dir, 'helpers.ts'), 'export const notATrigger = 1;\n');
      const running = runBot(server, 'serve', { CLAPPER_TOKEN: token }, [dir]);
      await running.said(/trigger comments: after event/);
      await running.said(/trigger statuses: after event/);
      expect(running.stderr()).toContain('helpers.ts: no defineTrigger() default export; skipped');
      const [taskId] = await newTasks(1);
      await admin.comments.add.mutate({ taskId: taskId!, text: 'hello' });
      await toWfa(taskId!);
      const read = (name: string) => readFile(seen(name), 'utf8').catch(() => '');
      await until(async () => (await read('comments')) !== '' && (await read('statuses')) !== '');
      expect(await read('comments')).toBe('comment.added\n');
      expect(await read('statuses')).toBe('task.status_changed\n');
      running.child.kill('SIGTERM');
      expect(await running.exited, running.stderr()).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('mirror-comments.ts posts each comment to a webhook once, with the same key on a retry', async () => {
    const { token } = await managerBot();
    const received: { key: string; body: Record<string, unknown> }[] = [];
    let refuseNext = true;
    const hook = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        received.push({ key: String(req.headers['idempotency-key']), body: JSON.parse(body) });
        // The first delivery is refused: the runner tries again with the same key.
        res.statusCode = refuseNext ? 503 : 200;
        refuseNext = false;
        res.end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    const { port } = hook.address() as { port: number };
    try {
      const [taskId] = await newTasks(1);
      const running = runBot(server, join(repo, 'scripts/examples/triggers/mirror-comments.ts'), {
        CLAPPER_TOKEN: token,
        MIRROR_URL: `http://127.0.0.1:${port}/hook`,
      });
      await running.said(/after event \d+/);
      await admin.comments.add.mutate({ taskId: taskId!, text: 'Looks great' });
      await admin.comments.add.mutate({ taskId: taskId!, text: 'Approved' });
      await until(async () => received.length === 3);
      const [refused, first, second] = received;
      expect(first!.key).toBe(refused!.key);
      expect(second!.key).not.toBe(first!.key);
      expect(first!.key).toMatch(/^trigger:mirror-comments:\d+$/);
      expect([first!.body.text, second!.body.text]).toEqual(['Looks great', 'Approved']);
      expect(first!.body.task).toMatch(/^SH\d+-\w+ \/ Animate/);
      expect(running.stderr()).toContain('the webhook answered 503');
      running.child.kill('SIGTERM');
      expect(await running.exited).toBe(0);
    } finally {
      hook.close();
    }
  }, 60_000);

  it('stops with the reason, exit 2, once its token is revoked', async () => {
    const { bot, token } = await managerBot();
    const [taskId] = await newTasks(1);
    const running = runBot(server, commentOnWfa, { CLAPPER_TOKEN: token });
    await running.said(/after event \d+/);
    await admin.bots.regenerateToken.mutate({ id: bot.id });
    await toWfa(taskId!);
    expect(await running.exited).toBe(2);
    expect(running.stderr()).toMatch(/revoked/);
  }, 60_000);
});

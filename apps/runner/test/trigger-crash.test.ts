/**
 * Issue #15's crash test: a trigger that posts one comment per `task.status_changed` event,
 * while 500 status changes are made, the trigger killed with `kill -9` at three random moments
 * and restarted, and the server (its own process, as `pnpm start` runs it) killed once and
 * started again on the same database. At the end there is exactly one comment per event:
 * none lost, none doubled. Runs on each dialect.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClapperClient } from '@clapper/client';
import { testDialect } from '@clapper/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServerProcess } from '../../../scripts/lib/processes';
import { seedStudio } from '../../../scripts/lib/seed';

const EVENTS = 500;
const TASKS = 50;
const repo = fileURLToPath(new URL('../../..', import.meta.url));

let server: ServerProcess;
let dir: string;

beforeAll(async () => {
  server = await startServerProcess(testDialect());
  dir = await mkdtemp(join(tmpdir(), 'clapper-crash-'));
  await writeFile(
    join(dir, 'comment-per-change.ts'),
    `import { defineTrigger } from '@clapper/runner';
export default defineTrigger({
  name: 'comment-per-change',
  on: ['task.status_changed'],
  async handle(event, { client }) {
    await client.comments.add.mutate({ taskId: event.taskId!, text: 'event ' + event.id });
  },
});`,
  );
}, 120_000);

afterAll(async () => {
  const { db } = server;
  await server?.stop();
  // A server started again on the database leaves it in place: it is this test's to drop.
  await db.dispose().catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

function startTrigger(url: string, token: string) {
  const child = spawn(
    process.execPath,
    [join(repo, 'apps/runner/bin/bot.mjs'), join(dir, 'comment-per-change.ts')],
    {
      cwd: repo,
      env: { ...process.env, CLAPPER_URL: url, CLAPPER_TOKEN: token },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  const ready = new Promise<void>((resolve, reject) => {
    const check = () => {
      if (/after event \d+/.test(stderr)) resolve();
      else if (child.exitCode !== null) reject(new Error(`the trigger exited: ${stderr}`));
      else setTimeout(check, 20);
    };
    check();
  });
  return { child, ready, stderr: () => stderr };
}

const killed = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });

/** Every event number the bot's comments name, one entry per comment. */
async function commentedEvents(admin: ClapperClient, taskIds: string[]) {
  const numbers: number[] = [];
  for (const taskId of taskIds) {
    let cursor: string | undefined;
    do {
      const page = await admin.comments.list.query({ taskId, limit: 500, cursor });
      for (const c of page.items) {
        const match = /^event (\d+)$/.exec(c.text);
        if (match) numbers.push(Number(match[1]));
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
  return numbers;
}

describe('a trigger under crashes', () => {
  it(`comments exactly once on each of ${EVENTS} status changes through three kill -9 and a server crash`, async () => {
    const studio = await seedStudio(server.url, { shots: TASKS });
    const { admin, taskIds } = studio;
    const statuses = (await admin.taskStatuses.list.query()).items;
    const wfa = statuses.find((s) => s.shortName === 'wfa')!;
    const todo = statuses.find((s) => s.shortName === 'todo')!;
    const first = (await admin.events.list.query({ limit: 1 })).items[0]!.id;

    let trigger = startTrigger(server.url, studio.botToken);
    await trigger.ready;
    const kills = new Set<number>();
    while (kills.size < 3) kills.add(50 + Math.floor(Math.random() * 400));
    const serverCrash = 250;
    const port = Number(new URL(server.url).port);

    for (let i = 0; i < EVENTS; i++) {
      const taskId = taskIds[i % TASKS]!;
      const status = Math.floor(i / TASKS) % 2 === 0 ? wfa : todo;
      await admin.tasks.setStatus.mutate({ taskId, statusId: status.id });
      if (kills.has(i)) {
        // While it is handling what came just before.
        await new Promise((r) => setTimeout(r, Math.random() * 100));
        await killed(trigger.child);
        trigger = startTrigger(server.url, studio.botToken);
        await trigger.ready;
      }
      if (i === serverCrash) {
        await server.kill();
        server = await startServerProcess(testDialect(), {}, { db: server.db, port });
      }
    }

    // Every status change the API wrote, by id.
    const changes: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await admin.events.list.query({
        after: first,
        order: 'asc',
        limit: 500,
        cursor,
      });
      changes.push(...page.items.filter((e) => e.type === 'task.status_changed').map((e) => e.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(changes).toHaveLength(EVENTS);

    const deadline = Date.now() + 120_000;
    let commented = await commentedEvents(admin, taskIds);
    while (commented.length < EVENTS && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      commented = await commentedEvents(admin, taskIds);
    }
    trigger.child.kill('SIGTERM');
    expect(
      commented.sort((a, b) => a - b),
      trigger.stderr(),
    ).toEqual(changes);
  }, 300_000);
});

/**
 * `x-clapper-idempotency-key` (issue #15): a mutation sent with a key runs once, through HTTP
 * with `@clapper/client`'s per-call key, on both write paths (the ORM's flush and the prepared
 * statements), the key written in the mutation's own transaction.
 */
import { ClapperError, createClapperClient } from '@clapper/client';
import { IdempotencyKey } from '@clapper/db';
import {
  adminClient,
  type Client,
  createBot,
  createStudio,
  startTestServer,
  type TestServer,
} from '@clapper/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let server: TestServer;
let admin: Client;
let studio: Awaited<ReturnType<typeof createStudio>>;
let bot: ReturnType<typeof createClapperClient>;
let taskId: string;
let botToken: string;

beforeAll(async () => {
  server = await startTestServer();
  admin = await adminClient(server);
  studio = await createStudio(server);
  const created = await createBot(server, { role: 'manager' });
  await admin.projects.addMember.mutate({ projectId: studio.project.id, personId: created.bot.id });
  botToken = created.token;
  bot = createClapperClient({ url: server.url, token: botToken });
  taskId = (
    await bot.tasks.create.mutate({ entityId: studio.shot.id, taskTypeId: studio.animate.id })
  ).id;
});
afterAll(() => server?.close());

const keyed = (idempotencyKey: string) => ({ context: { idempotencyKey } });
const comments = async () => (await bot.comments.list.query({ taskId, limit: 500 })).items;
const refusal = (call: Promise<unknown>) =>
  call.then(
    () => {
      throw new Error('expected a refusal');
    },
    (error: unknown) => ClapperError.from(error),
  );

describe('idempotency keys', () => {
  // First: the server forgets old keys with its first keyed answer (then every ten minutes).
  it('forgets keys after a day, not before', async () => {
    const em = server.orm.em.fork();
    const me = await bot.auth.me.query();
    const at = (hours: number) => new Date(Date.now() - hours * 3_600_000);
    for (const [key, hours] of [
      ['day-old', 23],
      ['long-gone', 26],
    ] as const) {
      em.create(IdempotencyKey, {
        personId: me.id,
        key,
        path: 'comments.add',
        inputHash: 'x'.repeat(64),
        result: '{"json":null}',
        createdAt: at(hours),
      });
    }
    await em.flush();
    await bot.comments.add.mutate({ taskId, text: 'prune' }, keyed('prune-1'));
    const left = await server.orm.em
      .fork()
      .find(IdempotencyKey, { personId: me.id, key: { $in: ['day-old', 'long-gone'] } });
    expect(left.map((k) => k.key)).toEqual(['day-old']);
  });

  it('runs a keyed comment once: a repeat answers the first comment, and writes nothing', async () => {
    const before = (await comments()).length;
    const first = await bot.comments.add.mutate({ taskId, text: 'once' }, keyed('comment-1'));
    const again = await bot.comments.add.mutate({ taskId, text: 'once' }, keyed('comment-1'));
    expect(again).toEqual(first);
    expect(again.createdAt).toBeInstanceOf(Date);
    expect((await comments()).length).toBe(before + 1);
    // Without a key, the same call runs again.
    await bot.comments.add.mutate({ taskId, text: 'once' });
    expect((await comments()).length).toBe(before + 2);
  });

  it('runs a keyed ORM mutation once too (a task created through the unit of work)', async () => {
    const input = { entityId: studio.shot.id, taskTypeId: studio.layout.id };
    const first = await bot.tasks.create.mutate(input, keyed('task-1'));
    const again = await bot.tasks.create.mutate(input, keyed('task-1'));
    expect(again.id).toBe(first.id);
    const tasks = await bot.tasks.list.query({ projectId: studio.project.id, limit: 500 });
    expect(tasks.items.filter((t) => t.taskType.id === studio.layout.id)).toHaveLength(1);
  });

  it('refuses a key reused for another input or another procedure (CONFLICT), running nothing', async () => {
    await bot.comments.add.mutate({ taskId, text: 'first' }, keyed('comment-2'));
    const before = (await comments()).length;
    const otherInput = await refusal(
      bot.comments.add.mutate({ taskId, text: 'second' }, keyed('comment-2')),
    );
    expect(otherInput).toMatchObject({ code: 'CONFLICT', field: 'idempotencyKey' });
    expect(otherInput.message).toContain('another input');
    const otherCall = await refusal(
      bot.tasks.setStatus.mutate({ taskId, statusId: studio.statuses.wfa!.id }, keyed('comment-2')),
    );
    expect(otherCall).toMatchObject({ code: 'CONFLICT', field: 'idempotencyKey' });
    expect(otherCall.message).toContain('comments.add');
    expect((await comments()).length).toBe(before);
    const task = await bot.tasks.get.query({ id: taskId });
    expect(task.status.shortName).not.toBe('wfa');
  });

  it("keeps each caller's keys apart", async () => {
    const other = await createBot(server, { role: 'manager' });
    await admin.projects.addMember.mutate({ projectId: studio.project.id, personId: other.bot.id });
    const otherBot = createClapperClient({ url: server.url, token: other.token });
    const mine = await bot.comments.add.mutate({ taskId, text: 'mine' }, keyed('shared-key'));
    const theirs = await otherBot.comments.add.mutate(
      { taskId, text: 'theirs' },
      keyed('shared-key'),
    );
    expect(theirs.id).not.toBe(mine.id);
    expect(theirs.text).toBe('theirs');
  });

  it('refuses a malformed key or a key on a batch (BAD_REQUEST), running nothing', async () => {
    const before = (await comments()).length;
    for (const key of ['has space', 'x'.repeat(201), 'é']) {
      expect(
        await refusal(bot.comments.add.mutate({ taskId, text: 'bad key' }, keyed(key))),
      ).toMatchObject({ code: 'BAD_REQUEST', field: 'idempotencyKey' });
    }
    // Two calls in one request under one key.
    const body = JSON.stringify({
      0: { json: { taskId, text: 'a' } },
      1: { json: { taskId, text: 'b' } },
    });
    const response = await fetch(`${server.url}/trpc/comments.add,comments.add?batch=1`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${(await createBot(server)).token}`,
        'content-type': 'application/json',
        'x-clapper-idempotency-key': 'batch-key',
      },
      body,
    });
    const answers = (await response.json()) as { error?: { json: { data: { field: string } } } }[];
    expect(answers.map((a) => a.error?.json.data.field)).toEqual([
      'idempotencyKey',
      'idempotencyKey',
    ]);
    expect((await comments()).length).toBe(before);
  });

  it('sent many times at once, a keyed call still runs exactly once', async () => {
    const before = (await comments()).length;
    const answers = await Promise.allSettled(
      Array.from({ length: 8 }, () =>
        bot.comments.add.mutate({ taskId, text: 'racing' }, keyed('race-1')),
      ),
    );
    expect((await comments()).length).toBe(before + 1);
    const ok = answers.filter((a) => a.status === 'fulfilled');
    expect(ok.length).toBeGreaterThanOrEqual(1);
    expect(new Set(ok.map((a) => a.value.id)).size).toBe(1);
    for (const a of answers) {
      if (a.status === 'rejected') {
        expect(ClapperError.from(a.reason)).toMatchObject({
          code: 'CONFLICT',
          field: 'idempotencyKey',
        });
      }
    }
    // Once the first has answered, every repeat gets its result.
    const late = await bot.comments.add.mutate({ taskId, text: 'racing' }, keyed('race-1'));
    expect(late.id).toBe(ok[0]!.value.id);
  });

  it('keeps no key for a call that failed or a dry run: they run again', async () => {
    const gone = '01890000-0000-7000-8000-000000000000';
    for (let i = 0; i < 2; i++) {
      expect(
        await refusal(bot.comments.add.mutate({ taskId: gone, text: 'x' }, keyed('failing'))),
      ).toMatchObject({ code: 'NOT_FOUND' });
    }
    const dry = createClapperClient({
      url: server.url,
      token: botToken,
      headers: { 'x-clapper-dry-run': '1' },
    });
    const before = (await comments()).length;
    const rehearsed = await dry.comments.add.mutate({ taskId, text: 'dry' }, keyed('dry-1'));
    expect((await comments()).length).toBe(before);
    // The same key for real: it runs, as a new call.
    const real = await bot.comments.add.mutate({ taskId, text: 'dry' }, keyed('dry-1'));
    expect(real.id).not.toBe(rehearsed.id);
    expect((await comments()).length).toBe(before + 1);
    const em = server.orm.em.fork();
    expect(await em.count(IdempotencyKey, { key: 'failing' })).toBe(0);
  });
});

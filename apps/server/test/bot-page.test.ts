/**
 * A bot's page (issue #14): `bots.get` adds its teams and its token's public facts, and
 * `bots.activity` pages through what it did and what was done to it, targets named.
 */
import {
  adminClient,
  type Client,
  createBot,
  createStudio,
  createTeamBot,
  createTestClient,
  createUser,
  login,
  startTestServer,
  type TestServer,
  trpcError,
} from '@clapper/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let server: TestServer;
let admin: Client;
beforeAll(async () => {
  server = await startTestServer();
  admin = await adminClient(server);
});
afterAll(() => server?.close());

describe('a bot page', () => {
  it('names its teams and its token: the end of its id, when issued, and the end of a grace period', async () => {
    const studio = await createStudio(server);
    const { bot, token } = await createTeamBot(server, studio.project.id);

    const page = await admin.bots.get.query({ id: bot.id });
    expect(page.teams).toEqual([{ id: studio.project.id, name: studio.project.name }]);
    expect(page.token.shortId).toMatch(/^[0-9a-f]{8}$/);
    expect(page.token.issuedAt).toEqual(bot.tokenIssuedAt);
    expect(page.token.previousValidUntil).toBeNull();
    expect(JSON.stringify(page)).not.toContain(token);

    const before = Date.now();
    const rotated = await admin.bots.regenerateToken.mutate({ id: bot.id, graceMinutes: 30 });
    const after = await admin.bots.get.query({ id: bot.id });
    expect(after.token.shortId).not.toBe(page.token.shortId);
    expect(after.token.previousValidUntil).toEqual(rotated.previousTokenValidUntil);
    const graceEnds = after.token.previousValidUntil!.getTime();
    expect(graceEnds).toBeGreaterThanOrEqual(before + 30 * 60_000 - 1000);
    expect(graceEnds).toBeLessThanOrEqual(Date.now() + 30 * 60_000 + 1000);
  });

  it('lists what the bot did and what admins did to it, newest first, with readable targets', async () => {
    const studio = await createStudio(server);
    const { bot, client: asBot } = await createTeamBot(server, studio.project.id);
    const task = await asBot.tasks.create.mutate({
      entityId: studio.shot.id,
      taskTypeId: studio.animate.id,
    });
    await asBot.comments.add.mutate({ taskId: task.id, text: 'first pass' });
    await admin.bots.update.mutate({ id: bot.id, role: 'artist' });

    const { items, nextCursor } = await admin.bots.activity.query({ id: bot.id });
    expect(nextCursor).toBeNull();
    const taskLabel = `SH010 / ${studio.animate.name}`;
    const { name: adminName } = await admin.auth.me.query();
    expect(
      items.map((e) => [e.type, e.direction, e.actor.name, e.target?.label, e.project?.name]),
    ).toEqual([
      ['bot.updated', 'on', adminName, bot.name, undefined],
      ['comment.added', 'by', bot.name, taskLabel, studio.project.name],
      ['task.created', 'by', bot.name, taskLabel, studio.project.name],
      ['project.member_added', 'on', adminName, bot.name, studio.project.name],
      ['bot.created', 'on', adminName, bot.name, undefined],
    ]);
    expect(items.map((e) => e.id)).toEqual([...items.map((e) => e.id)].sort((a, b) => b - a));
  });

  it('pages through all of it without a gap or a repeat', async () => {
    const studio = await createStudio(server);
    const { bot, client: asBot } = await createTeamBot(server, studio.project.id);
    const task = await asBot.tasks.create.mutate({
      entityId: studio.shot.id,
      taskTypeId: studio.layout.id,
    });
    for (let i = 0; i < 7; i++) {
      await asBot.comments.add.mutate({ taskId: task.id, text: `note ${i}` });
      if (i % 3 === 0) await admin.bots.update.mutate({ id: bot.id, name: `${bot.name} ${i}` });
    }
    const all = (await admin.bots.activity.query({ id: bot.id, limit: 500 })).items;
    // created, added to the team, the task, 7 comments, 3 renames.
    expect(all).toHaveLength(13);
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await admin.bots.activity.query({ id: bot.id, limit: 4, cursor });
      expect(page.items.length).toBeLessThanOrEqual(4);
      seen.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(all.map((e) => e.id));
    // A renamed bot is named as it is now; a deleted one as its events recorded it.
    expect(all.at(-1)!.target?.label).toBe(`${bot.name} 6`);
  });

  it('is for admins of real users only, and refuses bad input by field', async () => {
    const { bot, token } = await createBot(server, { role: 'admin' });
    const artist = await createUser(server, { role: 'artist' });
    const asArtist = createTestClient(server, await login(server, artist));
    expect((await trpcError(asArtist.bots.activity.query({ id: bot.id }))).code).toBe('FORBIDDEN');
    const asBot = await trpcError(
      createTestClient(server, token).bots.activity.query({ id: bot.id }),
    );
    expect(asBot).toMatchObject({ code: 'FORBIDDEN', reason: 'user_only_route' });

    const person = await createUser(server);
    expect(await trpcError(admin.bots.activity.query({ id: person.id }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await trpcError(admin.bots.activity.query({ id: bot.id, cursor: 'x' }))).toMatchObject({
      code: 'BAD_REQUEST',
      field: 'cursor',
    });
    expect(
      (await admin.bots.activity.query({ id: bot.id, cursor: '9999999999' })).items.length,
    ).toBeGreaterThan(0);
  });
});

/**
 * A bot's page (issue #14): reached from the Bots table, it names everything about the bot,
 * edits its teams, rotates its token with a grace period shown in local time and UTC, pages
 * through its activity with readable targets, and deletes it.
 */
import {
  adminClient,
  type Client,
  createStudio,
  createTestClient,
  type TestServer,
  trpcError,
} from '@clapper/server/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSignedIn, SCREENSHOTS, startAdminServer } from './support';

/** More than a page of activity (50): the page must ask for the rest. */
const COMMENTS = 55;

let server: TestServer;
let admin: Client;
let browser: Browser;
let page: Page;
let studio: Awaited<ReturnType<typeof createStudio>>;
let botId: string;
let token: string;

beforeAll(async () => {
  server = await startAdminServer();
  admin = await adminClient(server);
  studio = await createStudio(server);
  await admin.projects.create.mutate({ name: 'Second Show' });
  const created = await admin.bots.create.mutate({ name: 'publisher', role: 'manager' });
  botId = created.bot.id;
  token = created.token;
  await admin.projects.addMember.mutate({ projectId: studio.project.id, personId: botId });
  const asBot = createTestClient(server, token);
  const task = await asBot.tasks.create.mutate({
    entityId: studio.shot.id,
    taskTypeId: studio.animate.id,
  });
  for (let i = 0; i < COMMENTS; i++) {
    await asBot.comments.add.mutate({ taskId: task.id, text: `pass ${i}` });
  }
  // Not UTC, so the local time and the UTC time of the grace period differ.
  ({ browser, page } = await openSignedIn(`${server.url}/bots`, { timezoneId: 'Asia/Tokyo' }));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const fact = (label: string) =>
  page.getByRole('table', { name: 'About the bot' }).locator(`tr:has(th:text-is("${label}"))`);
const dialog = (name: string) => page.getByRole('dialog', { name });

describe('a bot page', () => {
  it('opens from the bot name in the table and shows its facts and its token id', async () => {
    await page.getByRole('link', { name: 'publisher' }).click();
    await page.getByRole('heading', { name: 'publisher' }).waitFor();
    expect(page.url()).toBe(`${server.url}/bots/${botId}`);
    const bot = await admin.bots.get.query({ id: botId });
    expect(await fact('Role').textContent()).toContain('Manager');
    expect(await fact('Token').textContent()).toContain(`…${bot.token.shortId}`);
    const { name: adminName } = await admin.auth.me.query();
    expect(await fact('Created').textContent()).toContain(`by ${adminName}`);
    expect(await fact('Last used').textContent()).not.toContain('Never');
  });

  it('adds the bot to a team and removes it from one, as the server then says', async () => {
    const teams = page.getByRole('table', { name: 'Teams' });
    expect(await teams.textContent()).toContain(studio.project.name);
    await page.getByPlaceholder('Search projects').fill('Second');
    await page.getByRole('option', { name: 'Second Show' }).click();
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await teams.getByText('Second Show').waitFor();
    await expect
      .poll(async () => (await admin.bots.get.query({ id: botId })).teams.map((t) => t.name))
      .toEqual(['Second Show', studio.project.name].sort());

    await page.getByRole('button', { name: `Remove from ${studio.project.name}` }).click();
    await teams.getByText(studio.project.name).waitFor({ state: 'detached' });
    expect((await admin.bots.get.query({ id: botId })).teams.map((t) => t.name)).toEqual([
      'Second Show',
    ]);
  });

  it('regenerates with a grace period: both tokens work, and its end shows in local time and UTC', async () => {
    await page.getByRole('button', { name: 'Regenerate token' }).click();
    const confirm = dialog('Regenerate token');
    await confirm.getByLabel('Keep the old token working for (minutes)').fill('15');
    await confirm.getByRole('button', { name: 'Regenerate token' }).click();
    const tokenModal = dialog('API token for publisher');
    const fresh = await tokenModal.getByLabel('API token').inputValue();
    await tokenModal.getByRole('button', { name: 'Done' }).click();
    await tokenModal.getByRole('button', { name: 'Close without copying' }).click();
    await tokenModal.waitFor({ state: 'hidden' });

    expect((await createTestClient(server, token).auth.me.query()).name).toBe('publisher');
    expect((await createTestClient(server, fresh).auth.me.query()).name).toBe('publisher');
    const { token: now } = await admin.bots.get.query({ id: botId });
    const until = now.previousValidUntil!;
    const utc = until.toISOString().slice(0, 16).replace('T', ' ');
    const tokyo = new Date(until.getTime() + 9 * 3_600_000).toISOString().slice(0, 16);
    const grace = await fact('Grace period').textContent();
    expect(grace).toContain(`${tokyo.replace('T', ' ')} (Asia/Tokyo)`);
    expect(grace).toContain(`${utc} UTC`);
    expect(await fact('Token').textContent()).toContain(`…${now.shortId}`);
    await page.getByRole('table', { name: 'Bot activity' }).locator('tbody tr').first().waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}bot-page.png` });
    token = fresh;
  });

  it('pages through all of its activity, newest first, naming what it acted on', async () => {
    const activity = page.getByRole('table', { name: 'Bot activity' });
    const rows = activity.locator('tbody tr');
    await rows.first().waitFor();
    // The newest: the rotation, by the admin.
    expect(await rows.first().textContent()).toContain('regenerated the token of');
    const comment = rows.filter({ hasText: 'commented on' }).first();
    expect(await comment.textContent()).toContain(`SH010 / ${studio.animate.name}`);
    expect(await comment.textContent()).toContain(studio.project.name);
    expect(await rows.count()).toBe(50);

    await page.getByRole('button', { name: 'Show older' }).click();
    // created, 3 team changes, the task, the comments, the rotation.
    const all = 1 + 3 + 1 + COMMENTS + 1;
    await expect.poll(() => rows.count()).toBe(all);
    expect(await page.getByRole('button', { name: 'Show older' }).count()).toBe(0);
    expect(await rows.last().textContent()).toContain('created');
    expect(await activity.getByText('added to the team of').count()).toBe(2);
    expect(await activity.getByText('removed from the team of').count()).toBe(1);
  });

  it("shows the bot's triggers, how far behind each is, and lets an admin retry or drop what one parked", async () => {
    const asBot = createTestClient(server, token);
    const { cursor } = await asBot.triggers.start.mutate({ name: 'preview-on-wfa', from: 1 });
    await asBot.triggers.park.mutate({
      name: 'preview-on-wfa',
      eventId: cursor + 1,
      error: 'render farm unreachable',
      attempts: 5,
    });
    await asBot.triggers.park.mutate({
      name: 'preview-on-wfa',
      eventId: cursor + 2,
      error: 'render farm unreachable',
      attempts: 5,
    });
    await page.reload();
    const row = page
      .getByRole('table', { name: 'Triggers' })
      .locator('tr[data-trigger="preview-on-wfa"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('render farm unreachable');
    await row.getByRole('button', { name: '2 parked' }).click();
    const parked = page.getByRole('table', { name: 'Parked events of preview-on-wfa' });
    await parked.getByRole('button', { name: `Retry event ${cursor + 1}` }).click();
    await parked.getByText('retry asked').waitFor();
    const asked = await asBot.triggers.parked.query({
      name: 'preview-on-wfa',
      retryRequested: true,
    });
    expect(asked.map((p) => p.eventId)).toEqual([cursor + 1]);
    await parked.getByRole('button', { name: `Drop event ${cursor + 2}` }).click();
    await parked
      .getByRole('button', { name: `Drop event ${cursor + 2}` })
      .waitFor({ state: 'detached' });
    expect(
      (await asBot.triggers.parked.query({ name: 'preview-on-wfa' })).map((p) => p.eventId),
    ).toEqual([cursor + 1]);
  });

  it('shows refused attempts with the last reason', async () => {
    await admin.bots.regenerateToken.mutate({ id: botId });
    // The token the page's rotation issued is now revoked: a script still using it is refused.
    expect(await trpcError(createTestClient(server, token).auth.me.query())).toMatchObject({
      reason: 'token_revoked',
    });
    await server.services.refusals.flush();
    await page.reload();
    const refused = page.getByRole('status').filter({ hasText: 'Refused' });
    await refused.waitFor();
    expect(await refused.textContent()).toMatch(/Refused 1 time since .* last: token revoked/);
  });

  it('deletes the bot from its page, back on the list without it', async () => {
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await dialog('Delete bot').getByRole('button', { name: 'Delete bot' }).click();
    await page.getByRole('heading', { name: 'Bots' }).waitFor();
    expect(page.url()).toBe(`${server.url}/bots`);
    expect(await trpcError(admin.bots.get.query({ id: botId }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    await page.goto(`${server.url}/bots/${botId}`);
    await page.getByRole('alert').filter({ hasText: 'Bot not found' }).waitFor();
  });
});

/**
 * The admin with 207 bots (issue #14): every bot reachable, searched, filtered and sorted by
 * the server, filters kept in the URL, totals on the page, and the team picker able to add any
 * bot, not only the first 100.
 */
import { adminClient, createTestClient, type TestServer } from '@clapper/server/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSignedIn, startAdminServer, utcDayFromNow } from './support';

const BOTS = 207;
const EXPIRING = 12;

let server: TestServer;
let browser: Browser;
let page: Page;
let lightingId: string;

const name = (i: number) => `render-${String(i).padStart(3, '0')}`;

beforeAll(async () => {
  server = await startAdminServer();
  const admin = await adminClient(server);
  lightingId = (await admin.departments.create.mutate({ name: 'Lighting' })).id;
  const farm = await admin.projects.create.mutate({ name: 'Farm' });
  for (let i = 0; i < BOTS; i++) {
    const { bot, token } = await admin.bots.create.mutate({
      name: name(i),
      // The first twelve expire within the fortnight; the rest in a year.
      expiresAt: utcDayFromNow(i < EXPIRING ? 1 + i : 365),
      // The first five in Lighting; the next three on Farm's team; the next three used today.
      departmentIds: i < 5 ? [lightingId] : [],
    });
    if (i >= 5 && i < 8)
      await admin.projects.addMember.mutate({ projectId: farm.id, personId: bot.id });
    if (i >= 8 && i < 11) await createTestClient(server, token).auth.me.query();
  }
  await admin.projects.create.mutate({ name: 'Big Show' });
  ({ browser, page } = await openSignedIn(`${server.url}/bots`));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const table = () => page.getByRole('table', { name: 'Bots' });
const rowNames = () =>
  table()
    .locator('tbody tr')
    .evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.bot ?? ''));

describe('the Bots page with 207 bots', () => {
  it('shows the totals and the newest bots first, then pages through every bot', async () => {
    await page.getByTestId('bot-totals').waitFor();
    expect(await page.getByTestId('bot-totals').textContent()).toBe(
      `${BOTS} bots · ${EXPIRING} expiring within 14 days`,
    );
    await expect.poll(rowNames).toHaveLength(50);
    expect((await rowNames())[0]).toBe(name(BOTS - 1));
    expect(await page.getByText(`Showing 50 of ${BOTS}`).count()).toBe(1);
    for (const shown of [100, 150, 200, BOTS]) {
      await page.getByRole('button', { name: 'Show more' }).click();
      await expect.poll(rowNames).toHaveLength(shown);
    }
    expect(new Set(await rowNames()).size).toBe(BOTS);
    expect(await page.getByRole('button', { name: 'Show more' }).count()).toBe(0);
  });

  it('searches on the server, keeps the search in the URL, and a reload keeps it', async () => {
    await page.getByLabel('Search bots').fill('RENDER-15');
    await expect.poll(rowNames).toEqual(Array.from({ length: 10 }, (_, i) => name(159 - i)));
    expect(new URL(page.url()).searchParams.get('q')).toBe('RENDER-15');
    await page.reload();
    await expect.poll(rowNames).toHaveLength(10);
    expect(await page.getByLabel('Search bots').inputValue()).toBe('RENDER-15');
    expect(await page.getByText('Showing 10 of 10').count()).toBe(1);
  });

  it('filters by expiry and sorts by a column header, both kept in the URL', async () => {
    await page.goto(`${server.url}/bots?expiry=soon`);
    await expect.poll(rowNames).toHaveLength(EXPIRING);
    await page.getByRole('button', { name: /^Expires/ }).click();
    await expect.poll(rowNames).toEqual(Array.from({ length: EXPIRING }, (_, i) => name(i)));
    expect(new URL(page.url()).searchParams.get('sort')).toBe('expiresAt');
    await page.getByRole('button', { name: /^Expires/ }).click();
    await expect.poll(async () => (await rowNames())[0]).toBe(name(EXPIRING - 1));
    expect(new URL(page.url()).searchParams.get('order')).toBe('desc');
    await page.getByRole('combobox', { name: 'Expiry' }).click();
    await page.getByRole('option', { name: 'Expired' }).click();
    await page.getByText('No bot matches these filters.').waitFor();
  });

  it('filters by department, team, days ahead and last use, each kept in the URL', async () => {
    const param = (name: string) => new URL(page.url()).searchParams.get(name);
    await page.goto(`${server.url}/bots`);
    await page.getByRole('combobox', { name: 'Department' }).click();
    await page.getByRole('option', { name: 'Lighting' }).click();
    await expect.poll(rowNames).toEqual([4, 3, 2, 1, 0].map(name));
    expect(param('department')).toBe(lightingId);

    await page.goto(`${server.url}/bots`);
    await page.getByRole('combobox', { name: 'Team' }).fill('Far');
    await page.getByRole('option', { name: 'Farm' }).click();
    await expect.poll(rowNames).toEqual([7, 6, 5].map(name));
    // A reload keeps the filter, and the picker still names the project.
    await page.reload();
    await expect.poll(rowNames).toEqual([7, 6, 5].map(name));
    await expect.poll(() => page.getByRole('combobox', { name: 'Team' }).inputValue()).toBe('Farm');

    const admin = await adminClient(server);
    const within3 = await admin.bots.list.query({ expiry: 'soon', withinDays: 3, limit: 1 });
    await page.goto(`${server.url}/bots?expiry=soon`);
    await page.getByRole('textbox', { name: 'Days ahead' }).fill('3');
    await expect.poll(rowNames).toHaveLength(within3.total);
    expect(within3.total).toBeLessThan(EXPIRING);
    expect(param('within')).toBe('3');

    // Three bots were used today: the rest were not used since before today.
    await page.goto(`${server.url}/bots?usedBefore=${utcDayFromNow(0)}`);
    await page.getByText(`Showing 50 of ${BOTS - 3}`).waitFor();
    expect(await page.getByRole('textbox', { name: 'Last used before' }).inputValue()).toBe(
      utcDayFromNow(0),
    );
  });

  it('bulk actions: select what a search shows, one confirmation naming the count, an event per bot', async () => {
    const admin = await adminClient(server);
    const before = (await admin.events.list.query({ limit: 1 })).items[0]!.id;
    await page.goto(`${server.url}/bots?q=render-19`);
    await expect.poll(rowNames).toHaveLength(10);
    await page.getByRole('checkbox', { name: 'Select every bot shown' }).click();
    const bar = page.getByRole('region', { name: 'Selected bots' });
    expect(await bar.textContent()).toContain('10 bots selected');
    await bar.getByRole('button', { name: 'Deactivate' }).click();
    const confirm = page.getByRole('dialog', { name: 'Deactivate 10 bots?' });
    await confirm.getByRole('button', { name: 'Deactivate 10 bots' }).click();
    await confirm.waitFor({ state: 'hidden' });
    await bar.waitFor({ state: 'detached' });
    const inactive = await admin.bots.list.query({ q: 'render-19', active: false });
    expect(inactive.items.map((b) => b.name).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => name(190 + i)),
    );
    // One audited event per bot, by the admin who asked.
    const events = (await admin.events.list.query({ after: before, limit: 100, order: 'asc' }))
      .items;
    const updated = events.filter((e) => e.type === 'bot.updated');
    expect(new Set(updated.map((e) => e.targetId))).toEqual(
      new Set(inactive.items.map((b) => b.id)),
    );
    expect(updated.every((e) => e.actorName === 'Administrator')).toBe(true);

    // Two of them deleted, after a confirmation that names two.
    await page.getByRole('checkbox', { name: `Select ${name(198)}` }).click();
    await page.getByRole('checkbox', { name: `Select ${name(199)}` }).click();
    await bar.getByRole('button', { name: 'Delete' }).click();
    await page
      .getByRole('dialog', { name: 'Delete 2 bots?' })
      .getByRole('button', { name: 'Delete 2 bots' })
      .click();
    await expect.poll(rowNames).toHaveLength(8);
    expect((await admin.bots.list.query({ q: 'render-19' })).total).toBe(8);
  });

  it('the Departments page and the department picker show every department, past 100', async () => {
    const admin = await adminClient(server);
    for (let i = 0; i < 120; i++) {
      await admin.departments.create.mutate({ name: `dept-${String(i).padStart(3, '0')}` });
    }
    await page.goto(`${server.url}/departments`);
    const rows = page.getByRole('table', { name: 'Departments' }).locator('tbody tr');
    // And Lighting, made before.
    await expect.poll(() => rows.count()).toBe(121);
    await page.getByLabel('Search departments').fill('DEPT-11');
    await expect.poll(() => rows.count()).toBe(10);
    await page.goto(`${server.url}/bots`);
    await page.getByRole('button', { name: 'New bot' }).click();
    const form = page.getByRole('dialog', { name: 'New bot' });
    await form.getByRole('combobox', { name: 'Departments' }).click();
    await page.keyboard.type('dept-119');
    await page.getByRole('option', { name: 'dept-119' }).click();
    await page.keyboard.press('Escape');
    expect(await form.textContent()).toContain('dept-119');
    await page.keyboard.press('Escape');
  });

  it('the team picker finds and adds a bot past the first 100', async () => {
    await page.goto(`${server.url}/projects`);
    await page.getByRole('button', { name: 'Team of Big Show' }).click();
    const team = page.getByRole('dialog', { name: 'Team of Big Show' });
    await team.getByRole('combobox', { name: 'Add to the team' }).fill('render-180');
    await page.getByRole('option', { name: name(180) }).click();
    await team.getByRole('button', { name: 'Add' }).click();
    await team.getByRole('table', { name: 'Team' }).getByText(name(180)).waitFor();
    const admin = await adminClient(server);
    const project = await admin.projects.byName.query({ name: 'Big Show' });
    expect(project.team.map((m) => m.name)).toEqual([name(180)]);
  });

  it('the Projects page pages past 50 and searches on the server, the search in the URL', async () => {
    const admin = await adminClient(server);
    for (let i = 0; i < 60; i++) {
      await admin.projects.create.mutate({ name: `Season ${String(i).padStart(2, '0')}` });
    }
    await page.goto(`${server.url}/projects`);
    const rows = page.getByRole('table', { name: 'Projects' }).locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(50);
    // And Big Show and Farm, made before.
    expect(await page.getByText('Showing 50 of 62').count()).toBe(1);
    await page.getByRole('button', { name: 'Show more' }).click();
    await expect.poll(() => rows.count()).toBe(62);
    await page.getByLabel('Search projects').fill('season 5');
    await expect.poll(() => rows.allTextContents()).toHaveLength(10);
    expect(new URL(page.url()).searchParams.get('q')).toBe('season 5');
    expect((await rows.allTextContents()).every((text) => text.startsWith('Season 5'))).toBe(true);
  });
});

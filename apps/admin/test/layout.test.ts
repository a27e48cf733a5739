/**
 * Layout at the edges a studio meets (issue #14): a 100-character name, an expired bot, a row
 * refusal that should not outlive its cause, and a 390-pixel-wide phone.
 */
import { adminClient, createUser, type TestServer } from '@clapper/server/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSignedIn, signIn, startAdminServer, utcDayFromNow } from './support';

const LONG = `render${'x'.repeat(94)}`;

let server: TestServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  // One seat, the admin's: switching another user on is refused.
  server = await startAdminServer({ config: { seatLimit: 1 } });
  const admin = await adminClient(server);
  await admin.bots.create.mutate({ name: LONG, role: 'supervisor' });
  const old = await admin.bots.create.mutate({ name: 'old-sync', expiresAt: utcDayFromNow(1) });
  await admin.bots.update.mutate({ id: old.bot.id, expiresAt: utcDayFromNow(-1) });
  await createUser(server, { active: false });
  ({ browser, page } = await openSignedIn(`${server.url}/bots`, {
    viewport: { width: 1280, height: 800 },
  }));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const row = (text: string) => page.getByRole('row').filter({ hasText: text });

describe('the admin at the edges', () => {
  it('truncates a long name, full on hover, without squeezing the role badge', async () => {
    const name = row(LONG.slice(0, 20)).locator('td', { has: page.locator(`[title="${LONG}"]`) });
    await name.waitFor();
    expect((await name.boundingBox())!.width).toBeLessThanOrEqual(300);
    expect(await name.locator('[title]').getAttribute('title')).toBe(LONG);
    const badge = row(LONG.slice(0, 20)).getByText('Supervisor');
    const fits = await badge.evaluate((el) => el.scrollWidth <= el.clientWidth);
    expect(fits).toBe(true);
  });

  it('greys the Active switch of an expired bot, saying why it is refused', async () => {
    const expired = row('old-sync');
    expect(await expired.textContent()).toContain('expired: refused');
    expect(await row(LONG.slice(0, 20)).textContent()).not.toContain('expired: refused');
  });

  it('shows a row refusal under its switch, no wider than the column, then clears it', async () => {
    await page.getByRole('link', { name: 'People' }).click();
    const toggle = page.getByRole('switch', { name: /^Active: User/ });
    await toggle.locator('xpath=..').click();
    const error = page.locator('.mantine-Switch-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('Seat limit reached');
    expect((await error.boundingBox())!.width).toBeLessThanOrEqual(181);
    // Gone by itself: the cause (a full seat limit) may pass meanwhile.
    await error.waitFor({ state: 'detached', timeout: 9000 });
    expect(await toggle.isChecked()).toBe(false);
  });

  it('follows the system in dark mode, and a toggle overrides it across reloads', async () => {
    const dark = await browser.newContext({ colorScheme: 'dark', reducedMotion: 'reduce' });
    try {
      const tab = await dark.newPage();
      await tab.goto(`${server.url}/bots`);
      await signIn(tab);
      const scheme = () => tab.locator('html').getAttribute('data-mantine-color-scheme');
      expect(await scheme()).toBe('dark');
      const background = () =>
        tab.locator('body').evaluate((el) => getComputedStyle(el).backgroundColor);
      const darkBackground = await background();
      await tab.getByRole('button', { name: 'Switch to light mode' }).click();
      expect(await scheme()).toBe('light');
      expect(await background()).not.toBe(darkBackground);
      await tab.reload();
      await tab.getByRole('button', { name: 'Switch to dark mode' }).waitFor();
      expect(await scheme()).toBe('light');
    } finally {
      await dark.close();
    }
  });

  it('at 390 pixels the table scrolls sideways, says so, and reaches the actions', async () => {
    await page.setViewportSize({ width: 390, height: 800 });
    await page.goto(`${server.url}/bots`);
    await page.getByText('Scroll sideways for every column').waitFor();
    const scroller = page.getByTestId('wide-table');
    const { scrollWidth, clientWidth } = await scroller.evaluate((el) => ({
      scrollWidth: el.scrollWidth,
      clientWidth: el.clientWidth,
    }));
    expect(scrollWidth).toBeGreaterThan(clientWidth);
    const actions = page.getByRole('button', { name: 'Actions for old-sync' });
    await actions.scrollIntoViewIfNeeded();
    const box = (await actions.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    await actions.click();
    await page.getByRole('menuitem', { name: 'Edit' }).waitFor();
    await page.keyboard.press('Escape');
  });

  it("at 390 pixels a bot's page fits: its buttons on screen, nothing wider than the page", async () => {
    await page.setViewportSize({ width: 390, height: 800 });
    await page.getByRole('link', { name: 'old-sync' }).click();
    await page.getByRole('heading', { name: 'old-sync' }).waitFor();
    await page.getByRole('table', { name: 'About the bot' }).waitFor();
    for (const name of ['Edit', 'Regenerate token', 'Delete']) {
      const box = (await page.getByRole('button', { name, exact: true }).boundingBox())!;
      expect(box.x + box.width, name).toBeLessThanOrEqual(390);
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      390,
    );
  });
});

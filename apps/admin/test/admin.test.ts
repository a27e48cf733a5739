import { mkdirSync } from 'node:fs';
import {
  adminClient,
  createTestClient,
  createUser,
  TEST_ADMIN,
  type TestServer,
  trpcError,
} from '@clapper/server/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectChromium, SCREENSHOTS, signIn, startAdminServer, utcDayFromNow } from './support';

let server: TestServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const departments: Record<string, string> = {};

beforeAll(async () => {
  // Two seats: the admin's, and one for a user made below; the third person is refused.
  server = await startAdminServer({ config: { seatLimit: 2 } });
  const admin = await adminClient(server);
  for (const name of ['Animation', 'Lighting', 'Compositing']) {
    departments[name] = (await admin.departments.create.mutate({ name })).id;
  }
  // Neighbours for the table: one that never expires, one expired, one switched off.
  await admin.bots.create.mutate({ name: 'render-farm', role: 'manager' });
  const old = await admin.bots.create.mutate({ name: 'legacy-sync', expiresAt: utcDayFromNow(1) });
  await admin.bots.update.mutate({ id: old.bot.id, expiresAt: utcDayFromNow(-3) });
  await admin.bots.create.mutate({
    name: 'review-notes',
    role: 'client',
    departmentIds: [departments.Compositing!],
    active: false,
    expiresAt: utcDayFromNow(90),
  });
  browser = await connectChromium();
  // Reduced motion: modals open and close without transitions, so screenshots are not caught mid-fade.
  context = await browser.newContext({
    viewport: { width: 1280, height: 760 },
    reducedMotion: 'reduce',
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  page = await context.newPage();
  page.setDefaultTimeout(10_000);
  mkdirSync(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const dialog = (name: string | RegExp) => page.getByRole('dialog', { name });
const botRow = (name: string) => page.getByRole('row').filter({ hasText: name });
const meAs = (token: string) => createTestClient(server, token).auth.me.query();

/** Mantine hides the real checkbox under its track; clicking the track is what a user does. */
/** Flips a row switch and waits until the server has answered (the switch shows the new state while it saves). */
async function flip(switchName: string) {
  const input = page.getByRole('switch', { name: switchName });
  const before = await input.isChecked();
  await input.locator('xpath=..').click();
  await expect.poll(() => input.isChecked()).toBe(!before);
  await expect.poll(() => input.isEnabled()).toBe(true);
  await expect.poll(() => input.isChecked()).toBe(!before);
}

describe('the web admin, in Chromium, against the real server', () => {
  let token = '';
  const expiresAt = utcDayFromNow(10);

  it('signs in with email and password, landing on the Bots page', async () => {
    await page.goto(server.url);
    const form = page.getByRole('form', { name: 'Sign in' });
    await form.waitFor();
    // A wrong password: the error shows and what was typed stays.
    await page.getByLabel('Email').fill(TEST_ADMIN.email);
    await page.getByLabel(/^Password/).fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await form.getByRole('alert').waitFor();
    expect(await form.getByRole('alert').textContent()).toMatch(/password/i);
    expect(await page.getByLabel('Email').inputValue()).toBe(TEST_ADMIN.email);
    await signIn(page);
    await page.getByRole('heading', { name: 'Bots' }).waitFor();
    expect(page.url()).toBe(`${server.url}/bots`);
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'clapper_session')).toMatchObject({
      httpOnly: true,
      sameSite: 'Strict',
    });
  });

  it('creates a bot with every field and shows its token once; the token answers auth.me as that bot', async () => {
    await page.getByRole('button', { name: 'New bot' }).click();
    const form = dialog('New bot');
    await form.getByLabel('Name').fill('publisher');
    // The studio's default is preselected; a date is one of the presets.
    const presets = form.getByRole('combobox', { name: 'Expires' });
    expect(await presets.inputValue()).toBe(`Studio default: 365 days (${utcDayFromNow(365)})`);
    await presets.click();
    await page.getByRole('option', { name: 'A date…' }).click();
    await form.getByLabel('Expiration date').fill(expiresAt);
    await page.keyboard.press('Tab'); // leaves the date field, closing its calendar
    await form.getByRole('combobox', { name: 'Departments' }).click();
    await page.getByRole('option', { name: 'Animation' }).click();
    await page.getByRole('option', { name: 'Lighting' }).click();
    await page.keyboard.press('Tab');
    await form.getByRole('combobox', { name: 'Role' }).click();
    await page.getByRole('option', { name: 'Supervisor' }).click();
    expect(await form.getByRole('switch', { name: /^Active/ }).isChecked()).toBe(true);
    await form.getByRole('button', { name: 'Create bot' }).click();

    const tokenModal = dialog('API token for publisher');
    await tokenModal.waitFor();
    expect(await tokenModal.textContent()).toContain('It will not be shown again');
    token = await tokenModal.getByLabel('API token').inputValue();
    expect(token.split('.')).toHaveLength(3);
    await page.screenshot({ path: `${SCREENSHOTS}token-modal.png` });

    const me = await meAs(token);
    expect(me).toMatchObject({
      kind: 'bot',
      name: 'publisher',
      role: 'supervisor',
      active: true,
      expiresAt,
    });
    expect(me.departments.map((d) => d.name).sort()).toEqual(['Animation', 'Lighting']);

    // The one-time token cannot be lost by a stray key or click.
    await page.keyboard.press('Escape');
    await page.mouse.click(5, 5);
    expect(await tokenModal.isVisible()).toBe(true);
    // Done before anything was copied asks first; going back keeps the token on screen.
    await tokenModal.getByRole('button', { name: 'Done' }).click();
    await tokenModal.getByRole('alert').filter({ hasText: 'has not been copied' }).waitFor();
    await tokenModal.getByRole('button', { name: 'Back to the token' }).click();
    expect(await tokenModal.getByLabel('API token').inputValue()).toBe(token);
    // What to paste into a script's folder, and a check from a shell, each with the token.
    expect(await tokenModal.getByLabel('.env for pnpm bot', { exact: true }).textContent()).toBe(
      `CLAPPER_URL=${server.url}\nCLAPPER_TOKEN=${token}`,
    );
    expect(await tokenModal.getByLabel('Check it with curl', { exact: true }).textContent()).toBe(
      `curl -s -H 'Authorization: Bearer ${token}' ${server.url}/trpc/auth.me`,
    );
    // Copied: the clipboard holds the token, and Done closes at once.
    await tokenModal.getByRole('button', { name: 'Copy token' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
    await tokenModal.getByRole('button', { name: 'Done' }).click();
    await tokenModal.waitFor({ state: 'hidden' });
    const row = botRow('publisher');
    await expect.poll(() => row.textContent()).toContain('expires in 10 days');
    expect(await row.textContent()).toMatch(/Supervisor.*Animation.*Lighting/);
    expect(await botRow('legacy-sync').textContent()).toContain('expired');
    await page.screenshot({ path: `${SCREENSHOTS}bots.png`, fullPage: true });
  });

  it('switching the bot off in the table refuses its token at once; on again, it works', async () => {
    await flip('Active: publisher');
    expect(await trpcError(meAs(token))).toMatchObject({ code: 'UNAUTHORIZED' });
    await flip('Active: publisher');
    expect((await meAs(token)).name).toBe('publisher');
  });

  it('regenerating the token refuses the old one and accepts the new one', async () => {
    await page.getByRole('button', { name: 'Actions for publisher' }).click();
    await page.getByRole('menuitem', { name: 'Regenerate token' }).click();
    const confirm = dialog('Regenerate token');
    expect(await confirm.textContent()).toContain('stops working');
    await confirm.getByRole('button', { name: 'Regenerate token' }).click();

    const tokenModal = dialog('API token for publisher');
    await tokenModal.waitFor();
    const fresh = await tokenModal.getByLabel('API token').inputValue();
    expect(fresh).not.toBe(token);
    expect(await trpcError(meAs(token))).toMatchObject({ code: 'UNAUTHORIZED' });
    expect((await meAs(fresh)).name).toBe('publisher');
    await tokenModal.getByRole('button', { name: 'Done' }).click();
    await tokenModal.getByRole('button', { name: 'Close without copying' }).click();
    await tokenModal.waitFor({ state: 'hidden' });
  });

  it('moving an expiry into the past asks first; moved later, the same token works again', async () => {
    await page.getByRole('button', { name: 'Actions for publisher' }).click();
    await page.getByRole('menuitem', { name: 'Edit' }).click();
    const form = dialog('Edit bot publisher');
    const date = form.getByLabel('Expiration date');
    await date.fill(utcDayFromNow(-2));
    await page.keyboard.press('Tab');
    await form.getByRole('button', { name: 'Save' }).click();
    const confirm = dialog('Expire this bot now?');
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain('refused from its next request');
    // Cancelled: nothing saved.
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'hidden' });
    const admin = await adminClient(server);
    const [bot] = (await admin.bots.list.query({ q: 'publisher' })).items;
    expect(bot!.expiresAt).toBe(expiresAt);
    // Confirmed: the bot's token is refused at once.
    await form.getByRole('button', { name: 'Save' }).click();
    await dialog('Expire this bot now?').getByRole('button', { name: 'Expire it now' }).click();
    await form.waitFor({ state: 'hidden' });
    const current = (await admin.bots.regenerateToken.mutate({ id: bot!.id })).token;
    expect(await trpcError(meAs(current))).toMatchObject({ reason: 'bot_expired' });
    await admin.bots.update.mutate({ id: bot!.id, expiresAt });
    expect((await meAs(current)).name).toBe('publisher');
    token = current;
  });

  it('puts a server error next to the field it names, and works from the keyboard', async () => {
    const newBot = page.getByRole('button', { name: 'New bot' });
    await newBot.focus();
    await page.keyboard.press('Enter');
    const form = dialog('New bot');
    await form.waitFor();
    // The name field has the focus; a duplicate name comes back CONFLICT on `name`.
    const focused = () => form.getByLabel('Name').evaluate((el) => el === document.activeElement);
    await expect.poll(focused, { timeout: 5000 }).toBe(true);
    await page.keyboard.type('publisher');
    await page.keyboard.press('Enter');
    const name = form.getByLabel('Name');
    await expect.poll(() => name.getAttribute('aria-invalid'), { timeout: 5000 }).toBe('true');
    const describedBy = (await name.getAttribute('aria-describedby')) ?? '';
    const error = page.locator(
      `[id="${describedBy.split(' ').find((id) => id.endsWith('error'))}"]`,
    );
    expect(await error.textContent()).toContain('A bot named "publisher" already exists');
    await page.keyboard.press('Escape');
    await form.waitFor({ state: 'hidden' });
    const admin = await adminClient(server);
    expect(
      (await admin.bots.list.query()).items.filter((b) => b.name === 'publisher'),
    ).toHaveLength(1);
  });

  it('shows the seat-limit refusal on the Active switch of the new person, and saves nothing', async () => {
    await createUser(server);
    await page.getByRole('link', { name: 'People' }).click();
    await page.getByRole('heading', { name: 'People' }).waitFor();
    await expect
      .poll(() => page.getByTestId('seat-counter').textContent())
      .toBe('2 of 2 seats used · 4 bots, not counted');

    await page.getByRole('button', { name: 'New person' }).click();
    const form = dialog('New person');
    await form.getByLabel('Name').fill('Third Artist');
    await form.getByLabel('Email').fill('third@clapper.test');
    await form.getByLabel(/^Password/).fill('long-enough-password');
    await form.getByRole('button', { name: 'Create person' }).click();
    const activeError = form.locator('.mantine-Switch-error');
    await activeError.waitFor();
    expect(await activeError.textContent()).toContain('Seat limit reached: 2 of 2 seats in use');
    expect(await form.isVisible()).toBe(true);

    const admin = await adminClient(server);
    const emails = (await admin.users.list.query()).items.map((u) => u.email);
    expect(emails).not.toContain('third@clapper.test');
    await page.keyboard.press('Escape');
  });

  it('signs out: the session cookie stops working and the sign-in form is back', async () => {
    const session = (await context.cookies()).find((c) => c.name === 'clapper_session')!.value;
    expect((await meAs(session)).email).toBe('admin@clapper.test');
    await page.getByRole('button', { name: /^Account:/ }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.getByRole('form', { name: 'Sign in' }).waitFor();
    expect(await trpcError(meAs(session))).toMatchObject({ code: 'UNAUTHORIZED' });
    await page.reload();
    await page.getByRole('form', { name: 'Sign in' }).waitFor();
  });

  it('shows a user without the admin role no admin pages, only a plain notice', async () => {
    const manager = await createUser(server, { role: 'manager' });
    await page.goto(`${server.url}/bots`);
    await signIn(page, manager);
    await page.getByText('Nothing to manage here').waitFor();
    expect(await page.getByRole('link', { name: 'Bots' }).count()).toBe(0);
    expect(await page.getByRole('table').count()).toBe(0);
  });
});

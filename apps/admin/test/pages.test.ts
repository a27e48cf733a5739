/**
 * The admin's other pages, every action in Chromium (issue #14): Departments (create, edit,
 * search, delete, and the refusal for one still in use), People (create, edit, password
 * reset), Projects (create, bot collaboration, the team). Each checked against the server.
 */
import {
  adminClient,
  type Client,
  createTestClient,
  login,
  type TestServer,
  trpcError,
} from '@clapper/server/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSignedIn, startAdminServer } from './support';

let server: TestServer;
let admin: Client;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  server = await startAdminServer();
  admin = await adminClient(server);
  ({ browser, page } = await openSignedIn(`${server.url}/departments`));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const dialog = (name: string) => page.getByRole('dialog', { name });
const table = (name: string) => page.getByRole('table', { name });
const departmentNames = async () =>
  (await admin.departments.list.query({ limit: 500 })).items.map((d) => d.name).sort();

describe('the Departments page', () => {
  it('creates a department with a colour, and renames it', async () => {
    await page.getByRole('button', { name: 'New department' }).click();
    const form = dialog('New department');
    await form.getByLabel('Name').fill('Compositing');
    await form.getByLabel('Colour').fill('#3a7bd5');
    await form.getByRole('button', { name: 'Create department' }).click();
    await form.waitFor({ state: 'hidden' });
    await table('Departments').getByText('Compositing').waitFor();
    expect((await admin.departments.list.query({ q: 'Compositing' })).items).toMatchObject([
      { name: 'Compositing', color: '#3a7bd5' },
    ]);

    await page.getByRole('button', { name: 'Edit Compositing' }).click();
    const edit = dialog('Edit Compositing');
    await edit.getByLabel('Name').fill('Comp');
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'hidden' });
    await table('Departments').getByText('Comp', { exact: true }).waitFor();
    expect(await departmentNames()).toEqual(['Comp']);
  });

  it('searches on the server, the search kept in the URL', async () => {
    for (const name of ['Lighting', 'Layout', 'FX'])
      await admin.departments.create.mutate({ name });
    await page.reload();
    await page.getByTestId('department-total').filter({ hasText: '4 departments' }).waitFor();
    await page.getByLabel('Search departments').fill('L');
    const rows = table('Departments').locator('tbody tr');
    await expect.poll(() => rows.allTextContents()).toHaveLength(2);
    expect((await rows.allTextContents()).map((t) => t.slice(0, 6))).toEqual(['Lighti', 'Layout']);
    expect(new URL(page.url()).searchParams.get('q')).toBe('L');
    await page.reload();
    await expect.poll(() => rows.count()).toBe(2);
    await page.getByLabel('Search departments').fill('');
    await expect.poll(() => rows.count()).toBe(4);
  });

  it('deletes a department after a confirmation; one with task types is refused, and stays', async () => {
    const fx = (await admin.departments.list.query({ q: 'FX' })).items[0]!;
    await admin.taskTypes.create.mutate({ name: 'Sim', departmentId: fx.id, forEntity: 'shot' });
    await page.getByRole('button', { name: 'Delete FX' }).click();
    const confirm = dialog('Delete department');
    await confirm.getByRole('button', { name: 'Delete department' }).click();
    await confirm.getByRole('alert').filter({ hasText: 'still has task types' }).waitFor();
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect(await departmentNames()).toContain('FX');

    await page.getByRole('button', { name: 'Delete Layout' }).click();
    await dialog('Delete department').getByRole('button', { name: 'Delete department' }).click();
    await table('Departments').getByText('Layout').waitFor({ state: 'detached' });
    expect(await departmentNames()).toEqual(['Comp', 'FX', 'Lighting']);
  });
});

describe('the People page', () => {
  const email = 'ana@studio.test';

  it('creates a person with a password, who can then sign in', async () => {
    await page.goto(`${server.url}/people`);
    await page.getByRole('button', { name: 'New person' }).click();
    const form = dialog('New person');
    await form.getByLabel('Name').fill('Ana Lopez');
    await form.getByLabel('Email').fill(email);
    await form.locator('input[type=password]').fill('first-password-1');
    await form.getByRole('button', { name: 'Create person' }).click();
    await form.waitFor({ state: 'hidden' });
    await table('People').getByText('Ana Lopez').waitFor();
    expect(await login(server, { email, password: 'first-password-1' })).toBeTruthy();
  });

  it('edits role and departments, and a password reset signs the person out', async () => {
    const session = await login(server, { email, password: 'first-password-1' });
    expect((await createTestClient(server, session).auth.me.query()).name).toBe('Ana Lopez');

    await page.getByRole('button', { name: 'Edit Ana Lopez' }).click();
    const form = dialog('Edit Ana Lopez');
    await form.getByRole('combobox', { name: 'Role' }).click();
    await page.getByRole('option', { name: 'Supervisor' }).click();
    await form.getByRole('combobox', { name: 'Departments' }).click();
    await page.getByRole('option', { name: 'Lighting' }).click();
    await page.keyboard.press('Escape');
    await form.locator('input[type=password]').fill('second-password-2');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.waitFor({ state: 'hidden' });

    const [ana] = (await admin.users.list.query({ q: email })).items;
    expect(ana).toMatchObject({ role: 'supervisor', departments: [{ name: 'Lighting' }] });
    await table('People')
      .getByRole('row', { name: /Ana Lopez/ })
      .getByText('Supervisor')
      .waitFor();
    expect(await trpcError(createTestClient(server, session).auth.me.query())).toMatchObject({
      code: 'UNAUTHORIZED',
    });
    expect(await trpcError(login(server, { email, password: 'first-password-1' }))).toMatchObject({
      code: 'UNAUTHORIZED',
    });
    expect(await login(server, { email, password: 'second-password-2' })).toBeTruthy();
  });
});

describe('the Projects page', () => {
  it('creates a project, switches bot collaboration, and edits its team', async () => {
    const { bot } = await admin.bots.create.mutate({ name: 'farm-07' });
    await page.goto(`${server.url}/projects`);
    await page.getByRole('button', { name: 'New project' }).click();
    const form = dialog('New project');
    await form.getByLabel('Name').fill('Orbit');
    await form.getByRole('button', { name: 'Create project' }).click();
    await form.waitFor({ state: 'hidden' });
    await table('Projects').getByText('Orbit').waitFor();
    const before = await admin.projects.byName.query({ name: 'Orbit' });

    const collaboration = page.getByRole('switch', { name: 'Bot collaboration: Orbit' });
    const was = await collaboration.isChecked();
    await collaboration.locator('xpath=..').click();
    await expect
      .poll(async () => (await admin.projects.byName.query({ name: 'Orbit' })).botCollaboration)
      .toBe(!was);
    expect(before.botCollaboration).toBe(was);

    await page.getByRole('button', { name: 'Team of Orbit' }).click();
    const team = dialog('Team of Orbit');
    for (const name of ['farm-07', 'Ana Lopez']) {
      await team.getByRole('combobox', { name: 'Add to the team' }).fill(name);
      await page.getByRole('option', { name }).click();
      await team.getByRole('button', { name: 'Add' }).click();
      await team.getByRole('table', { name: 'Team' }).getByText(name).waitFor();
    }
    await team.getByRole('button', { name: 'Remove Ana Lopez' }).click();
    await team.getByRole('table', { name: 'Team' }).getByText('Ana Lopez').waitFor({
      state: 'detached',
    });
    const after = await admin.projects.byName.query({ name: 'Orbit' });
    expect(after.team.map((m) => m.id)).toEqual([bot.id]);
    await page.keyboard.press('Escape');
    await table('Projects')
      .getByRole('row', { name: /Orbit/ })
      .getByText('0 people · 1 bots')
      .waitFor();
  });
});

/**
 * Lists at studio scale (issue #14): `bots.list` and `users.list` with 207 bots, more than the
 * admin's old single page of 100, searched, filtered and sorted by the server, with cursors
 * that hold under every sort; `projects.list` and `departments.list` searched and counted. Through HTTP, as the admin
 * and scripts call them.
 */
import { Department, nameKey } from '@clapper/db';
import {
  adminClient,
  type Client,
  createBot,
  createTestClient,
  createUser,
  startTestServer,
  type TestServer,
  trpcError,
} from '@clapper/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BOTS = 207;

let server: TestServer;
let admin: Client;
let lighting: string;
let projectId: string;
type Bot = Awaited<ReturnType<typeof createBot>>['bot'];
const bots: Bot[] = [];

const day = (offset: number) =>
  new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  server = await startTestServer();
  admin = await adminClient(server);
  const em = server.orm.em.fork();
  const dept = em.create(Department, { name: 'Lighting', color: '#3a7bd5' });
  await em.flush();
  lighting = dept.id;
  projectId = (await admin.projects.create.mutate({ name: 'Big Show' })).id;
  for (let i = 0; i < BOTS; i++) {
    const { bot } = await createBot(server, {
      // Mixed case, so a name sort that compared raw strings would put capitals first.
      name: `${i % 2 ? 'Farm' : 'farm'}-render-${String(i).padStart(3, '0')}`,
      role: i % 3 ? 'artist' : 'supervisor',
      departmentIds: i % 5 === 0 ? [lighting] : [],
      // Every fourth never expires; the rest within a day to a year.
      expiresAt: i % 4 === 0 ? null : day(1 + ((i * 37) % 365)),
    });
    bots.push(bot);
  }
  await admin.projects.addMember.mutate({ projectId, personId: bots[150]!.id });
}, 120_000);
afterAll(() => server?.close());

type ListInput = Parameters<Client['bots']['list']['query']>[0];

/** Every page of `bots.list` with `input`, following the cursors. */
async function all(input: ListInput = {}, limit = 50) {
  const seen: Bot[] = [];
  let cursor: string | undefined;
  let total = -1;
  do {
    const page = await admin.bots.list.query({ ...input, limit, cursor });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    seen.push(...page.items);
    total = page.total;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return { ids: seen.map((b) => b.id), names: seen.map((b) => b.name), total };
}

const byKey = (key: (b: Bot) => string | number, desc = false) =>
  [...bots]
    .sort((a, b) => {
      const [ka, kb] = [key(a), key(b)];
      const order = ka < kb ? -1 : ka > kb ? 1 : a.id < b.id ? -1 : 1;
      return desc ? -order : order;
    })
    .map((b) => b.id);

describe('bots.list at studio scale', () => {
  it('pages through all 207 bots (past the old 100) with their total', async () => {
    const { ids, total } = await all();
    expect(total).toBe(BOTS);
    expect(ids).toEqual(bots.map((b) => b.id));
    // A bot created after the first 100 is on a later page, not lost.
    expect(ids).toContain(bots[150]!.id);
  });

  it('sorts by name, case-insensitively, both ways, with cursors that hold', async () => {
    expect((await all({ sort: 'name' }, 25)).ids).toEqual(byKey((b) => nameKey(b.name)));
    expect((await all({ sort: 'name', order: 'desc' }, 25)).ids).toEqual(
      byKey((b) => nameKey(b.name), true),
    );
  });

  it('sorts by expiry, bots that never expire last, and by role from the most powerful', async () => {
    const expiry = await all({ sort: 'expiresAt' }, 40);
    expect(expiry.ids).toEqual(byKey((b) => b.expiresAt ?? '9999-12-31'));
    const neverLast = expiry.ids.slice(-Math.ceil(BOTS / 4));
    expect(neverLast.every((id) => bots.find((b) => b.id === id)!.expiresAt === null)).toBe(true);
    const role = await all({ sort: 'role' }, 60);
    expect(role.ids).toEqual(byKey((b) => (b.role === 'supervisor' ? 0 : 1)));
  });

  it('searches names whatever their case, and takes % and _ literally', async () => {
    const found = await all({ q: 'RENDER-15' });
    expect(found.names.sort()).toEqual(
      bots
        .filter((b) => b.name.toLowerCase().includes('render-15'))
        .map((b) => b.name)
        .sort(),
    );
    expect(found.total).toBe(10); // 150 to 159
    const { bot } = await createBot(server, { name: 'done_100%' });
    try {
      expect((await all({ q: '_100%' })).ids).toEqual([bot.id]);
      expect((await all({ q: '%' })).ids).toEqual([bot.id]);
      expect((await all({ q: 'e_1' })).ids).toEqual([bot.id]);
    } finally {
      await admin.bots.delete.mutate({ id: bot.id });
    }
  });

  it('filters by role, department, project team, activity and expiry', async () => {
    expect((await all({ role: 'supervisor' })).total).toBe(
      bots.filter((b) => b.role === 'supervisor').length,
    );
    expect((await all({ departmentId: lighting })).ids).toEqual(
      bots.filter((_, i) => i % 5 === 0).map((b) => b.id),
    );
    expect((await all({ projectId })).ids).toEqual([bots[150]!.id]);
    expect((await all({ expiry: 'never' })).total).toBe(Math.ceil(BOTS / 4));
    const soon = await all({ expiry: 'soon', withinDays: 30 });
    expect(soon.ids).toEqual(
      bots.filter((b) => b.expiresAt !== null && b.expiresAt <= day(30)).map((b) => b.id),
    );
    expect(soon.total).toBeGreaterThan(0);

    const [old, paused] = [bots[1]!, bots[2]!];
    await admin.bots.update.mutate({ id: old.id, expiresAt: day(-3) });
    await admin.bots.update.mutate({ id: paused.id, active: false });
    try {
      expect((await all({ expiry: 'expired' })).ids).toEqual([old.id]);
      expect((await all({ active: false })).ids).toEqual([paused.id]);
      expect((await all({ active: true })).total).toBe(BOTS - 1);
      // Combined: every filter applies.
      expect((await all({ active: true, role: 'supervisor', q: 'farm-render-00' })).total).toBe(
        bots.filter((b, i) => i < 10 && b.role === 'supervisor').length,
      );
    } finally {
      await admin.bots.update.mutate({ id: old.id, expiresAt: day(10) });
      await admin.bots.update.mutate({ id: paused.id, active: true });
    }
  });

  it('finds bots not used since a date, never-used ones included', async () => {
    const { bot, token } = await createBot(server, { name: 'busy-bot' });
    try {
      await createTestClient(server, token).auth.me.query();
      // Not used since the start of today (UTC): the bot just used is not stale.
      const stale = await all({ lastUsedBefore: day(0) });
      expect(stale.ids).not.toContain(bot.id);
      expect(stale.total).toBe(BOTS);
      expect((await all({ lastUsedBefore: day(0), q: 'busy' })).total).toBe(0);
      expect((await all({ lastUsedBefore: day(1), q: 'busy' })).total).toBe(1);
      expect((await all({ sort: 'lastUsedAt', order: 'desc' }, 100)).ids[0]).toBe(bot.id);
    } finally {
      await admin.bots.delete.mutate({ id: bot.id });
    }
  });

  it('refuses what is not a search, a filter or a cursor, naming the field', async () => {
    const refused = async (input: Record<string, unknown>) =>
      trpcError(admin.bots.list.query(input as ListInput));
    expect(await refused({ sort: 'password' })).toMatchObject({
      code: 'BAD_REQUEST',
      field: 'sort',
    });
    expect(await refused({ order: 'up' })).toMatchObject({ code: 'BAD_REQUEST', field: 'order' });
    expect(await refused({ q: 'x'.repeat(101) })).toMatchObject({
      code: 'BAD_REQUEST',
      field: 'q',
    });
    expect(await refused({ q: 'a\u0000b' })).toMatchObject({ code: 'BAD_REQUEST', field: 'q' });
    expect(await refused({ expiry: 'tomorrow' })).toMatchObject({
      code: 'BAD_REQUEST',
      field: 'expiry',
    });
    expect(await refused({ withinDays: 0 })).toMatchObject({
      code: 'BAD_REQUEST',
      field: 'withinDays',
    });
    expect(await refused({ lastUsedBefore: 'yesterday' })).toMatchObject({
      code: 'BAD_REQUEST',
      field: 'lastUsedBefore',
    });
    expect(await refused({ role: 'root' })).toMatchObject({ code: 'BAD_REQUEST', field: 'role' });
    // A cursor whose row was deleted meanwhile: say so, rather than an empty page.
    const { bot } = await createBot(server);
    await admin.bots.delete.mutate({ id: bot.id });
    expect(await refused({ cursor: bot.id, sort: 'name' })).toMatchObject({
      code: 'BAD_REQUEST',
      field: 'cursor',
    });
  });
});

describe('users.list', () => {
  it('searches names and emails, and filters by role', async () => {
    const made = await createUser(server, { role: 'vendor' });
    const byEmail = await admin.users.list.query({ q: made.email.toUpperCase().slice(0, 12) });
    expect(byEmail.items.map((u) => u.email)).toContain(made.email);
    expect(byEmail.total).toBe(byEmail.items.length);
    const vendors = await admin.users.list.query({ role: 'vendor' });
    expect(vendors.items.map((u) => u.id)).toEqual([made.id]);
    expect(vendors.total).toBe(1);
  });
});

describe('projects.list', () => {
  it('pages past 100 projects, searches names whatever their case, and counts the matches', async () => {
    for (let i = 0; i < 105; i++) {
      await admin.projects.create.mutate({ name: `Season ${String(i).padStart(3, '0')}` });
    }
    const first = await admin.projects.list.query({ limit: 100 });
    expect(first.items).toHaveLength(100);
    expect(first.total).toBe(106); // and Big Show
    const rest = await admin.projects.list.query({ limit: 100, cursor: first.nextCursor! });
    expect(rest.items).toHaveLength(6);
    expect(rest.nextCursor).toBeNull();
    const found = await admin.projects.list.query({ q: 'SEASON 10' });
    expect(found.items.map((p) => p.name)).toEqual([
      'Season 100',
      'Season 101',
      'Season 102',
      'Season 103',
      'Season 104',
    ]);
    expect(found.total).toBe(5);
    expect(await trpcError(admin.projects.list.query({ q: 'x'.repeat(101) }))).toMatchObject({
      code: 'BAD_REQUEST',
      field: 'q',
    });
  });
});

describe('departments.list', () => {
  it('pages past 100 departments, searches names whatever their case (wildcards literal), and counts', async () => {
    for (let i = 0; i < 103; i++) {
      await admin.departments.create.mutate({ name: `Dept ${String(i).padStart(3, '0')}` });
    }
    await admin.departments.create.mutate({ name: 'FX 50%_off' });
    const first = await admin.departments.list.query({ limit: 100 });
    expect(first.items).toHaveLength(100);
    expect(first.total).toBe(105); // and Lighting
    const rest = await admin.departments.list.query({ limit: 100, cursor: first.nextCursor! });
    expect(rest.items).toHaveLength(5);
    expect(rest.nextCursor).toBeNull();
    const found = await admin.departments.list.query({ q: 'dEPT 10' });
    expect(found.items.map((d) => d.name)).toEqual(['Dept 100', 'Dept 101', 'Dept 102']);
    expect(found.total).toBe(3);
    expect((await admin.departments.list.query({ q: '%_' })).items.map((d) => d.name)).toEqual([
      'FX 50%_off',
    ]);
    expect(found.items[0]).toEqual({ id: expect.any(String), name: 'Dept 100', color: null });
    expect(await trpcError(admin.departments.list.query({ q: 'a\u0000b' }))).toMatchObject({
      code: 'BAD_REQUEST',
      field: 'q',
    });
  });
});

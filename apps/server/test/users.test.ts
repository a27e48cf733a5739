import { ROLES } from '@clapper/db';
import {
  adminClient,
  type Client,
  createBot,
  createTestClient,
  createUser,
  login,
  startTestServer,
  type TestServer,
  trpcError,
} from '@clapper/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('users and seats, CLAPPER_SEAT_LIMIT=2', () => {
  let server: TestServer;
  let admin: Client;
  beforeAll(async () => {
    server = await startTestServer({ config: { seatLimit: 2 } });
    admin = await adminClient(server);
  });
  afterAll(() => server?.close());

  it('counts the admin, refuses the third active user with the count, and never counts 50 bots', async () => {
    const second = await admin.users.create.mutate({
      email: 'second@studio.test',
      name: 'Second',
      password: 'second-password',
      role: 'artist',
    });
    expect(second).toMatchObject({
      kind: 'user',
      email: 'second@studio.test',
      role: 'artist',
      active: true,
    });

    const bots = await Promise.all(
      Array.from({ length: 50 }, (_, i) => createBot(server, { name: `seatless ${i}` })),
    );
    expect(bots).toHaveLength(50);
    expect(await admin.users.seats.query()).toEqual({ active: 2, limit: 2, bots: 50 });

    const error = await trpcError(
      admin.users.create.mutate({
        email: 'third@studio.test',
        name: 'Third',
        password: 'third-password',
      }),
    );
    expect(error).toMatchObject({ code: 'FORBIDDEN', httpStatus: 403, field: 'active' });
    expect(error.message).toMatch(/^Seat limit reached: 2 of 2 seats in use/);
    expect((await admin.users.list.query()).items.map((u) => u.email)).not.toContain(
      'third@studio.test',
    );

    // An inactive user takes no seat; activating one past the limit is refused the same way.
    const third = await admin.users.create.mutate({
      email: 'third@studio.test',
      name: 'Third',
      password: 'third-password',
      active: false,
    });
    const activate = await trpcError(admin.users.update.mutate({ id: third.id, active: true }));
    expect(activate).toMatchObject({ code: 'FORBIDDEN', field: 'active' });
    expect(activate.message).toContain('2 of 2');

    // Free a seat, and the activation goes through.
    await admin.users.update.mutate({ id: second.id, active: false });
    expect((await admin.users.update.mutate({ id: third.id, active: true })).active).toBe(true);
    expect(await admin.users.seats.query()).toEqual({ active: 2, limit: 2, bots: 50 });

    // Bots are never refused for seats.
    expect((await createBot(server)).token).toBeTypeOf('string');
  });
});

describe('users', () => {
  let server: TestServer;
  let admin: Client;
  beforeAll(async () => {
    server = await startTestServer();
    admin = await adminClient(server);
  });
  afterAll(() => server?.close());

  it('creates a user who can sign in, with an event naming the admin', async () => {
    const user = await admin.users.create.mutate({
      email: 'Comp.Artist@Studio.test',
      name: 'Comp Artist',
      password: 'comp-password',
      role: 'artist',
    });
    expect(user.email).toBe('comp.artist@studio.test');
    const token = await login(server, {
      email: 'comp.artist@studio.test',
      password: 'comp-password',
    });
    expect((await createTestClient(server, token).auth.me.query()).id).toBe(user.id);
    const { items } = await admin.events.list.query({ limit: 10 });
    expect(items.find((e) => e.targetId === user.id && e.type === 'user.created')).toMatchObject({
      type: 'user.created',
      actorKind: 'user',
      actorName: 'Administrator',
    });
  });

  it.each([
    [
      'a taken email',
      { email: 'admin@clapper.test', name: 'x', password: 'long-password' },
      'CONFLICT',
      'email',
    ],
    [
      'a bad email',
      { email: 'nope', name: 'x', password: 'long-password' },
      'BAD_REQUEST',
      'email',
    ],
    [
      'a short password',
      { email: 'ok@studio.test', name: 'x', password: 'short' },
      'BAD_REQUEST',
      'password',
    ],
    [
      'no name',
      { email: 'ok@studio.test', name: '', password: 'long-password' },
      'BAD_REQUEST',
      'name',
    ],
    [
      'an unknown role',
      { email: 'ok@studio.test', name: 'x', password: 'long-password', role: 'boss' },
      'BAD_REQUEST',
      'role',
    ],
  ])('refuses %s, naming the field, creating nothing', async (_label, input, code, field) => {
    const before = (await admin.users.list.query()).items.length;
    // biome-ignore lint/suspicious/noExplicitAny: deliberately wrong input
    expect(await trpcError(admin.users.create.mutate(input as any))).toMatchObject({ code, field });
    expect((await admin.users.list.query()).items.length).toBe(before);
  });

  it('changes role and departments; deactivation refuses their session at once', async () => {
    const user = await createUser(server);
    const token = await login(server, user);
    const updated = await admin.users.update.mutate({ id: user.id, role: 'supervisor' });
    expect(updated.role).toBe('supervisor');
    expect((await createTestClient(server, token).auth.me.query()).role).toBe('supervisor');
    await admin.users.update.mutate({ id: user.id, active: false });
    expect(await trpcError(createTestClient(server, token).auth.me.query())).toMatchObject({
      code: 'UNAUTHORIZED',
      message: 'User is inactive',
    });
    const { items } = await admin.events.list.query({ limit: 5 });
    expect(
      items.filter((e) => e.targetId === user.id && e.type === 'user.updated').map((e) => e.data),
    ).toEqual([
      { changes: { active: { from: true, to: false } } },
      { changes: { role: { from: 'artist', to: 'supervisor' } } },
    ]);
  });

  it("an admin's password reset ends the user's sessions", async () => {
    const user = await createUser(server);
    const token = await login(server, user);
    await admin.users.update.mutate({ id: user.id, password: 'reset-by-admin' });
    expect(await trpcError(createTestClient(server, token).auth.me.query())).toMatchObject({
      message: 'Session ended: sign in again',
    });
    expect(await login(server, { email: user.email, password: 'reset-by-admin' })).toBeTypeOf(
      'string',
    );
  });

  it('will not demote or deactivate the last active admin', async () => {
    const adminId = (await admin.auth.me.query()).id;
    expect(
      await trpcError(admin.users.update.mutate({ id: adminId, role: 'artist' })),
    ).toMatchObject({
      code: 'BAD_REQUEST',
      field: 'role',
      message: 'role: cannot remove the last active admin',
    });
    expect(
      await trpcError(admin.users.update.mutate({ id: adminId, active: false })),
    ).toMatchObject({
      field: 'active',
    });
    expect((await admin.auth.me.query()).role).toBe('admin');
  });

  it('is NOT_FOUND for a bot id', async () => {
    const { bot } = await createBot(server);
    expect(await trpcError(admin.users.update.mutate({ id: bot.id, name: 'x' }))).toMatchObject({
      code: 'NOT_FOUND',
      message: 'User not found',
    });
  });

  it.each(ROLES.filter((r) => r !== 'admin'))(
    'a %s user may not create or change users',
    async (role) => {
      const user = await createUser(server, { role });
      const client = createTestClient(server, await login(server, user));
      for (const call of [
        () =>
          client.users.create.mutate({
            email: `${role}x@studio.test`,
            name: 'x',
            password: 'long-password',
          }),
        () => client.users.update.mutate({ id: user.id, role: 'admin' }),
      ]) {
        expect(await trpcError(call())).toMatchObject({ code: 'FORBIDDEN' });
      }
      expect((await client.auth.me.query()).role).toBe(role);
    },
  );

  it('lets admins and managers, users or bots, read the roster and seats; others are FORBIDDEN', async () => {
    for (const role of ROLES) {
      const { token } = await createBot(server, { role });
      const client = createTestClient(server, token);
      if (role === 'admin' || role === 'manager') {
        expect((await client.users.list.query()).items.length).toBeGreaterThan(0);
        expect((await client.users.seats.query()).limit).toBeNull();
      } else {
        expect(await trpcError(client.users.list.query()), role).toMatchObject({
          code: 'FORBIDDEN',
        });
        expect(await trpcError(client.users.seats.query()), role).toMatchObject({
          code: 'FORBIDDEN',
        });
      }
    }
  });
});

// What an attacker holding a bot token (or a guess at one) would try, through HTTP.
// tokens.test.ts covers forged signatures, algorithms and expiry; this file covers
// guessed keys, replays, bots on user-only routes, privilege escalation, mass
// assignment, and leaks of tokens into logs or the database.
import { createHmac } from 'node:crypto';
import { connect } from 'node:net';
import { ROLES } from '@clapper/db';
import {
  adminClient,
  type Client,
  createBot,
  createStudio,
  createTestClient,
  databaseDump,
  login,
  startTestServer,
  TEST_ADMIN,
  type TestServer,
  trpcError,
} from '@clapper/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let server: TestServer;
let admin: Client;
/** Every token this file was given, searched for in the logs and the database at the end. */
const issued: string[] = [];

beforeAll(async () => {
  server = await startTestServer({ requestTimeoutMs: 1000 });
  admin = await adminClient(server);
});
afterAll(() => server?.close());

async function bot(role: (typeof ROLES)[number] = 'artist') {
  const made = await createBot(server, { role });
  issued.push(made.token);
  return { ...made, client: createTestClient(server, made.token) };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

describe('guessed signing keys', () => {
  const guesses = [
    '',
    'secret',
    'changeme',
    'clapper',
    'password',
    TEST_ADMIN.password,
    'a'.repeat(32),
  ];
  it.each(guesses.map((g) => [JSON.stringify(g)]))(
    'a token signed HS256 with %s is UNAUTHORIZED',
    async (guess) => {
      const { token } = await bot('admin');
      // Signed by hand: jose itself refuses some of these keys (the empty one).
      const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claimsOf(token))}`;
      const signature = createHmac('sha256', JSON.parse(guess)).update(head).digest('base64url');
      const forged = `${head}.${signature}`;
      expect(await trpcError(createTestClient(server, forged).auth.me.query())).toMatchObject({
        code: 'UNAUTHORIZED',
        message: 'Invalid token signature',
      });
    },
  );
});

describe('replays', () => {
  it('of a token after regeneration, and after deletion', async () => {
    const { bot: b, token, client } = await bot();
    await client.auth.me.query();
    const { token: fresh } = await admin.bots.regenerateToken.mutate({ id: b.id });
    issued.push(fresh);
    expect(await trpcError(client.auth.me.query())).toMatchObject({ code: 'UNAUTHORIZED' });
    await admin.bots.delete.mutate({ id: b.id });
    for (const old of [token, fresh]) {
      expect(await trpcError(createTestClient(server, old).auth.me.query())).toMatchObject({
        code: 'UNAUTHORIZED',
      });
    }
  });

  it('of a session token after sign-out', async () => {
    const session = await login(server);
    issued.push(session);
    await createTestClient(server, session).auth.logout.mutate();
    expect(await trpcError(createTestClient(server, session).auth.me.query())).toMatchObject({
      code: 'UNAUTHORIZED',
    });
  });
});

describe('bots of every role on every route limited to real users', () => {
  it.each(ROLES.map((r) => [r]))(
    'a %s bot is FORBIDDEN on each, and nothing changes',
    async (role) => {
      const { bot: self, client } = await bot(role);
      const before = (await admin.events.list.query({ limit: 1 })).items[0]!.id;
      const calls: [string, () => Promise<unknown>][] = [
        ['bots.list', () => client.bots.list.query()],
        ['bots.create', () => client.bots.create.mutate({ name: `minted by ${role}` })],
        [
          'bots.update (itself, to admin)',
          () => client.bots.update.mutate({ id: self.id, role: 'admin' }),
        ],
        [
          'bots.regenerateToken (itself)',
          () => client.bots.regenerateToken.mutate({ id: self.id }),
        ],
        ['bots.delete (itself)', () => client.bots.delete.mutate({ id: self.id })],
        [
          'users.create',
          () =>
            client.users.create.mutate({
              email: `${role}@evil.test`,
              name: 'x',
              password: 'password-123',
            }),
        ],
        ['users.update', () => client.users.update.mutate({ id: self.id, role: 'admin' })],
        [
          'auth.changePassword',
          () => client.auth.changePassword.mutate({ current: 'x', next: 'password-123' }),
        ],
        ['auth.logout', () => client.auth.logout.mutate()],
        ['auth.login', () => client.auth.login.mutate(TEST_ADMIN)],
      ];
      for (const [name, call] of calls) {
        expect(await trpcError(call()), name).toMatchObject({ code: 'FORBIDDEN' });
      }
      expect((await admin.bots.get.query({ id: self.id })).role).toBe(role);
      expect((await admin.events.list.query({ limit: 1 })).items[0]!.id).toBe(before);
    },
  );
});

describe('privilege escalation inside the production', () => {
  it('an artist bot changing a project, a client bot creating tasks, an artist bot setting the status of a task not its own', async () => {
    const studio = await createStudio(server);
    const task = await studio.admin.tasks.create.mutate({
      entityId: studio.shot.id,
      taskTypeId: studio.animate.id,
    });
    const artist = await bot('artist');
    const client = await bot('client');
    for (const b of [artist, client]) {
      await admin.projects.addMember.mutate({ projectId: studio.project.id, personId: b.bot.id });
    }
    expect(
      await trpcError(
        artist.client.projects.update.mutate({ id: studio.project.id, name: 'Mine' }),
      ),
    ).toMatchObject({ code: 'FORBIDDEN' });
    expect(
      await trpcError(
        client.client.tasks.createMany.mutate({
          tasks: [{ entityId: studio.shot.id, taskTypeId: studio.layout.id }],
        }),
      ),
    ).toMatchObject({ code: 'FORBIDDEN' });
    expect(
      await trpcError(
        artist.client.comments.add.mutate({
          taskId: task.id,
          text: 'approving myself',
          statusId: studio.statuses.done!.id,
        }),
      ),
    ).toMatchObject({ code: 'FORBIDDEN' });
    expect((await admin.tasks.get.query({ id: task.id })).status.shortName).toBe('todo');
  });

  it('a vendor bot reading a task not assigned to it, a bot outside the team reading the project by id and by name: NOT_FOUND', async () => {
    const studio = await createStudio(server);
    const task = await studio.admin.tasks.create.mutate({
      entityId: studio.shot.id,
      taskTypeId: studio.animate.id,
    });
    const vendor = await bot('vendor');
    await admin.projects.addMember.mutate({
      projectId: studio.project.id,
      personId: vendor.bot.id,
    });
    expect(await trpcError(vendor.client.tasks.get.query({ id: task.id }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    const outsider = await bot('manager');
    expect(
      await trpcError(outsider.client.projects.get.query({ id: studio.project.id })),
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect(
      await trpcError(outsider.client.projects.byName.query({ name: studio.project.name })),
    ).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('mass assignment: fields the input does not name are ignored', () => {
  it('bots.create cannot make a user, set a password, an email, an id or a token id', async () => {
    const id = '0190a0a0-0000-7000-8000-00000000beef';
    const input = {
      name: 'sneaky',
      kind: 'user',
      email: 'sneaky@evil.test',
      password: 'password-123',
      passwordHash: 'x',
      tokenId: id,
      id,
      createdBy: null,
    };
    const { bot: made, token } = await admin.bots.create.mutate(input as never);
    issued.push(token);
    expect(made).toMatchObject({ kind: 'bot', email: null, name: 'sneaky' });
    expect(made.id).not.toBe(id);
    expect(made.createdBy).toMatchObject({ kind: 'user', name: 'Administrator' });
    expect(
      await trpcError(
        createTestClient(server).auth.login.mutate({
          email: 'sneaky@evil.test',
          password: 'password-123',
        }),
      ),
    ).toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('comments.add keeps the real author whatever the input claims', async () => {
    const studio = await createStudio(server);
    const task = await studio.admin.tasks.create.mutate({
      entityId: studio.shot.id,
      taskTypeId: studio.animate.id,
    });
    const manager = await bot('manager');
    await admin.projects.addMember.mutate({
      projectId: studio.project.id,
      personId: manager.bot.id,
    });
    const comment = await manager.client.comments.add.mutate({
      taskId: task.id,
      text: 'hello',
      authorName: 'Administrator',
      author: { id: 'someone-else' },
    } as never);
    expect(comment.author).toEqual({ id: manager.bot.id, name: manager.bot.name });
  });
});

describe('limits', () => {
  it('a client that sends its request too slowly gets 408', async () => {
    const { port } = new URL(server.url);
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1');
      let data = '';
      socket.on('data', (chunk) => {
        data += chunk;
      });
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
      // Headers promise a body that never comes.
      socket.write(
        'POST /trpc/auth.login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"json":',
      );
    });
    expect(reply.split('\r\n')[0]).toBe('HTTP/1.1 408 Request Timeout');
  });
});

describe('leaks', () => {
  it('no token given out here appears in the server logs or anywhere in the database', async () => {
    // Tokens of its own, given out, used, refused, replaced and ended the ways the tests above
    // use theirs; theirs are searched for too when they ran.
    const mine: string[] = [];
    for (const role of ROLES) {
      const { bot: b, token, client } = await bot(role);
      await client.auth.me.query();
      await trpcError(client.bots.list.query());
      const { token: fresh } = await admin.bots.regenerateToken.mutate({
        id: b.id,
        graceMinutes: 5,
      });
      await createTestClient(server, fresh).auth.me.query();
      await client.auth.me.query();
      mine.push(token, fresh);
    }
    const gone = await bot();
    await admin.bots.delete.mutate({ id: gone.bot.id });
    await trpcError(gone.client.auth.me.query());
    mine.push(gone.token);
    for (let i = 0; i < 3; i++) {
      const session = await login(server);
      await createTestClient(server, session).auth.me.query();
      mine.push(session);
    }
    await createTestClient(server, mine.at(-1)!).auth.logout.mutate();
    await trpcError(createTestClient(server, mine.at(-1)!).auth.me.query());
    const logs = server.logs.join('\n');
    const dump = await databaseDump(server);
    expect(dump.length).toBeGreaterThan(10_000);
    const searched = new Set([...mine, ...issued]);
    expect(searched.size).toBeGreaterThan(15);
    for (const token of searched) {
      const signature = token.split('.')[2]!;
      expect(logs.includes(signature), 'a token signature in the logs').toBe(false);
      expect(dump.includes(signature), 'a token signature in the database').toBe(false);
    }
  });
});

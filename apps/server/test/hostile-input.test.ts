// What an attacker sends in text fields and in the shape of a request: refused with a clear
// BAD_REQUEST or CONFLICT naming the field, never a 500, and nothing changes.
import { Person, Project } from '@clapper/db';
import { testDialect } from '@clapper/db/testing';
import {
  adminClient,
  type Client,
  createStudio,
  databaseDigest,
  rawTrpc,
  startTestServer,
  type TestServer,
  trpcError,
} from '@clapper/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let server: TestServer;
let admin: Client;
let studio: Awaited<ReturnType<typeof createStudio>>;
let taskId: string;

beforeAll(async () => {
  server = await startTestServer({ rateLimitPerMinute: 1_000_000 });
  admin = await adminClient(server);
  studio = await createStudio(server);
  taskId = (
    await admin.tasks.create.mutate({ entityId: studio.shot.id, taskTypeId: studio.animate.id })
  ).id;
});
afterAll(() => server?.close());

/** Each text input of the calls the attack report named, with a hostile value put in it. */
const calls: [string, (value: string) => Promise<unknown>, string][] = [
  ['bots.create', (name) => admin.bots.create.mutate({ name }), 'name'],
  [
    'users.create',
    (name) =>
      admin.users.create.mutate({
        name,
        email: `u${Date.now()}@x.test`,
        password: 'long-enough-1',
      }),
    'name',
  ],
  ['projects.create', (name) => admin.projects.create.mutate({ name }), 'name'],
  ['departments.create', (name) => admin.departments.create.mutate({ name }), 'name'],
  [
    'taskTypes.create',
    (name) =>
      admin.taskTypes.create.mutate({ name, departmentId: studio.animation.id, forEntity: 'shot' }),
    'name',
  ],
  [
    'shots.create',
    (name) =>
      admin.shots.create.mutate({
        projectId: studio.project.id,
        sequence: 'SQ09',
        name,
        frameIn: 1,
        frameOut: 2,
      }),
    'name',
  ],
  ['comments.add', (text) => admin.comments.add.mutate({ taskId, text }), 'text'],
];

describe('text inputs', () => {
  const hostile: [string, string][] = [
    ['a NUL', 'Nul\u0000Bot'],
    ['an escape sequence', 'Bell\u001b[31m'],
    ['a lone high surrogate', 'Twin\ud800'],
    ['a lone low surrogate', 'Twin\udc01'],
    ['a DEL', 'Del\u007f'],
    ['a C1 control', 'C1\u0085'],
  ];
  for (const [label, value] of hostile) {
    it.each(calls)(
      `%s with ${label} is BAD_REQUEST naming the field, and changes nothing`,
      async (_path, call, field) => {
        const before = await databaseDigest(server);
        const error = await trpcError(call(value));
        expect(error).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400, field });
        expect(error.message).toMatch(new RegExp(`^${field}: must (be well-formed|not contain)`));
        expect(await databaseDigest(server)).toBe(before);
      },
    );
  }

  it('a name may not hold a bidirectional override (it would read as another name)', async () => {
    const error = await trpcError(admin.bots.create.mutate({ name: 'Pub\u202eredli' }));
    expect(error).toMatchObject({ code: 'BAD_REQUEST', field: 'name' });
  });

  it('a comment keeps newlines and tabs; CRLF becomes LF; it is trimmed and NFC', async () => {
    const comment = await admin.comments.add.mutate({
      taskId,
      text: '  Cafe\u0301 notes:\r\n\t- retake\r\n  ',
    });
    expect(comment.text).toBe('Caf\u00e9 notes:\n\t- retake');
  });

  it('a tab or newline in a name is refused', async () => {
    for (const name of ['Two\nLines', 'Tab\tName']) {
      expect(await trpcError(admin.projects.create.mutate({ name }))).toMatchObject({
        code: 'BAD_REQUEST',
        field: 'name',
      });
    }
  });
});

describe('unique names, whatever their case or composition', () => {
  it.each([
    ['bots', (name: string) => admin.bots.create.mutate({ name })],
    ['projects', (name: string) => admin.projects.create.mutate({ name })],
    ['departments', (name: string) => admin.departments.create.mutate({ name })],
    [
      'task types',
      (name: string) =>
        admin.taskTypes.create.mutate({
          name,
          departmentId: studio.animation.id,
          forEntity: 'shot',
        }),
    ],
  ])(
    '%s: a second name differing only in case, or in composition, is CONFLICT on name',
    async (_kind, create) => {
      const base = `Publisher ${Math.random().toString(36).slice(2, 8)}`;
      await create(`${base} Caf\u00e9`);
      for (const twin of [`${base.toLowerCase()} CAF\u00c9`, `${base} Cafe\u0301`]) {
        const before = await databaseDigest(server);
        expect(await trpcError(create(twin))).toMatchObject({ code: 'CONFLICT', field: 'name' });
        expect(await databaseDigest(server)).toBe(before);
      }
    },
  );

  it('a project is found by name whichever way its accent was composed', async () => {
    const project = await admin.projects.create.mutate({ name: 'R\u00e9veil' });
    expect((await admin.projects.byName.query({ name: 'Re\u0301veil' })).id).toBe(project.id);
  });

  it('emails are unique whatever their case', async () => {
    await admin.users.create.mutate({
      name: 'Ada',
      email: 'Ada.Case@X.test',
      password: 'long-enough-1',
    });
    const error = await trpcError(
      admin.users.create.mutate({
        name: 'Other Ada',
        email: 'ada.case@x.TEST',
        password: 'long-enough-1',
      }),
    );
    expect(error).toMatchObject({ code: 'CONFLICT', field: 'email' });
  });

  it('the database holds the rule too: a write past the API check is refused by the index', async () => {
    const em = server.orm.em.fork();
    em.create(Project, { name: 'Index Guard', botCollaboration: false });
    await em.flush();
    const twin = server.orm.em.fork();
    twin.create(Project, { name: 'INDEX GUARD', botCollaboration: false });
    await expect(twin.flush()).rejects.toThrow(/unique/i);
    const bots = server.orm.em.fork();
    bots.create(Person, { kind: 'bot', name: 'Index Bot', role: 'artist' });
    bots.create(Person, { kind: 'bot', name: 'index bot', role: 'artist' });
    await expect(bots.flush()).rejects.toThrow(/unique/i);
  });
  it('two creates racing with one name in two cases: one is made, the other is CONFLICT on name', async () => {
    const outcomes = await Promise.allSettled([
      admin.bots.create.mutate({ name: 'Racer Bot' }),
      admin.bots.create.mutate({ name: 'racer bot' }),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const refused = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(await trpcError(Promise.reject(refused.reason))).toMatchObject({
      code: 'CONFLICT',
      field: 'name',
    });
  });
});

describe('a failed statement in the log', () => {
  /** A trigger that fails inserts of one name: a real database refusal, after validation. */
  async function refuseInsertsNamed(name: string) {
    const connection = server.orm.em.getConnection();
    if (testDialect() === 'sqlite') {
      await connection.execute(
        `create trigger refuse_${name.length} before insert on people when new.name = '${name}' begin select raise(abort, 'refused by the test'); end`,
      );
    } else {
      await connection.execute(
        `create or replace function refuse_${name.length}() returns trigger language plpgsql as $$ begin if new.name = '${name}' then raise exception 'refused by the test'; end if; return new; end $$`,
      );
      await connection.execute(
        `create trigger refuse_${name.length} before insert on people for each row execute function refuse_${name.length}()`,
      );
    }
  }

  it('holds its code, entity and operation, never the values (email, password hash, token id, name)', async () => {
    const userName = 'Leaky User';
    const botName = 'Leaky Bot Name';
    await refuseInsertsNamed(userName);
    await refuseInsertsNamed(botName);
    const from = server.logs.length;
    const email = 'leak.check@x.test';
    const user = await trpcError(
      admin.users.create.mutate({ name: userName, email, password: 'a-secret-password' }),
    );
    expect(user).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' });
    const bot = await trpcError(admin.bots.create.mutate({ name: botName }));
    expect(bot).toMatchObject({ code: 'INTERNAL_SERVER_ERROR' });

    const logged = server.logs.slice(from).join('\n');
    const failures = logged.split('\n').filter((line) => line.includes('procedure failed'));
    expect(failures).toHaveLength(2);
    for (const line of failures) {
      expect(JSON.parse(line).err.database).toMatchObject({
        entity: 'Person',
        operation: 'insert',
      });
      expect(JSON.parse(line).err.database.code).toBeTruthy();
    }
    for (const secret of [email, 'scrypt$', userName, botName, 'insert into', 'values (']) {
      expect(logged.includes(secret), `the log holds ${secret}`).toBe(false);
    }
    // A token id is a uuid in the insert's values: none but the request ids' kind may appear.
    expect(logged).not.toMatch(/token_id/);
  });
});

describe('deep nesting', () => {
  const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;

  it.each([
    // A URL holds about 16 kB: as deep as fits there.
    ['in a GET input', 'GET', 1_500],
    ['in a POST body', 'POST', 20_000],
  ] as const)(
    '%s is a plain BAD_REQUEST, not the runtime stack error',
    async (_label, method, n) => {
      const envelope = `{"json":{"name":${deep(n)}}}`;
      const res =
        method === 'GET'
          ? await rawTrpc(server, `projects.byName?input=${encodeURIComponent(envelope)}`, {
              headers: { authorization: `Bearer ${await tokenOf()}` },
            })
          : await rawTrpc(server, 'projects.create', {
              method: 'POST',
              body: envelope,
              headers: { authorization: `Bearer ${await tokenOf()}` },
            });
      expect(res.status).toBe(400);
      expect(res.text).not.toMatch(/call stack/i);
      expect(res.text).toMatch(/nested too deeply/);
    },
  );

  it('in superjson meta, and in a batch, likewise', async () => {
    const meta = `{"json":{"name":"x"},"meta":{"values":{"name":${deep(1_500)}}}}`;
    const res = await rawTrpc(server, `projects.byName?input=${encodeURIComponent(meta)}`, {
      headers: { authorization: `Bearer ${await tokenOf()}` },
    });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/nested too deeply/);
    const batch = `{"0":{"json":{"name":"x"}},"1":{"json":${deep(1_500)}}}`;
    const both = await rawTrpc(
      server,
      `projects.byName,projects.byName?batch=1&input=${encodeURIComponent(batch)}`,
      {
        headers: { authorization: `Bearer ${await tokenOf()}` },
      },
    );
    expect(both.text).not.toMatch(/call stack/i);
    expect(both.text).toMatch(/nested too deeply/);
  });

  it('an input nested as deep as the limit allows still reaches the validator', async () => {
    const res = await rawTrpc(
      server,
      `projects.byName?input=${encodeURIComponent(`{"json":{"name":${deep(20)}}}`)}`,
      {
        headers: { authorization: `Bearer ${await tokenOf()}` },
      },
    );
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/name: /);
  });
});

let token: string | undefined;
async function tokenOf() {
  token ??= (await admin.bots.create.mutate({ name: 'Deep Diver', role: 'admin' })).token;
  return token;
}

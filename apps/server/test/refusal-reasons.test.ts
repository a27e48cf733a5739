// Every refusal of a credential or a route carries `error.data.reason` on the wire, and each
// reason is produced by the situation it names; every other error has `reason: null`.
import { createTokenService, REFUSAL_REASONS, type RefusalReason } from '@clapper/api';
import { newId, Person, Session } from '@clapper/db';
import {
  adminClient,
  type Client,
  changeBehindTheServer,
  createBot,
  createStudio,
  createTestClient,
  createUser,
  login,
  rawTrpc,
  startTestServer,
  TEST_ADMIN,
  type TestServer,
  trpcError,
} from '@clapper/server/testing';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let server: TestServer;
let admin: Client;
beforeAll(async () => {
  server = await startTestServer();
  admin = await adminClient(server);
});
afterAll(() => server?.close());

const me = (token?: string) => createTestClient(server, token).auth.me.query();
const secretKey = () => new TextEncoder().encode(server.secret);

/** The claims of a bot's current token, to sign them again in other ways. */
async function claimsOf(token: string) {
  const [, payload] = token.split('.');
  return JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
}

/** Each situation, and the call it makes; the reason expected is the key. */
const situations: Record<
  RefusalReason,
  { code: 'UNAUTHORIZED' | 'FORBIDDEN'; call: () => Promise<unknown> }
> = {
  no_credential: { code: 'UNAUTHORIZED', call: async () => me() },
  malformed_token: { code: 'UNAUTHORIZED', call: async () => me('garbage') },
  bad_signature: {
    code: 'UNAUTHORIZED',
    call: async () => {
      const { bot } = await createBot(server);
      const person = await server.orm.em.fork().findOneOrFail(Person, { id: bot.id });
      const forged = await createTokenService({ secret: 'x'.repeat(48) }).issue({
        personId: bot.id,
        tokenId: person.tokenId!,
        kind: 'bot',
      });
      return me(forged);
    },
  },
  algorithm_refused: {
    code: 'UNAUTHORIZED',
    call: async () => {
      const { token } = await createBot(server);
      const hs512 = await new SignJWT(await claimsOf(token))
        .setProtectedHeader({ alg: 'HS512' })
        .sign(secretKey());
      return me(hs512);
    },
  },
  token_expired: {
    code: 'UNAUTHORIZED',
    call: async () => {
      // A user's session token: a bot's expiry is its row's (bot_expired), never its token's.
      const user = await createUser(server);
      const { token } = await createTestClient(server).auth.login.mutate(user);
      const { sub, jti } = await claimsOf(token);
      const now = Math.floor(Date.now() / 1000);
      const expired = await new SignJWT({ typ: 'user' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(String(sub))
        .setJti(String(jti))
        .setIssuedAt(now - 7200)
        .setExpirationTime(now - 3600)
        .sign(secretKey());
      return me(expired);
    },
  },
  bot_expired: {
    code: 'UNAUTHORIZED',
    call: async () => {
      const { bot, token } = await createBot(server, { expiresAt: '2099-01-01' });
      await admin.bots.update.mutate({ id: bot.id, expiresAt: '2020-01-01' });
      return me(token);
    },
  },
  token_revoked: {
    code: 'UNAUTHORIZED',
    call: async () => {
      const { bot, token } = await createBot(server);
      await admin.bots.regenerateToken.mutate({ id: bot.id });
      return me(token);
    },
  },
  bot_inactive: {
    code: 'UNAUTHORIZED',
    call: async () => {
      const { bot, token } = await createBot(server);
      await me(token);
      await admin.bots.update.mutate({ id: bot.id, active: false });
      return me(token);
    },
  },
  bot_deleted: {
    code: 'UNAUTHORIZED',
    call: async () => {
      const { bot, token } = await createBot(server);
      await admin.bots.delete.mutate({ id: bot.id });
      return me(token);
    },
  },
  user_inactive: {
    code: 'UNAUTHORIZED',
    call: async () => {
      const user = await createUser(server);
      const token = await login(server, user);
      await admin.users.update.mutate({ id: user.id, active: false });
      return me(token);
    },
  },
  user_deleted: {
    code: 'UNAUTHORIZED',
    call: async () => {
      // A well-signed user token naming nobody.
      const token = await createTokenService({ secret: server.secret }).issue({
        personId: newId(),
        tokenId: newId(),
        kind: 'user',
      });
      return me(token);
    },
  },
  session_ended: {
    code: 'UNAUTHORIZED',
    call: async () => {
      const user = await createUser(server);
      const token = await login(server, user);
      await createTestClient(server, token).auth.logout.mutate();
      return me(token);
    },
  },
  session_expired: {
    code: 'UNAUTHORIZED',
    call: async () => {
      const user = await createUser(server);
      const token = await login(server, user);
      await me(token);
      await changeBehindTheServer(server, user.id, (em) =>
        em.nativeUpdate(Session, { person: user.id }, { expiresAt: new Date(Date.now() - 1000) }),
      );
      server.services.credentials.forgetSession(String((await claimsOf(token)).jti));
      return me(token);
    },
  },
  invalid_credentials: {
    code: 'UNAUTHORIZED',
    call: async () =>
      createTestClient(server).auth.login.mutate({
        email: TEST_ADMIN.email,
        password: 'not-the-password',
      }),
  },
  user_only_route: {
    code: 'FORBIDDEN',
    call: async () => {
      // Even an admin bot: logout is for real users.
      const { token } = await createBot(server, { role: 'admin' });
      return createTestClient(server, token).auth.logout.mutate();
    },
  },
  role_forbidden: {
    code: 'FORBIDDEN',
    call: async () => {
      const { token } = await createBot(server, { role: 'artist' });
      return createTestClient(server, token).users.list.query({});
    },
  },
};

describe('refusals carry error.data.reason', () => {
  it('has a situation for every reason', () => {
    expect(Object.keys(situations).sort()).toEqual([...REFUSAL_REASONS].sort());
  });

  it.each(Object.entries(situations))('%s', async (reason, { code, call }) => {
    const error = await trpcError(call());
    expect(error).toMatchObject({ code, reason, field: null });
  });

  it('is on the wire next to field, in the one error shape', async () => {
    const res = await rawTrpc(server, 'auth.me', { headers: { authorization: 'Bearer x.y.z' } });
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({
      error: {
        json: {
          code: -32001,
          data: { code: 'UNAUTHORIZED', httpStatus: 401, field: null, reason: 'malformed_token' },
        },
      },
    });
  });

  it('is null for every other error: validation, not found, a permission, a conflict', async () => {
    const studio = await createStudio(server);
    const artist = await createBot(server, { role: 'artist' });
    await admin.projects.addMember.mutate({
      projectId: studio.project.id,
      personId: artist.bot.id,
    });
    const asArtist = createTestClient(server, artist.token);
    const errors = await Promise.all([
      trpcError(admin.projects.get.query({ id: 'not-an-id' })),
      trpcError(admin.projects.get.query({ id: newId() })),
      trpcError(
        asArtist.tasks.create.mutate({ entityId: studio.shot.id, taskTypeId: studio.animate.id }),
      ),
      trpcError(admin.projects.create.mutate({ name: studio.project.name })),
    ]);
    expect(errors.map((e) => [e.code, e.reason])).toEqual([
      ['BAD_REQUEST', null],
      ['NOT_FOUND', null],
      ['FORBIDDEN', null],
      ['CONFLICT', null],
    ]);
  });
});

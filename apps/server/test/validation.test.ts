import {
  createTestClient,
  login,
  rawTrpc,
  startTestServer,
  type TestServer,
  trpcError,
} from '@clapper/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

describe('bad input is BAD_REQUEST with the field named', () => {
  it.each([
    ['a malformed email', { email: 'not-an-email', password: 'x' }, 'email'],
    ['a missing password', { email: 'a@b.test' }, 'password'],
    ['an empty password', { email: 'a@b.test', password: '' }, 'password'],
    ['a number for an email', { email: 42, password: 'x' }, 'email'],
    ['an overlong password', { email: 'a@b.test', password: 'x'.repeat(300) }, 'password'],
  ])('auth.login with %s', async (_label, input, field) => {
    const error = await trpcError(
      // biome-ignore lint/suspicious/noExplicitAny: deliberately wrong input
      createTestClient(server).auth.login.mutate(input as any),
    );
    expect(error).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400, field });
    expect(error.message.startsWith(`${field}: `)).toBe(true);
  });

  it('auth.login with no input at all names the input', async () => {
    // biome-ignore lint/suspicious/noExplicitAny: deliberately wrong input
    const error = await trpcError(createTestClient(server).auth.login.mutate(undefined as any));
    expect(error).toMatchObject({ code: 'BAD_REQUEST', field: 'input' });
  });

  it('a body that is not JSON is a 400, not a 500', async () => {
    const res = await rawTrpc(server, 'auth.login', { method: 'POST', body: '{"json": {' });
    expect(res.status).toBe(400);
  });

  it('an unknown procedure is NOT_FOUND', async () => {
    const res = await rawTrpc(server, 'auth.nothingHere');
    expect(res.status).toBe(404);
    expect(JSON.stringify(res.json)).toContain('NOT_FOUND');
  });

  it('a query called as a mutation is refused with a 4xx', async () => {
    const token = await login(server);
    const res = await rawTrpc(server, 'auth.me', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });
});

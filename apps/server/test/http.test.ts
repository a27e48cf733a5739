import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BODY_LIMIT_BYTES } from '@clapper/server';
import {
  createBot,
  createTestClient,
  createUser,
  login,
  rawTrpc,
  startTestServer,
  type TestServer,
} from '@clapper/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let server: TestServer;
let adminDir: string;
beforeAll(async () => {
  adminDir = await mkdtemp(join(tmpdir(), 'clapper-admin-'));
  await writeFile(join(adminDir, 'index.html'), '<!doctype html><title>Clapper admin</title>');
  await writeFile(join(adminDir, 'app.js'), 'console.log("admin")');
  server = await startTestServer({ adminDir });
});
afterAll(async () => {
  await server?.close();
  await rm(adminDir, { recursive: true, force: true });
});

describe('HTTP surface', () => {
  it('answers GET /healthz with ok once the database answers', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('serves the built admin at / and its files, and the app page for client routes', async () => {
    const index = await fetch(`${server.url}/`);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('Clapper admin');
    const asset = await fetch(`${server.url}/app.js`);
    expect(await asset.text()).toContain('console.log');
    const route = await fetch(`${server.url}/bots`, { headers: { accept: 'text/html' } });
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('Clapper admin');
    const missing = await fetch(`${server.url}/missing.js`);
    expect(missing.status).toBe(404);
  });

  it(`refuses a body over ${BODY_LIMIT_BYTES} bytes with 413 and stores nothing`, async () => {
    const res = await rawTrpc(server, 'auth.login', {
      method: 'POST',
      body: JSON.stringify({ json: { email: 'a@b.test', password: 'x'.repeat(BODY_LIMIT_BYTES) } }),
    });
    expect(res.status).toBe(413);
  });
});

describe('logs', () => {
  it('never contain a token, a session cookie, an Authorization header or a password', async () => {
    const user = await createUser(server);
    const token = await login(server, user);
    const bot = await createBot(server);
    await createTestClient(server, token).auth.me.query();
    await createTestClient(server, bot.token).auth.me.query();
    const cookieLogin = await rawTrpc(server, 'auth.login', {
      method: 'POST',
      body: JSON.stringify({ json: user }),
    });
    const cookie = cookieLogin.headers.get('set-cookie')!.split(';')[0]!;
    await rawTrpc(server, 'auth.me', { headers: { cookie } });
    await rawTrpc(server, 'auth.me', { headers: { authorization: `Bearer ${bot.token}x` } });
    await rawTrpc(server, 'auth.me?input=%7B%22token%22%3A%22secret-in-query%22%7D', {
      headers: { authorization: `Bearer ${token}` },
    });

    const logs = server.logs.join('');
    expect(logs).toContain('"url":"/trpc/auth.me"');
    for (const secret of [
      token,
      bot.token,
      cookie.split('=')[1]!,
      user.password,
      'secret-in-query',
    ]) {
      expect(logs).not.toContain(secret);
    }
    expect(logs.toLowerCase()).not.toContain('bearer');
  });
});

import {
  rawTrpc,
  type StartTestServerOptions,
  startTestServer,
  TEST_ADMIN,
  type TestServer,
} from '@clapper/server/testing';
import Fastify from 'fastify';
import { describe, expect, it, onTestFinished } from 'vitest';
import { loadEnv } from '../src/env';

/** A server of its own for one test: each test spends its budgets from scratch. */
async function serve(options: StartTestServerOptions): Promise<TestServer> {
  const server = await startTestServer(options);
  onTestFinished(() => server.close());
  return server;
}

/** A sign-in as if relayed by a load balancer for the client at `from`. */
const signIn = (
  server: TestServer,
  from: string,
  credentials: { email: string; password: string },
  headers: Record<string, string> = {},
) =>
  rawTrpc(server, 'auth.login', {
    method: 'POST',
    headers: { 'x-forwarded-for': from, ...headers },
    body: JSON.stringify({ json: credentials }),
  });

const wrong = (i: number) => ({ email: `nobody${i}@clapper.test`, password: 'wrong-password' });
const code = (res: { json: unknown }) =>
  (res.json as { error?: { json?: { data?: { code?: string } } } }).error?.json?.data?.code;

/** Spends 3 sign-in attempts of client A (the budget), then signs in as client B. */
async function exhaustSignInsThenTry(server: TestServer) {
  for (let i = 0; i < 3; i++) {
    expect((await signIn(server, '203.0.113.1', wrong(i))).status).toBe(401);
  }
  const blocked = await signIn(server, '203.0.113.1', TEST_ADMIN);
  expect(blocked.status).toBe(429);
  expect(blocked.text).toContain('Too many sign-in attempts');
  return signIn(server, '203.0.113.2', TEST_ADMIN);
}

/** Spends client A's 3 requests a minute, then sends one as client B. */
async function exhaustRateLimitThenTry(server: TestServer) {
  const call = (from: string) =>
    rawTrpc(server, 'auth.me', { headers: { 'x-forwarded-for': from } });
  for (let i = 0; i < 3; i++) expect((await call('198.51.100.1')).status).toBe(401);
  const blocked = await call('198.51.100.1');
  expect(blocked.status).toBe(429);
  expect(blocked.text).toContain('Rate limit of 3 requests a minute reached');
  return call('198.51.100.2');
}

const secureCookie = async (server: TestServer, proto: string) => {
  const res = await signIn(server, '192.0.2.10', TEST_ADMIN, { 'x-forwarded-proto': proto });
  expect(res.status).toBe(200);
  const cookie = res.headers.get('set-cookie') ?? '';
  expect(cookie).toMatch(/^clapper_session=[\w.-]+;/);
  return /;\s*Secure/i.test(cookie);
};

describe('without TRUST_PROXY, X-Forwarded-* is ignored', () => {
  it('clients claiming different addresses share one sign-in budget', async () => {
    const server = await serve({ config: { loginAttemptsPerMinute: 3 } });
    const other = await exhaustSignInsThenTry(server);
    expect(other.status).toBe(429);
    expect(code(other)).toBe('TOO_MANY_REQUESTS');
  });

  it('clients claiming different addresses share one rate-limit budget', async () => {
    const server = await serve({ rateLimitPerMinute: 3 });
    const other = await exhaustRateLimitThenTry(server);
    expect(other.status).toBe(429);
    expect(server.logs.join('')).not.toContain('198.51.100.');
  });

  it('X-Forwarded-Proto: https does not make the session cookie Secure', async () => {
    const server = await serve({});
    expect(await secureCookie(server, 'https')).toBe(false);
  });

  it('nor do they count from a peer outside the trusted list', async () => {
    const server = await serve({
      trustProxy: ['10.0.0.0/8'],
      config: { loginAttemptsPerMinute: 3 },
    });
    expect(await secureCookie(server, 'https')).toBe(false);
    // The cookie's sign-in spent one of the 3.
    for (let i = 0; i < 2; i++) {
      expect((await signIn(server, '203.0.113.1', wrong(i))).status).toBe(401);
    }
    expect((await signIn(server, '203.0.113.2', TEST_ADMIN)).status).toBe(429);
  });
});

describe.each([
  ['127.0.0.1', ['127.0.0.1']],
  ['true', true],
] as const)('with TRUST_PROXY=%s', (_name, trustProxy) => {
  const options = { trustProxy: trustProxy === true ? true : [...trustProxy] };

  it('each forwarded client address has its own sign-in budget', async () => {
    const server = await serve({ ...options, config: { loginAttemptsPerMinute: 3 } });
    const other = await exhaustSignInsThenTry(server);
    expect(other.status).toBe(200);
  });

  it('each forwarded client address has its own rate-limit budget, and is the one logged', async () => {
    const server = await serve({ ...options, rateLimitPerMinute: 3 });
    const other = await exhaustRateLimitThenTry(server);
    expect(other.status).toBe(401);
    expect(server.logs.join('')).toContain('"ip":"198.51.100.2"');
  });

  it('a sign-in relayed over HTTPS sets a Secure session cookie; over HTTP, not', async () => {
    const server = await serve(options);
    expect(await secureCookie(server, 'https')).toBe(true);
    expect(await secureCookie(server, 'http')).toBe(false);
  });
});

describe('TRUST_PROXY parsing', () => {
  const trustProxy = (value: string | undefined) => loadEnv({ TRUST_PROXY: value }).TRUST_PROXY;

  it('is off when unset or empty', () => {
    expect(trustProxy(undefined)).toBe(false);
    expect(trustProxy('')).toBe(false);
  });

  it.each([
    ['true', true],
    ['TRUE', true],
    [' false ', false],
    ['127.0.0.1', ['127.0.0.1']],
    ['10.0.0.0/8, 192.168.1.7,::1,fd00::/8', ['10.0.0.0/8', '192.168.1.7', '::1', 'fd00::/8']],
    ['loopback,uniquelocal', ['loopback', 'uniquelocal']],
  ])('takes %j as %j, which Fastify accepts', (value, expected) => {
    const parsed = trustProxy(value);
    expect(parsed).toEqual(expected);
    expect(() => Fastify({ trustProxy: parsed })).not.toThrow();
  });

  it('gives Fastify a list that trusts the proxies named and no one else', async () => {
    const app = Fastify({ trustProxy: trustProxy('10.0.0.0/8') });
    app.get('/', (req) => ({ ip: req.ip, protocol: req.protocol }));
    const from = async (remoteAddress: string) =>
      (
        await app.inject({
          url: '/',
          remoteAddress,
          headers: { 'x-forwarded-for': '203.0.113.5', 'x-forwarded-proto': 'https' },
        })
      ).json();
    expect(await from('10.1.2.3')).toEqual({ ip: '203.0.113.5', protocol: 'https' });
    expect(await from('192.168.0.1')).toEqual({ ip: '192.168.0.1', protocol: 'http' });
    await app.close();
  });

  it.each([
    'yes',
    'on',
    '1',
    '0',
    '-1',
    '1.5',
    '300.1.1.1',
    '10.0.0.0/33',
    '::1/129',
    '10.0.0.0/8/8',
    '10.0.0.1,',
    'localhost',
    'fe80::1%eth0',
  ])('refuses %j, naming TRUST_PROXY', (value) => {
    expect(() => trustProxy(value)).toThrow(/^Invalid configuration:\n {2}TRUST_PROXY: /);
  });

  it('explains why a hop count is refused', () => {
    expect(() => trustProxy('2')).toThrow(/TRUST_PROXY: a hop count \(2\) is not supported/);
  });
});

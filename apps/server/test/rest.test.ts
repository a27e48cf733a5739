// The REST surface (`/api/v1`) through HTTP: every route of the OpenAPI document is called and
// its answer validated against the document; the document itself validates as OpenAPI 3.1; and
// the rules that matter (credentials, user-only routes, roles, visibility, bad input, dry run,
// body limit, idempotency, rate limit) answer the same over REST as over tRPC.
import { createHmac } from 'node:crypto';
import { REST_BASE, type RouterOutputs } from '@clapper/api';
import {
  adminClient,
  type Client,
  createBot,
  createStudio,
  createTeamBot,
  databaseDigest,
  login,
  procedureInputs,
  type RestRequest,
  rawTrpc,
  restCall,
  startTestServer,
  type TestServer,
} from '@clapper/server/testing';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY_LIMIT_BYTES } from '../src/app';

type Document = {
  openapi: string;
  paths: Record<string, Record<string, { operationId: string; responses: object }>>;
};

let server: TestServer;
let admin: Client;
let adminToken: string;
let studio: Awaited<ReturnType<typeof createStudio>>;
/** A manager bot on the studio's project team. */
let bot: { token: string; bot: RouterOutputs['bots']['create']['bot']; client: Client };
let document: Document;
let ajv: Ajv2020;

beforeAll(async () => {
  server = await startTestServer();
  admin = await adminClient(server);
  adminToken = await login(server);
  studio = await createStudio(server);
  bot = await createTeamBot(server, studio.project.id);
  document = (await (await fetch(`${server.url}${REST_BASE}/openapi.json`)).json()) as Document;
  // The document as a JSON Schema 2020-12 resource (OpenAPI 3.1's dialect): each answer is
  // checked against its operation's response schema, `$ref`s resolved inside the document.
  ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  ajv.addSchema({ ...document, $id: 'openapi.json' });
});
afterAll(() => server?.close());

/** `METHOD /path/{param}` of every call made, to check every documented route was called. */
const called = new Set<string>();

const pointer = (...parts: string[]) =>
  parts.map((p) => encodeURIComponent(p.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');

/**
 * Calls a documented route (`path` is the document's, `{param}`s filled from `params`), checks
 * the status, and validates the answer against the document's schema for that status.
 */
async function call(
  method: string,
  path: string,
  params: Record<string, string>,
  request: RestRequest,
  status = 200,
) {
  const operation = document.paths[path]?.[method.toLowerCase()];
  expect(operation, `${method} ${path} is documented`).toBeDefined();
  called.add(`${method} ${path}`);
  const url = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name]!));
  const answer = await restCall(server, method, url, request);
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  const ref = `openapi.json#/${pointer('paths', path, method.toLowerCase(), 'responses', String(status), 'content', 'application/json', 'schema')}`;
  const validate = ajv.getSchema(ref) ?? ajv.compile({ $ref: ref });
  if (!validate(answer.body)) {
    throw new Error(
      `${method} ${path} answered outside its schema: ${ajv.errorsText(validate.errors)}`,
    );
  }
  return answer.body;
}

let shots = 0;
/** A task of its own, on a shot of its own (a shot has one task of each type). */
async function newTask() {
  shots += 1;
  const shot = await admin.shots.create.mutate({
    projectId: studio.project.id,
    sequence: 'SQ90',
    name: `SH${900 + shots}`,
  });
  return admin.tasks.create.mutate({ entityId: shot.id, taskTypeId: studio.animate.id });
}

/** The same value as the tRPC client received it, as JSON carries it (dates as ISO strings). */
const asJson = (value: unknown) => JSON.parse(JSON.stringify(value));

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document) as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('describes bearer authentication and one error body on every route', () => {
    const operations = Object.values(document.paths).flatMap((item) => Object.values(item));
    expect(operations.length).toBeGreaterThanOrEqual(30);
    for (const operation of operations) {
      const responses = operation.responses as Record<string, { content: object }>;
      expect(Object.keys(responses)).toEqual(expect.arrayContaining(['200', '401', '403']));
      expect(JSON.stringify(responses['401']!.content)).toContain('#/components/schemas/Error');
    }
    expect(JSON.stringify(document)).toContain('"scheme":"bearer"');
  });
});

describe('every route, as a pipeline bot and as an admin', () => {
  it('reads the caller, projects, the studio settings and events', async () => {
    const asBot = { token: bot.token };
    const me = await call('GET', '/auth/me', {}, asBot);
    expect(me).toMatchObject({ id: bot.bot.id, kind: 'bot', role: 'manager' });
    expect(me).toEqual(asJson(await bot.client.auth.me.query()));

    const { project } = studio;
    const byName = await call(
      'GET',
      '/projects/by-name',
      {},
      { ...asBot, query: { name: project.name } },
    );
    expect(byName).toEqual(asJson(await bot.client.projects.byName.query({ name: project.name })));
    expect(await call('GET', '/projects/{id}', { id: project.id }, asBot)).toEqual(byName);
    const list = await call(
      'GET',
      '/projects',
      {},
      { ...asBot, query: { q: project.name, limit: 1 } },
    );
    expect(list.items.map((p: { id: string }) => p.id)).toEqual([project.id]);

    const types = await call('GET', '/task-types', {}, { ...asBot, query: { limit: 500 } });
    expect(types.items.map((t: { id: string }) => t.id)).toContain(studio.animate.id);
    const statuses = await call('GET', '/task-statuses', {}, asBot);
    expect(statuses.items.map((s: { shortName: string }) => s.shortName)).toContain('wip');
    const departments = await call(
      'GET',
      '/departments',
      {},
      { ...asBot, query: { q: studio.animation.name } },
    );
    expect(departments).toMatchObject({
      total: 1,
      items: [{ id: studio.animation.id, color: '#ff8800' }],
    });
    const events = await call(
      'GET',
      '/events',
      {},
      { ...asBot, query: { projectId: project.id, limit: 5, order: 'asc' } },
    );
    expect(events.items.length).toBeGreaterThan(0);
    expect(events.items.every((e: { projectId: string }) => e.projectId === project.id)).toBe(true);
  });

  it('makes, changes and deletes assets and shots', async () => {
    const asBot = { token: bot.token };
    const projectId = studio.project.id;
    const asset = await call(
      'POST',
      '/projects/{projectId}/assets',
      { projectId },
      { ...asBot, body: { assetType: 'Character', name: 'Hero' } },
    );
    expect(asset).toMatchObject({ projectId, name: 'Hero', assetType: 'Character' });
    expect(await call('GET', '/assets/{id}', { id: asset.id }, asBot)).toEqual(asset);
    const character = await call('GET', '/asset-types/{id}', { id: asset.assetTypeId }, asBot);
    expect(character).toMatchObject({ id: asset.assetTypeId, name: 'Character' });
    const used = await call('GET', '/asset-types', {}, { ...asBot, query: { projectId } });
    expect(used.items).toEqual([character]);
    const renamed = await call(
      'PATCH',
      '/assets/{id}',
      { id: asset.id },
      { ...asBot, body: { name: 'Hero v2' } },
    );
    expect(renamed.name).toBe('Hero v2');
    const assets = await call('GET', '/projects/{projectId}/assets', { projectId }, asBot);
    expect(assets.items).toContainEqual(renamed);
    expect(await call('DELETE', '/assets/{id}', { id: asset.id }, asBot)).toEqual({
      ok: true,
      id: asset.id,
    });
    await call('GET', '/assets/{id}', { id: asset.id }, asBot, 404);

    const shot = await call(
      'POST',
      '/projects/{projectId}/shots',
      { projectId },
      { ...asBot, body: { sequence: 'SQ02', name: 'SH020', frameIn: 1001, frameOut: 1100 } },
    );
    expect(shot).toMatchObject({ sequence: 'SQ02', frameIn: 1001, frameOut: 1100 });
    expect(await call('GET', '/shots/{id}', { id: shot.id }, asBot)).toEqual(shot);
    const sequence = await call('GET', '/sequences/{id}', { id: shot.sequenceId }, asBot);
    expect(sequence).toMatchObject({ id: shot.sequenceId, projectId, name: 'SQ02' });
    const made = await call(
      'POST',
      '/projects/{projectId}/sequences',
      { projectId },
      { ...asBot, body: { name: 'SQ03' } },
    );
    const sequences = await call('GET', '/projects/{projectId}/sequences', { projectId }, asBot);
    expect(sequences.items.map((s: { name: string }) => s.name)).toEqual(
      expect.arrayContaining(['SQ02', 'SQ03']),
    );
    expect(sequences.items).toContainEqual(made);
    const moved = await call(
      'PATCH',
      '/shots/{id}',
      { id: shot.id },
      { ...asBot, body: { frameOut: 1120 } },
    );
    expect(moved.frameOut).toBe(1120);
    const shots = await call(
      'GET',
      '/projects/{projectId}/shots',
      { projectId },
      { ...asBot, query: { sequence: 'SQ02' } },
    );
    expect(shots.items).toEqual([moved]);
    expect(await call('DELETE', '/shots/{id}', { id: shot.id }, asBot)).toEqual({
      ok: true,
      id: shot.id,
    });
  });

  it('makes tasks, assigns them, moves them and comments on them', async () => {
    const asBot = { token: bot.token };
    const projectId = studio.project.id;
    const task = await call(
      'POST',
      '/tasks',
      {},
      {
        ...asBot,
        body: { entityId: studio.shot.id, taskTypeId: studio.animate.id, dueDate: '2027-03-01' },
      },
    );
    expect(task).toMatchObject({
      projectId,
      dueDate: '2027-03-01',
      entity: { id: studio.shot.id },
    });
    expect(await call('GET', '/tasks/{id}', { id: task.id }, asBot)).toEqual(
      asJson(await bot.client.tasks.get.query({ id: task.id })),
    );
    const many = await call(
      'POST',
      '/tasks/batch',
      {},
      { ...asBot, body: { tasks: [{ entityId: studio.shot.id, taskTypeId: studio.layout.id }] } },
    );
    expect(many.items).toHaveLength(1);
    const page = await call(
      'GET',
      '/projects/{projectId}/tasks',
      { projectId },
      { ...asBot, query: { taskTypeId: studio.layout.id } },
    );
    expect(page.items.map((t: { id: string }) => t.id)).toEqual([many.items[0].id]);
    // A shot's tasks by its id alone.
    const ofShot = await call(
      'GET',
      '/entities/{entityId}/tasks',
      { entityId: studio.shot.id },
      asBot,
    );
    expect(ofShot.items.map((t: { id: string }) => t.id).sort()).toEqual(
      [task.id, many.items[0].id].sort(),
    );

    const moved = await call(
      'PATCH',
      '/tasks/{id}',
      { id: task.id },
      { ...asBot, body: { dueDate: null } },
    );
    expect(moved.dueDate).toBeNull();
    const assigned = await call(
      'PUT',
      '/tasks/{taskId}/assignees',
      { taskId: task.id },
      { ...asBot, body: { personIds: [bot.bot.id] } },
    );
    expect(assigned.assignees.map((a: { id: string }) => a.id)).toEqual([bot.bot.id]);
    const wip = studio.statuses.wip!;
    const status = await call(
      'PUT',
      '/tasks/{taskId}/status',
      { taskId: task.id },
      { ...asBot, body: { statusId: wip.id } },
    );
    expect(status.status.id).toBe(wip.id);

    const done = studio.statuses.done!;
    const comment = await call(
      'POST',
      '/tasks/{taskId}/comments',
      { taskId: task.id },
      { ...asBot, body: { text: 'Approved: café ✓', statusId: done.id } },
    );
    expect(comment).toMatchObject({ taskId: task.id, text: 'Approved: café ✓', statusId: done.id });
    expect((await admin.tasks.get.query({ id: task.id })).status.id).toBe(done.id);
    const comments = await call('GET', '/tasks/{taskId}/comments', { taskId: task.id }, asBot);
    expect(comments.items).toEqual([comment]);
  });

  it('manages bots and users for an admin signed in as a user', async () => {
    const asAdmin = { token: adminToken };
    const made = await call(
      'POST',
      '/bots',
      {},
      { ...asAdmin, body: { name: 'REST farm bot', role: 'artist', expiresAt: '2030-01-01' } },
    );
    expect(made.bot).toMatchObject({ name: 'REST farm bot', kind: 'bot', expiresAt: '2030-01-01' });
    const id = made.bot.id as string;
    expect((await restCall(server, 'GET', '/auth/me', { token: made.token })).body.id).toBe(id);
    const page = await call('GET', '/bots/{id}', { id }, asAdmin);
    expect(page).toMatchObject({ id, teams: [], token: { shortId: expect.any(String) } });
    const listed = await call(
      'GET',
      '/bots',
      {},
      { ...asAdmin, query: { q: 'REST farm', active: true } },
    );
    expect(listed.items.map((b: { id: string }) => b.id)).toEqual([id]);
    const updated = await call(
      'PATCH',
      '/bots/{id}',
      { id },
      { ...asAdmin, body: { role: 'supervisor' } },
    );
    expect(updated.role).toBe('supervisor');
    const fresh = await call('POST', '/bots/{id}/token', { id }, { ...asAdmin, body: {} });
    expect(fresh.token).not.toBe(made.token);
    expect((await restCall(server, 'GET', '/auth/me', { token: made.token })).body).toMatchObject({
      code: 'UNAUTHORIZED',
      reason: 'token_revoked',
    });
    expect(await call('DELETE', '/bots/{id}', { id }, asAdmin)).toEqual({ ok: true, id });

    const user = await call(
      'POST',
      '/users',
      {},
      {
        ...asAdmin,
        body: { email: 'Rest.User@Clapper.test', name: 'Rest User', password: 'rest-password-1' },
      },
    );
    expect(user).toMatchObject({ kind: 'user', email: 'rest.user@clapper.test', role: 'artist' });
    const users = await call(
      'GET',
      '/users',
      {},
      { ...asAdmin, query: { q: 'rest.user@', active: true } },
    );
    expect(users.items.map((u: { id: string }) => u.id)).toEqual([user.id]);
    const inactive = await call(
      'GET',
      '/users',
      {},
      { ...asAdmin, query: { q: 'rest.user@', active: false } },
    );
    expect(inactive.items).toEqual([]);
    const changed = await call(
      'PATCH',
      '/users/{id}',
      { id: user.id },
      { ...asAdmin, body: { name: 'Rest User 2' } },
    );
    expect(changed.name).toBe('Rest User 2');
  });

  it('has called every route the document lists', () => {
    const documented = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect([...called].sort()).toEqual(documented.sort());
  });
});

describe('input over REST', () => {
  it('names the field for a query value of the wrong kind, and changes nothing', async () => {
    const before = await databaseDigest(server);
    const bad = await restCall(server, 'GET', '/projects', {
      token: bot.token,
      query: { limit: 'ten' },
    });
    expect(bad).toMatchObject({
      status: 400,
      body: { code: 'BAD_REQUEST', field: 'limit', reason: null },
    });
    const flag = await restCall(server, 'GET', '/users', {
      token: adminToken,
      query: { active: 'yes' },
    });
    expect(flag).toMatchObject({ status: 400, body: { field: 'active' } });
    const twice = await restCall(server, 'GET', `/projects/by-name?name=a&name=b`, {
      token: bot.token,
    });
    expect(twice).toMatchObject({ status: 400, body: { field: 'name' } });
    const body = await restCall(server, 'POST', `/tasks/${studio.shot.id}/comments`, {
      token: bot.token,
      body: { text: 5 },
    });
    expect(body).toMatchObject({ status: 400, body: { field: 'text' } });
    expect(body.body.issues[0]).toMatchObject({ field: 'text' });
    expect(await databaseDigest(server)).toBe(before);
  });

  it('refuses a name the route does not take, and a body that contradicts its path', async () => {
    const before = await databaseDigest(server);
    const typo = await restCall(server, 'GET', '/task-statuses', {
      token: bot.token,
      query: { shortName: 'wip' },
    });
    expect(typo).toMatchObject({ status: 400, body: { code: 'BAD_REQUEST', field: 'shortName' } });
    expect(typo.body.message).toContain('cursor, limit');
    const task = await newTask();
    const elsewhere = await restCall(server, 'POST', `/tasks/${task.id}/comments`, {
      token: bot.token,
      body: { taskId: studio.shot.id, text: 'which task?' },
    });
    expect(elsewhere).toMatchObject({ status: 400, body: { field: 'taskId' } });
    const extra = await restCall(server, 'PATCH', `/tasks/${task.id}`, {
      token: bot.token,
      body: { dueDate: '2027-01-01', projectId: studio.project.id },
    });
    expect(extra).toMatchObject({ status: 400, body: { field: 'projectId' } });
    const same = await restCall(server, 'PATCH', `/tasks/${task.id}`, {
      token: bot.token,
      body: { id: task.id, dueDate: '2027-01-02' },
    });
    expect(same).toMatchObject({ status: 200, body: { id: task.id, dueDate: '2027-01-02' } });
    expect(before).not.toBe(await databaseDigest(server));
    expect((await admin.comments.list.query({ taskId: task.id })).items).toEqual([]);
  });

  it('refuses bodies that are not a JSON object, and unknown routes, in the same error shape', async () => {
    const post = (body: string, type = 'application/json') =>
      restCall(server, 'POST', '/tasks', {
        token: bot.token,
        body,
        headers: { 'content-type': type },
      });
    expect(await post('[1,2]')).toMatchObject({
      status: 400,
      body: { code: 'BAD_REQUEST', field: 'input' },
    });
    expect(await post('{"entityId":')).toMatchObject({
      status: 400,
      body: { code: 'BAD_REQUEST' },
    });
    expect(await post('{"__proto__":{"admin":true}}')).toMatchObject({
      status: 400,
      body: { code: 'BAD_REQUEST' },
    });
    expect(await post('entityId=1', 'text/plain')).toMatchObject({
      status: 415,
      body: { code: 'UNSUPPORTED_MEDIA_TYPE' },
    });
    const missing = await restCall(server, 'GET', '/nothing/here', { token: bot.token });
    expect(missing).toMatchObject({
      status: 404,
      body: { code: 'NOT_FOUND', field: null, reason: null },
    });
    const wrongMethod = await restCall(server, 'DELETE', '/tasks', { token: bot.token });
    expect(wrongMethod.status).toBe(404);
  });
});

describe('the same rules over REST as over tRPC', () => {
  /** One call over both surfaces with the same credential: status, code and reason must match. */
  async function both(
    trpc: {
      path: string;
      input?: unknown;
      method?: 'GET' | 'POST';
      headers?: Record<string, string>;
    },
    rest: { method: string; path: string } & RestRequest,
  ) {
    const headers = {
      ...(rest.token ? { authorization: `Bearer ${rest.token}` } : {}),
      ...trpc.headers,
    };
    const json = JSON.stringify({ json: trpc.input });
    const overTrpc = await rawTrpc(
      server,
      trpc.method === 'POST' || trpc.input === undefined
        ? trpc.path
        : `${trpc.path}?input=${encodeURIComponent(json)}`,
      { method: trpc.method ?? 'GET', headers, body: trpc.method === 'POST' ? json : undefined },
    );
    const overRest = await restCall(server, rest.method, rest.path, {
      ...rest,
      headers: { ...trpc.headers, ...rest.headers },
    });
    const error = (
      overTrpc.json as {
        error?: { json: { data: { code: string; reason: string | null; field: string | null } } };
      }
    ).error?.json.data;
    const trpcSide = {
      status: overTrpc.status,
      code: error?.code,
      reason: error?.reason,
      field: error?.field,
    };
    const restSide = {
      status: overRest.status,
      code: overRest.body?.code,
      reason: overRest.body?.reason,
      field: overRest.body?.field,
    };
    expect(restSide).toEqual(trpcSide);
    return { trpc: overTrpc, rest: overRest, side: restSide };
  }
  const me = (token?: string) =>
    both({ path: 'auth.me' }, { method: 'GET', path: '/auth/me', token });

  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const claimsOf = (token: string) =>
    JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());

  it('refuses a missing, malformed, forged, unsigned, revoked or disabled credential alike', async () => {
    expect((await me()).side).toMatchObject({ status: 401, reason: 'no_credential' });
    expect((await me('not-a-token')).side).toMatchObject({
      status: 401,
      reason: 'malformed_token',
    });
    const { bot: victim, token } = await createBot(server, { role: 'admin' });
    const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claimsOf(token))}`;
    const forged = `${head}.${createHmac('sha256', 'secret').update(head).digest('base64url')}`;
    expect((await me(forged)).side).toMatchObject({ status: 401, reason: 'bad_signature' });
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claimsOf(token))}.`;
    expect((await me(unsigned)).side).toMatchObject({ status: 401, reason: 'algorithm_refused' });
    await admin.bots.update.mutate({ id: victim.id, active: false });
    expect((await me(token)).side).toMatchObject({ status: 401, reason: 'bot_inactive' });
    await admin.bots.update.mutate({ id: victim.id, active: true });
    expect((await me(token)).side).toMatchObject({ status: 200 });
    await admin.bots.regenerateToken.mutate({ id: victim.id });
    expect((await me(token)).side).toMatchObject({ status: 401, reason: 'token_revoked' });
  });

  it('keeps bots off user-only routes, roles off routes they may not use, and outsiders out', async () => {
    const botsList = await both(
      { path: 'bots.list' },
      { method: 'GET', path: '/bots', token: bot.token },
    );
    expect(botsList.side).toMatchObject({ status: 403, reason: 'user_only_route' });
    const minted = await both(
      { path: 'bots.create', method: 'POST', input: { name: 'minted by a bot' } },
      { method: 'POST', path: '/bots', token: bot.token, body: { name: 'minted by a bot' } },
    );
    expect(minted.side).toMatchObject({ status: 403, reason: 'user_only_route' });
    const artist = await createBot(server, { role: 'artist' });
    const people = await both(
      { path: 'users.list' },
      { method: 'GET', path: '/users', token: artist.token },
    );
    expect(people.side).toMatchObject({ status: 403, code: 'FORBIDDEN', reason: 'role_forbidden' });
    const outsider = await both(
      { path: 'projects.get', input: { id: studio.project.id } },
      { method: 'GET', path: `/projects/${studio.project.id}`, token: artist.token },
    );
    expect(outsider.side).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    const vendor = await createTeamBot(server, studio.project.id, { role: 'vendor' });
    const notTheirs = await newTask();
    const move = { taskId: notTheirs.id, statusId: studio.statuses.wip!.id };
    const status = await both(
      { path: 'tasks.setStatus', method: 'POST', input: move },
      {
        method: 'PUT',
        path: `/tasks/${notTheirs.id}/status`,
        token: vendor.token,
        body: { statusId: move.statusId },
      },
    );
    expect(status.side).toMatchObject({ status: 404 });
    expect((await admin.tasks.get.query({ id: notTheirs.id })).status.id).toBe(notTheirs.status.id);
  });

  it('names the same field for the same bad input', async () => {
    const bad = await both(
      { path: 'tasks.get', input: { id: 'not-an-id' } },
      { method: 'GET', path: '/tasks/not-an-id', token: bot.token },
    );
    expect(bad.side).toMatchObject({ status: 400, code: 'BAD_REQUEST', field: 'id' });
    expect(bad.rest.body.message).toBe(
      (bad.trpc.json as { error: { json: { message: string } } }).error.json.message,
    );
  });

  it('runs a dry run and keeps nothing, and refuses a body over the limit, alike', async () => {
    const task = await newTask();
    const before = await databaseDigest(server);
    const dry = { 'x-clapper-dry-run': '1' };
    const comment = {
      taskId: task.id,
      text: 'only a rehearsal',
      statusId: studio.statuses.done!.id,
    };
    const rehearsal = await both(
      { path: 'comments.add', method: 'POST', input: comment, headers: dry },
      {
        method: 'POST',
        path: `/tasks/${task.id}/comments`,
        token: bot.token,
        body: comment,
        headers: dry,
      },
    );
    expect(rehearsal.side.status).toBe(200);
    expect(rehearsal.rest.body).toMatchObject({
      text: 'only a rehearsal',
      statusId: studio.statuses.done!.id,
    });
    expect(await databaseDigest(server)).toBe(before);
    expect((await admin.comments.list.query({ taskId: task.id })).items).toEqual([]);

    const huge = { taskId: task.id, text: 'x'.repeat(BODY_LIMIT_BYTES) };
    const tooBig = await both(
      { path: 'comments.add', method: 'POST', input: huge },
      { method: 'POST', path: `/tasks/${task.id}/comments`, token: bot.token, body: huge },
    );
    expect(tooBig.side).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    expect(await databaseDigest(server)).toBe(before);
  });

  it('answers a repeated idempotency key with the first result, once', async () => {
    const task = await newTask();
    const send = () =>
      restCall(server, 'POST', `/tasks/${task.id}/comments`, {
        token: bot.token,
        body: { text: 'published v012' },
        headers: { 'x-clapper-idempotency-key': `publish-${task.id}` },
      });
    const first = await send();
    const again = await send();
    expect(first.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect((await admin.comments.list.query({ taskId: task.id })).items).toHaveLength(1);
  });
});

describe('the rate limit', () => {
  it('counts REST and tRPC requests together and answers 429 on both, with Retry-After', async () => {
    const limited = await startTestServer({ rateLimitPerMinute: 4 });
    try {
      const { token } = await createBot(limited);
      for (let i = 0; i < 2; i++) {
        expect((await restCall(limited, 'GET', '/auth/me', { token })).status).toBe(200);
        expect(
          (await rawTrpc(limited, 'auth.me', { headers: { authorization: `Bearer ${token}` } }))
            .status,
        ).toBe(200);
      }
      const rest = await restCall(limited, 'GET', '/auth/me', { token });
      expect(rest).toMatchObject({
        status: 429,
        body: { code: 'TOO_MANY_REQUESTS', field: null, reason: null },
      });
      expect(rest.body.message).toMatch(/Rate limit of 4 requests a minute/);
      expect(Number(rest.headers.get('retry-after'))).toBeGreaterThan(0);
      const trpc = await rawTrpc(limited, 'auth.me', {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(trpc.status).toBe(429);
    } finally {
      await limited.close();
    }
  });
});

describe('/api/docs', () => {
  it('serves Swagger UI from this server, pointed at the document, with no outside address', async () => {
    const page = await fetch(`${server.url}/api/docs`);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain(`data-url="${REST_BASE}/openapi.json"`);
    expect(html).not.toMatch(/https?:\/\//);
    const scripts = [...html.matchAll(/src="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts).toEqual(['/api/docs/swagger-ui-bundle.js', '/api/docs/init.js']);
    for (const src of scripts) {
      const res = await fetch(`${server.url}${src}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/javascript/);
    }
    // Only the page's own assets: nothing else of the package is served.
    expect((await fetch(`${server.url}/api/docs/package.json`)).status).toBe(404);
  });
});

describe('generated inputs on every route, as an admin', () => {
  it('never answer 500, always in the error shape, and a refused call changes nothing', async () => {
    const token = await login(server);
    const task = await newTask();
    const ids = [studio.project.id, studio.shot.id, studio.animate.id, task.id, bot.bot.id];
    const text = (value: unknown) =>
      value instanceof Date
        ? String(value.toJSON()) // what JSON makes of it: null for an invalid date
        : typeof value === 'object'
          ? JSON.stringify(value)
          : String(value);
    for (const [path, item] of Object.entries(document.paths)) {
      for (const method of Object.keys(item).map((m) => m.toUpperCase())) {
        let before = await databaseDigest(server);
        await fc.assert(
          fc.asyncProperty(
            procedureInputs(ids),
            fc.constantFrom(...ids, 'x'),
            async (input, param) => {
              const fields = {
                ...(typeof input === 'object' && input !== null ? input : {}),
              } as Record<string, unknown>;
              const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
              const values = Object.fromEntries(names.map((n) => [n, text(fields[n] ?? param)]));
              for (const name of names) delete fields[name];
              const url = path.replace(
                /\{(\w+)\}/g,
                (_, n: string) => encodeURIComponent(values[n]!) || 'x',
              );
              const query = method === 'GET' || method === 'DELETE';
              const answer = await restCall(server, method, url, {
                token,
                ...(query
                  ? {
                      query: Object.fromEntries(
                        Object.entries(fields).map(([k, v]) => [k, text(v)]),
                      ),
                    }
                  : { body: fields }),
              });
              expect(
                answer.status,
                `${method} ${url}: ${JSON.stringify(answer.body)}`,
              ).toBeLessThan(500);
              if (answer.status < 400) {
                before = await databaseDigest(server);
                return;
              }
              expect(answer.body).toMatchObject({
                code: expect.any(String),
                message: expect.any(String),
              });
              expect(
                await databaseDigest(server),
                `refused ${method} ${path} changed the database`,
              ).toBe(before);
            },
          ),
          { numRuns: 6 },
        );
      }
    }
  }, 120_000);
});

// Kitsu's API at /api as gazu 1.1.12 calls it: each request here is one gazu sends (method,
// path, query, headers as its client.py forms them: docs/gazu-requests.md), against a real
// server, and each answer is checked field by field against what zou writes.
import {
  adminClient,
  createBot,
  createStudio,
  createTeamBot,
  createUser,
  gazuCall,
  login,
  startTestServer,
  type TestServer,
} from '@clapper/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let server: TestServer;
let studio: Awaited<ReturnType<typeof createStudio>>;
/** A manager bot on the studio project's team. */
let teamBot: Awaited<ReturnType<typeof createTeamBot>>;

beforeAll(async () => {
  server = await startTestServer();
  studio = await createStudio(server);
  teamBot = await createTeamBot(server, studio.project.id, { role: 'artist' });
});
afterAll(async () => {
  await server?.close();
});

/** A request as gazu sends it. */
const gazu = (path: string, token?: string, method = 'GET') =>
  gazuCall(server, method, path, { token });

const ZOU_DATETIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/;

describe('gazu.client', () => {
  it('host_is_up: HEAD on the host itself answers 200, with no token; get_api_version', async () => {
    expect((await gazu('', undefined, 'HEAD')).status).toBe(200);
    const res = await fetch(`${server.url}/api`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    const version = await gazu('');
    expect(version.status).toBe(200);
    expect(version.body).toEqual({ api: 'Zou', version: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
  });

  it('get_current_user and user.is_authenticated: the bot, as zou writes a person', async () => {
    const { status, body } = await gazu('auth/authenticated', teamBot.token);
    expect(status).toBe(200);
    expect(body.authenticated).toBe(true);
    expect(body.organisation).toMatchObject({ type: 'Organisation', name: expect.any(String) });
    const user = body.user;
    expect(user).toMatchObject({
      id: teamBot.bot.id,
      full_name: teamBot.bot.name,
      email: null,
      role: 'user', // Clapper's artist
      active: true,
      is_bot: true,
      type: 'Person',
      departments: [],
    });
    expect(`${user.first_name} ${user.last_name}`).toBe(teamBot.bot.name);
    expect(user.created_at).toMatch(ZOU_DATETIME);
    expect(user.updated_at).toMatch(ZOU_DATETIME);
    expect(user).not.toHaveProperty('password');
  });
});

describe('gazu.project', () => {
  it("get_project_by_name: the seed's example, as zou answers it", async () => {
    const name = studio.project.name;
    const { status, body } = await gazu(
      `data/projects?name=${encodeURIComponent(name)}`,
      teamBot.token,
    );
    expect(status).toBe(200);
    expect(body).toHaveLength(1);
    const [project] = body;
    expect(project).toMatchObject({
      id: studio.project.id,
      name,
      type: 'Project',
      production_type: 'short',
      fps: '25',
      is_bot_collaboration_enabled: true,
      project_status_id: expect.any(String),
      code: null,
      description: null,
      data: null,
    });
    expect(project.created_at).toMatch(ZOU_DATETIME);
    // The list route writes no relations; get_project does.
    expect(project).not.toHaveProperty('team');
    // zou matches names with ILIKE: the case does not matter.
    const lower = await gazu(
      `data/projects?name=${encodeURIComponent(name.toLowerCase())}`,
      teamBot.token,
    );
    expect(lower.body.map((p: { id: string }) => p.id)).toEqual([studio.project.id]);
    // gazu's fetch_first reads an empty list as None.
    expect((await gazu('data/projects?name=No%20such%20production', teamBot.token)).body).toEqual(
      [],
    );
  });

  it('shows a bot only the projects it may read: another team is absent, never its contents', async () => {
    const outsider = await createBot(server, { role: 'artist' });
    const name = encodeURIComponent(studio.project.name);
    const byName = await gazu(`data/projects?name=${name}`, outsider.token);
    expect(byName).toMatchObject({ status: 200, body: [] });
    expect((await gazu('data/projects', outsider.token)).body).toEqual([]);
    const one = await gazu(`data/projects/${studio.project.id}`, outsider.token);
    expect([403, 404]).toContain(one.status);
    expect(JSON.stringify(one.body)).not.toContain(studio.project.name);
  });

  it('get_project, all_projects, all_open_projects, get_team, user.all_open_projects', async () => {
    const other = await (await adminClient(server)).projects.create.mutate({
      name: `Kitsu other ${studio.project.id}`,
    });
    const one = await gazu(`data/projects/${studio.project.id}`, teamBot.token);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({
      id: studio.project.id,
      project_status_name: 'Open',
      asset_types: [],
      task_types: [],
    });
    expect(one.body.team).toContain(teamBot.bot.id);

    const all = await gazu('data/projects', teamBot.token);
    expect(all.body.map((p: { id: string }) => p.id)).toEqual([studio.project.id]);
    const open = await gazu('data/projects/open', teamBot.token);
    expect(open.body.map((p: { id: string }) => p.id)).toEqual([studio.project.id]);
    expect(open.body[0].team).toContain(teamBot.bot.id);

    // An admin bot reads every project.
    const admin = await createBot(server, { role: 'admin' });
    const everything = (await gazu('data/projects', admin.token)).body.map(
      (p: { id: string }) => p.id,
    );
    expect(everything).toEqual(expect.arrayContaining([studio.project.id, other.id]));
    // user.all_open_projects is a person's own teams, admins included; bots are refused, as
    // zou refuses them on every /data/user route.
    const refused = await gazu('data/user/projects/open', teamBot.token);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: true, code: 'FORBIDDEN' });
    const person = await createUser(server, { role: 'admin' });
    const personToken = await login(server, person);
    expect((await gazu('data/user/projects/open', personToken)).body).toEqual([]);
    await (await adminClient(server)).projects.addMember.mutate({
      projectId: studio.project.id,
      personId: person.id,
    });
    const mine = await gazu('data/user/projects/open', personToken);
    expect(mine.body.map((p: { id: string }) => p.id)).toEqual([studio.project.id]);

    const team = await gazu(`data/projects/${studio.project.id}/team`, teamBot.token);
    expect(team.status).toBe(200);
    const me = team.body.find((p: { id: string }) => p.id === teamBot.bot.id);
    expect(me).toMatchObject({ type: 'Person', is_bot: true, role: 'user', project_role: null });
  });
});

describe('gazu.task and gazu.person: the studio settings', () => {
  it('all_task_types, get_task_type, get_task_type_by_name (for_entity, department)', async () => {
    const all = await gazu('data/task-types', teamBot.token);
    expect(all.status).toBe(200);
    const animate = all.body.find((t: { id: string }) => t.id === studio.animate.id);
    expect(animate).toEqual({
      id: studio.animate.id,
      created_at: null,
      updated_at: null,
      name: studio.animate.name,
      short_name: null,
      description: null,
      color: '#FFFFFF',
      priority: 1,
      for_entity: 'Shot',
      allow_timelog: true,
      archived: false,
      shotgun_id: null,
      department_id: studio.animation.id,
      type: 'TaskType',
    });
    const name = encodeURIComponent(studio.animate.name.toUpperCase());
    const byName = await gazu(
      `data/task-types?name=${name}&for_entity=Shot&department_id=${studio.animation.id}`,
      teamBot.token,
    );
    expect(byName.body).toEqual([animate]);
    expect(
      (await gazu(`data/task-types?name=${name}&for_entity=Asset`, teamBot.token)).body,
    ).toEqual([]);
    expect((await gazu(`data/task-types/${studio.animate.id}`, teamBot.token)).body).toEqual(
      animate,
    );
  });

  it('all_task_statuses, get_task_status, get_task_status_by_name and _by_short_name', async () => {
    const wip = studio.statuses.wip!;
    const byShort = await gazu('data/task-status?short_name=wip', teamBot.token);
    expect(byShort.status).toBe(200);
    expect(byShort.body).toHaveLength(1);
    expect(byShort.body[0]).toMatchObject({
      id: wip.id,
      name: wip.name,
      short_name: 'wip',
      is_wip: true,
      is_done: false,
      type: 'TaskStatus',
    });
    // A short name is exact, as in zou; a name is not.
    expect((await gazu('data/task-status?short_name=WIP', teamBot.token)).body).toEqual([]);
    const byName = await gazu(
      `data/task-status?name=${encodeURIComponent(wip.name.toLowerCase())}`,
      teamBot.token,
    );
    expect(byName.body.map((s: { id: string }) => s.id)).toEqual([wip.id]);
    const one = await gazu(`data/task-status/${wip.id}`, teamBot.token);
    expect(one.body).toEqual(byShort.body[0]);
    const all = await gazu('data/task-status', teamBot.token);
    expect(all.body.map((s: { short_name: string }) => s.short_name)).toEqual(
      expect.arrayContaining(['todo', 'wip', 'wfa', 'retake', 'done']),
    );
  });

  it('all_departments, get_department_by_name', async () => {
    const byName = await gazu(
      `data/departments?name=${encodeURIComponent(studio.animation.name.toUpperCase())}`,
      teamBot.token,
    );
    expect(byName.status).toBe(200);
    expect(byName.body).toEqual([
      {
        id: studio.animation.id,
        created_at: null,
        updated_at: null,
        name: studio.animation.name,
        color: '#ff8800',
        archived: false,
        type: 'Department',
      },
    ]);
    const all = await gazu('data/departments', teamBot.token);
    expect(all.body.map((d: { id: string }) => d.id)).toEqual(
      expect.arrayContaining([studio.animation.id, studio.lighting.id]),
    );
  });

  it('answers a malformed id 400 naming it, and an unknown one 404', async () => {
    const malformed = await gazu('data/task-types/not-an-id', teamBot.token);
    expect(malformed).toMatchObject({ status: 400, body: { code: 'BAD_REQUEST', field: 'id' } });
    const unknown = await gazu(`data/departments/${teamBot.bot.id}`, teamBot.token);
    expect(unknown).toMatchObject({ status: 404, body: { error: true, code: 'NOT_FOUND' } });
  });
});

describe('gazu.person', () => {
  it('all_persons, get_person, get_person_by_email and _by_full_name: users, and bots for bot admins', async () => {
    const user = await createUser(server, { role: 'supervisor' });
    const adminBot = await createBot(server, { role: 'admin' });
    const all = await gazu('data/persons', adminBot.token);
    expect(all.status).toBe(200);
    expect(all.body.map((p: { id: string }) => p.id)).toContain(user.id);
    // Bots are listed to those who may manage them: admins signed in as users.
    expect(all.body.filter((p: { is_bot: boolean }) => p.is_bot)).toEqual([]);

    const byEmail = await gazu(
      `data/persons?email=${encodeURIComponent(user.email)}&is_bot=False`,
      adminBot.token,
    );
    expect(byEmail.body).toHaveLength(1);
    expect(byEmail.body[0]).toMatchObject({
      id: user.id,
      email: user.email,
      full_name: user.name,
      role: 'supervisor',
      is_bot: false,
      type: 'Person',
    });
    expect((await gazu(`data/persons?id=${user.id}`, adminBot.token)).body).toEqual(byEmail.body);
    expect((await gazu(`data/persons/${user.id}`, adminBot.token)).body).toEqual(byEmail.body[0]);

    const adminUser = await login(server);
    const name = encodeURIComponent(teamBot.bot.name);
    expect((await gazu(`data/persons?full_name=${name}&is_bot=False`, adminUser)).body).toEqual([]);
    const bot = await gazu(`data/persons?full_name=${name}&is_bot=True`, adminUser);
    expect(bot.body.map((p: { id: string }) => p.id)).toEqual([teamBot.bot.id]);
  });

  it('is 403 (NotAllowedException) for those who may not list people, 400 for a bad boolean', async () => {
    const refused = await gazu('data/persons', teamBot.token);
    expect(refused).toMatchObject({ status: 403, body: { error: true, code: 'FORBIDDEN' } });
    const admin = await createBot(server, { role: 'admin' });
    const bad = await gazu('data/persons?is_bot=maybe', admin.token);
    expect(bad).toMatchObject({ status: 400, body: { code: 'BAD_REQUEST', field: 'is_bot' } });
  });
});

describe('refusals, in the statuses gazu turns into its exceptions', () => {
  it('401 (NotAuthenticatedException) for no token, a forged one and a revoked one', async () => {
    const none = await gazu('data/projects');
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ error: true, code: 'UNAUTHORIZED', reason: 'no_credential' });
    expect(none.body.message).toEqual(expect.any(String));

    const forged = await gazu('data/projects', `${teamBot.token.slice(0, -4)}AAAA`);
    expect(forged.status).toBe(401);
    expect(forged.body.reason).toBe('bad_signature');

    const bot = await createBot(server);
    await (await adminClient(server)).bots.regenerateToken.mutate({ id: bot.bot.id });
    const revoked = await gazu('auth/authenticated', bot.token);
    expect(revoked.status).toBe(401);
    expect(revoked.body).toMatchObject({ error: true, code: 'UNAUTHORIZED' });
  });

  it('400 (ParameterException) for a malformed id or a filter given twice, naming the field', async () => {
    const malformed = await gazu('data/projects/not-an-id', teamBot.token);
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ error: true, code: 'BAD_REQUEST', field: 'id' });
    const twice = await gazu('data/projects?name=a&name=b', teamBot.token);
    expect(twice.status).toBe(400);
    expect(twice.body).toMatchObject({ code: 'BAD_REQUEST', field: 'name' });
  });

  it('404 (RouteNotFoundException) for a route Clapper does not serve, in the same shape', async () => {
    const missing = await gazu('data/playlists', teamBot.token);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/json/);
    expect(missing.body).toMatchObject({ error: true, code: 'NOT_FOUND' });
    // /api/v1 keeps its own routes and shape.
    const rest = await fetch(`${server.url}/api/v1/projects`, {
      headers: { authorization: `Bearer ${teamBot.token}` },
    });
    expect(rest.status).toBe(200);
  });
});

describe("zou's list filters", () => {
  it('filter on any field of the rows, ignore what names no field, and never answer all for an unknown value', async () => {
    const admin = await createBot(server, { role: 'admin' });
    const adminUser = await login(server);
    // A field Clapper leaves empty matches nothing: gazu's fetch_first then reads None.
    expect((await gazu('data/persons?desktop_login=ada&is_bot=False', adminUser)).body).toEqual([]);
    expect((await gazu('data/task-types?short_name=anim', admin.token)).body).toEqual([]);
    // A parameter that names no field is ignored, as zou ignores what is not a column.
    const all = (await gazu('data/task-types', admin.token)).body;
    expect((await gazu('data/task-types?with_pass_hash=true', admin.token)).body).toEqual(all);
    // A list of ids contains the value; an exact field matches exactly.
    const dept = studio.animation.id;
    const animator = await createBot(server, { departmentIds: [dept] });
    const inDept = (await gazu(`data/persons?departments=${dept}`, adminUser)).body;
    const ids = inDept.map((p: { id: string }) => p.id);
    expect(ids).toContain(animator.bot.id);
    expect(ids).not.toContain(admin.bot.id);
    expect(inDept.every((p: { departments: string[] }) => p.departments.includes(dept))).toBe(true);
    const types = (await gazu(`data/task-types?department_id=${dept}`, admin.token)).body;
    expect(types.map((t: { id: string }) => t.id).sort()).toEqual(
      [studio.animate.id, studio.layout.id].sort(),
    );
    // A boolean field reads zou's spellings; anything else is 400 naming it.
    const done = (await gazu('data/task-status?is_done=True', admin.token)).body;
    expect(done.map((s: { short_name: string }) => s.short_name)).toEqual(['done']);
    const bad = await gazu('data/task-status?is_done=maybe', admin.token);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'BAD_REQUEST', field: 'is_done' });
  });
});

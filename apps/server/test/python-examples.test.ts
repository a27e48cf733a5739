/**
 * The Python examples (`scripts/examples/python`, standard library only) run with the
 * machine's python3 against a real server, as a bot calling the REST API: what they print,
 * and what they changed as the admin's tRPC client reads it back.
 */
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import {
  adminClient,
  CHECKOUT,
  type Client,
  createStudio,
  createTeamBot,
  runProcess,
  startTestServer,
  type TestServer,
} from '@clapper/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const folder = join(CHECKOUT, 'scripts/examples/python');

let server: TestServer;
let admin: Client;
let project: { id: string; name: string };
let bot: { id: string; name: string; token: string };
let studio: Awaited<ReturnType<typeof createStudio>>;
let studioBot: { token: string; bot: { id: string } };
let taskId: string;

/** python3 in the examples' folder as a bot: `CLAPPER_HOST`, `CLAPPER_TOKEN` in its env. */
function python(args: string[], token: string, host = server.url) {
  return runProcess('python3', args, {
    cwd: folder,
    env: {
      PATH: process.env.PATH,
      CLAPPER_HOST: host,
      CLAPPER_TOKEN: token,
      // No __pycache__ left in the checkout.
      PYTHONDONTWRITEBYTECODE: '1',
      PYTHONIOENCODING: 'utf-8',
    },
  });
}

/** A Kitsu example as gazu would be set up: `KITSU_HOST` ends in /api, as `gazu.set_host` does. */
function kitsuScript(script: string, args: string[], token: string) {
  return runProcess('python3', [script, ...args], {
    cwd: folder,
    env: {
      PATH: process.env.PATH,
      KITSU_HOST: `${server.url}/api`,
      KITSU_TOKEN: token,
      PYTHONDONTWRITEBYTECODE: '1',
      PYTHONIOENCODING: 'utf-8',
    },
  });
}

beforeAll(async () => {
  server = await startTestServer();
  admin = await adminClient(server);
  project = await admin.projects.create.mutate({ name: 'MyProduction' });
  const created = await createTeamBot(server, project.id, { role: 'artist' });
  bot = { id: created.bot.id, name: created.bot.name, token: created.token };
  studio = await createStudio(server);
  studioBot = await createTeamBot(server, studio.project.id);
  const task = await admin.tasks.create.mutate({
    entityId: studio.shot.id,
    taskTypeId: studio.animate.id,
  });
  taskId = task.id;
});

afterAll(async () => {
  await server?.close();
});

describe('get_project.py', () => {
  it("prints the project's id, name and team, the bot among them", async () => {
    const run = await python(['get_project.py'], bot.token);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const printed = JSON.parse(lines[0]!);
    const team = (await admin.projects.get.query({ id: project.id })).team.map((p) => p.name);
    expect(printed).toEqual({ id: project.id, name: 'MyProduction', team });
    expect(printed.team).toContain(bot.name);
  });

  it('finds a project whose name needs percent-encoding', async () => {
    const name = 'Épisode 2 & co? #1/2 +';
    const other = await admin.projects.create.mutate({ name });
    await admin.projects.addMember.mutate({ projectId: other.id, personId: bot.id });
    const run = await python(['get_project.py', name], bot.token);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toMatchObject({ id: other.id, name });
  });

  it('exits 1 with NOT_FOUND for a project it cannot find', async () => {
    const run = await python(['get_project.py', 'No Such Production & co?'], bot.token);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('NOT_FOUND');
  });

  it('exits 1 with UNAUTHORIZED for a wrong token', async () => {
    const run = await python(['get_project.py'], `${bot.token.slice(0, -4)}AAAA`);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('UNAUTHORIZED');
  });

  it('exits 1 naming the host when nothing answers there', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const host = `http://127.0.0.1:${port}`;
    const run = await python(['get_project.py'], bot.token, host);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`cannot reach Clapper at ${host}/api/v1`);
  });
});

describe('kitsu_seed.py', () => {
  const kitsu = (args: string[], token: string) => kitsuScript('kitsu_seed.py', args, token);

  it("runs the seed's example through Kitsu's API: the host is up, who calls, the project", async () => {
    const run = await kitsu(['MyProduction'], bot.token);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      up: true,
      user: bot.name,
      project: { id: project.id, name: 'MyProduction' },
    });
    // gazu's fetch_first: no such project is None.
    const none = await kitsu(['No Such Production & co?'], bot.token);
    expect(JSON.parse(none.stdout)).toMatchObject({ project: null });
  });

  it('exits 1 with the status gazu raises on for a wrong token', async () => {
    const run = await kitsu(['MyProduction'], `${bot.token.slice(0, -4)}AAAA`);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^kitsu_seed: 401 /);
  });
});

describe('kitsu_publish.py', () => {
  const publish = (args: string[], token: string) => kitsuScript('kitsu_publish.py', args, token);

  // A studio of its own: the other examples count the first studio's tasks.
  let own: Awaited<ReturnType<typeof createStudio>>;
  let publisher: { token: string };
  beforeAll(async () => {
    own = await createStudio(server);
    publisher = await createTeamBot(server, own.project.id);
  });

  it('makes the sequence, shot and task a gazu publisher makes, and comments with a status', async () => {
    const args = [own.project.name, 'SQ77', 'SH770', own.animate.name];
    const run = await publish([...args, 'First cut ✓'], publisher.token);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const printed = JSON.parse(run.stdout);
    expect(printed).toMatchObject({
      shot: { name: 'SH770', sequence_id: expect.any(String) },
      status: 'wfa',
      comment: 'First cut ✓',
    });
    const shot = await admin.shots.get.query({ id: printed.shot.id });
    expect(shot).toMatchObject({ sequence: 'SQ77', frameIn: 1001, frameOut: 1100 });
    expect(shot.sequenceId).toBe(printed.shot.sequence_id);
    const task = await admin.tasks.get.query({ id: printed.task });
    expect(task).toMatchObject({ entity: { id: shot.id }, status: { shortName: 'wfa' } });
    // Run again: gazu's get-or-create finds all three; one more comment, nothing else made.
    const rerun = await publish([...args, 'Second cut'], publisher.token);
    expect(rerun.stderr).toBe('');
    const again = JSON.parse(rerun.stdout);
    expect(again).toMatchObject({ shot: printed.shot, task: printed.task, comment: 'Second cut' });
    expect((await admin.comments.list.query({ taskId: printed.task })).items).toHaveLength(2);
  });

  it('exits 1 with the status gazu raises on when the bot may not make shots', async () => {
    const artist = await createTeamBot(server, studio.project.id, { role: 'artist' });
    const run = await publish(
      [studio.project.name, 'SQ78', 'SH1', studio.animate.name],
      artist.token,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^kitsu_publish: 403 /);
    const sequences = await admin.sequences.list.query({
      projectId: studio.project.id,
      name: 'SQ78',
    });
    expect(sequences.items).toEqual([]);
  });
});

describe('comment_with_status.py', () => {
  it("posts the comment and changes the task's status in one call", async () => {
    const text = 'Retake: café ✓ — 日本語';
    const before = await admin.tasks.get.query({ id: taskId });
    expect(before.status.shortName).not.toBe('retake');
    const run = await python(['comment_with_status.py', taskId, 'retake', text], studioBot.token);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const printed = JSON.parse(lines[0]!);
    expect(printed).toEqual({ commentId: expect.any(String), status: 'retake', text });

    const task = await admin.tasks.get.query({ id: taskId });
    expect(task.status.id).toBe(studio.statuses.retake!.id);
    const comments = (await admin.comments.list.query({ taskId })).items;
    const comment = comments.find((c) => c.id === printed.commentId);
    expect(comment).toMatchObject({ text, statusId: studio.statuses.retake!.id });
  });

  it('exits 1 for an unknown status short name, and changes nothing', async () => {
    const before = {
      task: await admin.tasks.get.query({ id: taskId }),
      comments: await admin.comments.list.query({ taskId }),
    };
    const run = await python(
      ['comment_with_status.py', taskId, 'no-such-status', 'never posted'],
      studioBot.token,
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain("no task status with short name 'no-such-status'");
    expect(await admin.tasks.get.query({ id: taskId })).toEqual(before.task);
    expect(await admin.comments.list.query({ taskId })).toEqual(before.comments);
  });

  it("raises ClapperError with the API's status, code and field, and posts nothing", async () => {
    const before = await admin.comments.list.query({ taskId });
    const code = [
      'import json, sys, clapper',
      'try:',
      '    clapper.task.add_comment(*sys.argv[1:])',
      'except clapper.ClapperError as e:',
      '    print(json.dumps([e.status, e.code, e.field, e.reason, e.message]))',
    ].join('\n');
    const unknown = '01a227ae-0000-7000-8000-000000000000';
    const run = await python(['-c', code, taskId, unknown, 'never posted'], studioBot.token);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual([
      400,
      'BAD_REQUEST',
      'statusId',
      null,
      expect.stringContaining('no task status has this id'),
    ]);
    expect(await admin.comments.list.query({ taskId })).toEqual(before);
  });
});

describe('clapper.py', () => {
  it("answers the caller, its projects, a project's tasks and the statuses", async () => {
    const code = [
      'import json, sys, clapper',
      'print(json.dumps({',
      '  "me": clapper.client.get_current_user()["id"],',
      '  "projects": [p["id"] for p in clapper.project.all_open_projects()],',
      '  "tasks": [t["id"] for t in clapper.task.all_tasks_for_project(sys.argv[1])],',
      '  "statuses": [s["shortName"] for s in clapper.task.all_task_statuses()],',
      '}))',
    ].join('\n');
    const run = await python(['-c', code, studio.project.id], studioBot.token);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      me: studioBot.bot.id,
      projects: [studio.project.id],
      tasks: [taskId],
      statuses: Object.keys(studio.statuses),
    });
  });
});

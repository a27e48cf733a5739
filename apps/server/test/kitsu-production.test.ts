// gazu's production calls at /api (gazu.shot, gazu.asset, gazu.task, gazu.user's tasks,
// gazu.log_in, team changes): each request is one gazu 1.1.12 sends (docs/gazu-requests.md),
// against a real server, and each answer is checked against zou's shape, field by field where
// a script reads it. Every route calls the same procedures as tRPC: the refusals and the event
// log below are those of the rules everyone else meets.

import { IDEMPOTENCY_HEADER } from '@clapper/client/limits';
import {
  adminClient,
  type Client,
  createBot,
  createShotWithTask,
  createStudio,
  createTeamBot,
  createUser,
  gazuCall,
  login,
  type RestAnswer,
  startTestServer,
  type TestServer,
} from '@clapper/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let server: TestServer;
let admin: Client;
let studio: Awaited<ReturnType<typeof createStudio>>;
/** A manager bot on the studio project's team: what a pipeline bot usually is. */
let bot: Awaited<ReturnType<typeof createTeamBot>>;

beforeAll(async () => {
  server = await startTestServer();
  admin = await adminClient(server);
  studio = await createStudio(server);
  bot = await createTeamBot(server, studio.project.id);
});
afterAll(() => server?.close());

const ZOU_DATETIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/;
const NO_SUCH_ID = '00000000-0000-7000-8000-000000000000';

/** A gazu request with the bot's token (or `token`), expecting `status`. */
async function gazu(
  method: string,
  path: string,
  { body, token = bot.token, status }: { body?: unknown; token?: string; status?: number } = {},
): Promise<RestAnswer['body']> {
  const answer = await gazuCall(server, method, path, { token, body });
  if (status !== undefined) {
    expect(answer.status, `${method} ${path}: ${JSON.stringify(answer.body)}`).toBe(status);
  }
  return answer.body;
}
const get = (path: string, token?: string) => gazu('GET', path, { token, status: 200 });

const shotWithTask = (sequence: string, assigneeIds?: string[]) =>
  createShotWithTask(studio, sequence, assigneeIds);

/** gazu's `sort_by_name`: the order a script sees; every element must be a dict with a name. */
const names = (rows: { name: string }[]) => rows.map((r) => r.name);

describe('gazu.shot', () => {
  it('new_sequence, all_sequences_for_project, get_sequence, get_sequence_by_name', async () => {
    const pid = studio.project.id;
    const made = await gazu('POST', `data/projects/${pid}/sequences`, {
      body: { name: 'SQ20' },
      status: 201,
    });
    expect(made).toMatchObject({
      name: 'SQ20',
      project_id: pid,
      parent_id: null,
      type: 'Sequence',
      canceled: false,
      status: 'running',
      data: null,
    });
    expect(made.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(made.created_at).toMatch(ZOU_DATETIME);
    // zou's sequence POST is get-or-create, 201 either way.
    expect(
      await gazu('POST', `data/projects/${pid}/sequences`, { body: { name: 'SQ20' }, status: 201 }),
    ).toEqual(made);

    const all = await get(`data/projects/${pid}/sequences`);
    expect(names(all)).toEqual(expect.arrayContaining(['SQ01', 'SQ20']));
    expect(all.find((s: { id: string }) => s.id === made.id)).toEqual(made);

    expect(await get(`data/sequences/${made.id}`)).toEqual({
      ...made,
      project_name: studio.project.name,
    });
    // ILIKE: the case does not matter; gazu takes the first.
    expect(await get(`data/sequences?project_id=${pid}&name=sq20`)).toEqual([made]);
    expect(await get(`data/sequences?project_id=${pid}&name=SQ99`)).toEqual([]);
    const noProject = await gazu('GET', 'data/sequences?name=SQ20', { status: 400 });
    expect(noProject).toMatchObject({ error: true, code: 'BAD_REQUEST', field: 'project_id' });
  });

  it('new_shot (frames in data), get_shot_by_name, all_shots_for_sequence and _for_project', async () => {
    const pid = studio.project.id;
    const sequence = await gazu('POST', `data/projects/${pid}/sequences`, {
      body: { name: 'SQ30' },
      status: 201,
    });
    // What new_shot sends when get_shot_by_name finds nothing.
    const body = {
      name: 'SH010',
      data: { frame_in: 1001, frame_out: 1048 },
      sequence_id: sequence.id,
    };
    const shot = await gazu('POST', `data/projects/${pid}/shots`, { body, status: 201 });
    expect(shot).toMatchObject({
      name: 'SH010',
      project_id: pid,
      parent_id: sequence.id,
      nb_frames: 48,
      data: { frame_in: 1001, frame_out: 1048 },
      type: 'Shot',
      source_id: null,
    });
    expect(typeof shot.entity_type_id).toBe('string');
    // get-or-create: the same name in the sequence is the same shot.
    expect(await gazu('POST', `data/projects/${pid}/shots`, { body, status: 201 })).toEqual(shot);

    const byName = await get(`data/shots/all?sequence_id=${sequence.id}&name=sh010`);
    expect(byName).toEqual([{ ...shot, project_name: studio.project.name, sequence_name: 'SQ30' }]);
    expect(await get(`data/shots/all?sequence_id=${sequence.id}&name=SH999`)).toEqual([]);
    expect(await get(`data/sequences/${sequence.id}/shots`)).toEqual(byName);
    const inProject = await get(`data/projects/${pid}/shots`);
    expect(inProject).toContainEqual(shot);
    expect(inProject.find((s: { id: string }) => s.id === studio.shot.id)).toMatchObject({
      name: 'SH010',
      parent_id: studio.shot.sequenceId,
      data: { frame_in: 1001, frame_out: 1040 },
    });
    // And through Clapper's own API, the same shot.
    expect(await admin.shots.get.query({ id: shot.id })).toMatchObject({
      sequence: 'SQ30',
      sequenceId: sequence.id,
      frameIn: 1001,
      frameOut: 1048,
    });
  });

  it('get_shot: the full shot with its sequence, frames and tasks', async () => {
    const task = await admin.tasks.create.mutate({
      entityId: studio.shot.id,
      taskTypeId: studio.layout.id,
      assigneeIds: [bot.bot.id],
    });
    const full = await get(`data/shots/${studio.shot.id}`);
    expect(full).toMatchObject({
      id: studio.shot.id,
      type: 'Shot',
      project_name: studio.project.name,
      sequence_id: studio.shot.sequenceId,
      sequence_name: 'SQ01',
      frame_in: 1001,
      frame_out: 1040,
      episode_id: null,
      episode_name: '',
      entities_out: [],
      instance_casting: [],
    });
    expect(full.tasks).toContainEqual(
      expect.objectContaining({
        id: task.id,
        entity_id: studio.shot.id,
        task_type_id: studio.layout.id,
        task_status_id: studio.statuses.todo!.id,
        assignees: [bot.bot.id],
        last_preview_file_id: null,
      }),
    );
  });

  it('update_shot (PUT data/entities): renamed, moved to another sequence, frames from data', async () => {
    const pid = studio.project.id;
    const [a, b] = await Promise.all(
      ['SQ40', 'SQ41'].map((name) =>
        gazu('POST', `data/projects/${pid}/sequences`, { body: { name }, status: 201 }),
      ),
    );
    const shot = await gazu('POST', `data/projects/${pid}/shots`, {
      body: { name: 'SH100', data: { frame_in: 1, frame_out: 10 }, sequence_id: a.id },
      status: 201,
    });
    // gazu sends the whole dict back, with what the script changed.
    const sent = { ...shot, name: 'SH110', parent_id: b.id, data: { frame_in: 1, frame_out: 20 } };
    const updated = await gazu('PUT', `data/entities/${shot.id}`, { body: sent, status: 200 });
    expect(updated).toMatchObject({
      id: shot.id,
      name: 'SH110',
      parent_id: b.id,
      data: { frame_in: 1, frame_out: 20 },
      nb_frames: 20,
      type: 'Shot',
      entities_out: [],
    });
    expect(await get(`data/entities/${shot.id}`)).toEqual(updated);
    expect(await get(`data/shots/all?sequence_id=${a.id}`)).toEqual([]);
    // Bad frames are Clapper's rule, refused with the field named and nothing changed.
    const bad = await gazu('PUT', `data/entities/${shot.id}`, {
      body: { data: { frame_in: 50, frame_out: 10 } },
      status: 400,
    });
    expect(bad).toMatchObject({ error: true, code: 'BAD_REQUEST', field: 'frameOut' });
    expect((await get(`data/entities/${shot.id}`)).data).toEqual({ frame_in: 1, frame_out: 20 });
  });

  it('remove_shot: refused while it has tasks unless forced; then gone with its tasks', async () => {
    const pid = studio.project.id;
    const { shot, task } = await shotWithTask('SQ50');
    const refused = await gazu('DELETE', `data/shots/${shot.id}`, { status: 400 });
    expect(refused).toMatchObject({ code: 'BAD_REQUEST', field: 'force' });
    await get(`data/shots/${shot.id}`);
    const gone = await gazuCall(server, 'DELETE', `data/shots/${shot.id}?force=True`, {
      token: bot.token,
    });
    expect(gone.status).toBe(204);
    await gazu('GET', `data/shots/${shot.id}`, { status: 404 });
    await gazu('GET', `data/tasks/${task.id}/full`, { status: 404 });
    const empty = await admin.shots.create.mutate({
      projectId: pid,
      sequence: 'SQ50',
      name: 'SH2',
    });
    await gazu('DELETE', `data/shots/${empty.id}`, { status: 204 });
  });
});

describe('gazu.asset', () => {
  it('new_asset, asset types (all, for project, by name), assets (all, by type, by name), get_asset', async () => {
    const pid = studio.project.id;
    const seed = await admin.assets.create.mutate({
      projectId: pid,
      assetType: 'Character',
      name: 'Hero',
    });
    const typeId = seed.assetTypeId!;
    const types = await get('data/asset-types');
    expect(types).toContainEqual({
      id: typeId,
      created_at: expect.stringMatching(ZOU_DATETIME),
      updated_at: expect.stringMatching(ZOU_DATETIME),
      name: 'Character',
      short_name: null,
      description: null,
      archived: false,
      type: 'AssetType',
      task_types: [],
    });
    expect(await get(`data/asset-types/${typeId}`)).toMatchObject({
      id: typeId,
      name: 'Character',
    });
    // get_asset_type_by_name goes to the generic entity-type route, matched in any case.
    expect(await get('data/entity-types?name=character')).toEqual([
      expect.objectContaining({ id: typeId, name: 'Character', type: 'EntityType' }),
    ]);
    expect(await get(`data/projects/${pid}/asset-types`)).toEqual([
      expect.objectContaining({ id: typeId, type: 'AssetType' }),
    ]);

    const made = await gazu('POST', `data/projects/${pid}/asset-types/${typeId}/assets/new`, {
      body: { name: 'Sidekick', data: {}, is_shared: false },
      status: 201,
    });
    expect(made).toMatchObject({
      name: 'Sidekick',
      project_id: pid,
      entity_type_id: typeId,
      parent_id: null,
      type: 'Asset',
    });
    // Not get-or-create in zou: a duplicate is a 400 gazu raises, not a 409 it would return.
    const twice = await gazu('POST', `data/projects/${pid}/asset-types/${typeId}/assets/new`, {
      body: { name: 'Sidekick' },
      status: 400,
    });
    expect(twice).toMatchObject({ error: true, code: 'CONFLICT', field: 'name' });

    expect(names(await get(`data/projects/${pid}/assets`))).toEqual(
      expect.arrayContaining(['Hero', 'Sidekick']),
    );
    expect(names(await get(`data/projects/${pid}/asset-types/${typeId}/assets`)).sort()).toEqual([
      'Hero',
      'Sidekick',
    ]);
    expect(await get(`data/assets/all?project_id=${pid}&name=SIDEKICK`)).toEqual([made]);
    expect(
      await get(`data/assets/all?project_id=${pid}&name=Sidekick&entity_type_id=${NO_SUCH_ID}`),
    ).toEqual([]);

    const full = await get(`data/assets/${made.id}`);
    expect(full).toMatchObject({
      id: made.id,
      type: 'Asset',
      project_name: studio.project.name,
      asset_type_id: typeId,
      asset_type_name: 'Character',
      ready_for: 'None',
      episode_id: '',
      tasks: [],
    });
    expect(full).not.toHaveProperty('source_id');
    expect(full).not.toHaveProperty('nb_frames');
  });

  it('update_asset retypes and renames through PUT data/entities; remove_asset', async () => {
    const pid = studio.project.id;
    const prop = await admin.assets.create.mutate({
      projectId: pid,
      assetType: 'Prop',
      name: 'Cup',
    });
    const set = await admin.assets.create.mutate({
      projectId: pid,
      assetType: 'Set',
      name: 'Room',
    });
    const asset = (await get(`data/assets/all?project_id=${pid}&name=Cup`))[0];
    const updated = await gazu('PUT', `data/entities/${prop.id}`, {
      body: { ...asset, name: 'Mug', entity_type_id: set.assetTypeId },
      status: 200,
    });
    expect(updated).toMatchObject({ id: prop.id, name: 'Mug', entity_type_id: set.assetTypeId });
    expect(await admin.assets.get.query({ id: prop.id })).toMatchObject({
      name: 'Mug',
      assetType: 'Set',
    });
    await gazu('DELETE', `data/assets/${prop.id}`, { status: 204 });
    await gazu('GET', `data/assets/${prop.id}`, { status: 404 });
  });
});

describe('gazu.task', () => {
  it('new_task at the default status, get_task_by_entity, all_tasks_for_shot/_asset, get_task', async () => {
    const pid = studio.project.id;
    const shot = await admin.shots.create.mutate({ projectId: pid, sequence: 'SQ60', name: 'SH1' });
    // new_task asks for the default status first.
    const [todo] = await get('data/task-status?is_default=True');
    expect(todo).toMatchObject({ id: studio.statuses.todo!.id, is_default: true });
    const body = {
      project_id: pid,
      entity_id: shot.id,
      task_type_id: studio.animate.id,
      task_status_id: todo.id,
      assignees: [bot.bot.id],
      name: 'main',
    };
    const task = await gazu('POST', 'data/tasks', { body, status: 201 });
    expect(task).toMatchObject({
      name: 'main',
      project_id: pid,
      entity_id: shot.id,
      task_type_id: studio.animate.id,
      task_status_id: todo.id,
      assignees: [bot.bot.id],
      assigner_id: null,
      type: 'Task',
      retake_count: 0,
    });
    expect(task.created_at).toMatch(ZOU_DATETIME);
    // A second one is a 400 gazu raises (zou: "Task already exists.").
    expect(await gazu('POST', 'data/tasks', { body, status: 400 })).toMatchObject({
      code: 'CONFLICT',
    });

    const byEntity = await get(
      `data/tasks?name=main&task_type_id=${studio.animate.id}&entity_id=${shot.id}`,
    );
    // The list route writes no relations: the task without its assignees.
    const { assignees: _assignees, ...plain } = task;
    expect(byEntity).toEqual([plain]);
    expect(
      await get(`data/tasks?name=other&task_type_id=${studio.animate.id}&entity_id=${shot.id}`),
    ).toEqual([]);

    const forShot = await get(`data/shots/${shot.id}/tasks`);
    expect(forShot).toEqual([
      expect.objectContaining({
        id: task.id,
        project_name: studio.project.name,
        task_type_name: studio.animate.name,
        task_status_name: todo.name,
        entity_name: 'SH1',
      }),
    ]);
    expect(forShot[0]).not.toHaveProperty('assignees');
    expect((await get(`data/shots/${shot.id}/tasks?relations=True`))[0].assignees).toEqual([
      bot.bot.id,
    ]);
    const asset = await admin.assets.create.mutate({
      projectId: pid,
      assetType: 'Prop',
      name: 'Lamp',
    });
    const assetTask = await admin.tasks.create.mutate({
      entityId: asset.id,
      taskTypeId: studio.model.id,
    });
    expect((await get(`data/assets/${asset.id}/tasks`)).map((t: { id: string }) => t.id)).toEqual([
      assetTask.id,
    ]);

    const full = await get(`data/tasks/${task.id}/full`);
    expect(full).toMatchObject({
      id: task.id,
      type: 'Task',
      assignees: [bot.bot.id],
      entity: { id: shot.id, name: 'SH1', type: 'Entity', parent_id: shot.sequenceId },
      entity_type: { name: 'Shot' },
      project: { id: pid, name: studio.project.name, type: 'Project' },
      task_status: { id: todo.id, short_name: 'todo', type: 'TaskStatus' },
      task_type: { id: studio.animate.id, for_entity: 'Shot', type: 'TaskType' },
      sequence: { id: shot.sequenceId, name: 'SQ60', type: 'Sequence' },
      persons: [expect.objectContaining({ id: bot.bot.id, is_bot: true, type: 'Person' })],
    });
  });

  it('all_tasks_for_task_status, assign_task (a list, unknown ids skipped)', async () => {
    const pid = studio.project.id;
    const { task } = await shotWithTask('SQ61');
    const artist = await createUser(server, { role: 'artist' });
    const assigned = await gazu('PUT', `actions/persons/${artist.id}/assign`, {
      body: { task_ids: [task.id, NO_SUCH_ID] },
      status: 400,
    });
    // Not on the team: Clapper's rule, with the field named.
    expect(assigned).toMatchObject({ code: 'BAD_REQUEST', field: 'personIds' });
    await admin.projects.addMember.mutate({ projectId: pid, personId: artist.id });
    const list = await gazu('PUT', `actions/persons/${artist.id}/assign`, {
      body: { task_ids: [task.id, NO_SUCH_ID] },
      status: 200,
    });
    expect(list).toEqual([expect.objectContaining({ id: task.id, assignees: [artist.id] })]);
    const again = await gazu('PUT', `actions/persons/${bot.bot.id}/assign`, {
      body: { task_ids: [task.id] },
      status: 200,
    });
    expect(again[0].assignees.sort()).toEqual([artist.id, bot.bot.id].sort());

    const todo = await get(
      `data/tasks?project_id=${pid}&task_type_id=${studio.animate.id}&task_status_id=${studio.statuses.todo!.id}`,
    );
    expect(todo.map((t: { id: string }) => t.id)).toContain(task.id);
    expect(todo[0]).not.toHaveProperty('assignees');
    const done = await get(
      `data/tasks?project_id=${pid}&task_type_id=${studio.animate.id}&task_status_id=${studio.statuses.done!.id}`,
    );
    expect(done.map((t: { id: string }) => t.id)).not.toContain(task.id);
  });

  it('add_comment moves the status, writes the events tRPC writes; all_comments_for_task newest first', async () => {
    const { task } = await shotWithTask('SQ62', [bot.bot.id]);
    const wip = studio.statuses.wip!;
    const before = await server.services.reads.events.head();
    // What add_comment sends without attachments.
    const comment = await gazu('POST', `actions/tasks/${task.id}/comment`, {
      body: {
        task_status_id: wip.id,
        comment: 'Started',
        checklist: [],
        links: [],
        for_client: false,
      },
      status: 201,
    });
    expect(comment).toMatchObject({
      object_id: task.id,
      object_type: 'Task',
      text: 'Started',
      task_status_id: wip.id,
      person_id: bot.bot.id,
      type: 'Comment',
      task_status: { id: wip.id, short_name: 'wip', type: 'TaskStatus' },
      person: { id: bot.bot.id, is_bot: true, type: 'Person' },
      attachment_files: [],
    });
    expect((await get(`data/tasks/${task.id}/full`)).task_status_id).toBe(wip.id);
    // A status-only comment, as gazu.task.start_task sends: empty text.
    const wfa = studio.statuses.wfa!;
    await gazu('POST', `actions/tasks/${task.id}/comment`, {
      body: { task_status_id: wfa.id, comment: '' },
      status: 201,
    });
    // As comments.add writes it: one event per comment, carrying the status it set (newest first).
    const { items } = await admin.events.list.query({ after: before, limit: 100 });
    const mine = items.filter((e) => e.actorId === bot.bot.id);
    expect(mine.map((e) => [e.type, e.data])).toEqual([
      ['comment.added', { statusId: wfa.id, from: wip.id }],
      ['comment.added', { statusId: wip.id, from: studio.statuses.todo!.id }],
    ]);

    const comments = await get(`data/tasks/${task.id}/comments`);
    expect(comments.map((c: { text: string }) => c.text)).toEqual(['', 'Started']);
    expect(comments[1]).toMatchObject({
      id: comment.id,
      person: { id: bot.bot.id, full_name: bot.bot.name, role: 'manager', has_avatar: false },
      task_status: { id: wip.id, short_name: 'wip', name: wip.name },
      previews: [],
    });
    // get_last_comment_for_task takes [0]: the newest.
    expect(comments[0].task_status.id).toBe(wfa.id);
    // Empty text and no status: Clapper's text rule, with the field named.
    const empty = await gazu('POST', `actions/tasks/${task.id}/comment`, {
      body: { comment: '' },
      status: 400,
    });
    expect(empty).toMatchObject({ code: 'BAD_REQUEST', field: 'text' });
  });
});

describe('gazu.user and gazu.log_in', () => {
  it("log_in gives a person's token that gazu then sends; all_tasks_to_do lists its open tasks", async () => {
    const user = await createUser(server, { role: 'artist' });
    await admin.projects.addMember.mutate({ projectId: studio.project.id, personId: user.id });
    const shot = await admin.shots.create.mutate({
      projectId: studio.project.id,
      sequence: 'SQ70',
      name: 'SH1',
    });
    const [open, closed] = await Promise.all(
      [studio.animate.id, studio.layout.id].map((taskTypeId) =>
        admin.tasks.create.mutate({ entityId: shot.id, taskTypeId, assigneeIds: [user.id] }),
      ),
    );
    await admin.tasks.setStatus.mutate({ taskId: closed!.id, statusId: studio.statuses.done!.id });
    // All six keys, as gazu.log_in always sends them.
    const session = await gazu('POST', 'auth/login', {
      token: '',
      body: {
        email: user.email,
        password: user.password,
        totp: null,
        email_otp: null,
        fido_authentication_response: null,
        recovery_code: null,
      },
      status: 200,
    });
    expect(session).toMatchObject({
      login: true,
      user: { id: user.id, email: user.email, is_bot: false, type: 'Person' },
      organisation: { type: 'Organisation' },
    });
    const todo = await get('data/user/tasks', session.access_token);
    expect(todo.map((t: { id: string }) => t.id)).toEqual([open!.id]);
    expect(todo[0]).toMatchObject({
      project_name: studio.project.name,
      entity_name: 'SH1',
      sequence_name: 'SQ70',
      task_status_short_name: 'todo',
      task_type_name: studio.animate.name,
      assignees: [user.id],
    });
    // gazu sends the token it holds with log_in too: a bot's token set before does not matter.
    const again = await gazu('POST', 'auth/login', {
      body: { email: user.email, password: user.password },
      status: 200,
    });
    expect(again.user.id).toBe(user.id);
    // log_out ends the session: its token is refused from then on; a bot may not log out.
    expect(await gazu('GET', 'auth/logout', { token: again.access_token, status: 200 })).toEqual({
      logout: true,
    });
    await gazu('GET', 'auth/authenticated', { token: again.access_token, status: 401 });
    await gazu('GET', 'auth/logout', { status: 403 });
    // A wrong password is 401 (gazu: AuthFailedException); a bot has no to-do list (403).
    const refused = await gazu('POST', 'auth/login', {
      token: '',
      body: { email: user.email, password: 'wrong-password' },
      status: 401,
    });
    expect(refused).toMatchObject({ error: true, code: 'UNAUTHORIZED' });
    await gazu('GET', 'data/user/tasks', { status: 403 });
    // host_is_valid's fake login: 400 or 401 means a valid host.
    const fake = await gazuCall(server, 'POST', 'auth/login', { body: { email: '' } });
    expect([400, 401]).toContain(fake.status);
  });
});

describe('gazu.project team changes', () => {
  it('add_person_to_team (201, the project), remove_person_from_team (204)', async () => {
    const artist = await createUser(server, { role: 'artist' });
    const pid = studio.project.id;
    const added = await gazu('POST', `data/projects/${pid}/team`, {
      body: { person_id: artist.id },
      status: 201,
    });
    expect(added).toMatchObject({ id: pid, type: 'Project' });
    expect(added).not.toHaveProperty('team');
    expect((await get(`data/projects/${pid}`)).team).toContain(artist.id);
    // Already on the team: no change, still 201.
    await gazu('POST', `data/projects/${pid}/team`, {
      body: { person_id: artist.id },
      status: 201,
    });
    await gazu('DELETE', `data/projects/${pid}/team/${artist.id}`, { status: 204 });
    expect((await get(`data/projects/${pid}`)).team).not.toContain(artist.id);
  });
});

describe('one set of rules', () => {
  it('an artist bot reads but may not make shots (403); an outsider sees no project (404)', async () => {
    const artist = await createTeamBot(server, studio.project.id, { role: 'artist' });
    const pid = studio.project.id;
    await get(`data/projects/${pid}/shots`, artist.token);
    const refused = await gazu('POST', `data/projects/${pid}/shots`, {
      token: artist.token,
      body: { name: 'SH1', sequence_id: studio.shot.sequenceId },
      status: 403,
    });
    expect(refused).toMatchObject({ error: true, code: 'FORBIDDEN' });
    const outsider = await createBot(server, { role: 'manager' });
    for (const path of [
      `data/projects/${pid}/shots`,
      `data/shots/${studio.shot.id}`,
      `data/sequences/${studio.shot.sequenceId}`,
      `data/shots/${studio.shot.id}/tasks`,
    ]) {
      const answer = await gazuCall(server, 'GET', path, { token: outsider.token });
      expect(answer.status, path).toBe(404);
      expect(JSON.stringify(answer.body)).not.toContain(studio.project.name);
    }
  });

  it("a client comments at the task's status (no change), but may not change it (403)", async () => {
    const client = await createTeamBot(server, studio.project.id, { role: 'client' });
    const { task } = await shotWithTask('SQ85');
    const note = await gazu('POST', `actions/tasks/${task.id}/comment`, {
      token: client.token,
      body: { task_status_id: studio.statuses.todo!.id, comment: 'Looks good' },
      status: 201,
    });
    expect(note).toMatchObject({ text: 'Looks good', task_status_id: studio.statuses.todo!.id });
    const move = await gazu('POST', `actions/tasks/${task.id}/comment`, {
      token: client.token,
      body: { task_status_id: studio.statuses.done!.id, comment: 'Approved' },
      status: 403,
    });
    expect(move).toMatchObject({ error: true, code: 'FORBIDDEN' });
    expect((await admin.tasks.get.query({ id: task.id })).status.shortName).toBe('todo');
    expect(await admin.comments.list.query({ taskId: task.id })).toMatchObject({
      items: [{ text: 'Looks good' }],
    });
  });

  it('a vendor hears of its own tasks only', async () => {
    const vendor = await createTeamBot(server, studio.project.id, { role: 'vendor' });
    const pid = studio.project.id;
    const shot = await admin.shots.create.mutate({ projectId: pid, sequence: 'SQ80', name: 'SH1' });
    const other = await admin.shots.create.mutate({
      projectId: pid,
      sequence: 'SQ81',
      name: 'SH1',
    });
    const mine = await admin.tasks.create.mutate({
      entityId: shot.id,
      taskTypeId: studio.animate.id,
      assigneeIds: [vendor.bot.id],
    });
    await admin.tasks.create.mutate({ entityId: other.id, taskTypeId: studio.animate.id });
    const tasks = await get(`data/tasks?project_id=${pid}`, vendor.token);
    expect(tasks.map((t: { id: string }) => t.id)).toEqual([mine.id]);
    expect(names(await get(`data/projects/${pid}/sequences`, vendor.token))).toEqual(['SQ80']);
    await gazu('GET', `data/shots/${other.id}`, { token: vendor.token, status: 404 });
  });

  it('a bad, revoked or expired token is 401 on every route', async () => {
    const { bot: doomed, token } = await createBot(server, { role: 'manager' });
    await admin.bots.update.mutate({ id: doomed.id, expiresAt: '2020-01-01' });
    const regenerated = await createBot(server, { role: 'manager' });
    await admin.bots.regenerateToken.mutate({ id: regenerated.bot.id });
    for (const bad of [token, regenerated.token, 'not-a-token', `${bot.token}x`]) {
      const answer = await gazuCall(server, 'GET', `data/shots/${studio.shot.id}`, { token: bad });
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ error: true, code: 'UNAUTHORIZED' });
    }
  });

  it('keeps Clapper dry runs and idempotency keys', async () => {
    const pid = studio.project.id;
    const dry = await fetch(`${server.url}/api/data/projects/${pid}/sequences`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${bot.token}`,
        'content-type': 'application/json',
        'x-clapper-dry-run': '1',
      },
      body: JSON.stringify({ name: 'DRY' }),
    });
    expect(dry.status).toBe(201);
    expect(await get(`data/sequences?project_id=${pid}&name=DRY`)).toEqual([]);
    // A comment sent twice with one key is written once; the repeat answers the first.
    const { task } = await shotWithTask('SQ90');
    const keyed = async () => {
      const res = await fetch(`${server.url}/api/actions/tasks/${task.id}/comment`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${bot.token}`,
          'content-type': 'application/json',
          [IDEMPOTENCY_HEADER]: `kitsu-${task.id}`,
        },
        body: JSON.stringify({ task_status_id: studio.statuses.todo!.id, comment: 'Once' }),
      });
      expect(res.status).toBe(201);
      return (await res.json()) as { id: string };
    };
    const first = await keyed();
    expect((await keyed()).id).toBe(first.id);
    expect(await get(`data/tasks/${task.id}/comments`)).toHaveLength(1);
  });

  it('a user token from login works on the Kitsu routes as on tRPC', async () => {
    const token = await login(server);
    expect((await get('auth/authenticated', token)).user.role).toBe('admin');
  });
});

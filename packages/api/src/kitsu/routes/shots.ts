/** gazu.shot: sequences and shots, read, made, changed and removed. */
import {
  type ClapperSequence,
  type ClapperShot,
  type ClapperTask,
  kitsuFullShot,
  kitsuListedShot,
  kitsuSequence,
  kitsuShot,
} from '../entities';
import {
  badParameter,
  filtered,
  type KitsuRequest,
  type KitsuSurface,
  notFoundHere,
} from '../surface';
import { projectById } from './projects';
import { removeSubject } from './subjects';

const byName = <T extends { name: string }>(rows: T[]) =>
  rows.sort((a, b) => a.name.localeCompare(b.name));

const sequenceById = (r: KitsuRequest, id: string) =>
  r.call<ClapperSequence>('sequences.get', { id });

/** The shots of a sequence (`name` without regard to case), as zou's shot lists add to them. */
async function shotsOf(r: KitsuRequest, sequence: ClapperSequence) {
  const project = await projectById(r, sequence.projectId);
  const shots = await r.pages<ClapperShot>('shots.list', {
    projectId: sequence.projectId,
    sequenceId: sequence.id,
  });
  return byName(
    filtered(
      r,
      shots.map((s) => kitsuListedShot(s, project.name)),
    ),
  );
}

/** Frames from a shot's `data`, where gazu's `new_shot` and `update_shot` put them. */
function framesOf(data: unknown) {
  if (data === undefined || data === null) return {};
  if (typeof data !== 'object' || Array.isArray(data))
    throw badParameter('data', 'must be an object');
  const { frame_in, frame_out } = data as Record<string, unknown>;
  return {
    ...(frame_in === undefined ? {} : { frameIn: frame_in }),
    ...(frame_out === undefined ? {} : { frameOut: frame_out }),
  };
}

export function shotRoutes(k: KitsuSurface) {
  // all_sequences_for_project.
  k.get('/data/projects/:id/sequences', async (r) =>
    byName(await r.pages<ClapperSequence>('sequences.list', { projectId: r.id('id') })).map(
      kitsuSequence,
    ),
  );

  // get_sequence: with its project's name.
  k.get('/data/sequences/:id', async (r) => {
    const sequence = await sequenceById(r, r.id('id'));
    const project = await projectById(r, sequence.projectId);
    return { ...kitsuSequence(sequence), project_name: project.name };
  });

  // get_sequence_by_name (`?project_id=&name=`). zou refuses a list across projects to all but
  // admins; Clapper asks every caller for the project.
  k.get('/data/sequences', async (r) => {
    const projectId = r.queryId('project_id');
    if (projectId === undefined) throw badParameter('project_id', 'give the project');
    const sequences = await r.pages<ClapperSequence>('sequences.list', { projectId });
    return byName(filtered(r, sequences.map(kitsuSequence)));
  });

  // new_sequence: get-or-create, 201 either way, as zou.
  k.post('/data/projects/:id/sequences', async (r) => {
    const { name } = r.body();
    return kitsuSequence(
      await r.call<ClapperSequence>('sequences.create', { projectId: r.id('id'), name }),
    );
  });

  // all_shots_for_project: plain shots.
  k.get('/data/projects/:id/shots', async (r) =>
    byName(await r.pages<ClapperShot>('shots.list', { projectId: r.id('id') })).map(kitsuShot),
  );

  // all_shots_for_sequence, and get_shot_by_name (`/data/shots/all?sequence_id=&name=`).
  k.get('/data/sequences/:id/shots', async (r) => shotsOf(r, await sequenceById(r, r.id('id'))));
  for (const url of ['/data/shots/all', '/data/shots']) {
    k.get(url, async (r) => {
      const sequenceId = r.queryId('sequence_id');
      if (sequenceId === undefined) throw badParameter('sequence_id', 'give the sequence');
      return shotsOf(r, await sequenceById(r, sequenceId));
    });
  }

  // get_shot: the full shot, with its tasks.
  k.get('/data/shots/:id', async (r) => {
    const shot = await r.call<ClapperShot>('shots.get', { id: r.id('id') });
    const [project, tasks] = await Promise.all([
      projectById(r, shot.projectId),
      r.pages<ClapperTask>('tasks.list', { projectId: shot.projectId, entityId: shot.id }),
    ]);
    return kitsuFullShot(shot, project.name, tasks);
  });

  // new_shot: `{name, sequence_id, data: {frame_in, frame_out}}`; one of that name already in
  // the sequence is answered as it is (201), as zou's get-or-create.
  k.post('/data/projects/:id/shots', async (r) => {
    const projectId = r.id('id');
    const body = r.body();
    if (typeof body.sequence_id !== 'string')
      throw badParameter('sequence_id', 'give the sequence');
    const sequence = await sequenceById(r, body.sequence_id);
    if (sequence.projectId !== projectId) throw notFoundHere('Sequence');
    const [existing] = (
      await r.pages<ClapperShot>('shots.list', { projectId, sequenceId: sequence.id })
    ).filter((s) => s.name === body.name);
    if (existing) return kitsuShot(existing);
    return kitsuShot(
      await r.call<ClapperShot>('shots.create', {
        projectId,
        sequence: sequence.name,
        name: body.name,
        ...framesOf(body.data),
      }),
    );
  });

  // remove_shot (`?force=True` to delete one with tasks).
  k.delete('/data/shots/:id', (r) => removeSubject(r, 'shots'));
}

/** update_shot's `PUT /data/entities/<id>`: the name, the sequence (`parent_id`), the frames. */
export async function updateShot(r: KitsuRequest, shot: ClapperShot) {
  const body = r.body();
  let sequence: string | undefined;
  if (typeof body.parent_id === 'string' && body.parent_id !== shot.sequenceId) {
    const parent = await sequenceById(r, body.parent_id);
    if (parent.projectId !== shot.projectId) throw notFoundHere('Sequence');
    sequence = parent.name;
  }
  return kitsuShot(
    await r.call<ClapperShot>('shots.update', {
      id: shot.id,
      ...(body.name === undefined ? {} : { name: body.name }),
      ...(sequence === undefined ? {} : { sequence }),
      ...framesOf(body.data),
    }),
  );
}

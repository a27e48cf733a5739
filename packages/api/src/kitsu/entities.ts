/**
 * Shots, sequences, assets, asset types, tasks and comments as zou writes them (its
 * `Entity.serialize()` and the routes' additions; docs/gazu-requests.md §3.4–3.7). Clapper's
 * fields map onto zou's; what Clapper has no notion of carries zou's default.
 */
import type { assetTypeView, sequenceView } from '../domain/subject-groups';
import type { assetView, commentView, shotView, taskView } from '../views/production';
import { kitsuTaskStatus, names, zouDateTime } from './views';

export type ClapperShot = ReturnType<typeof shotView>;
export type ClapperAsset = ReturnType<typeof assetView>;
export type ClapperSequence = ReturnType<typeof sequenceView>;
export type ClapperAssetType = ReturnType<typeof assetTypeView>;
export type ClapperTask = ReturnType<typeof taskView>;
export type ClapperComment = ReturnType<typeof commentView>;

/**
 * zou's temporal entity types, which Clapper keeps as kinds rather than records: each has an
 * id of its own so `entity_type_id` reads as in zou (asset types are records, with theirs).
 */
export const SHOT_TYPE = { id: '0b0f1a9e-6f4c-5d3a-9b1e-4c5a2f7d8e03', name: 'Shot' } as const;
export const SEQUENCE_TYPE = {
  id: '0b0f1a9e-6f4c-5d3a-9b1e-4c5a2f7d8e04',
  name: 'Sequence',
} as const;

/** A plain entity, as zou's entity lists write one. */
function plainEntity(e: {
  id: string;
  name: string;
  projectId: string;
  createdAt: Date | string;
  entityTypeId: string | null;
  parentId: string | null;
  nbFrames: number | null;
  data: Record<string, unknown> | null;
  type: 'Shot' | 'Sequence' | 'Asset';
}) {
  const at = zouDateTime(e.createdAt);
  return {
    id: e.id,
    created_at: at,
    updated_at: at,
    name: e.name,
    code: null,
    description: null,
    shotgun_id: null,
    canceled: false,
    nb_frames: e.nbFrames,
    nb_entities_out: 0,
    is_casting_standby: false,
    is_shared: false,
    status: 'running',
    project_id: e.projectId,
    entity_type_id: e.entityTypeId,
    parent_id: e.parentId,
    source_id: null,
    preview_file_id: null,
    data: e.data,
    ready_for: null,
    created_by: null,
    type: e.type,
  };
}

/** What zou adds to an entity read with its relations (Clapper has no casting or links). */
const ENTITY_RELATIONS = {
  entities_out: [],
  entities_in: [],
  instance_casting: [],
  entity_concept_links: [],
};

const frames = (s: ClapperShot) =>
  s.frameIn !== null && s.frameOut !== null ? s.frameOut - s.frameIn + 1 : null;

export const kitsuSequence = (s: ClapperSequence) =>
  plainEntity({
    ...s,
    entityTypeId: SEQUENCE_TYPE.id,
    parentId: null,
    nbFrames: null,
    data: null,
    type: 'Sequence',
  });

/** A shot as zou's lists write it: its frames in `data`, as gazu's `new_shot` sends them. */
export const kitsuShot = (s: ClapperShot) =>
  plainEntity({
    ...s,
    entityTypeId: SHOT_TYPE.id,
    parentId: s.sequenceId,
    nbFrames: frames(s),
    data: { frame_in: s.frameIn, frame_out: s.frameOut },
    type: 'Shot',
  });

export const kitsuAsset = (a: ClapperAsset) =>
  plainEntity({
    ...a,
    entityTypeId: a.assetTypeId,
    parentId: null,
    nbFrames: null,
    data: {},
    type: 'Asset',
  });

/** An entity as `PUT /data/entities/<id>` answers it: with its relations. */
export const withRelations = <T extends object>(entity: T) => ({ ...entity, ...ENTITY_RELATIONS });

/** A shot as `/data/sequences/<id>/shots` and `/data/shots/all` list it. */
export const kitsuListedShot = (s: ClapperShot, projectName: string) => ({
  ...kitsuShot(s),
  project_name: projectName,
  sequence_name: s.sequence,
});

/** `GET /data/shots/<id>`: the shot with relations, its sequence, project and tasks. */
export const kitsuFullShot = (s: ClapperShot, projectName: string, tasks: ClapperTask[]) => ({
  ...withRelations(kitsuShot(s)),
  episode_id: null,
  episode_name: '',
  fps: null,
  frame_in: s.frameIn,
  frame_out: s.frameOut,
  project_name: projectName,
  sequence_id: s.sequenceId,
  sequence_name: s.sequence,
  tasks: tasks.map((t) => entityTask(t, null)),
});

/** `GET /data/assets/<id>`: the asset with relations, its type, project and tasks. */
export function kitsuFullAsset(a: ClapperAsset, projectName: string, tasks: ClapperTask[]) {
  const { source_id: _source, nb_frames: _frames, ...asset } = withRelations(kitsuAsset(a));
  return {
    ...asset,
    project_name: projectName,
    asset_type_id: a.assetTypeId,
    asset_type_name: a.assetType,
    preview_file_id: '',
    ready_for: 'None',
    episode_id: '',
    casting_episode_ids: [],
    tasks: tasks.map((t) => entityTask(t, '')),
  };
}

/** A task as zou's full shot and full asset list them. */
const entityTask = (t: ClapperTask, noPreview: null | '') => ({
  id: t.id,
  duration: 0,
  due_date: t.dueDate ? `${t.dueDate}T00:00:00` : null,
  end_date: null,
  done_date: null,
  entity_id: t.entity.id,
  estimation: 0,
  is_subscribed: false,
  last_comment_date: null,
  last_preview_file_id: noPreview,
  nb_assets_ready: 0,
  priority: 0,
  real_start_date: null,
  retake_count: 0,
  start_date: null,
  difficulty: 3,
  nb_drawings: 0,
  task_status_id: t.status.id,
  task_type_id: t.taskType.id,
  assignees: t.assignees.map((a) => a.id),
  data: null,
});

/** An asset type; `EntityType` for the generic `/data/entity-types` route. */
export const kitsuAssetType = (
  t: ClapperAssetType,
  { type = 'AssetType', withTaskTypes = true }: { type?: string; withTaskTypes?: boolean } = {},
) => ({
  id: t.id,
  created_at: zouDateTime(t.createdAt),
  updated_at: zouDateTime(t.createdAt),
  name: t.name,
  short_name: null,
  description: null,
  archived: false,
  type,
  ...(withTaskTypes ? { task_types: [] } : {}),
});

/** A task as zou's `Task.serialize()` writes it; with relations, its assignees' ids. */
export function kitsuTask(t: ClapperTask, { withRelations = false } = {}) {
  const task = {
    id: t.id,
    created_at: zouDateTime(t.createdAt),
    updated_at: zouDateTime(t.updatedAt),
    name: 'main',
    description: null,
    priority: 0,
    difficulty: 3,
    duration: 0,
    estimation: 0,
    completion_rate: 0,
    retake_count: 0,
    sort_order: 0,
    start_date: null,
    due_date: t.dueDate ? `${t.dueDate}T00:00:00` : null,
    real_start_date: null,
    end_date: null,
    done_date: null,
    last_comment_date: null,
    nb_assets_ready: 0,
    data: null,
    nb_drawings: 0,
    shotgun_id: null,
    last_preview_file_id: null,
    project_id: t.projectId,
    task_type_id: t.taskType.id,
    task_status_id: t.status.id,
    entity_id: t.entity.id,
    assigner_id: null,
    type: 'Task' as const,
  };
  return withRelations ? { ...task, assignees: t.assignees.map((a) => a.id) } : task;
}

/** A task as `/data/shots/<id>/tasks` and `/data/assets/<id>/tasks` list it. */
export const kitsuEntityTask = (t: ClapperTask, projectName: string, withRelations: boolean) => ({
  ...kitsuTask(t, { withRelations }),
  project_name: projectName,
  task_type_name: t.taskType.name,
  task_status_name: t.status.name,
  entity_type_name: t.entity.kind === 'shot' ? SHOT_TYPE.name : null,
  entity_name: t.entity.name,
});

/** Who wrote a comment, as zou's comment list names them. */
export interface CommentAuthor {
  id: string;
  name: string;
  role: string | null;
}

/** A comment as zou's `Comment.serialize()` writes it. */
export function kitsuComment(c: ClapperComment) {
  const at = zouDateTime(c.createdAt);
  return {
    id: c.id,
    created_at: at,
    updated_at: at,
    shotgun_id: null,
    object_id: c.taskId,
    object_type: 'Task',
    text: c.text,
    data: null,
    replies: [],
    checklist: [],
    pinned: null,
    for_client: false,
    links: [],
    task_status_id: c.statusId,
    person_id: c.author?.id ?? null,
    editor_id: null,
    preview_file_id: null,
    type: 'Comment' as const,
  };
}

/** A comment as `/data/tasks/<id>/comments` lists it: its author and status in short. */
export const kitsuListedComment = (
  c: ClapperComment,
  status: Parameters<typeof kitsuTaskStatus>[0] | undefined,
  author: CommentAuthor | null,
) => ({
  ...kitsuComment(c),
  person: author && {
    ...names(author.name),
    full_name: author.name,
    has_avatar: false,
    role: author.role,
    id: author.id,
  },
  task_status: status && {
    name: status.name,
    short_name: status.shortName,
    color: kitsuTaskStatus(status).color,
    id: status.id,
  },
  acknowledgements: [],
  mentions: [],
  department_mentions: [],
  previews: [],
  attachment_files: [],
});

/** gazu.task and gazu.user's tasks: tasks read, made and assigned; comments with their status. */

import { MAX_PAGE, type Page } from '../../domain/pagination';
import {
  type ClapperAsset,
  type ClapperComment,
  type ClapperSequence,
  type ClapperShot,
  type ClapperTask,
  type CommentAuthor,
  kitsuAsset,
  kitsuComment,
  kitsuEntityTask,
  kitsuListedComment,
  kitsuSequence,
  kitsuShot,
  kitsuTask,
  SHOT_TYPE,
} from '../entities';
import {
  badParameter,
  frozenJson,
  type KitsuRequest,
  type KitsuSurface,
  notFoundHere,
  orNull,
} from '../surface';
import {
  type ClapperPerson,
  type ClapperProject,
  kitsuPerson,
  kitsuProject,
  kitsuTaskStatus,
  kitsuTaskType,
  zouDateTime,
} from '../views';
import { projectById } from './projects';
import { entityById } from './subjects';

type Status = ClapperTask['status'];

/** Clapper has one task per task type per entity: zou's default name for it. */
const TASK_NAME = 'main';

const taskById = (r: KitsuRequest, id: string) => r.call<ClapperTask>('tasks.get', { id });

/** The shot or asset a task is on, as its own procedure reads it. */
const entityOf = (r: KitsuRequest, task: ClapperTask) =>
  task.entity.kind === 'shot'
    ? r.call<ClapperShot>('shots.get', { id: task.entity.id })
    : r.call<ClapperAsset>('assets.get', { id: task.entity.id });

/** A list of tasks as zou's `/data/<kind>s/<id>/tasks` writes it; `relations` adds assignees. */
const entityTasksAnswer = frozenJson(
  (page: Page<ClapperTask>, project: ClapperProject, relations: string) =>
    page.items.map((t) => kitsuEntityTask(t, project.name, relations === 'relations')),
);

/**
 * The tasks of one shot or asset, by its id alone (`tasks.ofEntity` finds its project), one page
 * (no entity has more tasks than a page holds: one per task type). An id of the other kind is
 * not found, as in zou, when it has tasks to tell by.
 */
async function tasksOfEntity(r: KitsuRequest, kind: 'shot' | 'asset') {
  const entityId = r.id('id');
  const page = await r.call<Page<ClapperTask>>('tasks.ofEntity', { entityId, limit: MAX_PAGE });
  if (page.items.some((t) => t.entity.kind !== kind)) {
    throw notFoundHere(kind === 'shot' ? 'Shot' : 'Asset');
  }
  const project = await projectById(
    r,
    page.items[0]?.projectId ?? (await placeOf(r, kind, entityId)),
  );
  return entityTasksAnswer(page, project, r.flag('relations') ? 'relations' : '');
}

/** The project of an entity with no tasks, read by its own procedure (which checks its kind). */
const placeOf = async (r: KitsuRequest, kind: 'shot' | 'asset', id: string) =>
  (await r.call<{ projectId: string }>(`${kind}s.get`, { id })).projectId;

/** A task as `/data/tasks/<id>/full` writes it: with its entity, type, status, people, project. */
async function fullTask(r: KitsuRequest, task: ClapperTask) {
  const [entity, project] = await Promise.all([entityOf(r, task), projectById(r, task.projectId)]);
  const shot = task.entity.kind === 'shot' ? (entity as ClapperShot) : null;
  const sequence = shot?.sequenceId
    ? await r.call<ClapperSequence>('sequences.get', { id: shot.sequenceId })
    : null;
  const plain = shot ? kitsuShot(shot) : kitsuAsset(entity as ClapperAsset);
  return {
    ...kitsuTask(task, { withRelations: true }),
    entity: { ...plain, type: 'Entity' },
    entity_type: {
      id: plain.entity_type_id,
      name: shot ? SHOT_TYPE.name : (entity as ClapperAsset).assetType,
      type: 'EntityType',
    },
    is_subscribed: false,
    persons: task.assignees.map((a) => memberAsPerson(a, project)),
    project: kitsuProject(project),
    task_status: kitsuTaskStatus(task.status),
    task_type: kitsuTaskType({ ...task.taskType, forEntity: task.entity.kind }),
    ...(sequence ? { sequence: kitsuSequence(sequence) } : {}),
    type: 'Task' as const,
  };
}

const memberAsPerson = (
  member: { id: string; name: string; kind: 'user' | 'bot'; role: ClapperPerson['role'] },
  project: ClapperProject,
) =>
  kitsuPerson({
    ...member,
    email: null,
    active: true,
    departments: [],
    expiresAt: null,
    createdAt: project.createdAt,
  });

/** A string id from a body, or 400 naming it. */
function bodyId(body: Record<string, unknown>, field: string) {
  const value = body[field];
  if (typeof value !== 'string') throw badParameter(field, 'must be an id');
  return value;
}

export function taskRoutes(k: KitsuSurface) {
  // all_tasks_for_shot, all_tasks_for_asset (`?relations=True` adds the assignees).
  k.get('/data/shots/:id/tasks', (r) => tasksOfEntity(r, 'shot'));
  k.get('/data/assets/:id/tasks', (r) => tasksOfEntity(r, 'asset'));

  // all_tasks_for_task_status (`?project_id=&task_type_id=&task_status_id=`) and
  // get_task_by_entity (`?name=&task_type_id=&entity_id=`), in zou's plain task shape.
  k.get('/data/tasks', async (r) => {
    const entityId = r.queryId('entity_id');
    const name = r.query('name');
    let projectId = r.queryId('project_id');
    if (entityId) {
      const entity = await entityById(r, entityId);
      projectId ??= (entity.kind === 'shots' ? entity.shot : entity.asset).projectId;
    }
    if (projectId === undefined) throw badParameter('project_id', 'give the project or entity');
    if (name !== undefined && name.toLowerCase() !== TASK_NAME) return [];
    const tasks = await r.pages<ClapperTask>('tasks.list', {
      projectId,
      entityId,
      taskTypeId: r.queryId('task_type_id'),
      statusId: r.queryId('task_status_id'),
      assigneeId: r.queryId('assignees'),
    });
    return tasks.map((t) => kitsuTask(t, { withRelations: r.flag('relations') }));
  });

  // get_task.
  k.get('/data/tasks/:id/full', async (r) => fullTask(r, await taskById(r, r.id('id'))));

  // new_task: 201 with the task and its assignees. A status other than the first one a task
  // gets is set after, as its own change.
  k.post('/data/tasks', async (r) => {
    const body = r.body();
    if (
      body.name !== undefined &&
      body.name !== null &&
      String(body.name).toLowerCase() !== TASK_NAME
    ) {
      throw badParameter(
        'name',
        `Clapper has one task per task type and entity, named "${TASK_NAME}"`,
      );
    }
    let task = await r.call<ClapperTask>('tasks.create', {
      entityId: bodyId(body, 'entity_id'),
      taskTypeId: bodyId(body, 'task_type_id'),
      assigneeIds: body.assignees ?? [],
    });
    const statusId = body.task_status_id;
    if (typeof statusId === 'string' && statusId !== task.status.id) {
      task = await r.call<ClapperTask>('tasks.setStatus', { taskId: task.id, statusId });
    }
    return kitsuTask(task, { withRelations: true });
  });

  // assign_task: `{task_ids}` for one person; zou answers the tasks assigned, as a list, and
  // skips ids it does not know. Each assignment adds the person to the task's assignees.
  k.put('/actions/persons/:personId/assign', async (r) => {
    const personId = r.id('personId');
    const ids = r.body().task_ids;
    if (!Array.isArray(ids)) throw badParameter('task_ids', 'must be a list of task ids');
    const assigned = [];
    for (const id of ids) {
      if (typeof id !== 'string') throw badParameter('task_ids', 'must be a list of task ids');
      const task = await orNull(taskById(r, id));
      if (!task) continue;
      const current = task.assignees.map((a) => a.id);
      const done = current.includes(personId)
        ? task
        : await r.call<ClapperTask>('tasks.assign', {
            taskId: id,
            personIds: [...current, personId],
          });
      assigned.push(kitsuTask(done, { withRelations: true }));
    }
    return assigned;
  });

  // add_comment: a comment that carries the task's status, as Kitsu's do (one at the status
  // the task has is no status change: the comment rule alone applies).
  k.post('/actions/tasks/:id/comment', async (r) => {
    const body = r.body();
    const taskId = r.id('id');
    const comment = await r.call<ClapperComment>('comments.add', {
      taskId,
      text: body.comment ?? '',
      statusId: body.task_status_id,
    });
    const [me, statuses] = await Promise.all([
      r.call<ClapperPerson>('auth.me'),
      r.pages<Status>('taskStatuses.list'),
    ]);
    const status = statuses.find((s) => s.id === comment.statusId);
    return {
      ...kitsuComment(comment),
      previews: [],
      mentions: [],
      department_mentions: [],
      acknowledgements: [],
      attachment_files: [],
      task_status: status ? kitsuTaskStatus(status) : null,
      person: kitsuPerson(me),
    };
  });

  // all_comments_for_task, get_last_comment_for_task: newest first, as zou orders them.
  k.get('/data/tasks/:id/comments', async (r) => {
    const task = await taskById(r, r.id('id'));
    const [comments, statuses, project] = await Promise.all([
      r.pages<ClapperComment>('comments.list', { taskId: task.id }),
      r.pages<Status>('taskStatuses.list'),
      projectById(r, task.projectId),
    ]);
    const roles = new Map(project.team.map((m) => [m.id, memberAsPerson(m, project).role]));
    const newestFirst = comments.sort(
      (a, b) =>
        zouDateTime(b.createdAt).localeCompare(zouDateTime(a.createdAt)) ||
        b.id.localeCompare(a.id),
    );
    return newestFirst.map((c) => {
      const author: CommentAuthor | null = c.author && {
        ...c.author,
        role: roles.get(c.author.id) ?? null,
      };
      return kitsuListedComment(
        c,
        statuses.find((s) => s.id === c.statusId),
        author,
      );
    });
  });
}

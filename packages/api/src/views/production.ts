import {
  type CommentRow,
  type Em,
  type ITask,
  type ProjectRow,
  type SubjectRow,
  type TaskRow,
  type TaskStatusRow,
  type TeamMemberRow,
  taskRowOf,
} from '@clapper/db';

const member = (m: TeamMemberRow) => ({ id: m.id, name: m.name, kind: m.kind, role: m.role });

export const projectView = (p: ProjectRow, team: readonly TeamMemberRow[]) => ({
  id: p.id,
  name: p.name,
  botCollaboration: p.botCollaboration,
  team: team.map(member),
  createdAt: p.createdAt,
});

export const assetView = (e: SubjectRow) => ({
  id: e.id,
  projectId: e.projectId,
  name: e.name,
  assetType: e.assetType ?? '',
  assetTypeId: e.assetTypeId,
  createdAt: e.createdAt,
});

export const shotView = (e: SubjectRow) => ({
  id: e.id,
  projectId: e.projectId,
  sequence: e.sequence,
  sequenceId: e.sequenceId,
  name: e.name,
  frameIn: e.frameIn,
  frameOut: e.frameOut,
  createdAt: e.createdAt,
});

/** A status as a row or as the entity (`color` is optional there). */
export const taskStatusView = (s: Omit<TaskStatusRow, 'color'> & { color?: string | null }) => ({
  id: s.id,
  name: s.name,
  shortName: s.shortName,
  isDone: s.isDone,
  color: s.color ?? null,
});

export const taskView = (t: TaskRow) => ({
  id: t.id,
  projectId: t.projectId,
  entity: {
    id: t.entity.id,
    kind: t.entity.kind,
    name: t.entity.name,
    sequence: t.entity.sequence || null,
  },
  taskType: t.taskType,
  status: taskStatusView(t.status),
  assignees: t.assignees.map(member),
  dueDate: t.dueDate,
  createdAt: t.createdAt,
  updatedAt: t.updatedAt,
});

/** Views of tasks a mutation holds in its unit of work: one query per relation, however many tasks. */
export async function taskViewsOf(em: Em, tasks: ITask[]) {
  await em.populate(tasks, ['entity', 'taskType', 'status', 'assignees']);
  return tasks.map((t) => taskView(taskRowOf(t)));
}

export const commentView = (c: CommentRow) => ({
  id: c.id,
  taskId: c.taskId,
  author: c.authorId ? { id: c.authorId, name: c.authorName } : null,
  authorName: c.authorName,
  text: c.text,
  statusId: c.statusId,
  createdAt: c.createdAt,
});

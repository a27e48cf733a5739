import type { Em, IComment, IEntity, IProject, ITask } from '@clapper/db';
import { taskStatusView } from '../routers/studio';

const member = (p: { id: string; name: string; kind: string; role: string }) => ({
  id: p.id,
  name: p.name,
  kind: p.kind,
  role: p.role,
});

export async function projectViews(em: Em, projects: IProject[]) {
  await em.populate(projects, ['team']);
  return projects.map((p) => ({
    id: p.id,
    name: p.name,
    botCollaboration: p.botCollaboration,
    team: p.team.getItems().map(member),
    createdAt: p.createdAt,
  }));
}

export const projectView = async (em: Em, project: IProject) =>
  (await projectViews(em, [project]))[0]!;

export const assetView = (e: IEntity) => ({
  id: e.id,
  projectId: e.project.id,
  name: e.name,
  assetType: e.assetType ?? '',
  createdAt: e.createdAt,
});

export const shotView = (e: IEntity) => ({
  id: e.id,
  projectId: e.project.id,
  sequence: e.sequence,
  name: e.name,
  frameIn: e.frameIn ?? null,
  frameOut: e.frameOut ?? null,
  createdAt: e.createdAt,
});

/** Views of many tasks in a constant number of queries: one per relation, however many tasks. */
export async function taskViews(em: Em, tasks: ITask[]) {
  await em.populate(tasks, ['entity', 'taskType', 'status', 'assignees']);
  return tasks.map((t) => {
    const entity = t.entity.getEntity();
    const taskType = t.taskType.getEntity();
    return {
      id: t.id,
      projectId: t.project.id,
      entity: {
        id: entity.id,
        kind: entity.kind,
        name: entity.name,
        sequence: entity.sequence || null,
      },
      taskType: { id: taskType.id, name: taskType.name, departmentId: taskType.department.id },
      status: taskStatusView(t.status.getEntity()),
      assignees: t.assignees.getItems().map(member),
      dueDate: t.dueDate ?? null,
      createdAt: t.createdAt,
      updatedAt: t.updatedAt,
    };
  });
}

export const taskView = async (em: Em, task: ITask) => (await taskViews(em, [task]))[0]!;

export const commentView = (c: IComment) => ({
  id: c.id,
  taskId: c.task.id,
  author: c.author ? { id: c.author.id, name: c.authorName } : null,
  authorName: c.authorName,
  text: c.text,
  statusId: c.status?.id ?? null,
  createdAt: c.createdAt,
});

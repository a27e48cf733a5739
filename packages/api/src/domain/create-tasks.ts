import {
  type Em,
  type ITask,
  Person,
  Project,
  Subject,
  Task,
  TaskStatus,
  TaskType,
} from '@clapper/db';
import { badRequest, conflict, DomainError } from '../errors';
import { recordEvent } from '../events/write';
import type { Access } from './access';
import { assignable, taskEvent } from './task-checks';

/** New tasks start at `todo`, or at the first status there is. */
export async function initialStatus(em: Em) {
  return (
    (await em.findOne(TaskStatus, { shortName: 'todo' })) ??
    (await em.findOneOrFail(TaskStatus, {}, { orderBy: { id: 'asc' } }))
  );
}

export interface NewTask {
  entityId: string;
  taskTypeId: string;
  assigneeIds: string[];
  dueDate?: string | null;
}

/** Where an item's field is in the input: `tasks.3.taskTypeId` in a list. */
export type FieldOf = (index: number, name: string) => string;
const itemField: FieldOf = (i, name) => `tasks.${i}.${name}`;

/**
 * Creates many tasks in one transaction, all or none, with the checks of
 * `tasks.create` made once per distinct asset or shot, task type and project rather
 * than once per task. An error names the item at fault (`tasks.3.taskTypeId`).
 */
export async function createTasks(
  em: Em,
  access: Access,
  items: NewTask[],
  fieldOf: FieldOf = itemField,
): Promise<ITask[]> {
  const { principal } = access;
  const subjectIds = [...new Set(items.map((t) => t.entityId))];
  const typeIds = [...new Set(items.map((t) => t.taskTypeId))];
  const [subjects, types, assignedTo, existing] = await Promise.all([
    em.find(Subject, { id: { $in: subjectIds } }),
    em.find(TaskType, { id: { $in: typeIds } }),
    em.find(Task, { entity: { $in: subjectIds }, assignees: principal.id }, { fields: ['entity'] }),
    em.find(
      Task,
      { entity: { $in: subjectIds }, taskType: { $in: typeIds } },
      { fields: ['entity', 'taskType'] },
    ),
  ]);
  const subjectById = new Map(subjects.map((e) => [e.id, e]));
  const typeById = new Map(types.map((t) => [t.id, t]));
  const assignedSubjects = new Set(assignedTo.map((t) => t.entity.id));
  const taken = new Set(existing.map((t) => `${t.entity.id}/${t.taskType.id}`));
  const projectIds = [...new Set(subjects.map((e) => e.project.id))];
  const projectById = new Map(
    (await em.find(Project, { id: { $in: projectIds } })).map((p) => [p.id, p]),
  );

  const assigneeIds = [...new Set(items.flatMap((t) => t.assigneeIds))];
  const people = new Map(
    assigneeIds.length
      ? (await em.find(Person, { id: { $in: assigneeIds } })).map((p) => [p.id, p])
      : [],
  );
  // Teams are read once per project, not once per task.
  if (assigneeIds.length) await em.populate([...projectById.values()], ['team']);
  const status = await initialStatus(em);
  const tasks: ITask[] = [];
  for (const [i, item] of items.entries()) {
    const subject = subjectById.get(item.entityId);
    const inTeam = subject ? await access.inTeam(subject.project.id) : false;
    const assigned = subject ? assignedSubjects.has(subject.id) : false;
    if (!subject || !access.allows('readSubjects', { inTeam, inDepartment: false, assigned })) {
      const field = fieldOf(i, 'entityId');
      const what = items.length > 1 ? ` (${field})` : '';
      throw new DomainError('NOT_FOUND', `Asset or shot not found${what}`, field);
    }
    const taskType = typeById.get(item.taskTypeId);
    const typeField = fieldOf(i, 'taskTypeId');
    if (!taskType) throw badRequest(typeField, 'no task type has this id');
    if (taskType.forEntity !== subject.kind) {
      throw badRequest(
        typeField,
        `${taskType.name} is for ${taskType.forEntity}s, not ${subject.kind}s`,
      );
    }
    access.assert('changeTask', {
      inTeam,
      inDepartment: principal.departmentIds.includes(taskType.department.id),
      assigned: false,
    });
    const pair = `${subject.id}/${taskType.id}`;
    if (taken.has(pair)) {
      throw conflict(typeField, `${subject.name} already has a ${taskType.name} task`);
    }
    taken.add(pair);
    const project = projectById.get(subject.project.id)!;
    const assignees = await assignable(
      em,
      project,
      item.assigneeIds,
      fieldOf(i, 'assigneeIds'),
      people,
    );
    const task = em.create(Task, {
      project,
      entity: subject,
      taskType,
      status,
      dueDate: item.dueDate ?? null,
    });
    task.assignees.set(assignees);
    recordEvent(
      em,
      principal,
      taskEvent({ id: task.id, projectId: project.id }, 'task.created', {
        entityId: subject.id,
        taskTypeId: taskType.id,
        assigneeIds: assignees.map((p) => p.id),
      }),
    );
    tasks.push(task);
  }
  await em.flush();
  return tasks;
}

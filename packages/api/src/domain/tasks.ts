/** Tasks: the pages a caller may read, and the changes its role and standing allow. */
import { Project, Task, writes } from '@clapper/db';
import { z } from 'zod';
import { notFound } from '../errors';
import { recordEvent, writeWithEvent } from '../events/write';
import { taskView, taskViewsOf } from '../views/production';
import { createTasks } from './create-tasks';
import type { CallerDeps, ReadDeps, WriteDeps } from './deps';
import { toPage, ZPage } from './pagination';
import { ZDay, ZId } from './schemas';
import { assignable, statusById, taskEvent } from './task-checks';

/** Most tasks one `tasks.createMany` call takes. */
export const MAX_TASKS_PER_CALL = 500;

const ZPersonIds = z.array(ZId).max(50, 'at most 50 assignees');

export const ZNewTask = z.object({
  entityId: ZId,
  taskTypeId: ZId,
  assigneeIds: ZPersonIds.default([]),
  dueDate: ZDay.nullish(),
});
export const ZCreateManyTasksInput = z.object({
  tasks: z
    .array(ZNewTask)
    .min(1, 'needs at least one task')
    .max(MAX_TASKS_PER_CALL, `at most ${MAX_TASKS_PER_CALL} tasks a call`),
});
export const ZListTasksInput = z.object({
  projectId: ZId,
  assigneeId: ZId.optional(),
  statusId: ZId.optional(),
  taskTypeId: ZId.optional(),
  /** The tasks of one asset or shot. */
  entityId: ZId.optional(),
  ...ZPage,
});
export const ZEntityTasksInput = z.object({ entityId: ZId, ...ZPage });
export const ZTaskIdInput = z.object({ id: ZId });
export const ZUpdateTaskInput = z.object({ id: ZId, dueDate: ZDay.nullable().optional() });
export const ZAssignTaskInput = z.object({ taskId: ZId, personIds: ZPersonIds });
export const ZSetTaskStatusInput = z.object({ taskId: ZId, statusId: ZId });

/** A page of a project's tasks, as far as the caller's role reaches (its own, for a vendor). */
export async function listTasks(
  { access, services }: ReadDeps,
  input: z.infer<typeof ZListTasksInput>,
) {
  await access.project(input.projectId);
  const reach = await access.reach('readTask', input.projectId);
  if (reach === 'none') throw notFound('Project');
  const assignedTo: string[] = [];
  if (reach === 'assigned') assignedTo.push(access.principal.id);
  if (input.assigneeId) assignedTo.push(input.assigneeId);
  const filter = { ...input, assignedTo };
  const key = `tasks.list ${JSON.stringify([input.projectId, assignedTo, input.statusId, input.taskTypeId, input.entityId, input.cursor, input.limit])}`;
  return services.cache.page(input.projectId, key, async () => {
    const page = toPage(await services.reads.tasks.page(filter, input.limit + 1), input.limit);
    return { items: page.items.map(taskView), nextCursor: page.nextCursor };
  });
}

/**
 * An asset's or shot's tasks, asked by its id alone (gazu's `all_tasks_for_shot`): its project
 * is where it is, and the list is that project's, as far as the caller reaches.
 */
export async function listEntityTasks(deps: ReadDeps, input: z.infer<typeof ZEntityTasksInput>) {
  const place = await deps.services.cache.entityPlace(input.entityId);
  if (!place) throw notFound('Entity');
  return listTasks(deps, { ...input, projectId: place.projectId });
}

export const getTask = async ({ access }: ReadDeps, { id }: { id: string }) =>
  taskView(await access.task(id));

export async function createTask({ em, access }: CallerDeps, input: z.infer<typeof ZNewTask>) {
  const tasks = await createTasks(em, access, [input], (_, name) => name);
  return (await taskViewsOf(em, tasks))[0]!;
}

/** Up to 500 tasks in one transaction, all or none, for pipeline bulk work. */
export async function createManyTasks(
  { em, access }: CallerDeps,
  input: z.infer<typeof ZCreateManyTasksInput>,
) {
  const tasks = await createTasks(em, access, input.tasks);
  return { items: await taskViewsOf(em, tasks) };
}

export async function updateTask(deps: WriteDeps, input: z.infer<typeof ZUpdateTaskInput>) {
  // Fresh: whether the due date changes is decided on what the task holds now.
  const task = await deps.access.task(input.id, 'changeTask', { fresh: true });
  const changed = input.dueDate !== undefined && input.dueDate !== task.dueDate;
  const now = deps.services.now();
  const event = taskEvent(task, 'task.updated', { dueDate: input.dueDate });
  return writeWithEvent(
    deps,
    deps.principal,
    event,
    now,
    changed ? [writes.setTaskDueDate(task.id, input.dueDate ?? null, now)] : [],
    'Task',
    taskView(changed ? { ...task, dueDate: input.dueDate ?? null, updatedAt: now } : task),
  );
}

/** Replaces the assignees: team members, and bots where the project lets them collaborate. */
export async function assignTask(
  { em, access, principal }: CallerDeps,
  input: z.infer<typeof ZAssignTaskInput>,
) {
  const checked = await access.task(input.taskId, 'changeTask', { fresh: true });
  const task = await em.findOne(Task, { id: checked.id });
  const project = await em.findOne(Project, { id: checked.projectId });
  if (!task || !project) throw notFound('Task');
  const people = await assignable(em, project, input.personIds, 'personIds');
  await em.populate(task, ['assignees']);
  task.assignees.set(people);
  recordEvent(
    em,
    principal,
    taskEvent(checked, 'task.assigned', { personIds: people.map((p) => p.id) }),
  );
  await em.flush();
  return (await taskViewsOf(em, [task]))[0]!;
}

export async function setTaskStatus(deps: WriteDeps, input: z.infer<typeof ZSetTaskStatusInput>) {
  const task = await deps.access.task(input.taskId, 'setTaskStatus', { fresh: true });
  const status = await statusById(deps.services.reads, input.statusId);
  const changed = status.id !== task.status.id;
  const now = deps.services.now();
  const event = taskEvent(task, 'task.status_changed', { from: task.status.id, to: status.id });
  return writeWithEvent(
    deps,
    deps.principal,
    event,
    now,
    changed ? [writes.setTaskStatus(task.id, status.id, now)] : [],
    'Task',
    taskView(changed ? { ...task, status, updatedAt: now } : task),
  );
}

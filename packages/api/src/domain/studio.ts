/**
 * Studio-wide settings, the same in every project: departments, task types and task statuses.
 * Everyone signed in reads them; who changes them is the procedures' rule (`configureStudio`).
 */
import { Department, ref, Task, TaskStatus, TaskType } from '@clapper/db';
import { z } from 'zod';
import { conflict, notFound } from '../errors';
import { flushWithEvent } from '../events/write';
import { taskStatusView } from '../views/production';
import { departmentView, taskTypeView } from '../views/studio';
import { findDepartments } from './departments';
import type { CallerDeps, Deps } from './deps';
import { toPage, ZNamedListInput, ZPage } from './pagination';
import { ZColor, ZId, ZName, ZSubjectKind } from './schemas';
import { text } from './text';
import { assertNameFree } from './unique-names';

export const ZListInput = z.object({ ...ZPage }).default({ limit: 100 });
export const ZIdInput = z.object({ id: ZId });
export const ZListDepartmentsInput = ZNamedListInput;

export const ZCreateDepartmentInput = z.object({ name: ZName, color: ZColor.nullish() });
export const ZUpdateDepartmentInput = z.object({
  id: ZId,
  name: ZName.optional(),
  color: ZColor.nullish(),
});

export const ZCreateTaskTypeInput = z.object({
  name: ZName,
  departmentId: ZId,
  forEntity: ZSubjectKind,
});
export const ZUpdateTaskTypeInput = z.object({
  id: ZId,
  name: ZName.optional(),
  departmentId: ZId.optional(),
  forEntity: ZSubjectKind.optional(),
});

export const ZCreateTaskStatusInput = z.object({
  name: ZName,
  shortName: text({ max: 20 }),
  isDone: z.boolean().default(false),
  color: ZColor.nullish(),
});
export const ZUpdateTaskStatusInput = z.object({
  id: ZId,
  name: ZName.optional(),
  shortName: text({ max: 20 }).optional(),
  isDone: z.boolean().optional(),
  color: ZColor.nullish(),
});

/** Studio settings are changed by a signed-in admin. */
type SettingsDeps = Pick<CallerDeps, 'em' | 'principal'>;

const after = (cursor?: string) => (cursor ? { id: { $gt: cursor } } : {});
const byId = (limit: number) => ({ orderBy: { id: 'asc' as const }, limit: limit + 1 });

function pageOf<T extends { id: string }, V>(rows: T[], limit: number, view: (row: T) => V) {
  const { items, nextCursor } = toPage(rows, limit);
  return { items: items.map(view), nextCursor };
}

/** Flushes the change with its event (`department.created`…) and answers `result`. */
async function saved<T>(
  { em, principal }: SettingsDeps,
  type: string,
  target: { id: string },
  data: Record<string, unknown>,
  result: T,
) {
  await flushWithEvent(em, principal, {
    type,
    targetType: type.split('.')[0],
    targetId: target.id,
    data,
  });
  return result;
}

// Departments --------------------------------------------------------------

/** Every department, by id, names containing `q` (any case), and how many match. */
export async function listDepartments(
  { services }: Pick<Deps, 'services'>,
  input: z.infer<typeof ZListDepartmentsInput>,
) {
  const { rows, total } = await services.reads.departments.page(
    input.cursor,
    input.limit + 1,
    input.q,
  );
  return { ...toPage(rows, input.limit), total };
}

export async function createDepartment(
  deps: SettingsDeps,
  input: z.infer<typeof ZCreateDepartmentInput>,
) {
  await assertNameFree(deps.em, Department, 'department', input.name);
  const department = deps.em.create(Department, { name: input.name, color: input.color ?? null });
  return saved(deps, 'department.created', department, input, departmentView(department));
}

export async function updateDepartment(
  deps: SettingsDeps,
  input: z.infer<typeof ZUpdateDepartmentInput>,
) {
  const department = await deps.em.findOne(Department, { id: input.id });
  if (!department) throw notFound('Department');
  if (input.name !== undefined) {
    await assertNameFree(deps.em, Department, 'department', input.name, {
      exceptId: department.id,
    });
    department.name = input.name;
  }
  if (input.color !== undefined) department.color = input.color;
  return saved(deps, 'department.updated', department, input, departmentView(department));
}

/** Refused (CONFLICT) while task types belong to it. */
export async function deleteDepartment(deps: SettingsDeps, { id }: { id: string }) {
  const department = await deps.em.findOne(Department, { id });
  if (!department) throw notFound('Department');
  if ((await deps.em.count(TaskType, { department: department.id })) > 0) {
    throw conflict(
      'id',
      `Department "${department.name}" still has task types: move or delete them first`,
    );
  }
  deps.em.remove(department);
  return saved(
    deps,
    'department.deleted',
    department,
    { name: department.name },
    { ok: true as const, id },
  );
}

// Task types ----------------------------------------------------------------

export async function listTaskTypes({ em }: Pick<Deps, 'em'>, input: z.infer<typeof ZListInput>) {
  return pageOf(
    await em.find(TaskType, after(input.cursor), byId(input.limit)),
    input.limit,
    taskTypeView,
  );
}

export async function createTaskType(
  deps: SettingsDeps,
  input: z.infer<typeof ZCreateTaskTypeInput>,
) {
  await assertNameFree(deps.em, TaskType, 'task type', input.name);
  const [department] = await findDepartments(deps.em, [input.departmentId], 'departmentId');
  const taskType = deps.em.create(TaskType, {
    name: input.name,
    department: department!,
    forEntity: input.forEntity,
  });
  return saved(deps, 'taskType.created', taskType, input, taskTypeView(taskType));
}

/** `forEntity` changes only while the type has no task. */
export async function updateTaskType(
  deps: SettingsDeps,
  input: z.infer<typeof ZUpdateTaskTypeInput>,
) {
  const { em } = deps;
  const taskType = await em.findOne(TaskType, { id: input.id });
  if (!taskType) throw notFound('Task type');
  if (input.name !== undefined) {
    await assertNameFree(em, TaskType, 'task type', input.name, { exceptId: taskType.id });
    taskType.name = input.name;
  }
  if (input.departmentId !== undefined) {
    const [department] = await findDepartments(em, [input.departmentId], 'departmentId');
    taskType.department = ref(department!);
  }
  if (input.forEntity !== undefined && input.forEntity !== taskType.forEntity) {
    if ((await em.count(Task, { taskType: taskType.id })) > 0) {
      throw conflict(
        'forEntity',
        `Task type "${taskType.name}" already has tasks on ${taskType.forEntity}s`,
      );
    }
    taskType.forEntity = input.forEntity;
  }
  return saved(deps, 'taskType.updated', taskType, input, taskTypeView(taskType));
}

// Task statuses -------------------------------------------------------------

export async function listTaskStatuses(
  { em }: Pick<Deps, 'em'>,
  input: z.infer<typeof ZListInput>,
) {
  return pageOf(
    await em.find(TaskStatus, after(input.cursor), byId(input.limit)),
    input.limit,
    taskStatusView,
  );
}

export async function createTaskStatus(
  deps: SettingsDeps,
  input: z.infer<typeof ZCreateTaskStatusInput>,
) {
  await assertNameFree(deps.em, TaskStatus, 'task status', input.name);
  await assertNameFree(deps.em, TaskStatus, 'task status', input.shortName, { field: 'shortName' });
  const status = deps.em.create(TaskStatus, { ...input, color: input.color ?? null });
  return saved(deps, 'taskStatus.created', status, input, taskStatusView(status));
}

export async function updateTaskStatus(
  deps: SettingsDeps,
  input: z.infer<typeof ZUpdateTaskStatusInput>,
) {
  const { em } = deps;
  const status = await em.findOne(TaskStatus, { id: input.id });
  if (!status) throw notFound('Task status');
  if (input.name !== undefined) {
    await assertNameFree(em, TaskStatus, 'task status', input.name, { exceptId: status.id });
    status.name = input.name;
  }
  if (input.shortName !== undefined) {
    await assertNameFree(em, TaskStatus, 'task status', input.shortName, {
      field: 'shortName',
      exceptId: status.id,
    });
    status.shortName = input.shortName;
  }
  if (input.isDone !== undefined) status.isDone = input.isDone;
  if (input.color !== undefined) status.color = input.color;
  return saved(deps, 'taskStatus.updated', status, input, taskStatusView(status));
}

/** A department by its name, or by its id when the key is one (the CLI's way to name one). */
export async function findDepartment(
  { em }: Pick<Deps, 'em'>,
  { nameOrId }: { nameOrId: string },
): Promise<{ id: string } | null> {
  const byId = ZId.safeParse(nameOrId).success;
  const found = await em.findOne(
    Department,
    byId ? { $or: [{ name: nameOrId }, { id: nameOrId }] } : { name: nameOrId },
  );
  return found && { id: found.id };
}

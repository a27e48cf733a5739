/**
 * Studio-wide settings, the same in every project: departments, task types and
 * task statuses. Everyone signed in reads them; only admins change them.
 */
import {
  Department,
  type Em,
  type IDepartment,
  type ITaskType,
  ref,
  Task,
  TaskStatus,
  TaskType,
} from '@clapper/db';
import { findDepartments } from '../domain/departments';
import { assertNameFree } from '../domain/unique-names';
import { conflict, notFound } from '../errors';
import { type Actor, flushWithEvent } from '../events';
import { toPage, ZNamedListInput } from '../pagination';
import { authedProcedure, readProcedure, router } from '../trpc';
import { taskStatusView } from '../views/production';
import {
  ZCreateDepartmentInput,
  ZCreateTaskStatusInput,
  ZCreateTaskTypeInput,
  ZIdInput,
  ZListInput,
  ZUpdateDepartmentInput,
  ZUpdateTaskStatusInput,
  ZUpdateTaskTypeInput,
} from './studio.schema';

const configure = authedProcedure.use(({ ctx, next }) => {
  ctx.access.assert('configureStudio', { inTeam: false, inDepartment: false, assigned: false });
  return next();
});

const after = (cursor?: string) => (cursor ? { id: { $gt: cursor } } : {});
const byId = (limit: number) => ({ orderBy: { id: 'asc' as const }, limit: limit + 1 });

function pageOf<T extends { id: string }, V>(rows: T[], limit: number, view: (row: T) => V) {
  const { items, nextCursor } = toPage(rows, limit);
  return { items: items.map(view), nextCursor };
}

async function saved<T>(
  em: Em,
  actor: Actor,
  type: string,
  target: { id: string },
  data: Record<string, unknown>,
  result: T,
) {
  await flushWithEvent(em, actor, {
    type,
    targetType: type.split('.')[0],
    targetId: target.id,
    data,
  });
  return result;
}

export const departmentView = (d: IDepartment) => ({
  id: d.id,
  name: d.name,
  color: d.color ?? null,
});
export const taskTypeView = (t: ITaskType) => ({
  id: t.id,
  name: t.name,
  departmentId: t.department.id,
  forEntity: t.forEntity,
});

export const departmentsRouter = router({
  /** Every department, by id, names containing `q` (any case), and how many match. */
  list: readProcedure.input(ZNamedListInput).query(async ({ ctx, input }) => {
    const { rows, total } = await ctx.services.reads.departments.page(
      input.cursor,
      input.limit + 1,
      input.q,
    );
    return { ...toPage(rows, input.limit), total };
  }),
  create: configure.input(ZCreateDepartmentInput).mutation(async ({ ctx, input }) => {
    await assertNameFree(ctx.em, Department, 'department', input.name);
    const department = ctx.em.create(Department, { name: input.name, color: input.color ?? null });
    return saved(
      ctx.em,
      ctx.principal,
      'department.created',
      department,
      input,
      departmentView(department),
    );
  }),
  update: configure.input(ZUpdateDepartmentInput).mutation(async ({ ctx, input }) => {
    const department = await ctx.em.findOne(Department, { id: input.id });
    if (!department) throw notFound('Department');
    if (input.name !== undefined) {
      await assertNameFree(ctx.em, Department, 'department', input.name, {
        exceptId: department.id,
      });
      department.name = input.name;
    }
    if (input.color !== undefined) department.color = input.color;
    return saved(
      ctx.em,
      ctx.principal,
      'department.updated',
      department,
      input,
      departmentView(department),
    );
  }),
  delete: configure.input(ZIdInput).mutation(async ({ ctx, input }) => {
    const department = await ctx.em.findOne(Department, { id: input.id });
    if (!department) throw notFound('Department');
    if ((await ctx.em.count(TaskType, { department: department.id })) > 0) {
      throw conflict(
        'id',
        `Department "${department.name}" still has task types: move or delete them first`,
      );
    }
    ctx.em.remove(department);
    return saved(
      ctx.em,
      ctx.principal,
      'department.deleted',
      department,
      { name: department.name },
      { ok: true as const, id: input.id },
    );
  }),
});

export const taskTypesRouter = router({
  list: authedProcedure
    .input(ZListInput)
    .query(async ({ ctx, input }) =>
      pageOf(
        await ctx.em.find(TaskType, after(input.cursor), byId(input.limit)),
        input.limit,
        taskTypeView,
      ),
    ),
  create: configure.input(ZCreateTaskTypeInput).mutation(async ({ ctx, input }) => {
    await assertNameFree(ctx.em, TaskType, 'task type', input.name);
    const [department] = await findDepartments(ctx.em, [input.departmentId], 'departmentId');
    const taskType = ctx.em.create(TaskType, {
      name: input.name,
      department: department!,
      forEntity: input.forEntity,
    });
    return saved(
      ctx.em,
      ctx.principal,
      'taskType.created',
      taskType,
      input,
      taskTypeView(taskType),
    );
  }),
  update: configure.input(ZUpdateTaskTypeInput).mutation(async ({ ctx, input }) => {
    const taskType = await ctx.em.findOne(TaskType, { id: input.id });
    if (!taskType) throw notFound('Task type');
    if (input.name !== undefined) {
      await assertNameFree(ctx.em, TaskType, 'task type', input.name, { exceptId: taskType.id });
      taskType.name = input.name;
    }
    if (input.departmentId !== undefined) {
      const [department] = await findDepartments(ctx.em, [input.departmentId], 'departmentId');
      taskType.department = ref(department!);
    }
    if (input.forEntity !== undefined && input.forEntity !== taskType.forEntity) {
      if ((await ctx.em.count(Task, { taskType: taskType.id })) > 0) {
        throw conflict(
          'forEntity',
          `Task type "${taskType.name}" already has tasks on ${taskType.forEntity}s`,
        );
      }
      taskType.forEntity = input.forEntity;
    }
    return saved(
      ctx.em,
      ctx.principal,
      'taskType.updated',
      taskType,
      input,
      taskTypeView(taskType),
    );
  }),
});

export const taskStatusesRouter = router({
  list: authedProcedure
    .input(ZListInput)
    .query(async ({ ctx, input }) =>
      pageOf(
        await ctx.em.find(TaskStatus, after(input.cursor), byId(input.limit)),
        input.limit,
        taskStatusView,
      ),
    ),
  create: configure.input(ZCreateTaskStatusInput).mutation(async ({ ctx, input }) => {
    await assertNameFree(ctx.em, TaskStatus, 'task status', input.name);
    await assertNameFree(ctx.em, TaskStatus, 'task status', input.shortName, {
      field: 'shortName',
    });
    const status = ctx.em.create(TaskStatus, { ...input, color: input.color ?? null });
    return saved(
      ctx.em,
      ctx.principal,
      'taskStatus.created',
      status,
      input,
      taskStatusView(status),
    );
  }),
  update: configure.input(ZUpdateTaskStatusInput).mutation(async ({ ctx, input }) => {
    const status = await ctx.em.findOne(TaskStatus, { id: input.id });
    if (!status) throw notFound('Task status');
    if (input.name !== undefined) {
      await assertNameFree(ctx.em, TaskStatus, 'task status', input.name, { exceptId: status.id });
      status.name = input.name;
    }
    if (input.shortName !== undefined) {
      await assertNameFree(ctx.em, TaskStatus, 'task status', input.shortName, {
        field: 'shortName',
        exceptId: status.id,
      });
      status.shortName = input.shortName;
    }
    if (input.isDone !== undefined) status.isDone = input.isDone;
    if (input.color !== undefined) status.color = input.color;
    return saved(
      ctx.em,
      ctx.principal,
      'taskStatus.updated',
      status,
      input,
      taskStatusView(status),
    );
  }),
});

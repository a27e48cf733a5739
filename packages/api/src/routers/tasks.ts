import {
  Comment,
  type Em,
  Entity,
  type FilterQuery,
  type IProject,
  type ITask,
  Person,
  Project,
  ref,
  Task,
  TaskStatus,
  TaskType,
} from '@clapper/db';
import { z } from 'zod';
import { ZDay, ZId } from '../domain/schemas';
import { badRequest, conflict, DomainError, notFound } from '../errors';
import { flushWithEvent, recordEvent } from '../events';
import { toPage, ZPage } from '../pagination';
import { authedProcedure, router } from '../trpc';
import { commentView, taskView, taskViews } from '../views/production';

const ZPersonIds = z.array(ZId).max(50, 'at most 50 assignees');

/** Team members only; bots only where the project's `botCollaboration` flag is on. */
async function assignable(em: Em, project: IProject, ids: readonly string[], field: string) {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const people = await em.find(Person, { id: { $in: unique } });
  const missing = unique.find((id) => !people.some((p) => p.id === id));
  if (missing) throw badRequest(field, `no user or bot has the id ${missing}`);
  await em.populate(project, ['team']);
  const outsider = people.find((p) => !project.team.contains(p));
  if (outsider) throw badRequest(field, `${outsider.name} is not on the team of ${project.name}`);
  const bot = people.find((p) => p.kind === 'bot');
  if (bot && !project.botCollaboration) {
    throw new DomainError(
      'FORBIDDEN',
      `Tasks can be assigned to bots only in projects with botCollaboration on; ${bot.name} is a bot`,
      field,
    );
  }
  return people;
}

async function statusById(em: Em, id: string) {
  const status = await em.findOne(TaskStatus, { id });
  if (!status) throw badRequest('statusId', 'no task status has this id');
  return status;
}

/** New tasks start at `todo`, or at the first status there is. */
async function initialStatus(em: Em) {
  return (
    (await em.findOne(TaskStatus, { shortName: 'todo' })) ??
    (await em.findOneOrFail(TaskStatus, {}, { orderBy: { id: 'asc' } }))
  );
}

const taskEvent = (task: ITask, type: string, data?: Record<string, unknown>) => ({
  type,
  projectId: task.project.id,
  targetType: 'task',
  targetId: task.id,
  taskId: task.id,
  data,
});

export const tasksRouter = router({
  list: authedProcedure
    .input(
      z.object({
        projectId: ZId,
        assigneeId: ZId.optional(),
        statusId: ZId.optional(),
        taskTypeId: ZId.optional(),
        ...ZPage,
      }),
    )
    .query(async ({ ctx, input }) => {
      const { em, access } = ctx;
      await access.project(input.projectId);
      const reach = await access.reach('readTask', input.projectId);
      if (reach === 'none') throw notFound('Project');
      const where: FilterQuery<ITask>[] = [{ project: input.projectId }];
      if (reach === 'assigned') where.push({ assignees: access.principal.id });
      if (input.assigneeId) where.push({ assignees: input.assigneeId });
      if (input.statusId) where.push({ status: input.statusId });
      if (input.taskTypeId) where.push({ taskType: input.taskTypeId });
      if (input.cursor) where.push({ id: { $gt: input.cursor } });
      const rows = await em.find(
        Task,
        { $and: where },
        { orderBy: { id: 'asc' }, limit: input.limit + 1 },
      );
      const page = toPage(rows, input.limit);
      return { items: await taskViews(em, page.items), nextCursor: page.nextCursor };
    }),

  get: authedProcedure
    .input(z.object({ id: ZId }))
    .query(async ({ ctx, input }) => taskView(ctx.em, await ctx.access.task(input.id))),

  create: authedProcedure
    .input(
      z.object({
        entityId: ZId,
        taskTypeId: ZId,
        assigneeIds: ZPersonIds.default([]),
        dueDate: ZDay.nullish(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { em, access, principal } = ctx;
      const entity = await em.findOne(Entity, { id: input.entityId });
      if (!entity) throw notFound('Asset or shot');
      await access.entity(entity.id, entity.kind);
      const taskType = await em.findOne(TaskType, { id: input.taskTypeId });
      if (!taskType) throw badRequest('taskTypeId', 'no task type has this id');
      if (taskType.forEntity !== entity.kind) {
        throw badRequest(
          'taskTypeId',
          `${taskType.name} is for ${taskType.forEntity}s, not ${entity.kind}s`,
        );
      }
      const project = await em.findOneOrFail(Project, { id: entity.project.id });
      access.assert('changeTask', {
        inTeam: await access.inTeam(project.id),
        inDepartment: principal.departmentIds.includes(taskType.department.id),
        assigned: false,
      });
      if ((await em.count(Task, { entity: entity.id, taskType: taskType.id })) > 0) {
        throw conflict('taskTypeId', `${entity.name} already has a ${taskType.name} task`);
      }
      const assignees = await assignable(em, project, input.assigneeIds, 'assigneeIds');
      const task = em.create(Task, {
        project,
        entity,
        taskType,
        status: await initialStatus(em),
        dueDate: input.dueDate ?? null,
      });
      task.assignees.set(assignees);
      recordEvent(
        em,
        principal,
        taskEvent(task, 'task.created', {
          entityId: entity.id,
          taskTypeId: taskType.id,
          assigneeIds: assignees.map((p) => p.id),
        }),
      );
      await em.flush();
      return taskView(em, task);
    }),

  update: authedProcedure
    .input(z.object({ id: ZId, dueDate: ZDay.nullable().optional() }))
    .mutation(async ({ ctx, input }) => {
      const { em, access, principal } = ctx;
      const task = await access.task(input.id, 'changeTask');
      if (input.dueDate !== undefined) task.dueDate = input.dueDate;
      await flushWithEvent(
        em,
        principal,
        taskEvent(task, 'task.updated', { dueDate: input.dueDate }),
      );
      return taskView(em, task);
    }),

  assign: authedProcedure
    .input(z.object({ taskId: ZId, personIds: ZPersonIds }))
    .mutation(async ({ ctx, input }) => {
      const { em, access, principal } = ctx;
      const task = await access.task(input.taskId, 'changeTask');
      const project = await em.findOneOrFail(Project, { id: task.project.id });
      const people = await assignable(em, project, input.personIds, 'personIds');
      task.assignees.set(people);
      recordEvent(
        em,
        principal,
        taskEvent(task, 'task.assigned', { personIds: people.map((p) => p.id) }),
      );
      await em.flush();
      return taskView(em, task);
    }),

  setStatus: authedProcedure
    .input(z.object({ taskId: ZId, statusId: ZId }))
    .mutation(async ({ ctx, input }) => {
      const { em, access, principal } = ctx;
      const task = await access.task(input.taskId, 'setTaskStatus');
      const status = await statusById(em, input.statusId);
      const from = task.status.id;
      task.status = ref(status);
      await flushWithEvent(
        em,
        principal,
        taskEvent(task, 'task.status_changed', { from, to: status.id }),
      );
      return taskView(em, task);
    }),
});

export const commentsRouter = router({
  list: authedProcedure.input(z.object({ taskId: ZId, ...ZPage })).query(async ({ ctx, input }) => {
    const task = await ctx.access.task(input.taskId);
    const rows = await ctx.em.find(
      Comment,
      { task: task.id, ...(input.cursor ? { id: { $gt: input.cursor } } : {}) },
      { orderBy: { id: 'asc' }, limit: input.limit + 1 },
    );
    const page = toPage(rows, input.limit);
    return { items: page.items.map(commentView), nextCursor: page.nextCursor };
  }),

  /** A comment, and with `statusId` the task's new status, in one transaction and one event. */
  add: authedProcedure
    .input(
      z.object({
        taskId: ZId,
        text: z
          .string()
          .trim()
          .min(1, 'is required')
          .max(20_000, 'must be at most 20000 characters'),
        statusId: ZId.optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { em, access, principal } = ctx;
      const task = await access.task(input.taskId, 'comment');
      if (input.statusId) access.assert('setTaskStatus', await access.taskStanding(task));
      const status = input.statusId ? await statusById(em, input.statusId) : null;
      const comment = em.create(Comment, {
        task,
        author: em.getReference(Person, principal.id),
        authorName: principal.name,
        text: input.text,
        status,
      });
      if (status) task.status = ref(status);
      await flushWithEvent(em, principal, {
        type: 'comment.added',
        projectId: task.project.id,
        targetType: 'comment',
        targetId: comment.id,
        taskId: task.id,
        data: { statusId: status?.id ?? null },
      });
      return commentView(comment);
    }),
});

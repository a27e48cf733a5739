import { Comment, type FilterQuery, type ITask, Person, Project, ref, Task } from '@clapper/db';
import { z } from 'zod';
import { ZDay, ZId } from '../domain/schemas';
import { assignable, createTasks, statusById, taskEvent } from '../domain/tasks';
import { notFound } from '../errors';
import { flushWithEvent, recordEvent } from '../events';
import { toPage, ZPage } from '../pagination';
import { authedProcedure, router } from '../trpc';
import { commentView, taskView, taskViews } from '../views/production';

const ZPersonIds = z.array(ZId).max(50, 'at most 50 assignees');

const ZNewTask = z.object({
  entityId: ZId,
  taskTypeId: ZId,
  assigneeIds: ZPersonIds.default([]),
  dueDate: ZDay.nullish(),
});

/** Most tasks one `tasks.createMany` call takes. */
export const MAX_TASKS_PER_CALL = 500;

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

  create: authedProcedure.input(ZNewTask).mutation(async ({ ctx, input }) => {
    const [task] = await createTasks(ctx.em, ctx.access, [input], (_, name) => name);
    return taskView(ctx.em, task!);
  }),

  /** Up to 500 tasks in one transaction, all or none, for pipeline bulk work. */
  createMany: authedProcedure
    .input(
      z.object({
        tasks: z
          .array(ZNewTask)
          .min(1, 'needs at least one task')
          .max(MAX_TASKS_PER_CALL, `at most ${MAX_TASKS_PER_CALL} tasks a call`),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const tasks = await createTasks(ctx.em, ctx.access, input.tasks);
      return { items: await taskViews(ctx.em, tasks) };
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

import { type CommentRow, newId, Project, Task, writes } from '@clapper/db';
import { z } from 'zod';
import { ZDay, ZId } from '../domain/schemas';
import { assignable, createTasks, statusById, taskEvent } from '../domain/tasks';
import { text } from '../domain/text';
import { notFound } from '../errors';
import { recordEvent, writeWithEvent } from '../events';
import { toPage, ZPage } from '../pagination';
import { authedProcedure, readProcedure, router, writeProcedure } from '../trpc';
import { commentView, taskView, taskViewsOf } from '../views/production';

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
  list: readProcedure
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
      const { access, services } = ctx;
      await access.project(input.projectId);
      const reach = await access.reach('readTask', input.projectId);
      if (reach === 'none') throw notFound('Project');
      const assignedTo: string[] = [];
      if (reach === 'assigned') assignedTo.push(access.principal.id);
      if (input.assigneeId) assignedTo.push(input.assigneeId);
      const filter = { ...input, assignedTo };
      const key = `tasks.list ${JSON.stringify([input.projectId, assignedTo, input.statusId, input.taskTypeId, input.cursor, input.limit])}`;
      return services.cache.page(input.projectId, key, async () => {
        const page = toPage(await services.reads.tasks.page(filter, input.limit + 1), input.limit);
        return { items: page.items.map(taskView), nextCursor: page.nextCursor };
      });
    }),

  get: readProcedure
    .input(z.object({ id: ZId }))
    .query(async ({ ctx, input }) => taskView(await ctx.access.task(input.id))),

  create: authedProcedure.input(ZNewTask).mutation(async ({ ctx, input }) => {
    const tasks = await createTasks(ctx.em, ctx.access, [input], (_, name) => name);
    return (await taskViewsOf(ctx.em, tasks))[0]!;
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
      return { items: await taskViewsOf(ctx.em, tasks) };
    }),

  update: writeProcedure
    .input(z.object({ id: ZId, dueDate: ZDay.nullable().optional() }))
    .mutation(async ({ ctx, input }) => {
      // Fresh: whether the due date changes is decided on what the task holds now.
      const task = await ctx.access.task(input.id, 'changeTask', { fresh: true });
      const changed = input.dueDate !== undefined && input.dueDate !== task.dueDate;
      const now = new Date();
      const event = taskEvent(task, 'task.updated', { dueDate: input.dueDate });
      return writeWithEvent(
        ctx,
        ctx.principal,
        event,
        now,
        changed ? [writes.setTaskDueDate(task.id, input.dueDate ?? null, now)] : [],
        'Task',
        taskView(changed ? { ...task, dueDate: input.dueDate ?? null, updatedAt: now } : task),
      );
    }),

  assign: authedProcedure
    .input(z.object({ taskId: ZId, personIds: ZPersonIds }))
    .mutation(async ({ ctx, input }) => {
      const { em, access, principal } = ctx;
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
    }),

  setStatus: writeProcedure
    .input(z.object({ taskId: ZId, statusId: ZId }))
    .mutation(async ({ ctx, input }) => {
      const task = await ctx.access.task(input.taskId, 'setTaskStatus', { fresh: true });
      const status = await statusById(ctx.services.reads, input.statusId);
      const changed = status.id !== task.status.id;
      const now = new Date();
      const event = taskEvent(task, 'task.status_changed', { from: task.status.id, to: status.id });
      return writeWithEvent(
        ctx,
        ctx.principal,
        event,
        now,
        changed ? [writes.setTaskStatus(task.id, status.id, now)] : [],
        'Task',
        taskView(changed ? { ...task, status, updatedAt: now } : task),
      );
    }),
});

export const commentsRouter = router({
  list: readProcedure.input(z.object({ taskId: ZId, ...ZPage })).query(async ({ ctx, input }) => {
    const { services } = ctx;
    const task = await ctx.access.task(input.taskId);
    const key = `comments.list ${JSON.stringify([task.id, input.cursor, input.limit])}`;
    return services.cache.page(task.projectId, key, async () => {
      const rows = await services.reads.tasks.comments(task.id, input.cursor, input.limit + 1);
      const page = toPage(rows, input.limit);
      return { items: page.items.map(commentView), nextCursor: page.nextCursor };
    });
  }),

  /** A comment, and with `statusId` the task's new status, in one transaction and one event. */
  add: writeProcedure
    .input(
      z.object({
        taskId: ZId,
        text: text({ max: 20_000, multiline: true }),
        statusId: ZId.optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { access, principal, services } = ctx;
      // A status change is decided on what the task holds now; a plain comment needs only the check.
      const task = await access.task(input.taskId, 'comment', { fresh: !!input.statusId });
      if (input.statusId) access.assert('setTaskStatus', await access.taskStanding(task));
      const status = input.statusId ? await statusById(services.reads, input.statusId) : null;
      const now = new Date();
      const comment: CommentRow = {
        id: newId(),
        taskId: task.id,
        authorId: principal.id,
        authorName: principal.name,
        text: input.text,
        statusId: status?.id ?? null,
        createdAt: now,
      };
      const event = {
        type: 'comment.added',
        projectId: task.projectId,
        targetType: 'comment',
        targetId: comment.id,
        taskId: task.id,
        data: { statusId: comment.statusId },
      };
      const moves = status && status.id !== task.status.id;
      return writeWithEvent(
        ctx,
        principal,
        event,
        now,
        [
          ...(moves ? [writes.setTaskStatus(task.id, status.id, now)] : []),
          writes.insertComment(comment),
        ],
        'Task',
        commentView(comment),
      );
    }),
});

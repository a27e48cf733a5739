import { addComment, listComments, ZAddCommentInput, ZListCommentsInput } from '../domain/comments';
import {
  assignTask,
  createManyTasks,
  createTask,
  getTask,
  listEntityTasks,
  listTasks,
  setTaskStatus,
  updateTask,
  ZAssignTaskInput,
  ZCreateManyTasksInput,
  ZEntityTasksInput,
  ZListTasksInput,
  ZNewTask,
  ZSetTaskStatusInput,
  ZTaskIdInput,
  ZUpdateTaskInput,
} from '../domain/tasks';
import { rest } from '../rest/meta';
import * as wire from '../rest/wire';
import { authedProcedure, readProcedure, router, writeProcedure } from '../trpc';

export const tasksRouter = router({
  list: readProcedure
    .meta(rest('GET', '/projects/{projectId}/tasks', wire.TaskPage, "A project's tasks"))
    .input(ZListTasksInput)
    .query(({ ctx, input }) => listTasks(ctx, input)),
  ofEntity: readProcedure
    .meta(rest('GET', '/entities/{entityId}/tasks', wire.TaskPage, "An asset's or shot's tasks"))
    .input(ZEntityTasksInput)
    .query(({ ctx, input }) => listEntityTasks(ctx, input)),
  get: readProcedure
    .meta(rest('GET', '/tasks/{id}', wire.Task, 'A task'))
    .input(ZTaskIdInput)
    .query(({ ctx, input }) => getTask(ctx, input)),
  create: authedProcedure
    .meta(rest('POST', '/tasks', wire.Task, 'A new task on an asset or shot'))
    .input(ZNewTask)
    .mutation(({ ctx, input }) => createTask(ctx, input)),
  /** Up to 500 tasks in one transaction, all or none, for pipeline bulk work. */
  createMany: authedProcedure
    .meta(rest('POST', '/tasks/batch', wire.Tasks, 'Up to 500 tasks, all or none'))
    .input(ZCreateManyTasksInput)
    .mutation(({ ctx, input }) => createManyTasks(ctx, input)),
  update: writeProcedure
    .meta(rest('PATCH', '/tasks/{id}', wire.Task, "A task's due date"))
    .input(ZUpdateTaskInput)
    .mutation(({ ctx, input }) => updateTask(ctx, input)),
  assign: authedProcedure
    .meta(rest('PUT', '/tasks/{taskId}/assignees', wire.Task, "Replaces a task's assignees"))
    .input(ZAssignTaskInput)
    .mutation(({ ctx, input }) => assignTask(ctx, input)),
  setStatus: writeProcedure
    .meta(rest('PUT', '/tasks/{taskId}/status', wire.Task, "A task's status"))
    .input(ZSetTaskStatusInput)
    .mutation(({ ctx, input }) => setTaskStatus(ctx, input)),
});

export const commentsRouter = router({
  list: readProcedure
    .meta(rest('GET', '/tasks/{taskId}/comments', wire.CommentPage, "A task's comments"))
    .input(ZListCommentsInput)
    .query(({ ctx, input }) => listComments(ctx, input)),
  /** A comment, and with `statusId` the task's new status, in one transaction and one event. */
  add: writeProcedure
    .meta(
      rest(
        'POST',
        '/tasks/{taskId}/comments',
        wire.Comment,
        'A comment, with `statusId` a status change too',
      ),
    )
    .input(ZAddCommentInput)
    .mutation(({ ctx, input }) => addComment(ctx, input)),
});

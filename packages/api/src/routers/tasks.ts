import { addComment, listComments, ZAddCommentInput, ZListCommentsInput } from '../domain/comments';
import {
  assignTask,
  createManyTasks,
  createTask,
  getTask,
  listTasks,
  setTaskStatus,
  updateTask,
  ZAssignTaskInput,
  ZCreateManyTasksInput,
  ZListTasksInput,
  ZNewTask,
  ZSetTaskStatusInput,
  ZTaskIdInput,
  ZUpdateTaskInput,
} from '../domain/tasks';
import { authedProcedure, readProcedure, router, writeProcedure } from '../trpc';

export const tasksRouter = router({
  list: readProcedure.input(ZListTasksInput).query(({ ctx, input }) => listTasks(ctx, input)),
  get: readProcedure.input(ZTaskIdInput).query(({ ctx, input }) => getTask(ctx, input.id)),
  create: authedProcedure.input(ZNewTask).mutation(({ ctx, input }) => createTask(ctx, input)),
  /** Up to 500 tasks in one transaction, all or none, for pipeline bulk work. */
  createMany: authedProcedure
    .input(ZCreateManyTasksInput)
    .mutation(({ ctx, input }) => createManyTasks(ctx, input)),
  update: writeProcedure
    .input(ZUpdateTaskInput)
    .mutation(({ ctx, input }) => updateTask(ctx, input)),
  assign: authedProcedure
    .input(ZAssignTaskInput)
    .mutation(({ ctx, input }) => assignTask(ctx, input)),
  setStatus: writeProcedure
    .input(ZSetTaskStatusInput)
    .mutation(({ ctx, input }) => setTaskStatus(ctx, input)),
});

export const commentsRouter = router({
  list: readProcedure.input(ZListCommentsInput).query(({ ctx, input }) => listComments(ctx, input)),
  /** A comment, and with `statusId` the task's new status, in one transaction and one event. */
  add: writeProcedure.input(ZAddCommentInput).mutation(({ ctx, input }) => addComment(ctx, input)),
});

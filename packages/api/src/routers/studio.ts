/** Studio-wide settings: departments, task types and task statuses (domain/studio.ts). */
import {
  createDepartment,
  createTaskStatus,
  createTaskType,
  deleteDepartment,
  listDepartments,
  listTaskStatuses,
  listTaskTypes,
  updateDepartment,
  updateTaskStatus,
  updateTaskType,
  ZCreateDepartmentInput,
  ZCreateTaskStatusInput,
  ZCreateTaskTypeInput,
  ZIdInput,
  ZListDepartmentsInput,
  ZListInput,
  ZUpdateDepartmentInput,
  ZUpdateTaskStatusInput,
  ZUpdateTaskTypeInput,
} from '../domain/studio';
import { rest } from '../rest/meta';
import * as wire from '../rest/wire';
import { authedProcedure, configureProcedure, readProcedure, router } from '../trpc';

export const departmentsRouter = router({
  list: readProcedure
    .meta(rest('GET', '/departments', wire.DepartmentPage, 'Departments; `q` searches names'))
    .input(ZListDepartmentsInput)
    .query(({ ctx, input }) => listDepartments(ctx, input)),
  create: configureProcedure
    .input(ZCreateDepartmentInput)
    .mutation(({ ctx, input }) => createDepartment(ctx, input)),
  update: configureProcedure
    .input(ZUpdateDepartmentInput)
    .mutation(({ ctx, input }) => updateDepartment(ctx, input)),
  delete: configureProcedure
    .input(ZIdInput)
    .mutation(({ ctx, input }) => deleteDepartment(ctx, input)),
});

export const taskTypesRouter = router({
  list: authedProcedure
    .meta(rest('GET', '/task-types', wire.TaskTypePage, 'Task types'))
    .input(ZListInput)
    .query(({ ctx, input }) => listTaskTypes(ctx, input)),
  create: configureProcedure
    .input(ZCreateTaskTypeInput)
    .mutation(({ ctx, input }) => createTaskType(ctx, input)),
  update: configureProcedure
    .input(ZUpdateTaskTypeInput)
    .mutation(({ ctx, input }) => updateTaskType(ctx, input)),
});

export const taskStatusesRouter = router({
  list: authedProcedure
    .meta(rest('GET', '/task-statuses', wire.TaskStatusPage, 'Task statuses'))
    .input(ZListInput)
    .query(({ ctx, input }) => listTaskStatuses(ctx, input)),
  create: configureProcedure
    .input(ZCreateTaskStatusInput)
    .mutation(({ ctx, input }) => createTaskStatus(ctx, input)),
  update: configureProcedure
    .input(ZUpdateTaskStatusInput)
    .mutation(({ ctx, input }) => updateTaskStatus(ctx, input)),
});

import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { authRouter } from './routers/auth';
import { botsRouter } from './routers/bots';
import { eventsRouter } from './routers/events';
import { projectsRouter } from './routers/projects';
import { departmentsRouter, taskStatusesRouter, taskTypesRouter } from './routers/studio';
import { assetsRouter, assetTypesRouter, sequencesRouter, shotsRouter } from './routers/subjects';
import { commentsRouter, tasksRouter } from './routers/tasks';
import { triggersRouter } from './routers/triggers';
import { usersRouter } from './routers/users';
import { createCallerFactory, router } from './trpc';

export const appRouter = router({
  auth: authRouter,
  bots: botsRouter,
  users: usersRouter,
  departments: departmentsRouter,
  projects: projectsRouter,
  taskTypes: taskTypesRouter,
  taskStatuses: taskStatusesRouter,
  assets: assetsRouter,
  assetTypes: assetTypesRouter,
  sequences: sequencesRouter,
  shots: shotsRouter,
  tasks: tasksRouter,
  comments: commentsRouter,
  events: eventsRouter,
  triggers: triggersRouter,
});

/** The single source of the API's types: the admin, the client and the runner infer from it. */
export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

export const createCaller = createCallerFactory(appRouter);

import {
  changeTeam,
  createProject,
  getProject,
  listProjects,
  projectByName,
  updateProject,
  ZCreateProjectInput,
  ZListProjectsInput,
  ZProjectIdInput,
  ZProjectMemberInput,
  ZProjectNameInput,
  ZUpdateProjectInput,
} from '../domain/projects';
import { rest } from '../rest/meta';
import * as wire from '../rest/wire';
import { authedProcedure, configureProcedure, readProcedure, router } from '../trpc';

export const projectsRouter = router({
  list: readProcedure
    .meta(
      rest(
        'GET',
        '/projects',
        wire.ProjectPage,
        'Projects the caller may read; `q` searches names',
      ),
    )
    .input(ZListProjectsInput)
    .query(({ ctx, input }) => listProjects(ctx, input)),
  get: readProcedure
    .meta(rest('GET', '/projects/{id}', wire.Project, 'A project'))
    .input(ZProjectIdInput)
    .query(({ ctx, input }) => getProject(ctx, input)),
  byName: readProcedure
    .meta(rest('GET', '/projects/by-name', wire.Project, 'The project with this name, in any case'))
    .input(ZProjectNameInput)
    .query(({ ctx, input }) => projectByName(ctx, input)),
  create: configureProcedure
    .input(ZCreateProjectInput)
    .mutation(({ ctx, input }) => createProject(ctx, input)),
  update: authedProcedure
    .input(ZUpdateProjectInput)
    .mutation(({ ctx, input }) => updateProject(ctx, input)),
  addMember: authedProcedure
    .input(ZProjectMemberInput)
    .mutation(({ ctx, input }) => changeTeam(ctx, { ...input, change: 'add' })),
  removeMember: authedProcedure
    .input(ZProjectMemberInput)
    .mutation(({ ctx, input }) => changeTeam(ctx, { ...input, change: 'remove' })),
});

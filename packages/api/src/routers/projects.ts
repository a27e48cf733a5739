import { type Em, type IProject, Project, projectRowOf, teamRowsOf } from '@clapper/db';
import { z } from 'zod';
import { addMember, removeMember } from '../domain/projects';
import { ZId, ZName } from '../domain/schemas';
import { assertNameFree } from '../domain/unique-names';
import { flushWithEvent } from '../events';
import { toPage } from '../pagination';
import { type CachedProject, deepFreeze } from '../read-cache';
import { authedProcedure, readProcedure, router } from '../trpc';
import { projectView } from '../views/production';
import { ZListProjectsInput, ZProjectMemberInput } from './projects.schema';

const NOBODY = { inTeam: false, inDepartment: false, assigned: false };

const cachedViews = new WeakMap<CachedProject, ReturnType<typeof projectView>>();

/** The view of a cached project, made once while the cache keeps it (frozen, so served as is). */
function cachedView(project: CachedProject) {
  let view = cachedViews.get(project);
  if (!view) {
    view = deepFreeze(projectView(project.row, project.team));
    cachedViews.set(project, view);
  }
  return view;
}

/** A mutation answers from its own unit of work: what it wrote, even in a dry run. */
async function viewOf(em: Em, project: IProject) {
  await em.populate(project, ['team']);
  return projectView(projectRowOf(project), teamRowsOf(project));
}

export const projectsRouter = router({
  /** Projects the caller may read: all for admins, the team's for everyone else. */
  list: readProcedure.input(ZListProjectsInput).query(async ({ ctx, input }) => {
    const { access, services } = ctx;
    const everywhere = access.allows('readProject', NOBODY);
    const ids = everywhere ? 'all' : [...(await access.teamProjectIds())];
    const { rows, total } = await services.reads.projects.page(
      ids,
      input.cursor,
      input.limit + 1,
      input.q,
    );
    const page = toPage(rows, input.limit);
    const teams = await services.reads.projects.teams(page.items.map((p) => p.id));
    return {
      items: page.items.map((p) => projectView(p, teams.get(p.id)!)),
      nextCursor: page.nextCursor,
      total,
    };
  }),

  get: readProcedure
    .input(z.object({ id: ZId }))
    .query(async ({ ctx, input }) => cachedView(await ctx.access.project(input.id))),

  byName: readProcedure
    .input(z.object({ name: ZName }))
    .query(async ({ ctx, input }) => cachedView(await ctx.access.projectByName(input.name))),

  create: authedProcedure
    .input(z.object({ name: ZName, botCollaboration: z.boolean().default(false) }))
    .mutation(async ({ ctx, input }) => {
      const { em, access, principal } = ctx;
      access.assert('configureStudio', NOBODY);
      await assertNameFree(em, Project, 'project', input.name);
      const project = em.create(Project, input);
      await flushWithEvent(em, principal, {
        type: 'project.created',
        projectId: project.id,
        targetType: 'project',
        targetId: project.id,
        data: input,
      });
      return projectView(projectRowOf(project), []);
    }),

  update: authedProcedure
    .input(z.object({ id: ZId, name: ZName.optional(), botCollaboration: z.boolean().optional() }))
    .mutation(async ({ ctx, input }) => {
      const { em, access, principal } = ctx;
      await access.project(input.id, 'changeProject');
      const project = await em.findOneOrFail(Project, { id: input.id });
      if (input.name !== undefined && input.name !== project.name) {
        await assertNameFree(em, Project, 'project', input.name, { exceptId: project.id });
        project.name = input.name;
      }
      if (input.botCollaboration !== undefined) project.botCollaboration = input.botCollaboration;
      await flushWithEvent(em, principal, {
        type: 'project.updated',
        projectId: project.id,
        targetType: 'project',
        targetId: project.id,
        data: { name: input.name, botCollaboration: input.botCollaboration },
      });
      return viewOf(em, project);
    }),

  addMember: authedProcedure.input(ZProjectMemberInput).mutation(async ({ ctx, input }) => {
    await ctx.access.project(input.projectId, 'changeProject');
    const { project } = await addMember(ctx, ctx.principal, input);
    return viewOf(ctx.em, project);
  }),

  removeMember: authedProcedure.input(ZProjectMemberInput).mutation(async ({ ctx, input }) => {
    await ctx.access.project(input.projectId, 'changeProject');
    const { project } = await removeMember(ctx, ctx.principal, input);
    return viewOf(ctx.em, project);
  }),
});

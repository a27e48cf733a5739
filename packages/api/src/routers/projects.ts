import { Person, Project } from '@clapper/db';
import { z } from 'zod';
import { ZId, ZName } from '../domain/schemas';
import { badRequest, conflict, notFound } from '../errors';
import { flushWithEvent } from '../events';
import { toPage, ZPage } from '../pagination';
import { authedProcedure, router } from '../trpc';
import { projectView, projectViews } from '../views/production';

const ZMemberInput = z.object({ projectId: ZId, personId: ZId });
const NOBODY = { inTeam: false, inDepartment: false, assigned: false };

export const projectsRouter = router({
  /** Projects the caller may read: all for admins, the team's for everyone else. */
  list: authedProcedure
    .input(z.object({ ...ZPage }).default({ limit: 100 }))
    .query(async ({ ctx, input }) => {
      const { em, access } = ctx;
      const everywhere = access.allows('readProject', NOBODY);
      const rows = await em.find(
        Project,
        {
          $and: [
            everywhere ? {} : { id: { $in: [...(await access.teamProjectIds())] } },
            input.cursor ? { id: { $gt: input.cursor } } : {},
          ],
        },
        { orderBy: { id: 'asc' }, limit: input.limit + 1 },
      );
      const page = toPage(rows, input.limit);
      return { items: await projectViews(em, page.items), nextCursor: page.nextCursor };
    }),

  get: authedProcedure
    .input(z.object({ id: ZId }))
    .query(async ({ ctx, input }) => projectView(ctx.em, await ctx.access.project(input.id))),

  byName: authedProcedure.input(z.object({ name: ZName })).query(async ({ ctx, input }) => {
    const found = await ctx.em.findOne(Project, { name: input.name });
    if (!found) throw notFound('Project');
    return projectView(ctx.em, await ctx.access.project(found.id));
  }),

  create: authedProcedure
    .input(z.object({ name: ZName, botCollaboration: z.boolean().default(false) }))
    .mutation(async ({ ctx, input }) => {
      const { em, access, principal } = ctx;
      access.assert('configureStudio', NOBODY);
      if ((await em.count(Project, { name: input.name })) > 0) {
        throw conflict('name', `A project named "${input.name}" already exists`);
      }
      const project = em.create(Project, input);
      await flushWithEvent(em, principal, {
        type: 'project.created',
        projectId: project.id,
        targetType: 'project',
        targetId: project.id,
        data: input,
      });
      return projectView(em, project);
    }),

  update: authedProcedure
    .input(z.object({ id: ZId, name: ZName.optional(), botCollaboration: z.boolean().optional() }))
    .mutation(async ({ ctx, input }) => {
      const { em, access, principal } = ctx;
      const project = await access.project(input.id, 'changeProject');
      if (input.name !== undefined && input.name !== project.name) {
        if ((await em.count(Project, { name: input.name })) > 0) {
          throw conflict('name', `A project named "${input.name}" already exists`);
        }
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
      return projectView(em, project);
    }),

  addMember: authedProcedure.input(ZMemberInput).mutation(async ({ ctx, input }) => {
    const { em, access, principal } = ctx;
    const project = await access.project(input.projectId, 'changeProject');
    const person = await em.findOne(Person, { id: input.personId });
    if (!person) throw badRequest('personId', 'no user or bot has this id');
    await em.populate(project, ['team']);
    if (!project.team.contains(person)) {
      project.team.add(person);
      await flushWithEvent(em, principal, {
        type: 'project.member_added',
        projectId: project.id,
        targetType: 'person',
        targetId: person.id,
        data: { name: person.name, kind: person.kind },
      });
    }
    return projectView(em, project);
  }),

  removeMember: authedProcedure.input(ZMemberInput).mutation(async ({ ctx, input }) => {
    const { em, access, principal } = ctx;
    const project = await access.project(input.projectId, 'changeProject');
    await em.populate(project, ['team']);
    const person = project.team.getItems().find((p) => p.id === input.personId);
    if (!person) throw badRequest('personId', 'is not on this project team');
    project.team.remove(person);
    await flushWithEvent(em, principal, {
      type: 'project.member_removed',
      projectId: project.id,
      targetType: 'person',
      targetId: person.id,
      data: { name: person.name, kind: person.kind },
    });
    return projectView(em, project);
  }),
});

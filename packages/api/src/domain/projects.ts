/** Projects: the pages a caller may read, the studio's changes to them, and their teams. */
import {
  type Em,
  type IPerson,
  type IProject,
  Person,
  Project,
  projectRowOf,
  teamRowsOf,
} from '@clapper/db';
import { z } from 'zod';
import type { CachedProject } from '../cache/read-cache';
import { badRequest, notFound } from '../errors';
import { type Actor, flushWithEvent } from '../events/write';
import { projectView } from '../views/production';
import { deepFreeze } from '../wire/frozen';
import type { CallerDeps, Deps, ReadDeps } from './deps';
import { toPage, ZNamedListInput } from './pagination';
import { ZId, ZName } from './schemas';
import { assertNameFree } from './unique-names';

/** A person (user or bot) on a project's team: `projects.addMember`, `projects.removeMember`, the CLI. */
export const ZProjectMemberInput = z.object({ projectId: ZId, personId: ZId });
export type ProjectMemberInput = z.infer<typeof ZProjectMemberInput>;

/** A page of the projects the caller may read, whose name contains `q` (any case). */
export const ZListProjectsInput = ZNamedListInput;
export const ZProjectIdInput = z.object({ id: ZId });
export const ZProjectNameInput = z.object({ name: ZName });
export const ZCreateProjectInput = z.object({
  name: ZName,
  botCollaboration: z.boolean().default(false),
});
export const ZUpdateProjectInput = z.object({
  id: ZId,
  name: ZName.optional(),
  botCollaboration: z.boolean().optional(),
});

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

/** Projects the caller may read: all for admins, the team's for everyone else. */
export async function listProjects(
  { access, services }: ReadDeps,
  input: z.infer<typeof ZListProjectsInput>,
) {
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
}

export const getProject = async ({ access }: Pick<Deps, 'access'>, { id }: { id: string }) =>
  cachedView(await access.project(id));

export const projectByName = async ({ access }: Pick<Deps, 'access'>, { name }: { name: string }) =>
  cachedView(await access.projectByName(name));

/** A new project; who may make one is the procedure's rule (`configureStudio`). */
export async function createProject(
  { em, principal }: CallerDeps,
  input: z.infer<typeof ZCreateProjectInput>,
) {
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
}

export async function updateProject(
  { em, access, principal }: CallerDeps,
  input: z.infer<typeof ZUpdateProjectInput>,
) {
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
}

/** `projects.addMember` and `removeMember`: the caller must be able to change the project. */
export async function changeTeam(
  deps: CallerDeps,
  { change, ...input }: ProjectMemberInput & { change: 'add' | 'remove' },
) {
  await deps.access.project(input.projectId, 'changeProject');
  const { project } = await (change === 'add' ? addMember : removeMember)(deps, input);
  return viewOf(deps.em, project);
}

/**
 * Team membership, for `projects.addMember`/`removeMember` (which check the
 * caller may change the project first) and the CLI (the system may). Each
 * change writes its event in the same flush.
 */
export interface MemberChange {
  project: IProject;
  person: IPerson;
  /** false: the person was on the team already; nothing was written. */
  changed: boolean;
}

/** Puts a user or bot on the team; one already on it changes nothing and writes no event. */
export async function addMember(
  { em, principal: actor }: Pick<Deps, 'em' | 'principal'>,
  { projectId, personId }: ProjectMemberInput,
): Promise<MemberChange> {
  const project = await findProjectWithTeam(em, projectId);
  const person = await em.findOne(Person, { id: personId });
  if (!person) throw badRequest('personId', 'no user or bot has this id');
  if (project.team.contains(person)) return { project, person, changed: false };
  project.team.add(person);
  return saveMemberChange(em, actor, 'project.member_added', project, person);
}

/** Takes a user or bot off the team; BAD_REQUEST on `personId` for one not on it. */
export async function removeMember(
  { em, principal: actor }: Pick<Deps, 'em' | 'principal'>,
  { projectId, personId }: ProjectMemberInput,
): Promise<MemberChange> {
  const project = await findProjectWithTeam(em, projectId);
  const person = project.team.getItems().find((p) => p.id === personId);
  if (!person) throw badRequest('personId', 'is not on this project team');
  project.team.remove(person);
  return saveMemberChange(em, actor, 'project.member_removed', project, person);
}

/** Writes a team change with its event, in one flush. */
async function saveMemberChange(
  em: Em,
  actor: Actor,
  type: 'project.member_added' | 'project.member_removed',
  project: IProject,
  person: IPerson,
): Promise<MemberChange> {
  await flushWithEvent(em, actor, {
    type,
    projectId: project.id,
    targetType: 'person',
    targetId: person.id,
    data: { name: person.name, kind: person.kind },
  });
  return { project, person, changed: true };
}

async function findProjectWithTeam(em: Em, id: string): Promise<IProject> {
  const project = await em.findOne(Project, { id }, { populate: ['team'] });
  if (!project) throw notFound('Project');
  return project;
}

/** A project by its exact name (the CLI's way to name one); null if none. */
export async function findProjectByName(
  { em }: Pick<Deps, 'em'>,
  { name }: { name: string },
): Promise<{ id: string; name: string } | null> {
  const project = await em.findOne(Project, { name });
  return project && { id: project.id, name: project.name };
}

/** The names of the projects whose team each person is on, sorted, from the hot reads. */
export async function teamNamesByPerson({
  services,
}: Pick<Deps, 'services'>): Promise<Map<string, string[]>> {
  const teams = new Map<string, string[]>();
  const pageSize = 500;
  let cursor: string | undefined;
  for (;;) {
    const { rows: page } = await services.reads.projects.page('all', cursor, pageSize);
    const members = await services.reads.projects.teams(page.map((p) => p.id));
    for (const project of page) {
      for (const member of members.get(project.id) ?? []) {
        teams.set(member.id, [...(teams.get(member.id) ?? []), project.name]);
      }
    }
    if (page.length < pageSize) break;
    cursor = page.at(-1)!.id;
  }
  for (const names of teams.values()) names.sort();
  return teams;
}

import { type Em, type IPerson, type IProject, Person, Project } from '@clapper/db';
import { badRequest, notFound } from '../errors';
import { type Actor, flushWithEvent } from '../events';
import type { ProjectMemberInput } from '../routers/projects.schema';

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
  { em }: { em: Em },
  actor: Actor,
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
  { em }: { em: Em },
  actor: Actor,
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

/** What the task operations share: who may be assigned, a status by id, a task's event. */
import { type Em, type HotReads, type IPerson, type IProject, Person } from '@clapper/db';
import { badRequest, DomainError } from '../errors';

/** Team members only; bots only where the project's `botCollaboration` flag is on. */
export async function assignable(
  em: Em,
  project: IProject,
  ids: readonly string[],
  field: string,
  /** People already loaded by the caller (a bulk call loads every assignee at once). */
  loaded?: ReadonlyMap<string, IPerson>,
) {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const people = loaded
    ? unique.flatMap((id) => loaded.get(id) ?? [])
    : await em.find(Person, { id: { $in: unique } });
  const missing = unique.find((id) => !people.some((p) => p.id === id));
  if (missing) throw badRequest(field, `no user or bot has the id ${missing}`);
  await em.populate(project, ['team']);
  const outsider = people.find((p) => !project.team.contains(p));
  if (outsider) throw badRequest(field, `${outsider.name} is not on the team of ${project.name}`);
  const bot = people.find((p) => p.kind === 'bot');
  if (bot && !project.botCollaboration) {
    throw new DomainError(
      'FORBIDDEN',
      `Tasks can be assigned to bots only in projects with botCollaboration on; ${bot.name} is a bot`,
      field,
    );
  }
  return people;
}

export async function statusById(reads: HotReads, id: string) {
  const status = await reads.tasks.status(id);
  if (!status) throw badRequest('statusId', 'no task status has this id');
  return status;
}

export const taskEvent = (
  task: { id: string; projectId: string },
  type: string,
  data?: Record<string, unknown>,
) => ({
  type,
  projectId: task.projectId,
  targetType: 'task',
  targetId: task.id,
  taskId: task.id,
  data,
});

import { type Em, type FilterQuery, type IEvent, Task } from '@clapper/db';
import type { Principal } from '../auth/principal';
import { allows, listReach, PEOPLE } from '../permissions';
import type { Access } from './access';

/**
 * Who may see which event, in one place for `events.list` (as SQL) and
 * `events.subscribe` (in memory): admins see everything; others their own
 * actions and the events of projects they may read, vendors only those about
 * tasks assigned to them.
 */
export async function visibleEventsWhere(em: Em, access: Access): Promise<FilterQuery<IEvent>> {
  const { principal } = access;
  if (allows(PEOPLE.seeAllEvents, principal.role)) return {};
  const teams = [...(await access.teamProjectIds())];
  const reach = listReach('readTask', principal.role, true);
  const or: FilterQuery<IEvent>[] = [{ actorId: principal.id }];
  if (reach === 'all') or.push({ projectId: { $in: teams } });
  if (reach === 'assigned') {
    or.push({ projectId: { $in: teams }, taskId: { $in: await assignedTaskIds(em, principal) } });
  }
  return { $or: or };
}

export async function isVisibleFilter(em: Em, access: Access): Promise<(event: IEvent) => boolean> {
  const { principal } = access;
  if (allows(PEOPLE.seeAllEvents, principal.role)) return () => true;
  const teams = await access.teamProjectIds();
  const reach = listReach('readTask', principal.role, true);
  const assigned =
    reach === 'assigned' ? new Set(await assignedTaskIds(em, principal)) : new Set<string>();
  return (event) =>
    event.actorId === principal.id ||
    (!!event.projectId &&
      teams.has(event.projectId) &&
      (reach === 'all' || (reach === 'assigned' && !!event.taskId && assigned.has(event.taskId))));
}

async function assignedTaskIds(em: Em, principal: Principal): Promise<string[]> {
  const tasks = await em.find(Task, { assignees: principal.id }, { fields: ['id'] });
  return tasks.map((t) => t.id);
}

export const eventView = (e: IEvent) => ({
  id: e.id,
  type: e.type,
  actorId: e.actorId ?? null,
  actorKind: e.actorKind,
  actorName: e.actorName,
  projectId: e.projectId ?? null,
  targetType: e.targetType ?? null,
  targetId: e.targetId ?? null,
  taskId: e.taskId ?? null,
  data: e.data ?? null,
  createdAt: e.createdAt,
});

/** `types` entries are exact (`comment.added`) or a family (`task.*`). */
export const matchesTypes = (types: readonly string[] | undefined, type: string) =>
  !types?.length ||
  types.some((t) => (t.endsWith('.*') ? type.startsWith(t.slice(0, -1)) : t === type));

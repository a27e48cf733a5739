import type { EventRow, EventVisibility } from '@clapper/db';
import type { TickReads } from '../cache/tick-reads';
import type { Access } from '../domain/access';
import { listReach } from '../permissions';

/**
 * Who may see which event, in one place for `events.list` (as SQL) and
 * `events.subscribe` (in memory): admins see everything; others their own
 * actions and the events of projects they may read, vendors only those about
 * tasks assigned to them.
 */
export async function eventVisibility(
  access: Access,
  tickReads: TickReads,
): Promise<EventVisibility> {
  const { principal } = access;
  if (access.may('seeAllEvents')) return 'all';
  const reach = listReach('readTask', principal.role, true);
  const teams = reach === 'none' ? new Set<string>() : await access.teamProjectIds();
  return {
    actorId: principal.id,
    projectIds: [...teams],
    // Read only for callers whose reach needs it; a task outside the caller's teams is not theirs
    // to follow.
    assignedTaskIds:
      reach === 'assigned'
        ? (await tickReads.assignedTasks.load(principal.id))
            .filter((task) => teams.has(task.projectId))
            .map((task) => task.taskId)
        : null,
  };
}

/** The same rule in memory. */
export async function isVisibleFilter(
  access: Access,
  tickReads: TickReads,
): Promise<(event: EventRow) => boolean> {
  const visibility = await eventVisibility(access, tickReads);
  if (visibility === 'all') return () => true;
  const teams = new Set(visibility.projectIds);
  const assigned = visibility.assignedTaskIds && new Set(visibility.assignedTaskIds);
  return (event) =>
    event.actorId === visibility.actorId ||
    (!!event.projectId &&
      teams.has(event.projectId) &&
      (!assigned || (!!event.taskId && assigned.has(event.taskId))));
}

export const eventView = (e: EventRow) => ({
  id: e.id,
  type: e.type,
  actorId: e.actorId,
  actorKind: e.actorKind,
  actorName: e.actorName,
  projectId: e.projectId,
  targetType: e.targetType,
  targetId: e.targetId,
  taskId: e.taskId,
  data: e.data,
  createdAt: e.createdAt,
});

/** `types` entries are exact (`comment.added`) or a family (`task.*`). */
export const matchesTypes = (types: readonly string[] | undefined, type: string) =>
  !types?.length ||
  types.some((t) => (t.endsWith('.*') ? type.startsWith(t.slice(0, -1)) : t === type));

import type { EventRow } from '@clapper/db';
import { z } from 'zod';
import { notFound } from '../errors';
import type { Deps } from './deps';
import { toPage, ZEventCursor, ZLimit } from './pagination';
import { MAX_INT, ZId } from './schemas';

export const ZActivityInput = z.object({
  id: ZId,
  cursor: ZEventCursor.optional(),
  limit: ZLimit,
});
export type ActivityInput = z.infer<typeof ZActivityInput>;

/**
 * A person's page of the event log, newest first: what they did (`by`) and what others did to
 * them (`on`: an admin changed them, added them to a team), each target with a readable name.
 */
export async function personActivity(
  { services }: Pick<Deps, 'services'>,
  { kind, id, cursor, limit }: ActivityInput & { kind: 'bot' | 'user' },
) {
  const person = await services.reads.people.byId(id);
  if (!person || person.kind !== kind) throw notFound(kind === 'bot' ? 'Bot' : 'User');
  const before = cursor ? Math.min(Number(cursor), MAX_INT) : undefined;
  const rows = await services.reads.events.ofPerson(id, before, limit + 1);
  const page = toPage(rows, limit);
  const labels = await services.reads.labels.of(page.items);
  return {
    nextCursor: page.nextCursor,
    items: page.items.map((event) => activityView(id, event, labels)),
  };
}

function activityView(personId: string, event: EventRow, labels: Map<string, string>) {
  const { targetType, targetId, taskId, projectId } = event;
  // A gone target is still named by what the event recorded of it.
  const recorded = typeof event.data?.name === 'string' ? event.data.name : null;
  const label =
    (targetId && labels.get(targetId)) ||
    // A comment is named by the task it is on.
    (taskId && labels.get(taskId)) ||
    recorded;
  return {
    id: event.id,
    type: event.type,
    createdAt: event.createdAt,
    direction: event.actorId === personId ? ('by' as const) : ('on' as const),
    actor: { id: event.actorId, name: event.actorName, kind: event.actorKind },
    target: targetType ? { type: targetType, id: targetId, label } : null,
    project: projectId ? { id: projectId, name: labels.get(projectId) ?? null } : null,
    data: event.data,
  };
}

import { type Em, Event } from '@clapper/db';
import type { Principal } from './auth/principal';

/** Who did it, as the event log records it; null is the system (first start, the CLI). */
export type Actor = Pick<Principal, 'id' | 'kind' | 'name'> | null;

export interface EventInput {
  type: string;
  projectId?: string | null;
  targetType?: string;
  targetId?: string;
  /** The task this is about: a task's own events and its comments'. */
  taskId?: string;
  data?: Record<string, unknown>;
}

/** Queues one event row; it is written by the flush that writes the change, in the same transaction. */
export function recordEvent(em: Em, actor: Actor, input: EventInput) {
  em.create(Event, {
    type: input.type,
    actorId: actor?.id ?? null,
    actorKind: actor?.kind ?? 'system',
    actorName: actor?.name ?? 'system',
    projectId: input.projectId ?? null,
    targetType: input.targetType ?? null,
    targetId: input.targetId ?? null,
    taskId: input.taskId ?? null,
    data: input.data ?? null,
  });
}

/** Writes the pending change and its event row in one flush, so in one transaction. */
export async function flushWithEvent(em: Em, actor: Actor, input: EventInput) {
  recordEvent(em, actor, input);
  await em.flush();
}

import {
  type Em,
  Event,
  isForeignKeyViolation,
  type NewEventRow,
  runStatements,
  type Statement,
  writes,
} from '@clapper/db';
import type { Principal } from '../auth/principal';
import type { RequestTransport } from '../context';
import type { PendingKey } from '../domain/idempotency';
import { notFound } from '../errors';
import type { ApiServices } from '../services';
import type { ChangeTracker } from './changes';

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

/** The row an event is written as. */
export function eventRow(actor: Actor, input: EventInput, createdAt: Date): NewEventRow {
  return {
    type: input.type,
    actorId: actor?.id ?? null,
    actorKind: actor?.kind ?? 'system',
    actorName: actor?.name ?? 'system',
    projectId: input.projectId ?? null,
    targetType: input.targetType ?? null,
    targetId: input.targetId ?? null,
    taskId: input.taskId ?? null,
    data: input.data ?? null,
    createdAt,
  };
}

/** Queues one event row; it is written by the flush that writes the change, in the same transaction. */
export function recordEvent(em: Em, actor: Actor, input: EventInput) {
  em.create(Event, eventRow(actor, input, new Date()));
}

/** Writes the pending change and its event row in one flush, so in one transaction. */
export async function flushWithEvent(em: Em, actor: Actor, input: EventInput) {
  recordEvent(em, actor, input);
  await em.flush();
}

/** What a mutation written as prepared statements needs of its request. */
export interface StatementWriter {
  services: ApiServices;
  transport: RequestTransport;
  changes: ChangeTracker;
  /** The request's idempotency key, written in the same transaction. */
  idempotency?: PendingKey;
}

/**
 * `statements` and the event row they make, as one transaction of prepared
 * statements (rolled back in a dry run); the request's change tracker hears of
 * the event as it would of a flushed one. A row they point at that is gone
 * (deleted meanwhile) is NOT_FOUND on `missing`, never an internal error.
 * Returns `answer`, the mutation's result, which an idempotency key stores in the
 * same transaction.
 */
export async function writeWithEvent<T>(
  { services, transport, changes, idempotency }: StatementWriter,
  actor: Actor,
  input: EventInput,
  at: Date,
  statements: Statement[],
  missing: string,
  answer: T,
): Promise<T> {
  const event = eventRow(actor, input, at);
  try {
    const key = idempotency?.statement(answer);
    const all = [...statements, writes.insertEvent(event), ...(key ? [key] : [])];
    await runStatements(services.orm, all, {
      rollback: !!transport.dryRun,
    });
  } catch (error) {
    if (isForeignKeyViolation(error)) throw notFound(missing);
    throw error;
  }
  changes.record(event);
  return answer;
}

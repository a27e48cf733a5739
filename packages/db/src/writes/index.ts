import type { EventRow } from '../reads/events';
import type { CommentRow } from '../reads/tasks';
import type { Statement } from './statements';

export { type EventLogPruning, eventLogPruning, type TriggerBehindRow } from './event-log';
export {
  isForeignKeyViolation,
  isUniqueViolation,
  runStatements,
  type Statement,
} from './statements';

/** An idempotency key as the mutation that uses it first writes it (its result comes after). */
export interface NewIdempotencyKeyRow {
  personId: string;
  key: string;
  path: string;
  inputHash: string;
  createdAt: Date;
}

/** An event row as written: its id comes from the sequence. */
export type NewEventRow = Omit<EventRow, 'id'>;

/**
 * The writes made most (a comment, a task's status or due date, and their
 * event), as statements for `runStatements`. The tests hold each to the entity
 * it stands for: what is written here reads back through the ORM as written.
 */
export const writes = {
  insertComment: (c: CommentRow): Statement => ({
    sql: `insert into comments (id, task_id, author_id, author_name, text, status_id, created_at)
      values (?, ?, ?, ?, ?, ?, ?)`,
    params: [c.id, c.taskId, c.authorId, c.authorName, c.text, c.statusId, c.createdAt],
  }),

  insertEvent: (e: NewEventRow): Statement => ({
    sql: `insert into events (type, actor_id, actor_kind, actor_name, project_id, target_type,
      target_id, task_id, data, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    params: [
      e.type,
      e.actorId,
      e.actorKind,
      e.actorName,
      e.projectId,
      e.targetType,
      e.targetId,
      e.taskId,
      e.data === null ? null : JSON.stringify(e.data),
      e.createdAt,
    ],
  }),

  insertIdempotencyKey: (k: NewIdempotencyKeyRow, result: string): Statement => ({
    sql: `insert into idempotency_keys (person_id, key, path, input_hash, result, created_at)
      values (?, ?, ?, ?, ?, ?)`,
    params: [k.personId, k.key, k.path, k.inputHash, result, k.createdAt],
  }),

  /** The result of a key's mutation, once it has answered; a key its mutation never wrote (it changed nothing) is written now. */
  saveIdempotentResult: (k: NewIdempotencyKeyRow, result: string): Statement => ({
    sql: `insert into idempotency_keys (person_id, key, path, input_hash, result, created_at)
      values (?, ?, ?, ?, ?, ?) on conflict (person_id, key) do update set result = excluded.result`,
    params: [k.personId, k.key, k.path, k.inputHash, result, k.createdAt],
  }),

  /**
   * Where principals' Socket.IO listeners have got, as one statement: `places` are
   * `[principalId, eventId]` pairs, each principal once.
   */
  saveListenerPlaces: (
    places: readonly (readonly [string, number])[],
    savedAt: Date,
  ): Statement => ({
    sql: `insert into listener_places (principal_id, event_id, saved_at) values ${places
      .map(() => '(?, ?, ?)')
      .join(', ')}
      on conflict (principal_id) do update set event_id = excluded.event_id, saved_at = excluded.saved_at`,
    params: places.flatMap(([principalId, eventId]) => [principalId, eventId, savedAt]),
  }),

  /** Forgets keys older than `before`: a repeat after that runs again. */
  pruneIdempotencyKeys: (before: Date): Statement => ({
    sql: 'delete from idempotency_keys where created_at < ?',
    params: [before],
  }),

  setTaskStatus: (taskId: string, statusId: string, updatedAt: Date): Statement => ({
    sql: 'update tasks set status_id = ?, updated_at = ? where id = ?',
    params: [statusId, updatedAt, taskId],
  }),

  /** Adds `count` refusals of a bot's token, the last at `last` for `reason`. */
  addBotRefusals: (
    botId: string,
    count: number,
    first: Date,
    last: Date,
    reason: string,
  ): Statement => ({
    sql: `update people set refused_count = refused_count + ?,
      refused_since = coalesce(refused_since, ?), refused_last_at = ?, refused_last_reason = ?
      where id = ? and kind = 'bot'`,
    params: [count, first, last, reason, botId],
  }),

  setTaskDueDate: (taskId: string, dueDate: string | null, updatedAt: Date): Statement => ({
    sql: 'update tasks set due_date = ?, updated_at = ? where id = ?',
    params: [dueDate, updatedAt, taskId],
  }),
};

import type { EventActorKind } from '../entities/event';
import type { ReadConnection } from './connection';
import { startingWith } from './like';
import { toDate, toJson } from './values';

export interface EventRow {
  id: number;
  type: string;
  actorId: string | null;
  actorKind: EventActorKind;
  actorName: string;
  projectId: string | null;
  targetType: string | null;
  targetId: string | null;
  taskId: string | null;
  data: Record<string, unknown> | null;
  createdAt: Date;
}

/**
 * Which events a caller may see: all of them, or their own actions and the
 * events of `projectIds`, only those about tasks assigned to them when
 * `onlyAssigned` (vendors).
 */
export type EventVisibility =
  | 'all'
  | { actorId: string; projectIds: readonly string[]; onlyAssigned: boolean };

export interface EventFilter {
  visibility: EventVisibility;
  actorId?: string;
  projectId?: string;
  /** Only events after this id. */
  after?: number;
  /** Where the previous page stopped: beyond it in `order`. */
  cursor?: number;
  order: 'asc' | 'desc';
}

const EVENT = `select id, type, actor_id as "actorId", actor_kind as "actorKind", actor_name as "actorName",
  project_id as "projectId", target_type as "targetType", target_id as "targetId", task_id as "taskId",
  data, created_at as "createdAt" from events`;

/** The largest event id (a 32-bit integer on both dialects). */
const MAX_EVENT_ID = 2 ** 31 - 1;

const toEvent = (r: EventRow): EventRow => ({
  ...r,
  data: toJson(r.data),
  createdAt: toDate(r.createdAt),
});

export function eventReads(db: ReadConnection) {
  return {
    /** A page of the log (`take` is the limit + 1). */
    async page(filter: EventFilter, take: number): Promise<EventRow[]> {
      const where: string[] = [];
      const params: unknown[] = [];
      const { visibility } = filter;
      if (visibility !== 'all') {
        const assigned = visibility.onlyAssigned
          ? ' and task_id in (select task_id from task_assignees where person_id = ?)'
          : '';
        where.push(`(actor_id = ? or (${db.inList('project_id')}${assigned}))`);
        params.push(visibility.actorId, db.list(visibility.projectIds));
        if (visibility.onlyAssigned) params.push(visibility.actorId);
      }
      if (filter.actorId) {
        where.push('actor_id = ?');
        params.push(filter.actorId);
      }
      if (filter.projectId) {
        where.push('project_id = ?');
        params.push(filter.projectId);
      }
      if (filter.after !== undefined) {
        where.push('id > ?');
        params.push(filter.after);
      }
      if (filter.cursor !== undefined) {
        where.push(filter.order === 'asc' ? 'id > ?' : 'id < ?');
        params.push(filter.cursor);
      }
      const clause = where.length ? ` where ${where.join(' and ')}` : '';
      const rows = await db.all<EventRow>(
        `${EVENT}${clause} order by id ${filter.order === 'asc' ? 'asc' : 'desc'} limit ?`,
        [...params, take],
      );
      return rows.map(toEvent);
    },

    /** Events after `from` (and any of `late`, ids skipped earlier), oldest first: the live reader's poll. */
    async since(from: number, late: readonly number[], take: number): Promise<EventRow[]> {
      const rows = late.length
        ? await db.all<EventRow>(
            `${EVENT} where id > ? or ${db.inList('id')} order by id limit ?`,
            [from, db.list(late), take],
          )
        : await db.all<EventRow>(`${EVENT} where id > ? order by id limit ?`, [from, take]);
      return rows.map(toEvent);
    },

    /**
     * What a person did and what was done to them, newest first, before `before` (a cursor).
     * Two index walks (actor, target), each stopping after the page, merged: an `or` would
     * read all of a busy bot's history to sort it.
     */
    async ofPerson(
      personId: string,
      before: number | undefined,
      take: number,
    ): Promise<EventRow[]> {
      const upTo = before === undefined ? MAX_EVENT_ID : before - 1;
      const rows = await db.all<EventRow>(
        `select * from (${EVENT} where actor_id = ? and id <= ? order by id desc limit ?) a
         union all
         select * from (${EVENT} where target_id = ? and id <= ? and (actor_id is null or actor_id <> ?)
           order by id desc limit ?) b
         order by id desc limit ?`,
        [personId, upTo, take, personId, upTo, personId, take, take],
      );
      return rows.map(toEvent);
    },

    /** The first event written at or after `at`, null if none yet. */
    async firstAtOrAfter(at: Date): Promise<number | null> {
      const [row] = await db.all<{ id: number }>(
        'select id from events where created_at >= ? order by id limit 1',
        [db.dialect === 'sqlite' ? at.getTime() : at],
      );
      return row ? Number(row.id) : null;
    },

    /**
     * Events after `cursor` of `types` (exact, or `family.*`; none: all) in `projectId` (if
     * given), counted up to `cap`, and when the oldest of them was written: a trigger's lag.
     */
    async backlog(
      cursor: number,
      types: readonly string[],
      projectId: string | null,
      cap: number,
    ): Promise<{ count: number; oldest: Date | null }> {
      const where = ['id > ?'];
      const params: unknown[] = [cursor];
      if (types.length) {
        where.push(
          `(${types.map((t) => (t.endsWith('.*') ? "type like ? escape '\\'" : 'type = ?')).join(' or ')})`,
        );
        params.push(...types.map((t) => (t.endsWith('.*') ? startingWith(t.slice(0, -1)) : t)));
      }
      if (projectId) {
        where.push('project_id = ?');
        params.push(projectId);
      }
      const [row] = await db.all<{ n: number | string; oldest: unknown }>(
        `select count(*) as n, min(created_at) as oldest from
          (select created_at from events where ${where.join(' and ')} order by id limit ?) b`,
        [...params, cap],
      );
      return {
        count: Number(row?.n ?? 0),
        oldest: row?.oldest == null ? null : toDate(row.oldest),
      };
    },

    /** Events by id. */
    async byIds(ids: readonly number[]): Promise<Map<number, EventRow>> {
      if (ids.length === 0) return new Map();
      const rows = await db.all<EventRow>(`${EVENT} where ${db.inList('id')}`, [db.list(ids)]);
      return new Map(rows.map((r) => [Number(r.id), toEvent(r)]));
    },

    /** The newest event id, 0 for an empty log. */
    async head(): Promise<number> {
      const [row] = await db.all<{ id: number }>(
        `select id from events order by id desc limit 1`,
        [],
      );
      return row ? Number(row.id) : 0;
    },
  };
}

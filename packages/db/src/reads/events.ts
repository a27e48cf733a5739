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
 * `assignedTaskIds` is set (vendors).
 */
export type EventVisibility =
  | 'all'
  | {
      actorId: string;
      projectIds: readonly string[];
      /**
       * Vendors: only the events of these tasks, assigned to them in `projectIds` (an event about
       * a task carries the task's project, so its task alone places it); else null.
       */
      assignedTaskIds: readonly string[] | null;
    };

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

/** Past this many team projects (or a vendor's tasks), one `in` list replaces a walk for each. */
const MAX_WALKS = 64;

/**
 * The statement of a page of the log. For a caller who sees only part of it, each part is its
 * own index walk that stops after the page: the caller's own actions (`actor_id, id`), then
 * each team project's events (`project_id, id`), or for vendors the events of each task
 * assigned to them (`task_id, id`); the page is the first `take` of their union. One `or` over
 * the whole log would make the database collect every visible event and sort them, so a page
 * would cost more as the log grows.
 */
export function eventPageQuery(
  db: Pick<ReadConnection, 'dialect' | 'inList' | 'list'>,
  filter: EventFilter,
  take: number,
): { sql: string; params: unknown[] } {
  const order = filter.order === 'asc' ? 'asc' : 'desc';
  const common: string[] = [];
  const commonParams: unknown[] = [];
  if (filter.actorId) {
    common.push('actor_id = ?');
    commonParams.push(filter.actorId);
  }
  if (filter.projectId) {
    common.push('project_id = ?');
    commonParams.push(filter.projectId);
  }
  if (filter.after !== undefined) {
    common.push('id > ?');
    commonParams.push(filter.after);
  }
  if (filter.cursor !== undefined) {
    common.push(order === 'asc' ? 'id > ?' : 'id < ?');
    commonParams.push(filter.cursor);
  }
  const { visibility } = filter;
  if (visibility === 'all') {
    const clause = common.length ? ` where ${common.join(' and ')}` : '';
    return {
      sql: `${EVENT}${clause} order by id ${order} limit ?`,
      params: [...commonParams, take],
    };
  }

  // `by`: the index column a part is ordered by too, so that index alone gives the order
  // (PostgreSQL would otherwise walk the primary key and filter, reading more the sparser
  // the part).
  const parts: { where: string; params: unknown[]; by?: string }[] = [];
  const part = (where: string, params: unknown[], by?: string) => parts.push({ where, params, by });
  part('actor_id = ?', [visibility.actorId], 'actor_id');
  const projectIds = filter.projectId
    ? visibility.projectIds.filter((id) => id === filter.projectId)
    : visibility.projectIds;
  const tasks = visibility.assignedTaskIds;
  if (tasks && projectIds.length > 0) {
    // A walk per task, each stopping after the page: an `in` list reads every event of every
    // task to sort them, more the longer the tasks have lived. (The tasks are in the caller's
    // projects: their events need no check of the project.)
    if (tasks.length > MAX_WALKS) part(db.inList('task_id'), [db.list(tasks)]);
    else for (const taskId of tasks) part('task_id = ?', [taskId], 'task_id');
  } else if (!tasks) {
    if (projectIds.length > MAX_WALKS) part(db.inList('project_id'), [db.list(projectIds)]);
    else for (const projectId of projectIds) part('project_id = ?', [projectId], 'project_id');
  }

  const params: unknown[] = [];
  if (db.dialect === 'sqlite') {
    // SQLite merges the parts' walks as it goes, each in id order, dropping an id a part before
    // it gave (the caller's own action in its project), and stops at the page: what it reads
    // is the page and one id a part, however long the log. Only ids go through the merge (the
    // walks read the indexes alone); the page's rows are read last, by id.
    const walks = parts.map(({ where, params: own }) => {
      params.push(...own, ...commonParams);
      return `select id from events where ${[where, ...common].join(' and ')}`;
    });
    params.push(take);
    return {
      sql: `${EVENT} where id in (${walks.join(' union ')} order by id ${order} limit ?) order by id ${order}`,
      params,
    };
  }
  // PostgreSQL appends whole parts and sorts them: a limit on each keeps that to a page a part,
  // and each part after the first leaves out the caller's own actions, which the first has.
  const selects = parts.map(({ where, params: own, by }, i) => {
    const others = i === 0 ? [] : ['(actor_id is null or actor_id <> ?)'];
    params.push(...own, ...(i === 0 ? [] : [visibility.actorId]), ...commonParams, take);
    const sorted = by ? `${by} ${order}, ` : '';
    return `select * from (${EVENT} where ${[where, ...others, ...common].join(' and ')} order by ${sorted}id ${order} limit ?) p${i}`;
  });
  params.push(take);
  return { sql: `${selects.join(' union all ')} order by id ${order} limit ?`, params };
}

export function eventReads(db: ReadConnection) {
  return {
    /** A page of the log (`take` is the limit + 1). */
    async page(filter: EventFilter, take: number): Promise<EventRow[]> {
      const { sql, params } = eventPageQuery(db, filter, take);
      return (await db.all<EventRow>(sql, params)).map(toEvent);
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

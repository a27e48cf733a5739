import type { SubjectKind } from '../entities/task-type';
import type { ReadConnection } from './connection';
import type { TeamMemberRow } from './projects';
import { toBool, toDate } from './values';

export interface TaskStatusRow {
  id: string;
  name: string;
  shortName: string;
  isDone: boolean;
  color: string | null;
}

/** A task with its entity, type and status joined, and its assignees (in id order). */
export interface TaskRow {
  id: string;
  projectId: string;
  entity: { id: string; kind: SubjectKind; name: string; sequence: string };
  taskType: { id: string; name: string; departmentId: string };
  status: TaskStatusRow;
  assignees: TeamMemberRow[];
  dueDate: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface CommentRow {
  id: string;
  taskId: string;
  authorId: string | null;
  authorName: string;
  text: string;
  statusId: string | null;
  createdAt: Date;
}

export interface TaskFilter {
  projectId: string;
  /** Only tasks assigned to this person (a vendor's reach, or the `assigneeId` filter). */
  assignedTo?: readonly string[];
  statusId?: string;
  taskTypeId?: string;
  entityId?: string;
  cursor?: string;
}

const TASK = `select t.id, t.project_id as "projectId", t.due_date as "dueDate",
  t.created_at as "createdAt", t.updated_at as "updatedAt",
  e.id as "entityId", e.kind as "entityKind", e.name as "entityName", e.sequence as "entitySequence",
  tt.id as "taskTypeId", tt.name as "taskTypeName", tt.department_id as "departmentId",
  s.id as "statusId", s.name as "statusName", s.short_name as "statusShortName",
  s.is_done as "statusIsDone", s.color as "statusColor"
  from tasks t
  join entities e on e.id = t.entity_id
  join task_types tt on tt.id = t.task_type_id
  join task_statuses s on s.id = t.status_id`;

interface RawTask {
  id: string;
  projectId: string;
  dueDate: string | null;
  createdAt: unknown;
  updatedAt: unknown;
  entityId: string;
  entityKind: SubjectKind;
  entityName: string;
  entitySequence: string;
  taskTypeId: string;
  taskTypeName: string;
  departmentId: string;
  statusId: string;
  statusName: string;
  statusShortName: string;
  statusIsDone: unknown;
  statusColor: string | null;
}

const STATUS = `select id, name, short_name as "shortName", is_done as "isDone", color from task_statuses`;
const toStatus = (r: TaskStatusRow): TaskStatusRow => ({ ...r, isDone: toBool(r.isDone) });

export function taskReads(db: ReadConnection) {
  async function withAssignees(raws: RawTask[]): Promise<TaskRow[]> {
    if (raws.length === 0) return [];
    const links = await db.all<TeamMemberRow & { taskId: string }>(
      `select ta.task_id as "taskId", p.id, p.name, p.kind, p.role from task_assignees ta
        join people p on p.id = ta.person_id
        where ${db.inList('ta.task_id')} order by p.id`,
      [db.list(raws.map((r) => r.id))],
    );
    const assignees = new Map<string, TeamMemberRow[]>(raws.map((r) => [r.id, []]));
    for (const { taskId, ...member } of links) assignees.get(taskId)?.push(member);
    return raws.map((r) => ({
      id: r.id,
      projectId: r.projectId,
      entity: {
        id: r.entityId,
        kind: r.entityKind,
        name: r.entityName,
        sequence: r.entitySequence,
      },
      taskType: { id: r.taskTypeId, name: r.taskTypeName, departmentId: r.departmentId },
      status: {
        id: r.statusId,
        name: r.statusName,
        shortName: r.statusShortName,
        isDone: toBool(r.statusIsDone),
        color: r.statusColor,
      },
      assignees: assignees.get(r.id)!,
      dueDate: r.dueDate,
      createdAt: toDate(r.createdAt),
      updatedAt: toDate(r.updatedAt),
    }));
  }

  return {
    async byId(id: string): Promise<TaskRow | null> {
      const [task] = await withAssignees(await db.all<RawTask>(`${TASK} where t.id = ?`, [id]));
      return task ?? null;
    },

    /** A page of a project's tasks in id order (`take` is the limit + 1): two statements. */
    async page(filter: TaskFilter, take: number): Promise<TaskRow[]> {
      const where = ['t.project_id = ?'];
      const params: unknown[] = [filter.projectId];
      for (const person of filter.assignedTo ?? []) {
        where.push('t.id in (select task_id from task_assignees where person_id = ?)');
        params.push(person);
      }
      if (filter.statusId) {
        where.push('t.status_id = ?');
        params.push(filter.statusId);
      }
      if (filter.taskTypeId) {
        where.push('t.task_type_id = ?');
        params.push(filter.taskTypeId);
      }
      if (filter.entityId) {
        where.push('t.entity_id = ?');
        params.push(filter.entityId);
      }
      if (filter.cursor) {
        where.push('t.id > ?');
        params.push(filter.cursor);
      }
      return withAssignees(
        await db.all<RawTask>(`${TASK} where ${where.join(' and ')} order by t.id limit ?`, [
          ...params,
          take,
        ]),
      );
    },

    async comments(
      taskId: string,
      cursor: string | undefined,
      take: number,
    ): Promise<CommentRow[]> {
      const rows = await db.all<CommentRow>(
        `select id, task_id as "taskId", author_id as "authorId", author_name as "authorName", text,
          status_id as "statusId", created_at as "createdAt" from comments
          where task_id = ?${cursor ? ' and id > ?' : ''} order by id limit ?`,
        cursor ? [taskId, cursor, take] : [taskId, take],
      );
      return rows.map((r) => ({ ...r, createdAt: toDate(r.createdAt) }));
    },

    /**
     * The tasks assigned to each of these people, with their projects (one with none maps to
     * []), in one statement.
     */
    async assignedToEach(
      personIds: readonly string[],
    ): Promise<Map<string, { taskId: string; projectId: string }[]>> {
      const assigned = new Map<string, { taskId: string; projectId: string }[]>(
        personIds.map((id) => [id, []]),
      );
      if (personIds.length === 0) return assigned;
      const rows = await db.all<{ personId: string; taskId: string; projectId: string }>(
        `select a.person_id as "personId", a.task_id as "taskId", t.project_id as "projectId"
          from task_assignees a join tasks t on t.id = a.task_id
          where ${db.inList('a.person_id')}`,
        [db.list(personIds)],
      );
      for (const { personId, ...task } of rows) assigned.get(personId)?.push(task);
      return assigned;
    },

    async status(id: string): Promise<TaskStatusRow | null> {
      const [row] = await db.all<TaskStatusRow>(`${STATUS} where id = ?`, [id]);
      return row ? toStatus(row) : null;
    },
  };
}

import type { SubjectKind } from '../entities/task-type';
import type { ReadConnection } from './connection';
import { toDate } from './values';

/** An asset or a shot. */
export interface SubjectRow {
  id: string;
  projectId: string;
  kind: SubjectKind;
  name: string;
  assetType: string | null;
  sequence: string;
  frameIn: number | null;
  frameOut: number | null;
  createdAt: Date;
}

export interface SubjectFilter {
  projectId: string;
  kind: SubjectKind;
  sequence?: string;
  /** Only entities with a task assigned to this person (a vendor's reach). */
  assignedTo?: string;
  cursor?: string;
}

const ENTITY = `select id, project_id as "projectId", kind, name, asset_type as "assetType", sequence,
  frame_in as "frameIn", frame_out as "frameOut", created_at as "createdAt" from entities`;

export function subjectReads(db: ReadConnection) {
  return {
    /** A page of a project's assets or shots in id order (`take` is the limit + 1). */
    async page(filter: SubjectFilter, take: number): Promise<SubjectRow[]> {
      const where = ['project_id = ?', 'kind = ?'];
      const params: unknown[] = [filter.projectId, filter.kind];
      if (filter.sequence !== undefined) {
        where.push('sequence = ?');
        params.push(filter.sequence);
      }
      if (filter.assignedTo) {
        where.push(`id in (select t.entity_id from tasks t
          join task_assignees ta on ta.task_id = t.id where ta.person_id = ? and t.project_id = ?)`);
        params.push(filter.assignedTo, filter.projectId);
      }
      if (filter.cursor) {
        where.push('id > ?');
        params.push(filter.cursor);
      }
      const rows = await db.all<SubjectRow>(
        `${ENTITY} where ${where.join(' and ')} order by id limit ?`,
        [...params, take],
      );
      return rows.map((r) => ({ ...r, createdAt: toDate(r.createdAt) }));
    },
  };
}

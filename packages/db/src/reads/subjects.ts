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
  assetTypeId: string | null;
  sequence: string;
  sequenceId: string | null;
  frameIn: number | null;
  frameOut: number | null;
  createdAt: Date;
}

export interface SubjectFilter {
  projectId: string;
  kind: SubjectKind;
  sequence?: string;
  sequenceId?: string;
  assetTypeId?: string;
  /** Only entities with a task assigned to this person (a vendor's reach). */
  assignedTo?: string;
  cursor?: string;
}

const ENTITY = `select id, project_id as "projectId", kind, name, asset_type as "assetType",
  asset_type_id as "assetTypeId", sequence, sequence_id as "sequenceId", frame_in as "frameIn", frame_out as "frameOut", created_at as "createdAt" from entities`;

/** The ids of a project's entities with a task assigned to a person (binds person, project). */
const ASSIGNED_ENTITIES = `select t.entity_id from tasks t
  join task_assignees ta on ta.task_id = t.id where ta.person_id = ? and t.project_id = ?`;

/** A shot's sequence, or an asset's type, as a record. */
export interface GroupRow {
  id: string;
  /** The sequence's project; null for an asset type, which is studio-wide. */
  projectId: string | null;
  name: string;
  createdAt: Date;
}

export interface GroupFilter {
  /** Sequences: the project's. Asset types: those of the project's assets (all when absent). */
  projectId?: string;
  name?: string;
  /** Only those with an entity assigned to this person (a vendor's reach); with `projectId`. */
  assignedTo?: string;
  cursor?: string;
}

export function subjectReads(db: ReadConnection) {
  return {
    /** Where an asset or shot is: its project and kind (neither ever changes). */
    async placeOf(id: string): Promise<{ projectId: string; kind: SubjectKind } | null> {
      const [row] = await db.all<{ projectId: string; kind: SubjectKind }>(
        'select project_id as "projectId", kind from entities where id = ?',
        [id],
      );
      return row ?? null;
    },

    /** A page of a project's assets or shots in id order (`take` is the limit + 1). */
    async page(filter: SubjectFilter, take: number): Promise<SubjectRow[]> {
      const where = ['project_id = ?', 'kind = ?'];
      const params: unknown[] = [filter.projectId, filter.kind];
      if (filter.sequence !== undefined) {
        where.push('sequence = ?');
        params.push(filter.sequence);
      }
      if (filter.sequenceId !== undefined) {
        where.push('sequence_id = ?');
        params.push(filter.sequenceId);
      }
      if (filter.assetTypeId !== undefined) {
        where.push('asset_type_id = ?');
        params.push(filter.assetTypeId);
      }
      if (filter.assignedTo) {
        where.push(`id in (${ASSIGNED_ENTITIES})`);
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

    /** A page of a project's sequences in id order (`take` is the limit + 1). */
    sequences(filter: GroupFilter & { projectId: string }, take: number) {
      return groups(db, {
        table: 'sequences',
        project: 'project_id',
        filter,
        take,
        within: filter.assignedTo
          ? { sql: `id in (select sequence_id from entities where id in (${ASSIGNED_ENTITIES}))` }
          : undefined,
      });
    },

    /** A page of asset types in id order: all, or those a project's assets (or assigned ones) have. */
    assetTypes(filter: GroupFilter, take: number) {
      const assets = `select asset_type_id from entities where kind = 'asset' and project_id = ?`;
      return groups(db, {
        table: 'asset_types',
        project: null,
        filter,
        take,
        within:
          filter.projectId === undefined
            ? undefined
            : filter.assignedTo
              ? {
                  sql: `id in (${assets} and id in (${ASSIGNED_ENTITIES}))`,
                  params: [filter.projectId],
                }
              : { sql: `id in (${assets})`, params: [filter.projectId] },
      });
    },

    /** One sequence or asset type by id. */
    async group(table: 'sequences' | 'asset_types', id: string): Promise<GroupRow | null> {
      const project = table === 'sequences' ? 'project_id' : 'null';
      const [row] = await db.all<GroupRow>(
        `select id, ${project} as "projectId", name, created_at as "createdAt" from ${table} where id = ?`,
        [id],
      );
      return row ? { ...row, createdAt: toDate(row.createdAt) } : null;
    },
  };
}

async function groups(
  db: ReadConnection,
  spec: {
    table: 'sequences' | 'asset_types';
    project: 'project_id' | null;
    filter: GroupFilter;
    take: number;
    within?: { sql: string; params?: unknown[] };
  },
): Promise<GroupRow[]> {
  const { filter } = spec;
  const where: string[] = [];
  const params: unknown[] = [];
  if (spec.project && filter.projectId !== undefined) {
    where.push(`${spec.project} = ?`);
    params.push(filter.projectId);
  }
  if (filter.name !== undefined) {
    where.push('name = ?');
    params.push(filter.name);
  }
  if (spec.within) {
    where.push(spec.within.sql);
    params.push(...(spec.within.params ?? []));
    if (filter.assignedTo) params.push(filter.assignedTo, filter.projectId);
  }
  if (filter.cursor) {
    where.push('id > ?');
    params.push(filter.cursor);
  }
  const rows = await db.all<GroupRow>(
    `select id, ${spec.project ?? 'null'} as "projectId", name, created_at as "createdAt"
     from ${spec.table} ${where.length ? `where ${where.join(' and ')}` : ''} order by id limit ?`,
    [...params, spec.take],
  );
  return rows.map((r) => ({ ...r, createdAt: toDate(r.createdAt) }));
}

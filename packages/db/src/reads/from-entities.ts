/**
 * The same rows the hot reads return, made from loaded entities: a mutation
 * answers from its own unit of work (a dry run's changes never reach the read
 * connection), and the tests hold each hot read to its entity twin.
 */
import type { IComment } from '../entities/comment';
import type { IEvent } from '../entities/event';
import type { IPerson } from '../entities/person';
import type { IProject } from '../entities/project';
import type { ISubject } from '../entities/subject';
import type { ITask } from '../entities/task';
import type { EventRow } from './events';
import type { PersonRow } from './people';
import type { ProjectRow, TeamMemberRow } from './projects';
import type { SubjectRow } from './subjects';
import type { CommentRow, TaskRow } from './tasks';

const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export const memberRowOf = (p: IPerson): TeamMemberRow => ({
  id: p.id,
  name: p.name,
  kind: p.kind,
  role: p.role,
});

export const projectRowOf = (p: IProject): ProjectRow => ({
  id: p.id,
  name: p.name,
  botCollaboration: p.botCollaboration,
  createdAt: p.createdAt,
});

/** Needs `team` populated. */
export const teamRowsOf = (p: IProject): TeamMemberRow[] =>
  p.team.getItems().map(memberRowOf).sort(byId);

/** Needs `departments` and `createdBy` populated. */
export function personRowOf(p: IPerson): PersonRow {
  const creator = p.createdBy?.getEntity();
  return {
    id: p.id,
    kind: p.kind,
    name: p.name,
    email: p.email ?? null,
    role: p.role,
    active: p.active,
    expiresAt: p.expiresAt ?? null,
    tokenId: p.tokenId ?? null,
    tokenIssuedAt: p.tokenIssuedAt ?? null,
    previousTokenId: p.previousTokenId ?? null,
    previousTokenValidUntil: p.previousTokenValidUntil ?? null,
    lastUsedAt: p.lastUsedAt ?? null,
    refusals: {
      count: p.refusedCount,
      since: p.refusedSince ?? null,
      lastAt: p.refusedLastAt ?? null,
      lastReason: p.refusedLastReason ?? null,
    },
    createdAt: p.createdAt,
    createdBy: creator ? { id: creator.id, name: creator.name, kind: creator.kind } : null,
    createdBySystem: p.createdBySystem,
    departments: p.departments
      .getItems()
      .map((d) => ({ id: d.id, name: d.name }))
      .sort(byId),
  };
}

/** Needs `entity`, `taskType`, `status` and `assignees` populated. */
export function taskRowOf(t: ITask): TaskRow {
  const entity = t.entity.getEntity();
  const taskType = t.taskType.getEntity();
  const status = t.status.getEntity();
  return {
    id: t.id,
    projectId: t.project.id,
    entity: { id: entity.id, kind: entity.kind, name: entity.name, sequence: entity.sequence },
    taskType: { id: taskType.id, name: taskType.name, departmentId: taskType.department.id },
    status: {
      id: status.id,
      name: status.name,
      shortName: status.shortName,
      isDone: status.isDone,
      color: status.color ?? null,
    },
    assignees: t.assignees.getItems().map(memberRowOf).sort(byId),
    dueDate: t.dueDate ?? null,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
  };
}

export const commentRowOf = (c: IComment): CommentRow => ({
  id: c.id,
  taskId: c.task.id,
  authorId: c.author?.id ?? null,
  authorName: c.authorName,
  text: c.text,
  statusId: c.status?.id ?? null,
  createdAt: c.createdAt,
});

export const subjectRowOf = (e: ISubject): SubjectRow => ({
  id: e.id,
  projectId: e.project.id,
  kind: e.kind,
  name: e.name,
  assetType: e.assetType ?? null,
  assetTypeId: e.assetTypeLink?.id ?? null,
  sequence: e.sequence ?? '',
  sequenceId: e.sequenceLink?.id ?? null,
  frameIn: e.frameIn ?? null,
  frameOut: e.frameOut ?? null,
  createdAt: e.createdAt,
});

export const eventRowOf = (e: IEvent): EventRow => ({
  id: e.id,
  type: e.type,
  actorId: e.actorId ?? null,
  actorKind: e.actorKind,
  actorName: e.actorName,
  projectId: e.projectId ?? null,
  targetType: e.targetType ?? null,
  targetId: e.targetId ?? null,
  taskId: e.taskId ?? null,
  data: e.data ?? null,
  createdAt: e.createdAt,
});

/**
 * What the REST routes answer, as JSON: the OpenAPI document's response schemas. Dates are
 * ISO 8601 strings (`2026-11-29T14:00:00.000Z`), calendar days `YYYY-MM-DD`. The views in
 * `views/` make these values; the REST tests validate every answer against the document, so
 * a view and its schema cannot drift apart unnoticed.
 */
import { PERSON_KINDS, ROLES, SUBJECT_KINDS } from '@clapper/db';
import { z } from 'zod';

const id = z.string().meta({ description: 'A UUID' });
const time = z.iso.datetime().meta({ description: 'An instant, ISO 8601, UTC' });
const day = z.iso.date().meta({ description: 'A calendar day, YYYY-MM-DD' });
const kind = z.enum(PERSON_KINDS);
const role = z.enum(ROLES);

const page = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page' }),
  });
const counted = <T extends z.ZodType>(item: T) =>
  page(item).extend({ total: z.number().int().meta({ description: 'Matches in all' }) });

export const Member = z
  .object({ id, name: z.string(), kind, role })
  .meta({ id: 'Member', description: 'A user or bot on a project team' });

export const Project = z
  .object({
    id,
    name: z.string(),
    botCollaboration: z.boolean(),
    team: z.array(Member),
    createdAt: time,
  })
  .meta({ id: 'Project' });
export const ProjectPage = counted(Project).meta({ id: 'ProjectPage' });

export const Asset = z
  .object({
    id,
    projectId: id,
    name: z.string(),
    assetType: z.string(),
    assetTypeId: id.nullable(),
    createdAt: time,
  })
  .meta({ id: 'Asset' });
export const AssetPage = page(Asset).meta({ id: 'AssetPage' });

export const Shot = z
  .object({
    id,
    projectId: id,
    sequence: z.string(),
    sequenceId: id.nullable(),
    name: z.string(),
    frameIn: z.number().int().nullable(),
    frameOut: z.number().int().nullable(),
    createdAt: time,
  })
  .meta({ id: 'Shot' });
export const ShotPage = page(Shot).meta({ id: 'ShotPage' });

export const Sequence = z
  .object({ id, projectId: id, name: z.string(), createdAt: time })
  .meta({ id: 'Sequence' });
export const SequencePage = page(Sequence).meta({ id: 'SequencePage' });

export const AssetType = z
  .object({ id, name: z.string(), createdAt: time })
  .meta({ id: 'AssetType' });
export const AssetTypePage = page(AssetType).meta({ id: 'AssetTypePage' });

export const Deleted = z.object({ ok: z.literal(true), id }).meta({ id: 'Deleted' });

export const TaskStatus = z
  .object({
    id,
    name: z.string(),
    shortName: z.string(),
    isDone: z.boolean(),
    color: z.string().nullable(),
  })
  .meta({ id: 'TaskStatus' });
export const TaskStatusPage = page(TaskStatus).meta({ id: 'TaskStatusPage' });

export const TaskType = z
  .object({ id, name: z.string(), departmentId: id, forEntity: z.enum(SUBJECT_KINDS) })
  .meta({ id: 'TaskType' });
export const TaskTypePage = page(TaskType).meta({ id: 'TaskTypePage' });

export const Department = z
  .object({ id, name: z.string(), color: z.string().nullable() })
  .meta({ id: 'Department' });
export const DepartmentPage = counted(Department).meta({ id: 'DepartmentPage' });

export const Task = z
  .object({
    id,
    projectId: id,
    entity: z.object({
      id,
      kind: z.enum(SUBJECT_KINDS),
      name: z.string(),
      sequence: z.string().nullable(),
    }),
    taskType: z.object({ id, name: z.string(), departmentId: id }),
    status: TaskStatus,
    assignees: z.array(Member),
    dueDate: day.nullable(),
    createdAt: time,
    updatedAt: time,
  })
  .meta({ id: 'Task' });
export const TaskPage = page(Task).meta({ id: 'TaskPage' });
export const Tasks = z.object({ items: z.array(Task) }).meta({ id: 'Tasks' });

export const Comment = z
  .object({
    id,
    taskId: id,
    author: z.object({ id, name: z.string() }).nullable(),
    authorName: z.string(),
    text: z.string(),
    statusId: id.nullable(),
    createdAt: time,
  })
  .meta({ id: 'Comment' });
export const CommentPage = page(Comment).meta({ id: 'CommentPage' });

export const Event = z
  .object({
    id: z.number().int(),
    type: z.string().meta({ description: 'e.g. comment.added, task.status_changed' }),
    actorId: id.nullable(),
    actorKind: z.string(),
    actorName: z.string(),
    projectId: id.nullable(),
    targetType: z.string().nullable(),
    targetId: z.string().nullable(),
    taskId: id.nullable(),
    data: z.record(z.string(), z.unknown()).nullable(),
    createdAt: time,
  })
  .meta({ id: 'Event' });
export const EventPage = page(Event).meta({ id: 'EventPage' });

export const Person = z
  .object({
    id,
    kind,
    name: z.string(),
    email: z.string().nullable(),
    role,
    active: z.boolean(),
    departments: z.array(z.object({ id, name: z.string() })),
    expiresAt: day.nullable(),
    expired: z.boolean(),
    tokenIssuedAt: time.nullable(),
    lastUsedAt: time.nullable(),
    refusals: z
      .object({
        count: z.number().int(),
        since: time.nullable(),
        lastAt: time.nullable(),
        lastReason: z.string().nullable(),
      })
      .nullable(),
    createdAt: time,
    createdBy: z
      .object({ id: id.nullable(), name: z.string(), kind: z.enum([...PERSON_KINDS, 'system']) })
      .nullable(),
  })
  .meta({ id: 'Person', description: 'A user or a bot (never a password or a token)' });
export const PersonPage = counted(Person).meta({ id: 'PersonPage' });

export const Bot = Person.extend({
  teams: z.array(z.object({ id, name: z.string() })),
  token: z.object({
    shortId: z.string().nullable(),
    issuedAt: time.nullable(),
    previousValidUntil: time.nullable(),
  }),
}).meta({ id: 'Bot' });

const token = z.string().meta({ description: 'The bot token, shown this once' });
export const NewBot = z.object({ bot: Person, token }).meta({ id: 'NewBot' });
export const NewToken = z
  .object({ token, tokenIssuedAt: time, previousTokenValidUntil: time.nullable() })
  .meta({ id: 'NewToken' });

/** Every error's body, on every route. */
export const ErrorBody = z
  .object({
    code: z
      .string()
      .meta({ description: "tRPC's code: BAD_REQUEST, UNAUTHORIZED, FORBIDDEN, ..." }),
    message: z.string(),
    field: z.string().nullable().meta({ description: 'The input field at fault' }),
    reason: z.string().nullable().meta({ description: 'Why a caller was refused' }),
    issues: z
      .array(z.object({ field: z.string(), message: z.string() }))
      .optional()
      .meta({ description: 'Every input problem, for BAD_REQUEST on validation' }),
  })
  .meta({ id: 'Error' });

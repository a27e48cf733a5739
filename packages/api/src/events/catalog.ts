/**
 * What the production events carry in `data`, by type: the events pipeline automation reacts
 * to (tasks, comments, shots, assets, projects and their teams). A trigger's `event` is typed
 * from this (`defineTrigger({ on: ['task.status_changed'], … })` knows `event.data.to`), and a
 * test holds every such event the API writes to its schema. Other events (people, bots,
 * sign-ins, studio settings) keep a plain record.
 */
import { z } from 'zod';

const id = z.string();
const optionalName = z.string().optional();

export const EVENT_DATA = {
  'task.created': z.object({ entityId: id, taskTypeId: id, assigneeIds: z.array(id) }),
  'task.updated': z.object({ dueDate: z.string().nullable().optional() }),
  'task.assigned': z.object({ personIds: z.array(id) }),
  'task.status_changed': z.object({ from: id, to: id }),
  /** `from`: the task's status before, when the comment moved it to `statusId`. */
  'comment.added': z.object({ statusId: id.nullable(), from: id.optional() }),
  'sequence.created': z.object({ name: z.string() }),
  'shot.created': z.object({ sequence: z.string(), name: z.string() }),
  'shot.updated': z.object({
    sequence: z.string(),
    name: z.string(),
    frameIn: z.number().nullable(),
    frameOut: z.number().nullable(),
  }),
  'shot.deleted': z.object({ name: z.string() }),
  'asset.created': z.object({ name: z.string(), assetType: z.string(), assetTypeId: id }),
  'asset.updated': z.object({ name: optionalName, assetType: optionalName }),
  'asset.deleted': z.object({ name: z.string() }),
  'project.created': z.object({ name: z.string(), botCollaboration: z.boolean() }),
  'project.updated': z.object({ name: optionalName, botCollaboration: z.boolean().optional() }),
  'project.member_added': z.object({ name: z.string(), kind: z.enum(['user', 'bot']) }),
  'project.member_removed': z.object({ name: z.string(), kind: z.enum(['user', 'bot']) }),
} as const;

export type CatalogedEventType = keyof typeof EVENT_DATA;

export type EventDataByType = {
  [T in CatalogedEventType]: z.infer<(typeof EVENT_DATA)[T]>;
};

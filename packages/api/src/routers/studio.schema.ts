import { z } from 'zod';
import { ZColor, ZEntityKind, ZId, ZName } from '../domain/schemas';
import { text } from '../domain/text';
import { ZPage } from '../pagination';

export const ZListInput = z.object({ ...ZPage }).default({ limit: 100 });
export const ZIdInput = z.object({ id: ZId });

export const ZCreateDepartmentInput = z.object({ name: ZName, color: ZColor.nullish() });
export const ZUpdateDepartmentInput = z.object({
  id: ZId,
  name: ZName.optional(),
  color: ZColor.nullish(),
});

export const ZCreateTaskTypeInput = z.object({
  name: ZName,
  departmentId: ZId,
  forEntity: ZEntityKind,
});
export const ZUpdateTaskTypeInput = z.object({
  id: ZId,
  name: ZName.optional(),
  departmentId: ZId.optional(),
  forEntity: ZEntityKind.optional(),
});

export const ZCreateTaskStatusInput = z.object({
  name: ZName,
  shortName: text({ max: 20 }),
  isDone: z.boolean().default(false),
  color: ZColor.nullish(),
});
export const ZUpdateTaskStatusInput = z.object({
  id: ZId,
  name: ZName.optional(),
  shortName: text({ max: 20 }).optional(),
  isDone: z.boolean().optional(),
  color: ZColor.nullish(),
});

import { z } from 'zod';
import { ZPeopleListInput } from '../domain/people-list';
import { ZDay, ZDepartmentIds, ZId, ZName, ZRole } from '../domain/schemas';

export const ZCreateBotInput = z.object({
  name: ZName,
  role: ZRole.default('artist'),
  departmentIds: ZDepartmentIds.default([]),
  /** The token is good through the end of this day, UTC; none: it never expires. */
  expiresAt: ZDay.nullish(),
  active: z.boolean().default(true),
});
export type CreateBotInput = z.infer<typeof ZCreateBotInput>;

export const ZUpdateBotInput = z.object({
  id: ZId,
  name: ZName.optional(),
  role: ZRole.optional(),
  departmentIds: ZDepartmentIds.optional(),
  /** null removes the expiry; a past date expires the bot at once. */
  expiresAt: ZDay.nullable().optional(),
  active: z.boolean().optional(),
});
export type UpdateBotInput = z.infer<typeof ZUpdateBotInput>;

export const ZRegenerateTokenInput = z.object({
  id: ZId,
  /** Minutes the replaced token keeps working, to move a running pipeline without downtime. */
  graceMinutes: z
    .number()
    .int('must be a whole number of minutes')
    .min(0, 'must be 0 to 60')
    .max(60, 'must be 0 to 60')
    .optional(),
});
export type RegenerateTokenInput = z.infer<typeof ZRegenerateTokenInput>;

export const ZBotIdInput = z.object({ id: ZId });

export const ZListBotsInput = ZPeopleListInput;

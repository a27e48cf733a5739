import { z } from 'zod';
import { ZPeopleListInput } from '../domain/people-list';
import { ZDepartmentIds, ZId, ZName, ZRole } from '../domain/schemas';
import { ZEmail, ZPassword } from './auth.schema';

export const ZCreateUserInput = z.object({
  email: ZEmail,
  name: ZName,
  password: ZPassword,
  role: ZRole.default('artist'),
  departmentIds: ZDepartmentIds.default([]),
  active: z.boolean().default(true),
});
export type CreateUserInput = z.infer<typeof ZCreateUserInput>;

export const ZUpdateUserInput = z.object({
  id: ZId,
  email: ZEmail.optional(),
  name: ZName.optional(),
  /** An admin's reset: the user's sessions end. */
  password: ZPassword.optional(),
  role: ZRole.optional(),
  departmentIds: ZDepartmentIds.optional(),
  active: z.boolean().optional(),
});
export type UpdateUserInput = z.infer<typeof ZUpdateUserInput>;

export const ZListUsersInput = ZPeopleListInput;

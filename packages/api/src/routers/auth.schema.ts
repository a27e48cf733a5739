import { z } from 'zod';

export const ZEmail = z.string().trim().toLowerCase().pipe(z.email().max(254));
export const ZPassword = z
  .string()
  .min(8, 'must be at least 8 characters')
  .max(256, 'must be at most 256 characters');

export const ZLoginInput = z.object({
  email: ZEmail,
  password: z.string().min(1, 'is required').max(256),
});
export type LoginInput = z.infer<typeof ZLoginInput>;

export const ZChangePasswordInput = z.object({
  current: z.string().min(1, 'is required').max(256),
  next: ZPassword,
});
export type ChangePasswordInput = z.infer<typeof ZChangePasswordInput>;

import { z } from 'zod';
import { text } from '../domain/text';

export const ZEmail = text({ max: 254 })
  .transform((s) => s.toLowerCase())
  .pipe(z.email('must be an email address'));
/** Never trimmed (a space may be part of it); the hash normalises it itself (NFKC). */
const secret = (min: number) => text({ max: 256, min, trim: false, normalize: false });
export const ZPassword = secret(8);

export const ZLoginInput = z.object({
  email: ZEmail,
  password: secret(1),
});
export type LoginInput = z.infer<typeof ZLoginInput>;

export const ZChangePasswordInput = z.object({
  current: secret(1),
  next: ZPassword,
});
export type ChangePasswordInput = z.infer<typeof ZChangePasswordInput>;

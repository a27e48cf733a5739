import { ROLES, SUBJECT_KINDS } from '@clapper/db';
import { z } from 'zod';
import { text } from './text';

export const ZId = z.uuid('must be an id');

export const ZRole = z.enum(ROLES, { error: () => `must be one of ${ROLES.join(', ')}` });

export const ZSubjectKind = z.enum(SUBJECT_KINDS, { error: () => 'must be asset or shot' });

/** A name: one line, trimmed, NFC, at most 100 characters (see `text`). */
export const ZName = text({ max: 100 });

export const ZColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #3a7bd5');

export const ZDepartmentIds = z.array(ZId).max(100, 'at most 100 departments');

/** The largest value of an `integer`/`serial` column on PostgreSQL. */
export const MAX_INT = 2_147_483_647;

const inRange = (day: string) => day >= '1970-01-01' && day <= '9999-12-31';

/** A calendar date, `YYYY-MM-DD`, between 1970 and 9999; a Date is taken as its UTC day. */
export const ZDay = z
  .union([
    z.iso.date('must be a date, YYYY-MM-DD'),
    z.date().transform((d) => (Number.isNaN(d.getTime()) ? '' : d.toISOString().slice(0, 10))),
  ])
  .refine(inRange, 'must be a date between 1970-01-01 and 9999-12-31');

/** Event types: exact (`comment.added`) or families (`task.*`). */
export const ZEventTypes = z.array(text({ max: 64 })).max(50);

export const ZEmail = text({ max: 254 })
  .transform((s) => s.toLowerCase())
  .pipe(z.email('must be an email address'));

/** Never trimmed (a space may be part of it); the hash normalises it itself (NFKC). */
export const secret = (min: number) => text({ max: 256, min, trim: false, normalize: false });
export const ZPassword = secret(8);

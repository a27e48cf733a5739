import { PEOPLE_SORTS, type PersonKind } from '@clapper/db';
import { z } from 'zod';
import { badRequest } from '../errors';
import { type PersonView, personView } from '../views/person';
import type { Deps } from './deps';
import { type Page, toPage, ZPage } from './pagination';
import { ZDay, ZId, ZRole } from './schemas';
import { text } from './text';
import { addDays, utcDay } from './time';

/**
 * What `bots.list` and `users.list` take: a page, a search, filters and a sort. Flat, so the
 * admin keeps them in its URL as they are.
 */
export const ZPeopleListInput = z
  .object({
    ...ZPage,
    /** Part of the name (or a user's email), whatever its case. */
    q: text({ max: 100 }).optional(),
    active: z.boolean().optional(),
    role: ZRole.optional(),
    departmentId: ZId.optional(),
    /** On this project's team. */
    projectId: ZId.optional(),
    /** `soon`: expiring within `withinDays` days from today (UTC), today included. */
    expiry: z
      .enum(['expired', 'never', 'soon'], { error: () => 'must be expired, never or soon' })
      .optional(),
    withinDays: z
      .number()
      .int('must be a whole number of days')
      .min(1, 'must be 1 to 3650')
      .max(3650, 'must be 1 to 3650')
      .default(14),
    /** Not used since before this day (UTC), or never used. */
    lastUsedBefore: ZDay.optional(),
    sort: z
      .enum(PEOPLE_SORTS, { error: () => `must be one of ${PEOPLE_SORTS.join(', ')}` })
      .default('createdAt'),
    order: z.enum(['asc', 'desc'], { error: () => 'must be asc or desc' }).default('asc'),
  })
  .default({ limit: 100, withinDays: 14, sort: 'createdAt', order: 'asc' });
export type PeopleListInput = z.infer<typeof ZPeopleListInput>;

/** A page of users or bots, and how many match the filters in all. */
export async function listPeople(
  { services }: Pick<Deps, 'services'>,
  { kind, ...input }: PeopleListInput & { kind: PersonKind },
): Promise<Page<PersonView> & { total: number }> {
  const now = services.now();
  const today = utcDay(now);
  const { rows, total, cursorFound } = await services.reads.people.list(
    kind,
    {
      q: input.q,
      active: input.active,
      role: input.role,
      departmentId: input.departmentId,
      projectId: input.projectId,
      expiry:
        input.expiry === 'soon'
          ? { is: 'within', days: input.withinDays, until: addDays(today, input.withinDays) }
          : input.expiry
            ? { is: input.expiry }
            : undefined,
      lastUsedBefore: input.lastUsedBefore
        ? new Date(`${input.lastUsedBefore}T00:00:00.000Z`)
        : undefined,
    },
    { sort: input.sort, desc: input.order === 'desc' },
    { cursor: input.cursor, take: input.limit + 1, today },
  );
  if (!cursorFound) {
    throw badRequest('cursor', 'names a row that no longer exists: start from the first page');
  }
  const page = toPage(rows, input.limit);
  return { ...page, total, items: page.items.map((p) => personView(p, now)) };
}

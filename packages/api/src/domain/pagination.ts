import { z } from 'zod';
import { text } from './text';

export const MAX_PAGE = 500;

export const ZLimit = z.number().int().min(1).max(MAX_PAGE).default(100);

/** The event log pages by event id. */
export const ZEventCursor = z.string().regex(/^\d{1,10}$/, 'must be a cursor from a previous page');

/** Every list takes `cursor` and `limit` (at most 500) and returns `{ items, nextCursor }`. */
export const ZPage = {
  cursor: z.uuid('must be a cursor from a previous page').optional(),
  limit: ZLimit,
};

/** A list searched by name: a page, and `q`, part of the name in any case. */
export const ZNamedListInput = z
  .object({ ...ZPage, q: text({ max: 100 }).optional() })
  .default({ limit: 100 });

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Given `limit + 1` rows in cursor order, the page and the cursor of the next one. */
export function toPage<T extends { id: string | number }>(rows: T[], limit: number): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? String(last.id) : null };
}

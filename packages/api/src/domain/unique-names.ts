import { type Em, nameKey } from '@clapper/db';
import { conflict } from '../errors';

type Field = 'name' | 'shortName' | 'email';

/** The column each field is unique on, and how a value becomes that column's value. */
const COLUMNS: Record<Field, { column: string; key: (value: string) => string }> = {
  // Names are one whatever their case ("Publisher" and "publisher"): their key column says so.
  name: { column: 'nameKey', key: nameKey },
  shortName: { column: 'shortNameKey', key: nameKey },
  // Emails are lowercased by their schema already.
  email: { column: 'email', key: (value) => value },
};

const TAKEN: Record<Field, (what: string, value: string) => string> = {
  name: (what, value) => `A ${what} named "${value}" already exists`,
  shortName: (what, value) => `A ${what} with the short name "${value}" already exists`,
  email: (_, value) => `${value} is already in use`,
};

/**
 * Refuses a value another row already holds: CONFLICT naming the field. The unique index on the
 * same column holds the rule against a concurrent write (`toTRPCError` names the field then too).
 * The one check of every unique name, short name and email.
 */
export async function assertNameFree(
  em: Em,
  // biome-ignore lint/suspicious/noExplicitAny: one check for every table with a unique name
  entity: any,
  what: string,
  value: string,
  {
    field = 'name',
    exceptId,
    among = {},
    exact = false,
    message,
  }: {
    field?: Field;
    exceptId?: string;
    /** Rows among which the value is unique (bots among people, shots in a sequence). */
    among?: Record<string, unknown>;
    /** Compare the `name` column as it is (assets and shots, whose names keep their case). */
    exact?: boolean;
    /** The refusal, when the rule needs more words than "already exists". */
    message?: string;
  } = {},
) {
  const { column, key } = exact ? { column: field, key: (v: string) => v } : COLUMNS[field];
  const taken = await em.count(entity, {
    ...among,
    [column]: key(value),
    ...(exceptId ? { id: { $ne: exceptId } } : {}),
  });
  if (taken > 0) throw conflict(field, message ?? TAKEN[field](what, value));
}

import { type Em, nameKey } from '@clapper/db';
import { conflict } from '../errors';

type Keyed = 'name' | 'shortName';
const KEY_PROPERTY: Record<Keyed, 'nameKey' | 'shortNameKey'> = {
  name: 'nameKey',
  shortName: 'shortNameKey',
};
const DESCRIBED: Record<Keyed, (what: string, value: string) => string> = {
  name: (what, value) => `A ${what} named "${value}" already exists`,
  shortName: (what, value) => `A ${what} with the short name "${value}" already exists`,
};

/**
 * Refuses a name another row already holds, whatever its case ("Publisher" and "publisher"
 * are one name): CONFLICT naming the field. The unique index on the key column holds the same
 * rule against a concurrent write (`toTRPCError` names the field then too).
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
  }: {
    field?: Keyed;
    exceptId?: string;
    /** Rows among which the name is unique (bots among people). */
    among?: Record<string, unknown>;
  } = {},
) {
  const taken = await em.count(entity, {
    ...among,
    [KEY_PROPERTY[field]]: nameKey(value),
    ...(exceptId ? { id: { $ne: exceptId } } : {}),
  });
  if (taken > 0) throw conflict(field, DESCRIBED[field](what, value));
}

/**
 * Column values as the two drivers return them, turned into what the ORM's
 * entities hold: SQLite keeps datetimes as epoch milliseconds, booleans as 0/1
 * and JSON as text; pg parses them itself.
 */
export const toDate = (value: unknown): Date =>
  value instanceof Date ? value : new Date(value as number);

export const toDateOrNull = (value: unknown): Date | null => (value == null ? null : toDate(value));

export const toBool = (value: unknown): boolean => value === true || value === 1;

export const toJson = <T>(value: unknown): T | null =>
  value == null ? null : typeof value === 'string' ? (JSON.parse(value) as T) : (value as T);

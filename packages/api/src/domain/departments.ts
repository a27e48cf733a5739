import { Department, type Em, type IDepartment } from '@clapper/db';
import { badRequest } from '../errors';

/** The departments with these ids, or BAD_REQUEST on `field` naming one that does not exist. */
export async function findDepartments(
  em: Em,
  ids: readonly string[],
  field = 'departmentIds',
): Promise<IDepartment[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const found = await em.find(Department, { id: { $in: unique } });
  const missing = unique.find((id) => !found.some((d) => d.id === id));
  if (missing) throw badRequest(field, `no department has the id ${missing}`);
  return found;
}

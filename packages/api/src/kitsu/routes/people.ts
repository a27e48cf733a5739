/**
 * gazu.person and the studio's settings gazu.task reads: people, departments, task types and
 * task statuses, as zou's generic `/data/<model>` routes (all, by id, filtered by the query).
 */
import { TRPCError } from '@trpc/server';
import { filtered, type KitsuRequest, type KitsuSurface, notFoundHere } from '../surface';
import { kitsuDepartment, kitsuPerson, kitsuTaskStatus, kitsuTaskType } from '../views';

type Rows<T> = (r: KitsuRequest) => Promise<T[]>;

/** A list at `url` and its rows at `url/<id>`, as zou's generic routes. */
function listed<T extends { id: string }>(k: KitsuSurface, url: string, all: Rows<T>) {
  k.get(url, async (r) => filtered(r, await all(r)));
  k.get(`${url}/:id`, async (r) => {
    const id = r.id('id');
    const found = (await all(r)).find((row) => row.id === id);
    if (!found) throw notFoundHere(url);
    return found;
  });
}

const shaped =
  <T>(procedure: string, shape: (item: never) => T): Rows<T> =>
  async (r) =>
    (await r.pages<never>(procedure)).map(shape);

const taskTypes = shaped('taskTypes.list', kitsuTaskType);
const taskStatuses = shaped('taskStatuses.list', kitsuTaskStatus);

export function peopleRoutes(k: KitsuSurface) {
  // all_task_types, get_task_type, get_task_type_by_name (with for_entity, department).
  listed(k, '/data/task-types', taskTypes);
  // all_task_statuses, get_task_status, get_task_status_by_name, _by_short_name, the default.
  listed(k, '/data/task-status', taskStatuses);
  // all_departments, get_department, get_department_by_name.
  listed(k, '/data/departments', shaped('departments.list', kitsuDepartment));

  // all_persons, get_person (`?id=`), get_person_by_email, get_person_by_full_name (with
  // `is_bot=False`): the users, for those who may list people (admins, managers), and the bots
  // too for those who may manage them (admins signed in as users, as on `bots.list`).
  const users = shaped('users.list', kitsuPerson);
  const bots = shaped('bots.list', kitsuPerson);
  const noneIfRefused = (error: unknown) => {
    if (error instanceof TRPCError && error.code === 'FORBIDDEN') return [];
    throw error;
  };
  listed(k, '/data/persons', async (r) => [
    ...(await users(r)),
    ...(await bots(r).catch(noneIfRefused)),
  ]);
}

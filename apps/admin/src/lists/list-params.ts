import type { RouterInputs } from '@clapper/api';
import { useDebouncedValue } from '@mantine/hooks';
import { useSearchParams } from 'react-router';
import type { Role } from '../api';
import { EXPIRY_WARNING_DAYS } from '../expiry';
import { ROLE_LABELS } from '../roles';

// tRPC types an input with defaults as optional (`void`).
type PeopleListInput = NonNullable<Exclude<RouterInputs['bots']['list'], void>>;
export type PeopleSort = NonNullable<PeopleListInput['sort']>;
export type Expiry = NonNullable<PeopleListInput['expiry']>;

// Records, so a role or a sort added on the server fails the build until it is listed here.
const SORTS: Record<PeopleSort, true> = {
  name: true,
  role: true,
  active: true,
  expiresAt: true,
  lastUsedAt: true,
  createdAt: true,
};
const isRole = (value: string | null): value is Role =>
  value !== null && Object.hasOwn(ROLE_LABELS, value);
const isSort = (value: string | null): value is PeopleSort =>
  value !== null && Object.hasOwn(SORTS, value);

/** A number of days from the URL, if it is one the server takes. */
function wholeDays(value: string | null): number | null {
  const days = Number(value);
  return value && Number.isInteger(days) && days >= 1 && days <= 3650 ? days : null;
}

/** A search box asks the server once typing pauses this long. */
export const SEARCH_PAUSE_MS = 100;

type Defaults = { sort: PeopleSort; order: 'asc' | 'desc' };

/**
 * What a people table's URL asks for, and the list input it makes (with the search `q` as
 * sent: the page debounces it). Pure, so the first page can be asked for before the page renders.
 */
export function readPeopleList(
  params: URLSearchParams,
  defaults: Defaults,
  q = params.get('q') ?? '',
) {
  const roleParam = params.get('role');
  const role = isRole(roleParam) ? roleParam : null;
  const active = params.get('active');
  const expiry = (['expired', 'never', 'soon'] as const).find((e) => e === params.get('expiry'));
  const withinDays = wholeDays(params.get('within')) ?? EXPIRY_WARNING_DAYS;
  const department = params.get('department');
  const project = params.get('project');
  const day = params.get('usedBefore');
  const usedBefore = day && /^\d{4}-\d{2}-\d{2}$/.test(day) ? day : null;
  const sortParam = params.get('sort');
  const sort = isSort(sortParam) ? sortParam : defaults.sort;
  const orderParam = params.get('order');
  const order = orderParam === 'asc' || orderParam === 'desc' ? orderParam : defaults.order;
  const input = {
    limit: 50,
    q: q.trim() || undefined,
    role: role ?? undefined,
    active: active === 'true' ? true : active === 'false' ? false : undefined,
    expiry,
    withinDays,
    departmentId: department ?? undefined,
    projectId: project ?? undefined,
    lastUsedBefore: usedBefore ?? undefined,
    sort,
    order,
  } satisfies PeopleListInput;
  return {
    role,
    active,
    expiry: expiry ?? null,
    withinDays,
    department,
    project,
    usedBefore,
    sort,
    order,
    input,
  };
}

/**
 * A people table's search, filters and sort, kept in the page's URL (so a filtered view is a
 * link, and survives a reload), and the list input they make. The search is sent once typing
 * pauses (SEARCH_PAUSE_MS).
 */
export function usePeopleListParams(defaults: Defaults) {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const [debouncedQ] = useDebouncedValue(q, SEARCH_PAUSE_MS);
  const read = readPeopleList(params, defaults, debouncedQ);
  const { sort, order } = read;

  const set = (name: string, value: string | null) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (value === null || value === '') next.delete(name);
        else next.set(name, value);
        return next;
      },
      { replace: true },
    );

  return {
    q,
    ...read,
    set,
    /** Sorts by `column`, or turns the order round when it is the sort already. */
    sortBy: (column: PeopleSort) => {
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          const again = sort === column;
          next.set('sort', column);
          next.set('order', again && order === 'asc' ? 'desc' : 'asc');
          return next;
        },
        { replace: true },
      );
    },
  };
}

export type PeopleListParams = ReturnType<typeof usePeopleListParams>;

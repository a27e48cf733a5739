import {
  type HotReads,
  nameKey,
  type ProjectRow,
  type TaskRow,
  type TeamMemberRow,
} from '@clapper/db';
import { deepFreeze } from '../wire/frozen';
import type { TickReads } from './tick-reads';
import { type Clock, TtlCache } from './ttl-cache';

/** Where an asset or shot is. */
export interface EntityPlace {
  projectId: string;
  kind: 'asset' | 'shot';
}

/** A project with its team, as last read: what `projects.byName` and every permission check need. */
export interface CachedProject {
  row: ProjectRow;
  team: readonly TeamMemberRow[];
}

/** What a change touched, taken from the event rows it wrote (see `ChangeTracker`). */
export interface Touched {
  /** Projects changed as a whole: their rows, teams, tasks and lists. */
  projects: readonly string[];
  /** Projects whose lists (tasks, comments, assets, shots) changed. */
  lists?: readonly string[];
  /** Tasks whose row changed (status, due date, assignees). */
  tasks?: readonly string[];
  /** People named by an event: their teams, and everything that may show their name or role. */
  people: readonly string[];
  /** Departments, task types or statuses changed: everything that shows them. */
  studio?: boolean;
}

interface Page {
  projectId: string;
  value: unknown;
}

const MAX_ENTRIES = 10_000;
/** Pages are big (a hundred tasks); this many at most are kept. */
const MAX_PAGES = 128;

/**
 * What the hot reads found, kept in memory between requests: projects with
 * their teams, the projects each person is on, and pages of a project's lists
 * (tasks, comments, assets, shots). Every mutation on this server drops what
 * its event rows name before it answers (`invalidate`); other replicas hear of
 * it through NOTIFY; anything else (the CLI) is bounded by `ttlMs`. Only what
 * is found is kept, and a read that began before an invalidation is not kept
 * after it. Permission checks run on every request against this data; a page
 * is kept per reach (what the caller may see), never handed to another reach.
 *
 * Pages are deeply frozen, so the server may keep their serialized form too.
 */
export class ReadCache {
  private readonly projects: TtlCache<CachedProject>;
  /** The same projects, found by name (`projects.byName`, a script's first call). */
  private readonly byName: TtlCache<CachedProject>;
  private readonly teamsOf: TtlCache<ReadonlySet<string>>;
  private readonly pages: TtlCache<Page>;
  private readonly tasks: TtlCache<TaskRow>;
  /** Each asset's or shot's project and kind, for a list of its tasks asked by its id alone. */
  private readonly places: TtlCache<EntityPlace>;

  /** Told of each invalidation made here, to pass it on to other replicas. */
  onInvalidate?: (touched: Touched) => void;

  constructor(
    private readonly reads: HotReads,
    private readonly tickReads: TickReads,
    ttlMs: number,
    clock?: Clock,
  ) {
    this.projects = new TtlCache({ ttlMs, max: MAX_ENTRIES, clock });
    this.byName = new TtlCache({ ttlMs, max: MAX_ENTRIES, clock });
    this.teamsOf = new TtlCache({ ttlMs, max: MAX_ENTRIES, clock });
    this.pages = new TtlCache({ ttlMs, max: MAX_PAGES, clock });
    this.tasks = new TtlCache({ ttlMs, max: MAX_ENTRIES, clock });
    this.places = new TtlCache({ ttlMs, max: MAX_ENTRIES, clock });
  }

  project(id: string): Promise<CachedProject | null> {
    return this.through(this.projects, id, async () =>
      this.withTeam(await this.reads.projects.byId(id)),
    );
  }

  projectByName(name: string): Promise<CachedProject | null> {
    return this.through(this.byName, nameKey(name), async () =>
      this.withTeam(await this.reads.projects.byName(name)),
    );
  }

  /** Ids of the projects whose team has `personId`. */
  async projectsOf(personId: string): Promise<ReadonlySet<string>> {
    const ids = await this.through(
      this.teamsOf,
      personId,
      async (): Promise<ReadonlySet<string>> =>
        new Set(await this.tickReads.teamProjectIds.load(personId)),
    );
    return ids!;
  }

  /** An asset's or shot's project and kind (null for none), frozen. */
  entityPlace(id: string): Promise<EntityPlace | null> {
    return this.through(this.places, id, async () =>
      deepFreeze(await this.reads.subjects.placeOf(id)),
    );
  }

  /** A task with its type, status and assignees (frozen), for permission checks and `tasks.get`. */
  task(id: string): Promise<TaskRow | null> {
    return this.through(this.tasks, id, async () => deepFreeze(await this.reads.tasks.byId(id)));
  }

  /**
   * A page of one project's list under `key` (which must name everything the
   * page depends on: the list, its filters, cursor, limit and the caller's
   * reach), loaded by `load` when missing. The value comes back deeply frozen.
   */
  async page<T>(projectId: string, key: string, load: () => Promise<T>): Promise<T> {
    const page = await this.through(this.pages, key, async () => ({
      projectId,
      value: deepFreeze(await load()),
    }));
    return page!.value as T;
  }

  /** Drops what a change touched (see `Touched`). */
  invalidate(touched: Touched, { fromPeer = false } = {}) {
    const { projects, lists = [], tasks = [], people, studio = false } = touched;
    if (!projects.length && !lists.length && !tasks.length && !people.length && !studio) return;
    // A read that began before this is not kept after it, whatever it would have filled.
    for (const cache of this.all()) cache.dropLoads();
    for (const id of tasks) this.tasks.delete(id);
    if (projects.length > 0) {
      for (const id of projects) this.projects.delete(id);
      const whole = new Set(projects);
      this.byName.deleteWhere((project) => whole.has(project.row.id));
    }
    if (people.length > 0) {
      const touchedPeople = new Set(people);
      for (const id of touchedPeople) this.teamsOf.delete(id);
      // A member's name or role shows in the team of every project they are on.
      const onTeam = (project: CachedProject) => project.team.some((m) => touchedPeople.has(m.id));
      this.projects.deleteWhere(onTeam);
      this.byName.deleteWhere(onTeam);
    }
    if (people.length > 0 || studio) {
      // Names of assignees, task types and statuses show in every task and page.
      this.tasks.clear();
      this.pages.clear();
    } else {
      if (projects.length > 0) {
        const whole = new Set(projects);
        this.tasks.deleteWhere((task) => whole.has(task.projectId));
      }
      const listed = new Set([...projects, ...lists]);
      if (listed.size > 0) {
        this.pages.deleteWhere((page) => listed.has(page.projectId));
        // An entity deleted is no longer anywhere; one made may have been asked for before.
        this.places.deleteWhere((place) => listed.has(place.projectId));
      }
    }
    if (!fromPeer) this.onInvalidate?.(touched);
  }

  /** Drops everything (a peer touched more than one message can name). */
  clear() {
    for (const cache of this.all()) cache.clear();
  }

  private all(): Pick<TtlCache<never>, 'dropLoads' | 'clear'>[] {
    return [this.projects, this.byName, this.teamsOf, this.pages, this.tasks, this.places];
  }

  /** `cache`'s entry for `key`, or what `load` finds (kept unless an invalidation came meanwhile). */
  private async through<T extends {}>(
    cache: TtlCache<T>,
    key: string,
    load: () => Promise<T | null>,
  ): Promise<T | null> {
    // Only what is found is kept: `undefined` is not.
    return (await cache.through(key, async () => (await load()) ?? undefined)) ?? null;
  }

  private async withTeam(row: ProjectRow | null): Promise<CachedProject | null> {
    if (!row) return null;
    const team = (await this.reads.projects.teams([row.id])).get(row.id) ?? [];
    return deepFreeze({ row, team });
  }
}

import type { HotReads, ProjectRow, TeamMemberRow } from '@clapper/db';

/** A project with its team, as last read: what `projects.byName` and every permission check need. */
export interface CachedProject {
  row: ProjectRow;
  team: readonly TeamMemberRow[];
}

/** What a change touched, taken from the event rows it wrote. */
export interface Touched {
  /** Projects named by an event: their rows, teams and pages. */
  projects: readonly string[];
  /** People named by an event: their teams, and every page that may show their name or role. */
  people: readonly string[];
  /** Departments, task types or statuses changed: every page that shows them. */
  studio?: boolean;
}

interface Entry<T> {
  value: T;
  loadedAt: number;
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
  private readonly projects = new Map<string, Entry<CachedProject>>();
  private readonly idsByName = new Map<string, string>();
  private readonly teamsOf = new Map<string, Entry<ReadonlySet<string>>>();
  private readonly pages = new Map<string, Entry<Page>>();
  /** Bumped by every invalidation: a read that began before it must not be cached after it. */
  private generation = 0;

  /** Told of each invalidation made here, to pass it on to other replicas. */
  onInvalidate?: (touched: Touched) => void;

  constructor(
    private readonly reads: HotReads,
    private readonly ttlMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  async project(id: string): Promise<CachedProject | null> {
    const cached = this.fresh(this.projects, id);
    if (cached) return cached;
    const ticket = this.generation;
    return this.loadProject(await this.reads.projects.byId(id), ticket);
  }

  async projectByName(name: string): Promise<CachedProject | null> {
    const id = this.idsByName.get(name);
    if (id !== undefined) {
      const cached = this.fresh(this.projects, id);
      if (cached?.row.name === name) return cached;
      this.idsByName.delete(name);
    }
    const ticket = this.generation;
    return this.loadProject(await this.reads.projects.byName(name), ticket);
  }

  /** Ids of the projects whose team has `personId`. */
  async projectsOf(personId: string): Promise<ReadonlySet<string>> {
    const cached = this.fresh(this.teamsOf, personId);
    if (cached) return cached;
    const ticket = this.generation;
    const ids: ReadonlySet<string> = new Set(await this.reads.projects.ofMember(personId));
    if (ticket === this.generation) this.put(this.teamsOf, personId, ids, MAX_ENTRIES);
    return ids;
  }

  /**
   * A page of one project's list under `key` (which must name everything the
   * page depends on: the list, its filters, cursor, limit and the caller's
   * reach), loaded by `load` when missing. The value comes back deeply frozen.
   */
  async page<T>(projectId: string, key: string, load: () => Promise<T>): Promise<T> {
    const cached = this.fresh(this.pages, key);
    if (cached) return cached.value as T;
    const ticket = this.generation;
    const value = deepFreeze(await load());
    if (ticket === this.generation) this.put(this.pages, key, { projectId, value }, MAX_PAGES);
    return value;
  }

  /** Drops what a change touched: the projects it names, and everything about the people it names. */
  invalidate(touched: Touched, { fromPeer = false } = {}) {
    const { projects, people, studio = false } = touched;
    if (projects.length === 0 && people.length === 0 && !studio) return;
    this.generation++;
    for (const id of projects) this.projects.delete(id);
    if (people.length > 0) {
      const touchedPeople = new Set(people);
      for (const id of touchedPeople) this.teamsOf.delete(id);
      // A member's name or role shows in the team of every project they are on.
      for (const [id, entry] of this.projects) {
        if (entry.value.team.some((m) => touchedPeople.has(m.id))) this.projects.delete(id);
      }
    }
    if (people.length > 0 || studio) {
      this.pages.clear();
    } else if (projects.length > 0) {
      const touchedProjects = new Set(projects);
      for (const [key, entry] of this.pages) {
        if (touchedProjects.has(entry.value.projectId)) this.pages.delete(key);
      }
    }
    if (!fromPeer) this.onInvalidate?.(touched);
  }

  /** Drops everything (a peer touched more than one message can name). */
  clear() {
    this.generation++;
    this.projects.clear();
    this.idsByName.clear();
    this.teamsOf.clear();
    this.pages.clear();
  }

  private async loadProject(row: ProjectRow | null, ticket: number) {
    if (!row) return null;
    const team = (await this.reads.projects.teams([row.id])).get(row.id) ?? [];
    const project: CachedProject = deepFreeze({ row, team });
    if (ticket === this.generation) {
      this.put(this.projects, row.id, project, MAX_ENTRIES);
      this.idsByName.set(row.name, row.id);
      if (this.idsByName.size > MAX_ENTRIES) this.idsByName.clear();
    }
    return project;
  }

  private fresh<T>(map: Map<string, Entry<T>>, id: string): T | undefined {
    const entry = map.get(id);
    if (!entry) return undefined;
    if (this.clock() - entry.loadedAt >= this.ttlMs) {
      map.delete(id);
      return undefined;
    }
    return entry.value;
  }

  private put<T>(map: Map<string, Entry<T>>, id: string, value: T, max: number) {
    // Maps iterate in insertion order: dropping the first key drops the oldest.
    if (map.size >= max && !map.has(id)) map.delete(map.keys().next().value!);
    map.set(id, { value, loadedAt: this.clock() });
  }
}

/** Freezes an object and everything in it, and returns it. (A frozen Date can still be set: nothing here does.) */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

import type { HotReads, ProjectRow, TeamMemberRow } from '@clapper/db';

/** A project with its team, as last read: what `projects.byName` and every permission check need. */
export interface CachedProject {
  row: ProjectRow;
  team: readonly TeamMemberRow[];
}

/** What a change touched, taken from the event rows it wrote. */
export interface Touched {
  projects: readonly string[];
  people: readonly string[];
}

interface Entry<T> {
  value: T;
  loadedAt: number;
}

const MAX_ENTRIES = 10_000;

/**
 * Projects with their teams, and the projects each person is on, kept in
 * memory between requests. Every mutation on this server drops what its event
 * rows name before it answers (`invalidate`); other replicas hear of it through
 * NOTIFY; anything else (the CLI on SQLite) is bounded by `ttlMs`. Only what is
 * found is cached, and a read that began before an invalidation is not kept
 * after it. Permission checks run on every request against this data.
 */
export class ProjectCache {
  private readonly projects = new Map<string, Entry<CachedProject>>();
  private readonly idsByName = new Map<string, string>();
  private readonly teamsOf = new Map<string, Entry<ReadonlySet<string>>>();
  /** Bumped by every invalidation: a read that began before it must not be cached after it. */
  private generation = 0;

  /** Told of each invalidation made here, to pass it on to other replicas. */
  onInvalidate?: (touched: Touched) => void;

  constructor(
    private readonly reads: HotReads,
    private readonly ttlMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  async byId(id: string): Promise<CachedProject | null> {
    const cached = this.fresh(this.projects, id);
    if (cached) return cached;
    const ticket = this.generation;
    return this.load(await this.reads.projects.byId(id), ticket);
  }

  async byName(name: string): Promise<CachedProject | null> {
    const id = this.idsByName.get(name);
    if (id !== undefined) {
      const cached = this.fresh(this.projects, id);
      if (cached?.row.name === name) return cached;
      this.idsByName.delete(name);
    }
    const ticket = this.generation;
    return this.load(await this.reads.projects.byName(name), ticket);
  }

  /** Ids of the projects whose team has `personId`. */
  async projectsOf(personId: string): Promise<ReadonlySet<string>> {
    const cached = this.fresh(this.teamsOf, personId);
    if (cached) return cached;
    const ticket = this.generation;
    const ids: ReadonlySet<string> = new Set(await this.reads.projects.ofMember(personId));
    if (ticket === this.generation) this.put(this.teamsOf, personId, ids);
    return ids;
  }

  /** Drops what a change touched: the projects it names, and everything about the people it names. */
  invalidate(touched: Touched, { fromPeer = false } = {}) {
    if (touched.projects.length === 0 && touched.people.length === 0) return;
    this.generation++;
    for (const id of touched.projects) this.projects.delete(id);
    if (touched.people.length > 0) {
      const people = new Set(touched.people);
      for (const id of people) this.teamsOf.delete(id);
      // A member's name or role shows in the team of every project they are on.
      for (const [id, entry] of this.projects) {
        if (entry.value.team.some((m) => people.has(m.id))) this.projects.delete(id);
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
  }

  private async load(row: ProjectRow | null, ticket: number): Promise<CachedProject | null> {
    if (!row) return null;
    const team = (await this.reads.projects.teams([row.id])).get(row.id) ?? [];
    const project = { row, team };
    if (ticket === this.generation) {
      this.put(this.projects, row.id, project);
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

  private put<T>(map: Map<string, Entry<T>>, id: string, value: T) {
    // Maps iterate in insertion order: dropping the first key drops the oldest.
    if (map.size >= MAX_ENTRIES) map.delete(map.keys().next().value!);
    map.set(id, { value, loadedAt: this.clock() });
  }
}

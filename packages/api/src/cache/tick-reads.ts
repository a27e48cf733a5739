import type { HotReads, PersonRow } from '@clapper/db';
import DataLoader from 'dataloader';

/**
 * Reads of one kind asked for in the same tick, sent as one statement. The live event feed
 * re-checks every subscriber in the same tick when a batch comes: when a thousand of them need
 * their person, their teams or (vendors) their tasks read again, as cache entries lapse together,
 * that is three statements, not three thousand. A failed read fails every load of its tick, as
 * the separate reads would have.
 */
export interface TickReads {
  person: DataLoader<string, PersonRow | null>;
  /** Ids of the projects whose team has the person. */
  teamProjectIds: DataLoader<string, string[]>;
  /** The tasks assigned to the person, with their projects. */
  assignedTasks: DataLoader<string, { taskId: string; projectId: string }[]>;
}

/** A server's loaders (`ApiServices.tickReads`), over its hot reads. */
export function createTickReads(reads: HotReads): TickReads {
  return {
    person: loader(async (ids) => {
      const found = new Map((await reads.people.byIds(ids)).map((p) => [p.id, p]));
      return ids.map((id) => found.get(id) ?? null);
    }),
    teamProjectIds: loader(async (ids) => {
      const teams = await reads.projects.ofMembers(ids);
      return ids.map((id) => teams.get(id)!);
    }),
    assignedTasks: loader(async (ids) => {
      const assigned = await reads.tasks.assignedToEach(ids);
      return ids.map((id) => assigned.get(id)!);
    }),
  };
}

// The caches in front (credential cache, read cache, the audience's snapshots) keep what was
// read and forget it when a writer says so: the loaders keep nothing.
const loader = <V>(load: (ids: readonly string[]) => Promise<V[]>) =>
  new DataLoader<string, V>(load, { cache: false, maxBatchSize: 1000 });

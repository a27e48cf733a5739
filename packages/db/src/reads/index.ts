import type { Orm } from '../orm';
import { openReadConnection, type ReadConnection } from './connection';
import { departmentReads } from './departments';
import { eventReads } from './events';
import { idempotencyReads } from './idempotency';
import { labelReads } from './labels';
import { listenerPlaceReads } from './listener-places';
import { peopleReads } from './people';
import { projectReads } from './projects';
import { subjectReads } from './subjects';
import { taskReads } from './tasks';

export type { ReadConnection } from './connection';
export type { DepartmentRow } from './departments';
export { type EventFilter, type EventRow, type EventVisibility, eventPageQuery } from './events';
export * from './from-entities';
export type { IdempotencyKeyRow } from './idempotency';
export type { LabelTarget } from './labels';
export type { ListenerPlaceRow } from './listener-places';
export type { PersonRow, SessionRow } from './people';
export { PEOPLE_SORTS, type PeopleFilter, type PeopleOrder, type PeopleSort } from './people-list';
export type { ProjectRow, TeamMemberRow } from './projects';
export type { GroupFilter, GroupRow, SubjectFilter, SubjectRow } from './subjects';
export type { CommentRow, TaskFilter, TaskRow, TaskStatusRow } from './tasks';

/**
 * The reads that scripts and the admin make most, as prepared statements with
 * bound parameters and no entity hydration: at most one statement per relation.
 * The ORM stays the way to write; these only read what is committed.
 */
export function createHotReads(connection: ReadConnection) {
  return {
    connection,
    people: peopleReads(connection),
    departments: departmentReads(connection),
    projects: projectReads(connection),
    tasks: taskReads(connection),
    subjects: subjectReads(connection),
    events: eventReads(connection),
    labels: labelReads(connection),
    idempotency: idempotencyReads(connection),
    listenerPlaces: listenerPlaceReads(connection),
    close: () => connection.close(),
  };
}

export type HotReads = ReturnType<typeof createHotReads>;

/** Hot reads over a connection of their own to the ORM's database. */
export const openHotReads = (orm: Orm, options?: { poolSize?: number }): HotReads =>
  createHotReads(openReadConnection(orm, options));

import type { PersonKind, Role } from '../entities/person';
import { nameKey } from '../name-key';
import type { ReadConnection } from './connection';
import { pageByName } from './name-search';
import { toBool, toDate } from './values';

export interface ProjectRow {
  id: string;
  name: string;
  botCollaboration: boolean;
  createdAt: Date;
}

export interface TeamMemberRow {
  id: string;
  name: string;
  kind: PersonKind;
  role: Role;
}

const PROJECT = `select id, name, bot_collaboration as "botCollaboration", created_at as "createdAt" from projects`;

const toProject = (r: ProjectRow): ProjectRow => ({
  id: r.id,
  name: r.name,
  botCollaboration: toBool(r.botCollaboration),
  createdAt: toDate(r.createdAt),
});

export function projectReads(db: ReadConnection) {
  return {
    async byId(id: string): Promise<ProjectRow | null> {
      const [row] = await db.all<ProjectRow>(`${PROJECT} where id = ?`, [id]);
      return row ? toProject(row) : null;
    },

    /** The project with this name in any case: names are unique whatever their case. */
    async byName(name: string): Promise<ProjectRow | null> {
      const [row] = await db.all<ProjectRow>(`${PROJECT} where name_key = ?`, [nameKey(name)]);
      return row ? toProject(row) : null;
    },

    /**
     * A page in id order (`take` is the limit + 1), of every project or of those in `ids`, whose
     * name contains `q` (any case), and how many match in all.
     */
    async page(
      ids: readonly string[] | 'all',
      cursor: string | undefined,
      take: number,
      q?: string,
    ): Promise<{ rows: ProjectRow[]; total: number }> {
      const { rows, total } = await pageByName<ProjectRow>(db, {
        select: PROJECT,
        table: 'projects',
        ids,
        cursor,
        take,
        q,
      });
      return { rows: rows.map(toProject), total };
    },

    /** The team of each project, members in id order; a project with none maps to []. */
    async teams(projectIds: readonly string[]): Promise<Map<string, TeamMemberRow[]>> {
      const teams = new Map<string, TeamMemberRow[]>(projectIds.map((id) => [id, []]));
      if (projectIds.length === 0) return teams;
      const rows = await db.all<TeamMemberRow & { projectId: string }>(
        `select pm.project_id as "projectId", p.id, p.name, p.kind, p.role from project_members pm
          join people p on p.id = pm.person_id
          where ${db.inList('pm.project_id')} order by p.id`,
        [db.list(projectIds)],
      );
      for (const { projectId, ...member } of rows) teams.get(projectId)?.push(member);
      return teams;
    },

    /** The projects whose team has this person, by name. */
    async teamsOf(personId: string): Promise<{ id: string; name: string }[]> {
      return db.all<{ id: string; name: string }>(
        `select p.id, p.name from project_members m join projects p on p.id = m.project_id
         where m.person_id = ? order by p.name, p.id`,
        [personId],
      );
    },

    /**
     * Ids of the projects whose team has each of these people (one with none maps to []): one
     * statement for every person whose team a tick needs (`cache/tick-reads.ts` in the API).
     */
    async ofMembers(personIds: readonly string[]): Promise<Map<string, string[]>> {
      const teams = new Map<string, string[]>(personIds.map((id) => [id, []]));
      if (personIds.length === 0) return teams;
      const rows = await db.all<{ personId: string; projectId: string }>(
        `select person_id as "personId", project_id as "projectId" from project_members
          where ${db.inList('person_id')}`,
        [db.list(personIds)],
      );
      for (const { personId, projectId } of rows) teams.get(personId)?.push(projectId);
      return teams;
    },
  };
}

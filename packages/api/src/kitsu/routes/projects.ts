/** gazu.project: projects, open projects, one by id or by name, and the team. */

import { frozenJson, type KitsuRequest, type KitsuSurface, orNull } from '../surface';
import { type ClapperProject, kitsuPerson, kitsuProject } from '../views';

/** Every project the caller may read (zou lists them whole). */
export const allProjects = (r: KitsuRequest) => r.pages<ClapperProject>('projects.list');

export const projectById = (r: KitsuRequest, id: string) =>
  r.call<ClapperProject>('projects.get', { id });

export const byName = (a: ClapperProject, b: ClapperProject) => a.name.localeCompare(b.name);

export function projectRoutes(k: KitsuSurface) {
  // all_projects, and get_project_by_name (`?name=`): an array, of which gazu takes the first.
  // Clapper's project names are unique whatever their case, so `projects.byName` finds the one
  // zou's case-insensitive ILIKE would.
  const byNameAnswer = frozenJson((project: ClapperProject) => [kitsuProject(project)]);
  k.get('/data/projects', async (r) => {
    const name = r.query('name');
    if (name === undefined) return (await allProjects(r)).map((p) => kitsuProject(p));
    const project = await orNull(r.call<ClapperProject>('projects.byName', { name }));
    return project ? byNameAnswer(project, project) : [];
  });

  // all_open_projects: every Clapper project is open.
  k.get('/data/projects/open', async (r) =>
    (await allProjects(r)).sort(byName).map((p) => kitsuProject(p, { withRelations: true })),
  );

  k.get('/data/projects/:id', async (r) =>
    kitsuProject(await projectById(r, r.id('id')), { withRelations: true }),
  );

  // get_team: the team's people, as zou's minimal person with their project role.
  k.get('/data/projects/:id/team', async (r) => {
    const project = await projectById(r, r.id('id'));
    return project.team.map((member) => ({
      ...kitsuPerson({
        id: member.id,
        kind: member.kind,
        name: member.name,
        email: null,
        role: member.role,
        active: true,
        departments: [],
        expiresAt: null,
        createdAt: project.createdAt,
      }),
      project_role: null,
    }));
  });

  // add_person_to_team: 201 with the project, without relations. One already on the team
  // changes nothing, as in zou.
  k.post('/data/projects/:id/team', async (r) => {
    const personId = r.body().person_id;
    const project = await r.call<ClapperProject>('projects.addMember', {
      projectId: r.id('id'),
      personId,
    });
    return kitsuProject(project);
  });

  // remove_person_from_team: 204.
  k.delete('/data/projects/:id/team/:personId', (r) =>
    r.call('projects.removeMember', { projectId: r.id('id'), personId: r.id('personId') }),
  );
}

/**
 * gazu.user: the signed-in person's own projects and to-do list. Like zou's `/data/user/*`,
 * for people only: a bot is refused (403), as on Clapper's routes limited to real users.
 */
import { TRPCError } from '@trpc/server';
import { type ClapperTask, kitsuTask, SHOT_TYPE } from '../entities';
import type { KitsuRequest, KitsuSurface } from '../surface';
import { type ClapperPerson, type ClapperProject, kitsuProject, kitsuTaskStatus } from '../views';
import { allProjects, byName } from './projects';

/** The caller, who must be a person, and the projects whose team it is on. */
async function myProjects(r: KitsuRequest) {
  const me = await r.call<ClapperPerson>('auth.me');
  if (me.kind === 'bot') {
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: `${r.req.url} is limited to real users: bots cannot call it`,
    });
  }
  const projects = (await allProjects(r)).filter((p) => p.team.some((m) => m.id === me.id));
  return { me, projects: projects.sort(byName) };
}

/** A row of `/data/user/tasks`: the task with what a to-do list shows of it. */
const userTask = (t: ClapperTask, project: ClapperProject) => ({
  ...kitsuTask(t),
  project_name: project.name,
  project_id: project.id,
  project_has_avatar: false,
  entity_id: t.entity.id,
  entity_name: t.entity.name,
  entity_description: null,
  entity_data: null,
  entity_preview_file_id: null,
  entity_source_id: null,
  entity_type_name: t.entity.kind === 'shot' ? SHOT_TYPE.name : 'Asset',
  entity_canceled: false,
  sequence_name: t.entity.sequence,
  episode_id: null,
  episode_name: null,
  task_type_for_entity: t.entity.kind === 'shot' ? 'Shot' : 'Asset',
  task_estimation: 0,
  task_duration: 0,
  task_start_date: null,
  task_due_date: t.dueDate ? `${t.dueDate}T00:00:00` : null,
  task_type_name: t.taskType.name,
  task_status_name: t.status.name,
  task_type_color: '#FFFFFF',
  task_status_color: kitsuTaskStatus(t.status).color,
  task_status_short_name: t.status.shortName,
  assignees: t.assignees.map((a) => a.id),
  last_comment: {},
});

export function userRoutes(k: KitsuSurface) {
  // all_open_projects: the caller's own teams, admins included.
  k.get('/data/user/projects/open', async (r) =>
    (await myProjects(r)).projects.map((project) => kitsuProject(project, { withRelations: true })),
  );

  // all_tasks_to_do: the caller's unfinished tasks in its teams' projects.
  k.get('/data/user/tasks', async (r) => {
    const { me, projects } = await myProjects(r);
    const rows = await Promise.all(
      projects.map(async (project) =>
        (await r.pages<ClapperTask>('tasks.list', { projectId: project.id, assigneeId: me.id }))
          .filter((t) => !t.status.isDone)
          .map((t) => userTask(t, project)),
      ),
    );
    return rows.flat();
  });
}

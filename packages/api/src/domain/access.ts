import { type Em, Entity, type IEntity, Task, type TaskRow } from '@clapper/db';
import type { Principal } from '../auth/principal';
import { DomainError, notFound } from '../errors';
import { type Action, can, listReach, type Standing } from '../permissions';
import type { CachedProject } from '../read-cache';
import type { ApiServices } from '../services';

const DOING: Record<Action, string> = {
  readProject: 'read this project',
  changeProject: 'change this project or its team',
  readEntities: 'read the assets and shots of this project',
  changeEntities: 'create, change or delete assets and shots in this project',
  readTask: 'read this task',
  changeTask: 'create, assign or update this task',
  setTaskStatus: 'change the status of this task',
  comment: 'comment on this task',
  configureStudio: 'change studio settings (projects, departments, task types, statuses)',
};

const refuse = (principal: Principal, action: Action) =>
  new DomainError('FORBIDDEN', `A ${principal.role} may not ${DOING[action]}`);

/**
 * The caller's standing towards projects and tasks, checked on every request
 * against the hot reads and the project cache. What the caller may not read is
 * NOT_FOUND, so its existence does not leak; what it may read but not change is
 * FORBIDDEN.
 */
export class Access {
  private teams?: Promise<ReadonlySet<string>>;

  constructor(
    private readonly services: Pick<ApiServices, 'reads' | 'cache'>,
    readonly principal: Principal,
  ) {}

  /** Ids of the projects whose team the caller is on (read once per request). */
  teamProjectIds(): Promise<ReadonlySet<string>> {
    this.teams ??= this.services.cache.projectsOf(this.principal.id);
    return this.teams;
  }

  async inTeam(projectId: string): Promise<boolean> {
    return (await this.teamProjectIds()).has(projectId);
  }

  allows(action: Action, standing: Standing): boolean {
    return can(action, this.principal.role, standing);
  }

  assert(action: Action, standing: Standing) {
    if (!this.allows(action, standing)) throw refuse(this.principal, action);
  }

  /** What a list of `action` covers in a project: all, the caller's assignments, or nothing. */
  async reach(action: Action, projectId: string) {
    return listReach(action, this.principal.role, await this.inTeam(projectId));
  }

  /** A project (with its team) the caller may read, checked for `action` too; else NOT_FOUND or FORBIDDEN. */
  async project(id: string, action?: Action): Promise<CachedProject> {
    return this.checkProject(await this.services.cache.project(id), action);
  }

  async projectByName(name: string, action?: Action): Promise<CachedProject> {
    return this.checkProject(await this.services.cache.projectByName(name), action);
  }

  /**
   * A task the caller may read, with its type, status and assignees, checked
   * for `action` too. `fresh` reads it from the database rather than the cache,
   * for a write that acts on what the task holds now.
   */
  async task(id: string, action?: Action, { fresh = false } = {}): Promise<TaskRow> {
    const task = fresh
      ? await this.services.reads.tasks.byId(id)
      : await this.services.cache.task(id);
    if (!task) throw notFound('Task');
    const standing = await this.taskStanding(task);
    if (!this.allows('readTask', standing)) throw notFound('Task');
    if (action) this.assert(action, standing);
    return task;
  }

  async taskStanding(task: TaskRow): Promise<Standing> {
    return {
      inTeam: await this.inTeam(task.projectId),
      inDepartment: this.principal.departmentIds.includes(task.taskType.departmentId),
      assigned: task.assignees.some((p) => p.id === this.principal.id),
    };
  }

  /** An asset or shot of `kind` the caller may read, checked for `action` too, loaded by `em`. */
  async entity(em: Em, id: string, kind: IEntity['kind'], action?: Action): Promise<IEntity> {
    const what = kind === 'asset' ? 'Asset' : 'Shot';
    const entity = await em.findOne(Entity, { id, kind });
    if (!entity) throw notFound(what);
    const assigned =
      (await em.count(Task, { entity: entity.id, assignees: this.principal.id })) > 0;
    const standing = {
      inTeam: await this.inTeam(entity.project.id),
      inDepartment: false,
      assigned,
    };
    if (!this.allows('readEntities', standing)) throw notFound(what);
    if (action) this.assert(action, standing);
    return entity;
  }

  private async checkProject(project: CachedProject | null, action?: Action) {
    if (!project) throw notFound('Project');
    const standing = {
      inTeam: await this.inTeam(project.row.id),
      inDepartment: false,
      assigned: false,
    };
    if (!this.allows('readProject', standing)) throw notFound('Project');
    if (action) this.assert(action, standing);
    return project;
  }
}

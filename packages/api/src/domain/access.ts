import {
  type Em,
  Entity,
  type IEntity,
  type IProject,
  type ITask,
  Project,
  Task,
} from '@clapper/db';
import type { Principal } from '../auth/principal';
import { DomainError, notFound } from '../errors';
import { type Action, can, listReach, type Standing } from '../permissions';

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
 * The caller's standing towards projects and tasks, loaded once per request.
 * What the caller may not read is NOT_FOUND, so its existence does not leak;
 * what it may read but not change is FORBIDDEN.
 */
export class Access {
  private teams?: Promise<Set<string>>;

  constructor(
    private readonly em: Em,
    readonly principal: Principal,
  ) {}

  /** Ids of the projects whose team the caller is on. */
  teamProjectIds(): Promise<Set<string>> {
    this.teams ??= this.em
      .find(Project, { team: this.principal.id }, { fields: ['id'] })
      .then((rows) => new Set(rows.map((p) => p.id)));
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

  /** A project the caller may read, checked for `action` too; else NOT_FOUND or FORBIDDEN. */
  async project(id: string, action?: Action): Promise<IProject> {
    const project = await this.em.findOne(Project, { id });
    if (!project) throw notFound('Project');
    const standing = { inTeam: await this.inTeam(id), inDepartment: false, assigned: false };
    if (!this.allows('readProject', standing)) throw notFound('Project');
    if (action) this.assert(action, standing);
    return project;
  }

  /** An asset or shot of `kind` the caller may read, checked for `action` too. */
  async entity(id: string, kind: IEntity['kind'], action?: Action): Promise<IEntity> {
    const what = kind === 'asset' ? 'Asset' : 'Shot';
    const entity = await this.em.findOne(Entity, { id, kind });
    if (!entity) throw notFound(what);
    const standing = await this.entityStanding(entity);
    if (!this.allows('readEntities', standing)) throw notFound(what);
    if (action) this.assert(action, standing);
    return entity;
  }

  /** A task the caller may read (with its type and assignees loaded), checked for `action` too. */
  async task(id: string, action?: Action): Promise<ITask> {
    const task = await this.em.findOne(Task, { id }, { populate: ['taskType', 'assignees'] });
    if (!task) throw notFound('Task');
    const standing = await this.taskStanding(task);
    if (!this.allows('readTask', standing)) throw notFound('Task');
    if (action) this.assert(action, standing);
    return task;
  }

  async taskStanding(task: ITask): Promise<Standing> {
    const departmentId = task.taskType.getEntity().department.id;
    return {
      inTeam: await this.inTeam(task.project.id),
      inDepartment: this.principal.departmentIds.includes(departmentId),
      assigned: task.assignees.getItems().some((p) => p.id === this.principal.id),
    };
  }

  private async entityStanding(entity: IEntity): Promise<Standing> {
    const assigned =
      (await this.em.count(Task, { entity: entity.id, assignees: this.principal.id })) > 0;
    return { inTeam: await this.inTeam(entity.project.id), inDepartment: false, assigned };
  }
}

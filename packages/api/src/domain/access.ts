import { type Em, type ISubject, Subject, Task, type TaskRow } from '@clapper/db';
import type { Principal } from '../auth/principal';
import type { CachedProject } from '../cache/read-cache';
import { DomainError, forbidden, notFound } from '../errors';
import {
  type Action,
  can,
  listReach,
  rolesAllowed,
  STUDIO_WIDE,
  type Standing,
  type StudioAction,
} from '../permissions';
import type { ApiServices } from '../services';

const DOING: Record<Action, string> = {
  readProject: 'read this project',
  changeProject: 'change this project or its team',
  readSubjects: 'read the assets and shots of this project',
  changeSubjects: 'create, change or delete assets and shots in this project',
  readTask: 'read this task',
  changeTask: 'create, assign or update this task',
  setTaskStatus: 'change the status of this task',
  comment: 'comment on this task',
  configureStudio: 'change studio settings (projects, departments, task types, statuses)',
  manageBots: 'manage bots',
  manageUsers: 'manage users',
  listPeople: 'list people',
  seeAllEvents: 'see every event',
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

  /** May the caller do a studio-wide `action` (its role alone decides)? */
  may(action: StudioAction): boolean {
    return this.allows(action, STUDIO_WIDE);
  }

  /** A studio-wide rule on the procedure at `path`: FORBIDDEN (`role_forbidden`) naming the roles it admits. */
  require(action: StudioAction, path: string) {
    if (this.may(action)) return;
    throw forbidden(
      `${path} needs the role ${rolesAllowed(action).join(' or ')}; you are ${this.principal.role}`,
      'role_forbidden',
    );
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
  async subject(em: Em, id: string, kind: ISubject['kind'], action?: Action): Promise<ISubject> {
    const what = kind === 'asset' ? 'Asset' : 'Shot';
    const subject = await em.findOne(Subject, { id, kind });
    if (!subject) throw notFound(what);
    const assigned =
      (await em.count(Task, { entity: subject.id, assignees: this.principal.id })) > 0;
    const standing = {
      inTeam: await this.inTeam(subject.project.id),
      inDepartment: false,
      assigned,
    };
    if (!this.allows('readSubjects', standing)) throw notFound(what);
    if (action) this.assert(action, standing);
    return subject;
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

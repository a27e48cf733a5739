import { type Em, Event, type EventSubscriber, type FlushEventArgs } from '@clapper/db';
import type { Touched } from '../cache/read-cache';

/** What an event row names. */
interface Named {
  type: string;
  projectId?: string | null;
  targetType?: string | null;
  targetId?: string | null;
  taskId?: string | null;
  data?: Record<string, unknown> | null;
}

const PERSON_TARGETS = new Set(['person', 'bot', 'user']);
/** Events about a person that change nothing a cache holds: no name, role, team or existence. */
const HARMLESS_PERSON_EVENTS = new Set([
  'auth.login',
  'auth.logout',
  'auth.password_changed',
  'bot.token_regenerated',
  'bot.created',
  'user.created',
]);
const STUDIO_TARGETS = new Set(['department', 'taskType', 'taskStatus']);
/** Events that change one task (or none) and the project's lists, never the project itself. */
const TASK_EVENTS = new Set([
  'task.created',
  'task.updated',
  'task.assigned',
  'task.status_changed',
]);

/**
 * Collects what a unit of work changed, from the event rows it wrote: every
 * mutation writes one, naming its project, its target and its task. Registered
 * on one entity manager (and so on the transactions forked from it), it sees
 * that request's writes only; the hot writes tell it theirs (`record`).
 *
 * An event touches its project as a whole (row, team, tasks, lists) unless it
 * is one of the frequent ones known to touch less: a comment touches the
 * project's lists (and its task only when it moves the status), a task event
 * the lists and that task.
 */
export class ChangeTracker implements EventSubscriber {
  private readonly sets = new TouchedSets();

  /** An entity manager of its own whose flushes this tracker hears. */
  static fork(em: Em): { em: Em; changes: ChangeTracker } {
    const changes = new ChangeTracker();
    const fork = em.fork({ cloneEventManager: true }) as Em;
    fork.getEventManager().registerSubscriber(changes);
    return { em: fork, changes };
  }

  afterFlush({ uow }: FlushEventArgs) {
    for (const change of uow.getChangeSets()) {
      if (change.name === Event.meta.className) this.record(change.entity as Named);
    }
  }

  /** One event row, written by a flush or by the hot writes. */
  record(event: Named) {
    const { type, projectId, targetType, targetId, taskId } = event;
    const touched = {
      projects: [] as string[],
      lists: [] as string[],
      tasks: [] as string[],
      people: [] as string[],
      studio: false,
    };
    if (projectId) {
      touched.lists.push(projectId);
      if (type === 'comment.added') {
        if (taskId && event.data?.statusId) touched.tasks.push(taskId);
      } else if (TASK_EVENTS.has(type)) {
        if (taskId) touched.tasks.push(taskId);
      } else {
        touched.projects.push(projectId);
      }
    }
    if (
      targetId &&
      targetType &&
      PERSON_TARGETS.has(targetType) &&
      !HARMLESS_PERSON_EVENTS.has(type)
    ) {
      touched.people.push(targetId);
    }
    touched.studio = !!targetType && STUDIO_TARGETS.has(targetType);
    this.sets.add(touched);
  }

  touched(): Touched {
    return this.sets.toTouched();
  }
}

/** Touched, merged over several changes. */
export class TouchedSets {
  private readonly projects = new Set<string>();
  private readonly lists = new Set<string>();
  private readonly tasks = new Set<string>();
  private readonly people = new Set<string>();
  private studio = false;
  empty = true;

  add(touched: Touched) {
    for (const id of touched.projects) this.projects.add(id);
    for (const id of touched.lists ?? []) this.lists.add(id);
    for (const id of touched.tasks ?? []) this.tasks.add(id);
    for (const id of touched.people) this.people.add(id);
    this.studio ||= !!touched.studio;
    this.empty = false;
  }

  toTouched(): Touched {
    return {
      projects: [...this.projects],
      lists: [...this.lists],
      tasks: [...this.tasks],
      people: [...this.people],
      studio: this.studio,
    };
  }
}

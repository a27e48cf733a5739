import { type Em, Event, type EventSubscriber, type FlushEventArgs } from '@clapper/db';
import type { Touched } from './read-cache';

const PERSON_TARGETS = new Set(['person', 'bot', 'user']);
const STUDIO_TARGETS = new Set(['department', 'taskType', 'taskStatus']);

/**
 * Collects what a unit of work changed, from the event rows it flushed: every
 * mutation writes one, naming its project and its target. Registered on one
 * entity manager (and so on the transactions forked from it), it sees that
 * request's writes only.
 */
export class ChangeTracker implements EventSubscriber {
  private readonly projects = new Set<string>();
  private readonly people = new Set<string>();
  private studio = false;

  /** An entity manager of its own whose flushes this tracker hears. */
  static fork(em: Em): { em: Em; changes: ChangeTracker } {
    const changes = new ChangeTracker();
    const fork = em.fork({ cloneEventManager: true }) as Em;
    fork.getEventManager().registerSubscriber(changes);
    return { em: fork, changes };
  }

  afterFlush({ uow }: FlushEventArgs) {
    for (const change of uow.getChangeSets()) {
      if (change.name !== Event.meta.className) continue;
      const event = change.entity as {
        projectId?: string | null;
        targetType?: string | null;
        targetId?: string | null;
      };
      if (event.projectId) this.projects.add(event.projectId);
      if (event.targetId && event.targetType && PERSON_TARGETS.has(event.targetType)) {
        this.people.add(event.targetId);
      }
      if (event.targetType && STUDIO_TARGETS.has(event.targetType)) this.studio = true;
    }
  }

  touched(): Touched {
    return { projects: [...this.projects], people: [...this.people], studio: this.studio };
  }
}

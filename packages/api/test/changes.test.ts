import { describe, expect, it } from 'vitest';
import { ChangeTracker } from '../src/events/changes';

const event = (type: string, extra: Record<string, unknown> = {}) => ({ type, ...extra });

describe('what a change touched, from its event rows', () => {
  it('leaves the caches alone for sign-ins and token rotations', () => {
    const changes = new ChangeTracker();
    for (const type of ['auth.login', 'auth.logout', 'auth.password_changed']) {
      changes.record(event(type, { targetType: 'person', targetId: 'p1' }));
    }
    changes.record(event('bot.token_regenerated', { targetType: 'bot', targetId: 'b1' }));
    expect(changes.touched()).toEqual({
      projects: [],
      lists: [],
      tasks: [],
      people: [],
      studio: false,
    });
  });

  it('names the people, projects, lists, tasks and settings a change can show in', () => {
    const changes = new ChangeTracker();
    changes.record(event('bot.updated', { targetType: 'bot', targetId: 'b1' }));
    changes.record(
      event('project.member_removed', { projectId: 'P', targetType: 'person', targetId: 'u1' }),
    );
    changes.record(
      event('comment.added', { projectId: 'Q', taskId: 't1', data: { statusId: null } }),
    );
    changes.record(
      event('comment.added', { projectId: 'Q', taskId: 't2', data: { statusId: 's' } }),
    );
    changes.record(event('task.assigned', { projectId: 'Q', taskId: 't3' }));
    changes.record(event('taskStatus.updated', { targetType: 'taskStatus', targetId: 's' }));
    expect(changes.touched()).toEqual({
      projects: ['P'],
      lists: ['P', 'Q'],
      tasks: ['t2', 't3'],
      people: ['b1', 'u1'],
      studio: true,
    });
  });
});

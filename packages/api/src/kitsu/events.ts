/**
 * Clapper's events as Kitsu's listener hears them (zou's event names and payloads,
 * docs/gazu-requests.md §5): what gazu's `events.add_listener(client, "comment:new", …)` gets.
 * An event Kitsu has no name for is not sent.
 */
import type { eventView } from '../events/visibility';

type EventView = ReturnType<typeof eventView>;

export interface KitsuEvent {
  name: string;
  payload: Record<string, unknown>;
}

type Data = Record<string, unknown>;
type Mapper = (e: EventView, data: Data) => KitsuEvent[];

const one =
  (name: string, payload: (e: EventView, data: Data) => Data): Mapper =>
  (e, data) => [{ name, payload: { ...payload(e, data), project_id: e.projectId } }];

const statusChanged = (e: EventView, taskId: string | null, from: unknown, to: unknown) => ({
  name: 'task:status-changed',
  payload: {
    task_id: taskId,
    new_task_status_id: to,
    previous_task_status_id: from,
    person_id: e.actorId,
    project_id: e.projectId,
  },
});

const MAPPERS: Record<string, Mapper> = {
  'task.created': one('task:new', (e) => ({ task_id: e.targetId })),
  'task.updated': one('task:update', (e) => ({ task_id: e.targetId })),
  'task.assigned': (e, data) =>
    ((data.personIds as string[] | undefined) ?? []).map((personId) => ({
      name: 'task:assign',
      payload: { task_id: e.targetId, person_id: personId, project_id: e.projectId },
    })),
  'task.status_changed': (e, data) => [statusChanged(e, e.targetId, data.from, data.to)],
  // A comment that moves its task is heard as zou sends it: the comment, then the change.
  'comment.added': (e, data) => [
    {
      name: 'comment:new',
      payload: {
        comment_id: e.targetId,
        task_id: e.taskId,
        task_status_id: data.statusId ?? null,
        project_id: e.projectId,
      },
    },
    ...(data.from ? [statusChanged(e, e.taskId, data.from, data.statusId)] : []),
  ],
  'sequence.created': one('sequence:new', (e) => ({ sequence_id: e.targetId })),
  'shot.created': one('shot:new', (e) => ({ shot_id: e.targetId, episode_id: null })),
  'shot.updated': one('shot:update', (e) => ({ shot_id: e.targetId })),
  'shot.deleted': one('shot:delete', (e) => ({ shot_id: e.targetId })),
  'asset.created': one('asset:new', (e, data) => ({
    asset_id: e.targetId,
    asset_type: data.assetTypeId ?? null,
  })),
  'asset.updated': one('asset:update', (e) => ({ asset_id: e.targetId })),
  'asset.deleted': one('asset:delete', (e) => ({ asset_id: e.targetId })),
  'project.created': one('project:new', (e) => ({ project_id: e.targetId })),
  'project.updated': one('project:update', () => ({})),
  'project.member_added': one('project:update', () => ({})),
  'project.member_removed': one('project:update', () => ({})),
  'user.created': (e) => [{ name: 'person:new', payload: { person_id: e.targetId } }],
  'user.updated': (e) => [{ name: 'person:update', payload: { person_id: e.targetId } }],
  'bot.created': (e) => [{ name: 'person:new', payload: { person_id: e.targetId } }],
  'bot.updated': (e) => [{ name: 'person:update', payload: { person_id: e.targetId } }],
  'bot.deleted': (e) => [{ name: 'person:delete', payload: { person_id: e.targetId } }],
};

/** The Kitsu events a Clapper event is heard as (none for one Kitsu has no name for). */
export function kitsuEventsOf(e: EventView): KitsuEvent[] {
  const mapper = MAPPERS[e.type];
  return mapper ? mapper(e, (e.data ?? {}) as Data) : [];
}

/** The Kitsu event names Clapper sends, for the README's table. */
export const KITSU_EVENT_TYPES = Object.keys(MAPPERS);

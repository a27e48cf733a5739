import type { RouterOutputs } from '@clapper/api';

export type ActivityEvent = RouterOutputs['bots']['activity']['items'][number];

/** What happened, as a verb phrase: "commented on", "changed role, expiry". */
const PHRASES: Record<string, string> = {
  'bot.created': 'created',
  'bot.deleted': 'deleted',
  'bot.token_regenerated': 'regenerated the token of',
  'user.created': 'created',
  'project.created': 'created project',
  'project.updated': 'changed project',
  'project.member_added': 'added to the team of',
  'project.member_removed': 'removed from the team of',
  'task.created': 'created task',
  'task.updated': 'changed task',
  'task.assigned': 'assigned task',
  'task.status_changed': 'changed the status of',
  'comment.added': 'commented on',
  'shot.created': 'created shot',
  'shot.updated': 'changed shot',
  'shot.deleted': 'deleted shot',
  'asset.created': 'created asset',
  'asset.updated': 'changed asset',
  'asset.deleted': 'deleted asset',
  'auth.login': 'signed in',
  'auth.logout': 'signed out',
};

const FIELDS: Record<string, string> = {
  name: 'name',
  role: 'role',
  active: 'active',
  expiresAt: 'expiry',
  departmentIds: 'departments',
  email: 'email',
};

/** "changed role, expiry of", or the event's type when it has no phrase. */
export function describeEvent(event: ActivityEvent): string {
  if (event.type.endsWith('.updated') && event.data && typeof event.data.changes === 'object') {
    const fields = Object.keys(event.data.changes ?? {}).map((f) => FIELDS[f] ?? f);
    if (fields.length) return `changed ${fields.join(', ')} of`;
  }
  return PHRASES[event.type] ?? event.type;
}

/** The target, named: a team event names the project; a person acted on is the bot itself. */
export function targetOf(event: ActivityEvent): string {
  if (event.type.startsWith('project.member_')) return event.project?.name ?? 'a project';
  if (!event.target) return '';
  return event.target.label ?? `${event.target.type} (deleted)`;
}

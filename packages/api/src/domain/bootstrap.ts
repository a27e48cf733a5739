import { randomBytes } from 'node:crypto';
import { newId, Person, Setting, TaskStatus } from '@clapper/db';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { hashPassword } from '../auth/passwords';
import { recordEvent } from '../events/write';
import type { Deps } from './deps';

const SECRET_KEY = 'signing_secret';
export const MIN_SECRET_LENGTH = 32;
export const DEFAULT_ADMIN_EMAIL = 'admin@example.com';

/**
 * The token signing key: `CLAPPER_SECRET` when given, else the one stored in
 * the database, generated on first start. Replicas racing on the first start
 * all end up with the row that won.
 */
export async function loadSigningSecret(
  { em }: Pick<Deps, 'em'>,
  { fromEnv }: { fromEnv?: string },
): Promise<string> {
  if (fromEnv) return fromEnv;
  const existing = await em.findOne(Setting, { key: SECRET_KEY });
  if (existing) return existing.value;
  try {
    const value = randomBytes(48).toString('base64url');
    await em.fork().insert(Setting, { key: SECRET_KEY, value, updatedAt: new Date() });
    return value;
  } catch (error) {
    if (!(error instanceof UniqueConstraintViolationException)) throw error;
    return (await em.fork().findOneOrFail(Setting, { key: SECRET_KEY })).value;
  }
}

export interface FirstAdmin {
  email: string;
  /** Set only when generated: the caller prints it once. */
  generatedPassword?: string;
}

/** On a database with no human users, creates the first admin. Returns null when there were users. */
export async function ensureFirstAdmin(
  { em }: Pick<Deps, 'em'>,
  given: { email?: string; password?: string },
): Promise<FirstAdmin | null> {
  if ((await em.count(Person, { kind: 'user' })) > 0) return null;
  const email = (given.email ?? DEFAULT_ADMIN_EMAIL).trim().toLowerCase();
  const generatedPassword = given.password ? undefined : randomBytes(12).toString('base64url');
  const password = given.password ?? generatedPassword!;
  const admin = em.create(Person, {
    id: newId(),
    kind: 'user',
    name: 'Administrator',
    email,
    passwordHash: await hashPassword(password),
    role: 'admin',
    active: true,
  });
  recordEvent(em, null, {
    type: 'user.created',
    targetType: 'person',
    targetId: admin.id,
    data: { email, role: 'admin', reason: 'first start' },
  });
  await em.flush();
  return { email, generatedPassword };
}

/** The statuses every studio starts with, as in Kitsu. */
export const DEFAULT_TASK_STATUSES = [
  { name: 'Todo', shortName: 'todo', isDone: false, color: '#9e9e9e' },
  { name: 'Work in progress', shortName: 'wip', isDone: false, color: '#3a7bd5' },
  { name: 'Waiting for approval', shortName: 'wfa', isDone: false, color: '#ab47bc' },
  { name: 'Retake', shortName: 'retake', isDone: false, color: '#e53935' },
  { name: 'Done', shortName: 'done', isDone: true, color: '#43a047' },
] as const;

/** On a database with no task statuses, creates the default set. */
export async function ensureDefaultTaskStatuses({ em }: Pick<Deps, 'em'>): Promise<boolean> {
  if ((await em.count(TaskStatus, {})) > 0) return false;
  for (const status of DEFAULT_TASK_STATUSES) em.create(TaskStatus, { ...status });
  await em.flush();
  return true;
}

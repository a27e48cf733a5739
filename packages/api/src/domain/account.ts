/** A user's own account: sign in and out, who am I, and a new password. Bots never reach these. */
import { inTransaction, newId, Person, Session } from '@clapper/db';
import { z } from 'zod';
import { hashPassword, verifyDecoyPassword, verifyPassword } from '../auth/passwords';
import { badRequest, DomainError, unauthorized } from '../errors';
import { recordEvent } from '../events/write';
import { personView, personViewOf } from '../views/person';
import type { CallerDeps, Deps, DomainDeps } from './deps';
import { secret, ZEmail, ZPassword } from './schemas';

export const ZLoginInput = z.object({ email: ZEmail, password: secret(1) });
export type LoginInput = z.infer<typeof ZLoginInput>;

export const ZChangePasswordInput = z.object({ current: secret(1), next: ZPassword });
export type ChangePasswordInput = z.infer<typeof ZChangePasswordInput>;

// One message for an unknown email and a wrong password: no account enumeration.
const BAD_CREDENTIALS = 'Invalid email or password';

/** A signed-in user's own session. */
type Signed = CallerDeps & Pick<Deps, 'transport'>;

export async function login(
  { em, services, transport }: DomainDeps & Pick<Deps, 'transport'>,
  input: LoginInput,
) {
  const wait = services.logins.admit(transport.ip, input.email);
  if (wait > 0) {
    throw new DomainError(
      'TOO_MANY_REQUESTS',
      `Too many sign-in attempts: retry in ${wait} seconds`,
    );
  }
  const user = await em.findOne(
    Person,
    { email: input.email, kind: 'user' },
    { populate: ['passwordHash'] },
  );
  const passwordOk = user?.passwordHash
    ? await verifyPassword(input.password, user.passwordHash)
    : await verifyDecoyPassword(input.password);
  if (!user || !passwordOk) {
    services.logins.failed(input.email);
    throw unauthorized(BAD_CREDENTIALS, 'invalid_credentials');
  }
  services.logins.succeeded(input.email);
  if (!user.active) throw unauthorized('User is inactive', 'user_inactive');

  const expiresAt = new Date(services.now().getTime() + services.config.sessionTtlMs);
  const session = em.create(Session, { id: newId(), person: user, expiresAt });
  recordEvent(em, user, { type: 'auth.login', targetType: 'person', targetId: user.id });
  await em.flush();

  const token = await services.tokens.issue({
    personId: user.id,
    tokenId: session.id,
    kind: 'user',
    expiresAt,
  });
  transport.setSessionCookie(token, expiresAt);
  return { token, expiresAt, person: await personViewOf(em, user, services.now()) };
}

export async function logout({ em, principal, services, transport }: Signed) {
  await inTransaction(em, async (tx) => {
    await tx.nativeUpdate(
      Session,
      { id: principal.tokenId, revokedAt: null },
      { revokedAt: services.now() },
    );
    recordEvent(tx, principal, {
      type: 'auth.logout',
      targetType: 'person',
      targetId: principal.id,
    });
  });
  services.credentials.forgetSession(principal.tokenId);
  transport.clearSessionCookie();
  return { ok: true as const };
}

/** The caller as the admin shows it; served by the hot reads. */
export async function me({ services, principal }: Pick<CallerDeps, 'services' | 'principal'>) {
  const person = await services.reads.people.byId(principal.id);
  if (!person) {
    const bot = principal.kind === 'bot';
    throw unauthorized(
      `${bot ? 'Bot' : 'User'} no longer exists`,
      bot ? 'bot_deleted' : 'user_deleted',
    );
  }
  return personView(person, services.now());
}

export async function changePassword(
  { em, principal, services }: Pick<CallerDeps, 'em' | 'principal' | 'services'>,
  input: ChangePasswordInput,
) {
  const user = await em.findOneOrFail(Person, { id: principal.id }, { populate: ['passwordHash'] });
  if (!user.passwordHash || !(await verifyPassword(input.current, user.passwordHash))) {
    throw badRequest('current', 'is not your current password');
  }
  if (input.next === input.current) {
    throw badRequest('next', 'must differ from the current password');
  }
  const passwordHash = await hashPassword(input.next);
  await inTransaction(em, async (tx) => {
    user.passwordHash = passwordHash;
    // Like GitLab: a new password signs out every other session of this user.
    await tx.nativeUpdate(
      Session,
      { person: user.id, id: { $ne: principal.tokenId }, revokedAt: null },
      { revokedAt: services.now() },
    );
    recordEvent(tx, principal, {
      type: 'auth.password_changed',
      targetType: 'person',
      targetId: user.id,
    });
  });
  services.credentials.forgetPerson(user.id);
  return { ok: true as const };
}

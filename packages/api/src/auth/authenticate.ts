import { type HotReads, type Orm, Person } from '@clapper/db';
import { endOfDayUtc } from '../domain/time';
import { DomainError, unauthorized } from '../errors';
import type { CredentialCache, PersonSnapshot, SessionSnapshot } from './credential-cache';
import type { Principal } from './principal';
import { RECORDED_REFUSALS, type RefusalLog } from './refusal-log';
import type { TokenClaims, TokenService } from './tokens';

const LAST_USED_WRITE_INTERVAL_MS = 60_000;

export interface AuthenticateDeps {
  orm: Orm;
  reads: HotReads;
  tokens: TokenService;
  refusals?: RefusalLog;
  credentials: CredentialCache;
  now: () => Date;
}

/**
 * Turns a bearer credential into a principal, or throws UNAUTHORIZED saying
 * why. Beyond the signature, the person is checked on every request (from the
 * credential cache when fresh), so a revoke, deactivation or expiry takes
 * effect without a new token.
 */
export async function authenticate(
  deps: AuthenticateDeps,
  credential: string | null,
): Promise<Principal> {
  if (!credential) {
    throw unauthorized(
      'Not signed in: send "Authorization: Bearer <token>" or sign in',
      'no_credential',
    );
  }
  const claims = await deps.tokens.verify(credential);
  const found = await loadPerson(deps, claims.sub);
  const at = deps.now();
  const person =
    claims.typ === 'bot'
      ? recordingRefusals(deps, found, () => botThatMayAct(found, claims, at), at)
      : userWithLiveSession(found, await loadSession(deps, claims.jti), at);

  await touchLastUsed(deps.orm, person, at);
  return {
    id: person.id,
    kind: person.kind,
    name: person.name,
    role: person.role,
    departmentIds: person.departmentIds,
    tokenId: claims.jti,
  };
}

function botThatMayAct(
  person: PersonSnapshot | null,
  claims: TokenClaims,
  at: Date,
): PersonSnapshot {
  if (person?.kind !== 'bot') throw unauthorized('Bot no longer exists', 'bot_deleted');
  if (!isCurrentBotToken(person, claims.jti, at)) {
    throw unauthorized('Token revoked', 'token_revoked');
  }
  if (!person.active) throw unauthorized('Bot is inactive', 'bot_inactive');
  if (person.expiresAt && endOfDayUtc(person.expiresAt) <= at) {
    throw unauthorized('Token expired', 'bot_expired');
  }
  return person;
}

/** A bot's own token refused (revoked, inactive, expired) is counted for its admins to see. */
function recordingRefusals<T>(
  { refusals }: AuthenticateDeps,
  bot: PersonSnapshot | null,
  check: () => T,
  at: Date,
): T {
  try {
    return check();
  } catch (error) {
    if (bot?.kind === 'bot' && error instanceof DomainError && error.reason) {
      if (RECORDED_REFUSALS.has(error.reason)) refusals?.record(bot.id, error.reason, at);
    }
    throw error;
  }
}

function isCurrentBotToken(bot: PersonSnapshot, tokenId: string, at: Date): boolean {
  if (bot.tokenId === tokenId) return true;
  return (
    bot.previousTokenId === tokenId &&
    !!bot.previousTokenValidUntil &&
    bot.previousTokenValidUntil > at
  );
}

function userWithLiveSession(
  person: PersonSnapshot | null,
  session: SessionSnapshot | null,
  at: Date,
): PersonSnapshot {
  if (person?.kind !== 'user') throw unauthorized('User no longer exists', 'user_deleted');
  if (!session || session.personId !== person.id || session.revokedAt) {
    throw unauthorized('Session ended: sign in again', 'session_ended');
  }
  if (session.expiresAt <= at) {
    throw unauthorized('Session expired: sign in again', 'session_expired');
  }
  if (!person.active) throw unauthorized('User is inactive', 'user_inactive');
  return person;
}

function loadPerson({ reads, credentials }: AuthenticateDeps, id: string) {
  return credentials.personThrough(id, async (): Promise<PersonSnapshot | null> => {
    const person = await reads.people.byId(id);
    return (
      person && {
        id: person.id,
        kind: person.kind,
        name: person.name,
        role: person.role,
        active: person.active,
        expiresAt: person.expiresAt,
        tokenId: person.tokenId,
        previousTokenId: person.previousTokenId,
        previousTokenValidUntil: person.previousTokenValidUntil,
        departmentIds: person.departments.map((d) => d.id),
        lastUsedAt: person.lastUsedAt,
      }
    );
  });
}

function loadSession({ reads, credentials }: AuthenticateDeps, id: string) {
  return credentials.sessionThrough(id, () => reads.people.session(id));
}

/** At most one write a minute per person, in an entity manager of its own so it never rides on a request's flush. */
async function touchLastUsed(orm: Orm, person: PersonSnapshot, at: Date) {
  const last = person.lastUsedAt?.getTime() ?? 0;
  if (at.getTime() - last < LAST_USED_WRITE_INTERVAL_MS) return;
  person.lastUsedAt = at;
  await orm.em.fork().nativeUpdate(Person, { id: person.id }, { lastUsedAt: at });
}

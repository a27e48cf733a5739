import { type HotReads, type Orm, Person, type PersonRow } from '@clapper/db';
import type { TickReads } from '../cache/tick-reads';
import { endOfDayUtc } from '../domain/time';
import { type RefusalReason, unauthorized } from '../errors';
import type { CredentialCache, PersonSnapshot, SessionSnapshot } from './credential-cache';
import type { Principal } from './principal';
import type { RefusalLog } from './refusal-log';
import type { TokenClaims, TokenService } from './tokens';

const LAST_USED_WRITE_INTERVAL_MS = 60_000;

export interface AuthenticateDeps {
  orm: Orm;
  reads: HotReads;
  tickReads: TickReads;
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
      ? botThatMayAct(deps, found, claims, at)
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
  { refusals }: AuthenticateDeps,
  person: PersonSnapshot | null,
  claims: TokenClaims,
  at: Date,
): PersonSnapshot {
  if (person?.kind !== 'bot') throw unauthorized('Bot no longer exists', 'bot_deleted');
  const refused = refusalOf(person, claims.jti, at);
  if (refused) {
    // The bot's own, well-signed token turned away: counted for its admins to see.
    refusals?.record(person.id, refused[1], at);
    throw unauthorized(...refused);
  }
  return person;
}

/** Why an existing bot's well-signed token may not act now, or null when it may. */
function refusalOf(
  bot: PersonSnapshot,
  tokenId: string,
  at: Date,
): [message: string, reason: RefusalReason] | null {
  if (!isCurrentBotToken(bot, tokenId, at)) return ['Token revoked', 'token_revoked'];
  if (!bot.active) return ['Bot is inactive', 'bot_inactive'];
  if (bot.expiresAt && endOfDayUtc(bot.expiresAt) <= at) return ['Token expired', 'bot_expired'];
  return null;
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

function loadPerson({ tickReads, credentials }: AuthenticateDeps, id: string) {
  return credentials.personThrough(id, async () => snapshotOf(await tickReads.person.load(id)));
}

function snapshotOf(person: PersonRow | null): PersonSnapshot | null {
  return person
    ? {
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
    : null;
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

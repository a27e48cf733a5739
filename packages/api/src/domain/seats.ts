import { dialectOf, type Em, Person } from '@clapper/db';
import { DomainError } from '../errors';
import type { ApiServices } from '../services';
import type { DomainDeps } from './deps';

// Any fixed key: it names "the seat count" for PostgreSQL's advisory lock.
const SEAT_LOCK_KEY = 727_001;

export async function seatUsage({ em, services }: DomainDeps) {
  const [active, bots] = await Promise.all([
    em.count(Person, { kind: 'user', active: true }),
    em.count(Person, { kind: 'bot' }),
  ]);
  return { active, limit: services.config.seatLimit, bots };
}

/**
 * Call inside the transaction that adds an active user (`taker`, when it exists). Holds the seat lock
 * until commit, so two admins cannot both take the last seat. (SQLite's single
 * writer connection already serialises these transactions.)
 */
export async function assertSeatAvailable(tx: Em, services: ApiServices, taker?: string) {
  const limit = services.config.seatLimit;
  if (limit === null) return;
  if (dialectOf(tx) === 'postgres')
    await tx.execute(`select pg_advisory_xact_lock(${SEAT_LOCK_KEY})`);
  // The taker is left out: an auto-flush may already have written it as active.
  const active = await tx.count(Person, {
    kind: 'user',
    active: true,
    ...(taker ? { id: { $ne: taker } } : {}),
  });
  if (active >= limit) {
    throw new DomainError(
      'FORBIDDEN',
      `Seat limit reached: ${active} of ${limit} seats in use (CLAPPER_SEAT_LIMIT). Deactivate a user or raise the limit; bots never take a seat.`,
      'active',
    );
  }
}

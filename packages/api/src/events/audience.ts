import type { EventRow } from '@clapper/db';
import { type AuthenticateDeps, authenticate } from '../auth/authenticate';
import type { Principal } from '../auth/principal';
import { TtlCache } from '../cache/ttl-cache';
import { Access } from '../domain/access';
import type { ApiServices } from '../services';
import { isVisibleFilter } from './visibility';

/** Events that change who may see what: teams, roles, people, assignments. */
const CHANGES_AUDIENCE = new Set([
  'project.created',
  'project.member_added',
  'project.member_removed',
  'task.created',
  'task.assigned',
  'bot.updated',
  'bot.deleted',
  'user.updated',
  'user.deleted',
]);

/** A snapshot is also dropped after this long, for changes no event names (a CLI's direct edit). */
const SNAPSHOT_TTL_MS = 5_000;
/** Principals whose snapshot is kept: more than subscribe at once to a server. */
const MAX_SNAPSHOTS = 20_000;

type Visible = (event: EventRow) => boolean;
export interface Decision {
  principal: Principal;
  visible: Visible;
}

/**
 * Who of the live subscribers may see a batch of events, decided once per batch and credential,
 * not once per subscriber: the credential is checked again (from the credential cache, so a
 * revoked, deactivated or deleted subscriber stops at the next batch), and what its principal
 * may see comes from an in-memory snapshot of its teams, role and (for vendors) assignments.
 * A batch holding an event that changes any of those drops every snapshot before it is
 * decided, so the events are judged by the state they leave.
 */
export class EventAudience {
  private readonly decisions = new WeakMap<readonly EventRow[], Map<string, Promise<Decision>>>();
  /**
   * Read again before they lapse: a thousand subscribers' snapshots, made together, would
   * otherwise lapse in one batch and hold it up for the reads.
   */
  private readonly snapshots = new TtlCache<Visible>({
    ttlMs: SNAPSHOT_TTL_MS,
    max: MAX_SNAPSHOTS,
    refreshAhead: true,
  });

  constructor(private readonly services: AuthenticateDeps & Pick<ApiServices, 'cache'>) {}

  decide(batch: readonly EventRow[], credential: string | null): Promise<Decision> {
    let byCredential = this.decisions.get(batch);
    if (!byCredential) {
      byCredential = new Map();
      this.decisions.set(batch, byCredential);
      if (batch.some((event) => CHANGES_AUDIENCE.has(event.type))) this.snapshots.clear();
    }
    const key = credential ?? '';
    let decision = byCredential.get(key);
    if (!decision) {
      decision = this.decideFor(credential);
      byCredential.set(key, decision);
    }
    return decision;
  }

  private async decideFor(credential: string | null): Promise<Decision> {
    const principal = await authenticate(this.services, credential);
    return { principal, visible: await this.snapshotOf(principal) };
  }

  /** The principal's snapshot; a failed read is not kept: the next batch tries again. */
  private async snapshotOf(principal: Principal): Promise<Visible> {
    const { services } = this;
    const visible = await this.snapshots.through(`${principal.id} ${principal.role}`, () =>
      isVisibleFilter(new Access(services, principal), services.tickReads),
    );
    return visible!;
  }
}

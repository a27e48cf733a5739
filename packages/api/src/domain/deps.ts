import type { Em } from '@clapper/db';
import type { Principal } from '../auth/principal';
import type { RequestTransport } from '../context';
import type { ChangeTracker } from '../events/changes';
import type { ApiServices } from '../services';
import type { Access } from './access';
import type { PendingKey } from './idempotency';

/**
 * What every domain operation takes first; its input comes second: `operation(deps, input)`.
 * A procedure passes its context (which holds all of these), the CLI and the tests build the
 * part an operation names. Each operation asks only for what it uses (`Pick<Deps, …>` or one
 * of the shapes below), so a hot read that takes no entity manager is seen to take none.
 */
export interface Deps {
  services: ApiServices;
  /** This call's entity manager (operations that use the ORM; a mutation's is forked for it). */
  em: Em;
  /** Who calls; `null` is the system (first start, the CLI), which acts for an admin. */
  principal: Principal | null;
  /** What the caller may do where. */
  access: Access;
  /** The request: its credential, dry run and idempotency key. */
  transport: RequestTransport;
  /** What this mutation touched, from the events it wrote (for the read cache). */
  changes: ChangeTracker;
  /** The request's idempotency key, written in the mutation's own transaction. */
  idempotency?: PendingKey;
  /** Ends a subscription. */
  signal?: AbortSignal;
}

/** An ORM operation with no caller to check (the system's, or one that checks nothing). */
export type DomainDeps = Pick<Deps, 'em' | 'services'>;

/** An ORM operation done by someone: a signed-in person, or the system (`principal: null`). */
export type ActorDeps = DomainDeps & Pick<Deps, 'principal'>;

/** A signed-in caller's ORM operation: who calls, and what it may do where. */
export type CallerDeps = DomainDeps & { principal: Principal; access: Access };

/** A hot read (`readProcedure`): no entity manager on this path. */
export type ReadDeps = Pick<Deps, 'services' | 'access'>;

/** A mutation written as prepared statements (`writeProcedure`, `writeWithEvent`). */
export type WriteDeps = ReadDeps &
  Pick<Deps, 'transport' | 'changes' | 'idempotency'> & { principal: Principal };

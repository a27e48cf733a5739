import { authenticate } from './auth/authenticate';
import type { Principal } from './auth/principal';
import type { ApiServices } from './services';

/** What the HTTP adapter gives a request: its credential and a way to set the session cookie. */
export interface RequestTransport {
  credential: string | null;
  /** The client's address, for sign-in throttling. */
  ip: string;
  /** `x-clapper-dry-run: 1`: mutations run in a transaction that is rolled back. */
  dryRun?: boolean;
  /** `x-clapper-idempotency-key`, as sent (idempotency.ts checks it). */
  idempotencyKey?: string;
  /** How many calls the request carries (a batch has several): a key names one call. */
  calls?: number;
  setSessionCookie(token: string, expiresAt: Date): void;
  clearSessionCookie(): void;
}

export const noTransport: RequestTransport = {
  credential: null,
  ip: 'local',
  setSessionCookie() {},
  clearSessionCookie() {},
};

/**
 * Pure context factory: tests call it directly with `createCaller`, the server
 * through its adapter. It holds no entity manager: procedures that use the ORM
 * get one of their own, and the hot reads need none.
 */
export function createContextInner(
  services: ApiServices,
  transport: RequestTransport = noTransport,
) {
  let principal: Promise<Principal> | undefined;
  return {
    services,
    transport,
    /** Verifies the request's credential once, however many procedures a batch calls. */
    authenticate: () => {
      principal ??= authenticate(services, transport.credential);
      return principal;
    },
  };
}

export type Context = ReturnType<typeof createContextInner>;

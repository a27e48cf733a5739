import type { Orm } from '@clapper/db';
import { CredentialCache } from './auth/credential-cache';
import { LoginThrottle } from './auth/login-throttle';
import { createTokenService, type TokenService } from './auth/tokens';
import { Cluster } from './cluster';
import { type ApiConfig, defaultApiConfig } from './config';
import { EventHub } from './event-hub';

/** Long-lived, per-server parts shared by every request. */
export interface ApiServices {
  orm: Orm;
  tokens: TokenService;
  credentials: CredentialCache;
  config: ApiConfig;
  /** The event log's reader for live subscriptions. */
  events: EventHub;
  logins: LoginThrottle;
  /** Keeps replicas on one PostgreSQL database in step; start it before serving. */
  cluster: Cluster;
  now: () => Date;
}

export function createApiServices({
  orm,
  secret,
  config = {},
  now = () => new Date(),
}: {
  orm: Orm;
  secret: string;
  config?: Partial<ApiConfig>;
  now?: () => Date;
}): ApiServices {
  const full = { ...defaultApiConfig, ...config };
  const credentials = new CredentialCache(full.credentialCacheTtlMs, () => now().getTime());
  const events = new EventHub(orm, full.eventPollMs);
  return {
    orm,
    tokens: createTokenService({ secret }),
    credentials,
    config: full,
    events,
    logins: new LoginThrottle(full.loginAttemptsPerMinute, 10, () => now().getTime()),
    cluster: new Cluster(orm, credentials, events),
    now,
  };
}

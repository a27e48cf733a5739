export { authenticate } from './auth/authenticate';
export { CredentialCache } from './auth/credential-cache';
export { cheapPasswordHashesForTests, hashPassword, verifyPassword } from './auth/passwords';
export type { Principal } from './auth/principal';
export {
  createTokenService,
  TOKEN_ALGORITHMS,
  type TokenAlgorithm,
  type TokenClaims,
  type TokenService,
} from './auth/tokens';
export { type ApiConfig, defaultApiConfig } from './config';
export { type Context, createContextInner, noTransport, type RequestTransport } from './context';
export * from './domain/bootstrap';
// The domain operations behind the routers, for tools that act without HTTP (the CLI).
export * as bots from './domain/bots';
export { ZCreateBotInput, ZRegenerateTokenInput } from './domain/bots';
export { DEMO_PROJECT, seedDemo } from './domain/demo';
export type { ActorDeps, Deps } from './domain/deps';
export { IDEMPOTENCY_KEPT_MS } from './domain/idempotency';
export * as people from './domain/people';
export * as projects from './domain/projects';
export { ZProjectMemberInput } from './domain/projects';
export * as studio from './domain/studio';
export { endOfDayUtc } from './domain/time';
export * as triggers from './domain/triggers';
export * as users from './domain/users';
export { ZCreateUserInput } from './domain/users';
export {
  DomainError,
  type ErrorReason,
  OUTAGE_REASONS,
  type OutageReason,
  REFUSAL_REASONS,
  RETRY_AFTER_SECONDS,
  type RefusalReason,
} from './errors';
export { EventAudience } from './events/audience';
export { type Batched, batchesOf } from './events/batched';
export {
  type CatalogedEventType,
  EVENT_DATA,
  type EventDataByType,
} from './events/catalog';
export { ChangeTracker } from './events/changes';
// The live feed without HTTP, for tests of its own bookkeeping.
export { eventFeed } from './events/feed';
export { EventHub, GAP_HOLD_MS } from './events/hub';
export * as eventRetention from './events/retention';
export { openApiDocument, REST_BASE, type RestRoute, restRoutes } from './rest/document';
export type { ClapperMeta } from './rest/meta';
export * from './root';
export { type ApiServices, createApiServices } from './services';
// The fast paths that serve the router over HTTP (apps/server registers them).
export * from './wire';

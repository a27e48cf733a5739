/**
 * The fast paths: tRPC's HTTP and SSE wire and superjson, re-implemented where tRPC's own
 * adapter or superjson were the cost of a request (README.md in this folder says what each
 * replaces and how it is held to the original).
 */

export { registerKitsu } from '../kitsu';
export { attachKitsuListener } from '../kitsu/listener';
export { deepFreeze, oncePerFrozen } from './frozen';
export { registerHttpErrors } from './http-errors';
export { leanSseHook } from './lean-sse';
export { leanTrpcHook } from './lean-trpc';
export { registerRest } from './rest';
export { serializeToJson } from './transformer';

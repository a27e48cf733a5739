/**
 * The one door to tRPC's internals (`@trpc/server/unstable-core-do-not-import`), which the fast
 * paths here use to answer byte for byte as tRPC's own adapter does. Those internals may change
 * in any release: `trpc-version.test.ts` fails when the installed `@trpc/server` is not
 * CHECKED_TRPC_VERSION, so an upgrade is a deliberate act (run the differential tests, then
 * move the version here).
 */
export const CHECKED_TRPC_VERSION = '11.22.1';

export {
  getErrorShape,
  getHTTPStatusCode,
  getTRPCErrorFromUnknown,
  isAsyncIterable,
  isObject,
  isPromise,
  isTrackedEnvelope,
  middlewareMarker,
  type TRPCError,
} from '@trpc/server/unstable-core-do-not-import';

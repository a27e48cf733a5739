import { eventFeed, listEvents, ZListEventsInput, ZSubscribeInput } from '../events/feed';
import { rest } from '../rest/meta';
import * as wire from '../rest/wire';
import { readProcedure, router } from '../trpc';

export const eventsRouter = router({
  list: readProcedure
    .meta(rest('GET', '/events', wire.EventPage, 'The events the caller may see, newest first'))
    .input(ZListEventsInput)
    .query(({ ctx, input }) => listEvents(ctx, input)),
  /** Server-sent events (tRPC's httpSubscriptionLink), resumable by the last event id. */
  subscribe: readProcedure
    .input(ZSubscribeInput)
    .subscription(({ ctx, input, signal }) => eventFeed({ ...ctx, signal }, input)),
});

import { eventStream, listEvents, ZListEventsInput, ZSubscribeInput } from '../domain/event-feed';
import { readProcedure, router } from '../trpc';

export const eventsRouter = router({
  list: readProcedure.input(ZListEventsInput).query(({ ctx, input }) => listEvents(ctx, input)),
  /** Server-sent events (tRPC's httpSubscriptionLink), resumable by the last event id. */
  subscribe: readProcedure.input(ZSubscribeInput).subscription(async function* ({
    ctx,
    input,
    signal,
  }) {
    yield* eventStream(ctx, input, signal);
  }),
});

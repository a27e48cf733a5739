import {
  acknowledge,
  dropParked,
  listParked,
  listTriggers,
  park,
  recordFailure,
  retryParked,
  startTrigger,
  ZAckInput,
  ZParkedIdInput,
  ZParkedListInput,
  ZStartTriggerInput,
  ZTriggerFailureInput,
  ZTriggerListInput,
} from '../domain/triggers';
import { authedProcedure, router } from '../trpc';

/**
 * What `pnpm bot` needs to run a trigger (start, ack, recordFailure, park) and what admins and
 * the bot itself see of it (list, parked, retryParked, dropParked).
 */
export const triggersRouter = router({
  start: authedProcedure
    .input(ZStartTriggerInput)
    .mutation(({ ctx, input }) => startTrigger(ctx, ctx.principal, input)),
  ack: authedProcedure
    .input(ZAckInput)
    .mutation(({ ctx, input }) => acknowledge(ctx, ctx.principal, input.name, input.eventId)),
  recordFailure: authedProcedure
    .input(ZTriggerFailureInput)
    .mutation(({ ctx, input }) => recordFailure(ctx, ctx.principal, input)),
  park: authedProcedure
    .input(ZTriggerFailureInput)
    .mutation(({ ctx, input }) => park(ctx, ctx.principal, input)),
  list: authedProcedure
    .input(ZTriggerListInput)
    .query(({ ctx, input }) => listTriggers(ctx, ctx.principal, input)),
  parked: authedProcedure
    .input(ZParkedListInput)
    .query(({ ctx, input }) => listParked(ctx, ctx.principal, input)),
  retryParked: authedProcedure
    .input(ZParkedIdInput)
    .mutation(({ ctx, input }) => retryParked(ctx, ctx.principal, input.id)),
  dropParked: authedProcedure
    .input(ZParkedIdInput)
    .mutation(({ ctx, input }) => dropParked(ctx, ctx.principal, input.id)),
});

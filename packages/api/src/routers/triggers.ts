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
    .mutation(({ ctx, input }) => startTrigger(ctx, input)),
  ack: authedProcedure.input(ZAckInput).mutation(({ ctx, input }) => acknowledge(ctx, input)),
  recordFailure: authedProcedure
    .input(ZTriggerFailureInput)
    .mutation(({ ctx, input }) => recordFailure(ctx, input)),
  park: authedProcedure.input(ZTriggerFailureInput).mutation(({ ctx, input }) => park(ctx, input)),
  list: authedProcedure
    .input(ZTriggerListInput)
    .query(({ ctx, input }) => listTriggers(ctx, input)),
  parked: authedProcedure.input(ZParkedListInput).query(({ ctx, input }) => listParked(ctx, input)),
  retryParked: authedProcedure
    .input(ZParkedIdInput)
    .mutation(({ ctx, input }) => retryParked(ctx, input)),
  dropParked: authedProcedure
    .input(ZParkedIdInput)
    .mutation(({ ctx, input }) => dropParked(ctx, input)),
});

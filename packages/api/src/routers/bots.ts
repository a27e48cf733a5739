import { personActivity, ZActivityInput } from '../domain/activity';
import {
  botExpiryDefaults,
  createBot,
  deleteBot,
  getBot,
  listBots,
  regenerateBotToken,
  updateBot,
  ZBotIdInput,
  ZCreateBotInput,
  ZListBotsInput,
  ZRegenerateTokenInput,
  ZUpdateBotInput,
} from '../domain/bots';
import { allowedTo, router, userOnlyProcedure, userOnlyReadProcedure } from '../trpc';

// Every bots route is for real users: a leaked bot token can never mint another credential.
const botAdmin = userOnlyProcedure.use(allowedTo('manageBots'));
const botAdminRead = userOnlyReadProcedure.use(allowedTo('manageBots'));

export const botsRouter = router({
  list: botAdminRead.input(ZListBotsInput).query(({ ctx, input }) => listBots(ctx.services, input)),
  /** The expiry a new bot gets when none is named, and the most it may have. */
  defaults: botAdmin.query(({ ctx }) => botExpiryDefaults(ctx.services)),
  get: botAdmin.input(ZBotIdInput).query(({ ctx, input }) => getBot(ctx, input.id)),
  /** What the bot did and what was done to it, newest first, with readable targets. */
  activity: botAdminRead
    .input(ZActivityInput)
    .query(({ ctx, input }) => personActivity(ctx.services, 'bot', input)),
  create: botAdmin
    .input(ZCreateBotInput)
    .mutation(({ ctx, input }) => createBot(ctx, ctx.principal, input)),
  update: botAdmin
    .input(ZUpdateBotInput)
    .mutation(({ ctx, input }) => updateBot(ctx, ctx.principal, input)),
  regenerateToken: botAdmin
    .input(ZRegenerateTokenInput)
    .mutation(({ ctx, input }) => regenerateBotToken(ctx, ctx.principal, input)),
  delete: botAdmin
    .input(ZBotIdInput)
    .mutation(({ ctx, input }) => deleteBot(ctx, ctx.principal, input.id)),
});

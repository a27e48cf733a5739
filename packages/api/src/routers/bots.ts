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
import { rest } from '../rest/meta';
import * as wire from '../rest/wire';
import { allowedTo, router, userOnlyProcedure, userOnlyReadProcedure } from '../trpc';

// Every bots route is for real users: a leaked bot token can never mint another credential.
const botAdmin = userOnlyProcedure.use(allowedTo('manageBots'));
const botAdminRead = userOnlyReadProcedure.use(allowedTo('manageBots'));

export const botsRouter = router({
  list: botAdminRead
    .meta(rest('GET', '/bots', wire.PersonPage, 'Bots (admins, signed in as users)'))
    .input(ZListBotsInput)
    .query(({ ctx, input }) => listBots(ctx, input)),
  /** The expiry a new bot gets when none is named, and the most it may have. */
  defaults: botAdmin.query(({ ctx }) => botExpiryDefaults(ctx)),
  get: botAdmin
    .meta(rest('GET', '/bots/{id}', wire.Bot, "A bot, its teams and its token's public facts"))
    .input(ZBotIdInput)
    .query(({ ctx, input }) => getBot(ctx, input)),
  /** What the bot did and what was done to it, newest first, with readable targets. */
  activity: botAdminRead
    .input(ZActivityInput)
    .query(({ ctx, input }) => personActivity(ctx, { ...input, kind: 'bot' })),
  create: botAdmin
    .meta(rest('POST', '/bots', wire.NewBot, 'A new bot and its token, shown this once'))
    .input(ZCreateBotInput)
    .mutation(({ ctx, input }) => createBot(ctx, input)),
  update: botAdmin
    .meta(
      rest('PATCH', '/bots/{id}', wire.Person, "A bot's name, role, departments, expiry or state"),
    )
    .input(ZUpdateBotInput)
    .mutation(({ ctx, input }) => updateBot(ctx, input)),
  regenerateToken: botAdmin
    .meta(
      rest(
        'POST',
        '/bots/{id}/token',
        wire.NewToken,
        'A new token; the old one stops (after `graceMinutes`)',
      ),
    )
    .input(ZRegenerateTokenInput)
    .mutation(({ ctx, input }) => regenerateBotToken(ctx, input)),
  delete: botAdmin
    .meta(rest('DELETE', '/bots/{id}', wire.Deleted, 'Deletes a bot'))
    .input(ZBotIdInput)
    .mutation(({ ctx, input }) => deleteBot(ctx, input)),
});

import { seatUsage } from '../domain/seats';
import {
  createUser,
  listUsers,
  updateUser,
  ZCreateUserInput,
  ZListUsersInput,
  ZUpdateUserInput,
} from '../domain/users';
import { rest } from '../rest/meta';
import * as wire from '../rest/wire';
import { allowedTo, authedProcedure, readProcedure, router, userOnlyProcedure } from '../trpc';

const userAdmin = userOnlyProcedure.use(allowedTo('manageUsers'));
const roster = authedProcedure.use(allowedTo('listPeople'));

export const usersRouter = router({
  list: readProcedure
    .meta(rest('GET', '/users', wire.PersonPage, 'Users'))
    .use(allowedTo('listPeople'))
    .input(ZListUsersInput)
    .query(({ ctx, input }) => listUsers(ctx, input)),
  create: userAdmin
    .meta(rest('POST', '/users', wire.Person, 'A new user'))
    .input(ZCreateUserInput)
    .mutation(({ ctx, input }) => createUser(ctx, input)),
  update: userAdmin
    .meta(rest('PATCH', '/users/{id}', wire.Person, "A user's details"))
    .input(ZUpdateUserInput)
    .mutation(({ ctx, input }) => updateUser(ctx, input)),
  /** Active human users against `CLAPPER_SEAT_LIMIT`; bots are counted apart and never take a seat. */
  seats: roster.query(({ ctx }) => seatUsage(ctx)),
});

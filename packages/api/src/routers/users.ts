import { seatUsage } from '../domain/seats';
import { createUser, listUsers, updateUser } from '../domain/users';
import { PEOPLE } from '../permissions';
import { roleProcedure, roleReadProcedure, router, userOnlyRoleProcedure } from '../trpc';
import { ZCreateUserInput, ZListUsersInput, ZUpdateUserInput } from './users.schema';

const userAdmin = userOnlyRoleProcedure(...PEOPLE.manageUsers);
const roster = roleProcedure(...PEOPLE.listPeople);

export const usersRouter = router({
  list: roleReadProcedure(...PEOPLE.listPeople)
    .input(ZListUsersInput)
    .query(({ ctx, input }) => listUsers(ctx.services, input)),
  create: userAdmin
    .input(ZCreateUserInput)
    .mutation(({ ctx, input }) => createUser(ctx, ctx.principal, input)),
  update: userAdmin
    .input(ZUpdateUserInput)
    .mutation(({ ctx, input }) => updateUser(ctx, ctx.principal, input)),
  /** Active human users against `CLAPPER_SEAT_LIMIT`; bots are counted apart and never take a seat. */
  seats: roster.query(({ ctx }) => seatUsage(ctx.em, ctx.services)),
});

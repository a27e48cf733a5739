import {
  changePassword,
  login,
  logout,
  me,
  ZChangePasswordInput,
  ZLoginInput,
} from '../domain/account';
import { rest } from '../rest/meta';
import * as wire from '../rest/wire';
import { publicUserOnlyProcedure, readProcedure, router, userOnlyProcedure } from '../trpc';

export const authRouter = router({
  login: publicUserOnlyProcedure.input(ZLoginInput).mutation(({ ctx, input }) => login(ctx, input)),
  logout: userOnlyProcedure.mutation(({ ctx }) => logout(ctx)),
  me: readProcedure
    .meta(rest('GET', '/auth/me', wire.Person, 'The caller'))
    .query(({ ctx }) => me(ctx)),
  changePassword: userOnlyProcedure
    .input(ZChangePasswordInput)
    .mutation(({ ctx, input }) => changePassword(ctx, input)),
});

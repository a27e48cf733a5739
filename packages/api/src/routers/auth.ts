import { inTransaction, newId, Person, Session } from '@clapper/db';
import { hashPassword, verifyDecoyPassword, verifyPassword } from '../auth/passwords';
import { badRequest, DomainError, unauthorized } from '../errors';
import { recordEvent } from '../events';
import { publicUserOnlyProcedure, readProcedure, router, userOnlyProcedure } from '../trpc';
import { personView, personViewOf } from '../views/person';
import { ZChangePasswordInput, ZLoginInput } from './auth.schema';

// One message for an unknown email and a wrong password: no account enumeration.
const BAD_CREDENTIALS = 'Invalid email or password';

export const authRouter = router({
  login: publicUserOnlyProcedure.input(ZLoginInput).mutation(async ({ ctx, input }) => {
    const { em, services } = ctx;
    const wait = services.logins.admit(ctx.transport.ip, input.email);
    if (wait > 0) {
      throw new DomainError(
        'TOO_MANY_REQUESTS',
        `Too many sign-in attempts: retry in ${wait} seconds`,
      );
    }
    const user = await em.findOne(
      Person,
      { email: input.email, kind: 'user' },
      { populate: ['passwordHash'] },
    );
    const passwordOk = user?.passwordHash
      ? await verifyPassword(input.password, user.passwordHash)
      : await verifyDecoyPassword(input.password);
    if (!user || !passwordOk) {
      services.logins.failed(input.email);
      throw unauthorized(BAD_CREDENTIALS, 'invalid_credentials');
    }
    services.logins.succeeded(input.email);
    if (!user.active) throw unauthorized('User is inactive', 'user_inactive');

    const expiresAt = new Date(services.now().getTime() + services.config.sessionTtlMs);
    const session = em.create(Session, { id: newId(), person: user, expiresAt });
    recordEvent(em, user, { type: 'auth.login', targetType: 'person', targetId: user.id });
    await em.flush();

    const token = await services.tokens.issue({
      personId: user.id,
      tokenId: session.id,
      kind: 'user',
      expiresAt,
    });
    ctx.transport.setSessionCookie(token, expiresAt);
    return { token, expiresAt, person: await personViewOf(em, user, services.now()) };
  }),

  logout: userOnlyProcedure.mutation(async ({ ctx }) => {
    const { em, principal, services } = ctx;
    await inTransaction(em, async (tx) => {
      await tx.nativeUpdate(
        Session,
        { id: principal.tokenId, revokedAt: null },
        { revokedAt: services.now() },
      );
      recordEvent(tx, principal, {
        type: 'auth.logout',
        targetType: 'person',
        targetId: principal.id,
      });
    });
    services.credentials.forgetSession(principal.tokenId);
    ctx.transport.clearSessionCookie();
    return { ok: true as const };
  }),

  me: readProcedure.query(async ({ ctx }) => {
    const person = await ctx.services.reads.people.byId(ctx.principal.id);
    if (!person) {
      const bot = ctx.principal.kind === 'bot';
      throw unauthorized(
        `${bot ? 'Bot' : 'User'} no longer exists`,
        bot ? 'bot_deleted' : 'user_deleted',
      );
    }
    return personView(person, ctx.services.now());
  }),

  changePassword: userOnlyProcedure.input(ZChangePasswordInput).mutation(async ({ ctx, input }) => {
    const { em, principal, services } = ctx;
    const user = await em.findOneOrFail(
      Person,
      { id: principal.id },
      { populate: ['passwordHash'] },
    );
    if (!user.passwordHash || !(await verifyPassword(input.current, user.passwordHash))) {
      throw badRequest('current', 'is not your current password');
    }
    if (input.next === input.current) {
      throw badRequest('next', 'must differ from the current password');
    }
    const passwordHash = await hashPassword(input.next);
    await inTransaction(em, async (tx) => {
      user.passwordHash = passwordHash;
      // Like GitLab: a new password signs out every other session of this user.
      await tx.nativeUpdate(
        Session,
        { person: user.id, id: { $ne: principal.tokenId }, revokedAt: null },
        { revokedAt: services.now() },
      );
      recordEvent(tx, principal, {
        type: 'auth.password_changed',
        targetType: 'person',
        targetId: user.id,
      });
    });
    services.credentials.forgetPerson(user.id);
    return { ok: true as const };
  }),
});

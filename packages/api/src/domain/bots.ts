import { type Em, type IPerson, inTransaction, newId, Person, raw } from '@clapper/db';
import { z } from 'zod';
import { badRequest, notFound } from '../errors';
import { flushWithEvent, recordEvent } from '../events/write';
import type { ApiServices } from '../services';
import { type PersonView, personViewOf } from '../views/person';
import { findDepartments } from './departments';
import type { ActorDeps, Deps, DomainDeps } from './deps';
import { changeRecorder } from './people';
import { listPeople, type PeopleListInput, ZPeopleListInput } from './people-list';
import { ZDay, ZDepartmentIds, ZId, ZName, ZRole } from './schemas';
import { addDays, utcDay } from './time';
import { assertNameFree } from './unique-names';

export const ZCreateBotInput = z.object({
  name: ZName,
  role: ZRole.default('artist'),
  departmentIds: ZDepartmentIds.default([]),
  /** The token is good through the end of this day, UTC; none: it never expires. */
  expiresAt: ZDay.nullish(),
  active: z.boolean().default(true),
});
export type CreateBotInput = z.infer<typeof ZCreateBotInput>;

export const ZUpdateBotInput = z.object({
  id: ZId,
  name: ZName.optional(),
  role: ZRole.optional(),
  departmentIds: ZDepartmentIds.optional(),
  /** null removes the expiry; a past date expires the bot at once. */
  expiresAt: ZDay.nullable().optional(),
  active: z.boolean().optional(),
});
export type UpdateBotInput = z.infer<typeof ZUpdateBotInput>;

export const ZRegenerateTokenInput = z.object({
  id: ZId,
  /** Minutes the replaced token keeps working, to move a running pipeline without downtime. */
  graceMinutes: z
    .number()
    .int('must be a whole number of minutes')
    .min(0, 'must be 0 to 60')
    .max(60, 'must be 0 to 60')
    .optional(),
});
export type RegenerateTokenInput = z.infer<typeof ZRegenerateTokenInput>;

export const ZBotIdInput = z.object({ id: ZId });

export const ZListBotsInput = ZPeopleListInput;

export const listBots = (deps: Pick<Deps, 'services'>, input: PeopleListInput) =>
  listPeople(deps, { ...input, kind: 'bot' });

/**
 * A bot's page: its view, its teams, and its token's public facts (never the token): the last
 * characters of its id (its `jti`), when it was issued, and until when a token it replaced still works.
 */
export async function getBot({ em, services }: DomainDeps, { id }: { id: string }) {
  const bot = await findBot(em, id);
  const now = services.now();
  const [view, teams] = await Promise.all([
    personViewOf(em, bot, now),
    services.reads.projects.teamsOf(id),
  ]);
  const graceUntil = bot.previousTokenValidUntil;
  return {
    ...view,
    teams,
    token: {
      // Its end: ids are time-ordered (UUIDv7), so their start is shared by tokens of the same minute.
      shortId: bot.tokenId?.slice(-8) ?? null,
      issuedAt: bot.tokenIssuedAt,
      previousValidUntil: graceUntil && graceUntil > now ? graceUntil : null,
    },
  };
}

export async function createBot(
  { em, services, principal: actor }: ActorDeps,
  input: CreateBotInput,
): Promise<{ bot: PersonView; token: string }> {
  const now = services.now();
  // Omitted: the studio's default; null: never (where no maximum lifetime forbids it).
  const expiresAt =
    input.expiresAt === undefined ? botExpiryDefaults({ services }).expiresAt : input.expiresAt;
  if (expiresAt && expiresAt < utcDay(now)) {
    throw badRequest('expiresAt', `must not be in the past (today is ${utcDay(now)}, UTC)`);
  }
  assertWithinMaxLifetime(services, expiresAt, now);
  await assertBotNameFree(em, input.name);
  const departments = await findDepartments(em, input.departmentIds);

  const tokenId = newId();
  const bot = em.create(Person, {
    id: newId(),
    kind: 'bot',
    name: input.name,
    role: input.role,
    active: input.active,
    expiresAt,
    tokenId,
    tokenIssuedAt: now,
    createdBy: actor?.kind === 'user' ? em.getReference(Person, actor.id) : null,
    createdBySystem: actor === null,
  });
  bot.departments.set(departments);
  await flushWithEvent(em, actor, {
    type: 'bot.created',
    targetType: 'bot',
    targetId: bot.id,
    data: {
      name: bot.name,
      role: bot.role,
      departmentIds: departments.map((d) => d.id),
      expiresAt,
      active: bot.active,
    },
  });
  const token = await issueBotToken(services, bot, tokenId);
  return { bot: await personViewOf(em, bot, now), token };
}

export async function updateBot(
  { em, services, principal: actor }: ActorDeps,
  input: UpdateBotInput,
): Promise<PersonView> {
  const bot = await findBot(em, input.id);
  const record = changeRecorder(bot);
  if (input.name !== undefined && input.name !== bot.name) {
    await assertBotNameFree(em, input.name, bot.id);
    record.set('name', input.name);
  }
  if (input.role !== undefined) record.set('role', input.role);
  if (input.active !== undefined) record.set('active', input.active);
  if (input.expiresAt !== undefined) {
    // A past date is allowed here: it is how an admin expires a bot at once.
    assertWithinMaxLifetime(services, input.expiresAt, services.now());
    record.set('expiresAt', input.expiresAt);
  }
  if (input.departmentIds !== undefined) await record.departments(em, input.departmentIds);

  if (record.changed) {
    await flushWithEvent(em, actor, {
      type: 'bot.updated',
      targetType: 'bot',
      targetId: bot.id,
      data: { changes: record.changes },
    });
    services.credentials.forgetPerson(bot.id);
  }
  return personViewOf(em, bot, services.now());
}

/**
 * A new token id in one UPDATE, so concurrent calls leave exactly one valid
 * token. With `graceMinutes` the token it replaces keeps working until then.
 */
export async function regenerateBotToken(
  { em, services, principal: actor }: ActorDeps,
  { id, graceMinutes }: RegenerateTokenInput,
): Promise<{ token: string; tokenIssuedAt: Date; previousTokenValidUntil: Date | null }> {
  const bot = await findBot(em, id);
  const now = services.now();
  const tokenId = newId();
  const graceUntil = graceMinutes ? new Date(now.getTime() + graceMinutes * 60_000) : null;
  await inTransaction(em, async (tx) => {
    await tx.nativeUpdate(
      Person,
      { id, kind: 'bot' },
      {
        tokenId,
        tokenIssuedAt: now,
        previousTokenId: graceUntil ? raw('token_id') : null,
        previousTokenValidUntil: graceUntil,
        // A new token starts a new count: what is refused from here on is the old one.
        refusedCount: 0,
        refusedSince: null,
        refusedLastAt: null,
        refusedLastReason: null,
      },
    );
    recordEvent(tx, actor, {
      type: 'bot.token_regenerated',
      targetType: 'bot',
      targetId: id,
      data: { graceMinutes: graceMinutes ?? 0 },
    });
  });
  services.credentials.forgetPerson(id);
  services.refusals.forget(id);
  const token = await issueBotToken(services, bot, tokenId);
  return { token, tokenIssuedAt: now, previousTokenValidUntil: graceUntil };
}

export async function deleteBot(
  { em, services, principal: actor }: ActorDeps,
  { id }: { id: string },
) {
  const bot = await findBot(em, id);
  recordEvent(em, actor, {
    type: 'bot.deleted',
    targetType: 'bot',
    targetId: id,
    data: { name: bot.name },
  });
  em.remove(bot);
  await em.flush();
  services.credentials.forgetPerson(id);
  return { ok: true as const, id };
}

/** A bot by id, or NOT_FOUND; a user's id is not a bot's. */
export async function findBot(em: Em, id: string): Promise<IPerson> {
  const bot = await em.findOne(Person, { id, kind: 'bot' });
  if (!bot) throw notFound('Bot');
  return bot;
}

const assertBotNameFree = (em: Em, name: string, exceptId?: string) =>
  assertNameFree(em, Person, 'bot', name, { exceptId, among: { kind: 'bot' } });

/**
 * What a new bot gets when its creator names no expiry: `CLAPPER_BOT_DEFAULT_EXPIRY_DAYS` ahead,
 * no later than `CLAPPER_BOT_MAX_LIFETIME_DAYS` allows (the admin shows it as a preset).
 */
export function botExpiryDefaults({ services }: Pick<Deps, 'services'>) {
  const { botDefaultExpiryDays, botMaxLifetimeDays } = services.config;
  const days =
    botMaxLifetimeDays && (botDefaultExpiryDays === 0 || botDefaultExpiryDays > botMaxLifetimeDays)
      ? botMaxLifetimeDays
      : botDefaultExpiryDays;
  return {
    days: days || null,
    expiresAt: days ? addDays(utcDay(services.now()), days) : null,
    maxLifetimeDays: botMaxLifetimeDays,
  };
}

function assertWithinMaxLifetime(services: ApiServices, expiresAt: string | null, now: Date) {
  const maxDays = services.config.botMaxLifetimeDays;
  if (!maxDays) return;
  const latest = addDays(utcDay(now), maxDays);
  if (!expiresAt) {
    throw badRequest(
      'expiresAt',
      `is required: bots may live at most ${maxDays} days (CLAPPER_BOT_MAX_LIFETIME_DAYS)`,
    );
  }
  if (expiresAt > latest) {
    throw badRequest(
      'expiresAt',
      `must be ${latest} or sooner: bots may live at most ${maxDays} days`,
    );
  }
}

/** No `exp` claim: the bot's expiry in the database is the only one (see auth/tokens.ts). */
function issueBotToken(services: ApiServices, bot: IPerson, tokenId: string) {
  return services.tokens.issue({ personId: bot.id, tokenId, kind: 'bot' });
}

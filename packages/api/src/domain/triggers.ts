/**
 * Triggers (`defineTrigger` in the runner): a bot's named reaction to events. The server keeps
 * each one's cursor (the last event it acknowledged), its last success and error, and the
 * events it parked after its tries. None of this is an event itself: a trigger's bookkeeping
 * would otherwise wake the triggers that read it.
 */
import { type Em, type ITrigger, ParkedEvent, Person, Trigger } from '@clapper/db';
import { z } from 'zod';
import type { Principal } from '../auth/principal';
import { badRequest, forbidden, notFound } from '../errors';
import { eventView } from '../events/visibility';
import { can, STUDIO_WIDE } from '../permissions';
import type { ApiServices } from '../services';
import type { ActorDeps, CallerDeps } from './deps';
import { ZEventTypes, ZId } from './schemas';
import { text } from './text';

export const ZTriggerName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'must be 1 to 100 letters, digits, ".", "_" or "-"');

const ZEventId = z.number().int().min(1).max(2_147_483_647);

export const ZStartTriggerInput = z.object({
  name: ZTriggerName,
  types: ZEventTypes.default([]),
  projectId: ZId.nullish(),
  /** Backfill: after this event id, or from this time (ISO 8601); none: from now (first start) or the cursor. */
  from: z
    .union([z.number().int().min(0).max(2_147_483_647), z.iso.datetime({ offset: true })])
    .optional(),
});

export const ZAckInput = z.object({ name: ZTriggerName, eventId: ZEventId });

export const ZTriggerFailureInput = z.object({
  name: ZTriggerName,
  eventId: ZEventId,
  error: text({ max: 2000, multiline: true }),
  attempts: z.number().int().min(1).max(1000),
});

export const ZTriggerListInput = z.object({ botId: ZId.optional() }).default({});

export const ZParkedListInput = z.object({
  triggerId: ZId.optional(),
  /** The caller's own trigger, by name. */
  name: ZTriggerName.optional(),
  /** Only those asked to be tried again (what a running trigger takes up). */
  retryRequested: z.boolean().optional(),
});

export const ZParkedIdInput = z.object({ id: ZId });

/** A lag past this many events is shown as this many: counting further costs and tells no more. */
const BACKLOG_CAP = 100_000;

/** Who asks: a signed-in person, or null for the CLI (the system, which sees every trigger). */
type Caller = Principal | null;

const isAdmin = (caller: Caller) => caller === null || can('manageBots', caller.role, STUDIO_WIDE);

/** Starts (or resumes) the caller's trigger `name`: its cursor, moved to `from` when given. */
export async function startTrigger(
  { em, services, principal }: CallerDeps,
  input: z.infer<typeof ZStartTriggerInput>,
) {
  const head = await services.reads.events.head();
  const from = input.from === undefined ? undefined : await cursorFor(services, input.from, head);
  let trigger = await em.findOne(Trigger, { bot: principal.id, name: input.name });
  if (!trigger) {
    trigger = em.create(Trigger, {
      bot: em.getReference(Person, principal.id),
      name: input.name,
      types: input.types,
      projectId: input.projectId ?? null,
      // A first start begins at now: what happened before is not news.
      cursor: from ?? head,
    });
  } else {
    trigger.types = input.types;
    trigger.projectId = input.projectId ?? null;
    if (from !== undefined) trigger.cursor = from;
  }
  await em.flush();
  return { id: trigger.id, name: trigger.name, cursor: trigger.cursor };
}

/** The cursor that makes `from` the next event: an id as given, a time as the last event before it. */
async function cursorFor(services: ApiServices, from: number | string, head: number) {
  if (typeof from === 'number') {
    if (from > head) throw badRequest('from', `is after the newest event (${head})`);
    return from;
  }
  const at = await services.reads.events.firstAtOrAfter(new Date(from));
  return at === null ? head : at - 1;
}

/** Handled (or parked) up to `eventId`: the cursor never moves back. */
export async function acknowledge(
  { em, services, principal }: CallerDeps,
  { name, eventId }: z.infer<typeof ZAckInput>,
) {
  await ownTrigger(em, principal, name);
  await em.nativeUpdate(
    Trigger,
    { bot: principal.id, name, cursor: { $lt: eventId } },
    { cursor: eventId },
  );
  await em.nativeUpdate(Trigger, { bot: principal.id, name }, { lastSuccessAt: services.now() });
  return { ok: true as const };
}

/** A try that failed: kept as the trigger's last error. */
export async function recordFailure(
  { em, services, principal }: CallerDeps,
  { name, error }: z.infer<typeof ZTriggerFailureInput>,
) {
  await ownTrigger(em, principal, name);
  await em.nativeUpdate(
    Trigger,
    { bot: principal.id, name },
    { lastError: error, lastErrorAt: services.now() },
  );
  return { ok: true as const };
}

/** Gives up on an event after its tries: parked with its error, and the trigger moves past it. */
export async function park(
  { em, services, principal }: CallerDeps,
  { name, eventId, error, attempts }: z.infer<typeof ZTriggerFailureInput>,
) {
  const trigger = await ownTrigger(em, principal, name);
  const parked =
    (await em.findOne(ParkedEvent, { trigger: trigger.id, eventId })) ??
    em.create(ParkedEvent, { trigger, eventId, error, attempts });
  parked.error = error;
  parked.attempts = attempts;
  parked.retryRequestedAt = null;
  trigger.cursor = Math.max(trigger.cursor, eventId);
  trigger.lastError = error;
  trigger.lastErrorAt = services.now();
  await em.flush();
  return { id: parked.id };
}

/** Triggers with how far behind they are: every bot's for admins, a bot its own. */
export async function listTriggers(
  { em, services, principal }: ActorDeps,
  { botId }: z.infer<typeof ZTriggerListInput>,
) {
  const owner = isAdmin(principal) ? botId : principal?.id;
  if (botId && owner !== botId) throw forbidden("botId: another bot's triggers are for admins");
  const triggers = await em.find(Trigger, owner ? { bot: owner } : {}, {
    populate: ['bot'],
    orderBy: { bot: { name: 'asc' }, name: 'asc' },
    limit: 500,
  });
  const now = services.now().getTime();
  const parked = await parkedCounts(em, triggers);
  return Promise.all(
    triggers.map(async (t) => {
      const backlog = await services.reads.events.backlog(
        t.cursor,
        t.types,
        t.projectId ?? null,
        BACKLOG_CAP,
      );
      return {
        id: t.id,
        name: t.name,
        bot: { id: t.bot.id, name: t.bot.getEntity().name },
        types: t.types,
        projectId: t.projectId,
        cursor: t.cursor,
        lag: {
          /** Events of its types after its cursor (counted up to BACKLOG_CAP). */
          events: backlog.count,
          /** How long the oldest of them has waited. */
          seconds: backlog.oldest
            ? Math.max(0, Math.round((now - backlog.oldest.getTime()) / 1000))
            : 0,
        },
        lastSuccessAt: t.lastSuccessAt ?? null,
        lastError: t.lastError ?? null,
        lastErrorAt: t.lastErrorAt ?? null,
        parked: parked.get(t.id) ?? 0,
      };
    }),
  );
}

async function parkedCounts(em: Em, triggers: ITrigger[]) {
  const counts = new Map<string, number>();
  if (triggers.length === 0) return counts;
  const rows = await em.find(
    ParkedEvent,
    { trigger: { $in: triggers.map((t) => t.id) } },
    { fields: ['trigger'] },
  );
  for (const row of rows) counts.set(row.trigger.id, (counts.get(row.trigger.id) ?? 0) + 1);
  return counts;
}

/** A trigger's parked events, oldest first, with the event each one is about. */
export async function listParked(
  { em, services, principal }: ActorDeps,
  input: z.infer<typeof ZParkedListInput>,
) {
  if (!input.triggerId && !input.name) throw badRequest('triggerId', 'or name is required');
  const trigger = input.triggerId
    ? await triggerFor(em, principal, input.triggerId)
    : await ownTrigger(em, principal!, input.name!);
  const parked = await em.find(
    ParkedEvent,
    {
      trigger: trigger.id,
      ...(input.retryRequested ? { retryRequestedAt: { $ne: null } } : {}),
    },
    { orderBy: { eventId: 'asc' }, limit: 500 },
  );
  const events = await services.reads.events.byIds(parked.map((p) => p.eventId));
  return parked.map((p) => ({
    id: p.id,
    eventId: p.eventId,
    error: p.error,
    attempts: p.attempts,
    parkedAt: p.parkedAt,
    retryRequestedAt: p.retryRequestedAt ?? null,
    event: events.has(p.eventId) ? eventView(events.get(p.eventId)!) : null,
  }));
}

/** Asks the running trigger to try a parked event again. */
export async function retryParked(
  { em, services, principal }: ActorDeps,
  { id }: z.infer<typeof ZParkedIdInput>,
) {
  const parked = await parkedFor(em, principal, id);
  parked.retryRequestedAt = services.now();
  await em.flush();
  return { id, retryRequestedAt: parked.retryRequestedAt };
}

/** Drops a parked event (handled by hand, or not worth handling); also what a successful retry does. */
export async function dropParked(
  { em, principal }: Pick<ActorDeps, 'em' | 'principal'>,
  { id }: z.infer<typeof ZParkedIdInput>,
) {
  const parked = await parkedFor(em, principal, id);
  em.remove(parked);
  await em.flush();
  return { ok: true as const, id };
}

async function ownTrigger(em: Em, principal: Principal, name: string) {
  const trigger = await em.findOne(Trigger, { bot: principal.id, name });
  if (!trigger) throw notFound('Trigger');
  return trigger;
}

/** A trigger by id, for its bot or an admin; another's is NOT_FOUND (its existence is not told). */
async function triggerFor(em: Em, principal: Caller, id: string) {
  const trigger = await em.findOne(Trigger, { id });
  if (!trigger || (trigger.bot.id !== principal?.id && !isAdmin(principal))) {
    throw notFound('Trigger');
  }
  return trigger;
}

async function parkedFor(em: Em, principal: Caller, id: string) {
  const parked = await em.findOne(ParkedEvent, { id }, { populate: ['trigger'] });
  const owner = parked?.trigger.getEntity().bot.id;
  if (!parked || (owner !== principal?.id && !isAdmin(principal))) throw notFound('Parked event');
  return parked;
}

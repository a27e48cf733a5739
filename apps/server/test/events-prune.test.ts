import { DomainError, eventRetention, triggers } from '@clapper/api';
import { type Em, Event, ParkedEvent, Person, Trigger } from '@clapper/db';
import {
  createBot,
  runCli,
  startTestServer,
  type TestServer,
  testClock,
  until,
} from '@clapper/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiConfigFromEnv, loadEnv } from '../src/env';

const { pruneEvents, parseBefore, describePrune } = eventRetention;

const secret = 'events-prune-test-secret-0123456789-abcdef';
const DAY_MS = 24 * 3_600_000;

const clock = testClock();
let server: TestServer;
/** Bots made once (their own events go with the first reset): the first active, one inactive, one expired. */
let bots: { active: string; inactive: string; expired: string };
const botNames = { active: 'Publisher', inactive: 'Old syncer', expired: 'Temp bot' };

beforeAll(async () => {
  server = await startTestServer({ secret, now: clock.now });
  const [active, inactive, expired] = await Promise.all([
    createBot(server, { name: botNames.active }),
    createBot(server, { name: botNames.inactive, active: false }),
    createBot(server, { name: botNames.expired }),
  ]);
  // Expired yesterday: an expiry in the past is refused through the API.
  const yesterday = new Date(clock.ms() - DAY_MS).toISOString().slice(0, 10);
  await em().nativeUpdate(Person, { id: expired!.bot.id }, { expiresAt: yesterday });
  bots = { active: active!.bot.id, inactive: inactive!.bot.id, expired: expired!.bot.id };
});
afterAll(() => server?.close());

const em = () => server.orm.em.fork() as Em;

/** An empty log, no triggers: each test writes the events it needs. */
async function resetLog() {
  await em().nativeDelete(ParkedEvent, {});
  await em().nativeDelete(Trigger, {});
  await em().nativeDelete(Event, {});
}

/**
 * `old` events written a minute apart from 2001-01-01, then `recent` ones at the server's
 * now: their ids, in order.
 */
async function writeEvents(old: number, recent: number) {
  const start = Date.UTC(2001, 0, 1);
  const rows = [
    ...Array.from({ length: old }, (_, i) => new Date(start + i * 60_000)),
    ...Array.from({ length: recent }, () => clock.now()),
  ].map((createdAt, i) => ({
    type: 'test.event',
    actorKind: 'system' as const,
    actorName: 'system',
    data: { n: i },
    createdAt,
  }));
  const before = await eventIds();
  const e = em();
  for (const row of rows) e.create(Event, row);
  await e.flush();
  const ids = (await eventIds()).filter((id) => !before.includes(id));
  return { old: ids.slice(0, old), recent: ids.slice(old) };
}

async function eventIds(): Promise<number[]> {
  const rows = await em().find(Event, {}, { fields: ['id'], orderBy: { id: 'asc' } });
  return rows.map((r) => r.id);
}

async function addTrigger(botId: string, name: string, cursor: number) {
  const e = em();
  const trigger = e.create(Trigger, {
    bot: e.getReference(Person, botId),
    name,
    types: [],
    cursor,
  });
  await e.flush();
  return trigger;
}

async function park(triggerId: string, eventId: number) {
  const e = em();
  e.create(ParkedEvent, {
    trigger: e.getReference(Trigger, triggerId),
    eventId,
    error: 'boom',
    attempts: 5,
  });
  await e.flush();
}

const YEAR_2002 = new Date('2002-01-01T00:00:00Z');

describe('pruning the event log', () => {
  it('deletes the events written before the moment in batches, and keeps the newer ones', async () => {
    await resetLog();
    const { old, recent } = await writeEvents(23, 3);
    const report = await pruneEvents(server, {
      before: YEAR_2002,
      batchSize: 5,
      pauseMs: 0,
    });
    expect(report).toMatchObject({
      deleted: 23,
      upTo: old.at(-1),
      cut: old.at(-1),
      batches: 5,
      triggers: [],
      keptForTriggers: 0,
      keptForParked: 0,
    });
    expect(await eventIds()).toEqual(recent);
    expect(describePrune(report)).toEqual([
      `Deleted 23 events written before 2002-01-01T00:00:00.000Z (ids up to ${old.at(-1)}) in 5 batches.`,
    ]);

    // Again: nothing left to do.
    const again = await pruneEvents(server, { before: YEAR_2002 });
    expect(again).toMatchObject({ deleted: 0, upTo: null, batches: 0 });
    expect(describePrune(again)).toEqual([
      'No events written before 2002-01-01T00:00:00.000Z were deleted.',
    ]);

    // Up to now: all but the newest event, so the log's head never goes back.
    const all = await pruneEvents(server, { before: clock.now(), batchSize: 1 });
    expect(all).toMatchObject({ deleted: 2, batches: 2 });
    expect(await eventIds()).toEqual([recent.at(-1)]);
  });

  it('keeps what a trigger has not acknowledged and names it; --force deletes it and says so', async () => {
    await resetLog();
    const { old, recent } = await writeEvents(20, 2);
    await addTrigger(bots.active, 'notify', old[7]!);
    await addTrigger(bots.inactive, 'sync', old[12]!);
    await addTrigger(bots.expired, 'mirror', old[15]!);
    // Caught up: not in the way, not named.
    await addTrigger(bots.active, 'caught-up', recent[0]!);

    const report = await pruneEvents(server, { before: YEAR_2002, batchSize: 3 });
    expect(report).toMatchObject({
      deleted: 8,
      upTo: old[7],
      cut: old[19],
      keptForTriggers: 12,
      triggers: [
        { bot: botNames.active, trigger: 'notify', cursor: old[7], botState: 'active' },
        { bot: botNames.inactive, trigger: 'sync', cursor: old[12], botState: 'inactive' },
        { bot: botNames.expired, trigger: 'mirror', cursor: old[15], botState: 'expired' },
      ],
    });
    expect(await eventIds()).toEqual([...old.slice(8), ...recent]);
    const named = `bot "Publisher" trigger "notify" (cursor ${old[7]}), bot "Old syncer" trigger "sync" (cursor ${old[12]}, bot inactive), bot "Temp bot" trigger "mirror" (cursor ${old[15]}, bot expired)`;
    expect(describePrune(report)).toEqual([
      `Deleted 8 events written before 2002-01-01T00:00:00.000Z (ids up to ${old[7]}) in 3 batches.`,
      `Kept events after id ${old[7]} for triggers: ${named}; 12 events kept. Let them catch up, delete a bot no longer used (its triggers go with it), or prune with --force.`,
    ]);

    const forced = await pruneEvents(server, { before: YEAR_2002, force: true });
    expect(forced).toMatchObject({ deleted: 12, upTo: old[19], keptForTriggers: 0 });
    expect(forced.triggers.map((t) => t.trigger)).toEqual(['notify', 'sync', 'mirror']);
    expect(await eventIds()).toEqual(recent);
    expect(describePrune(forced)[1]).toBe(
      `Deleted events that triggers had not yet acknowledged: ${named}.`,
    );
  });

  it("keeps the events parked events point at, unless forced; an admin's list shows them as pruned then", async () => {
    await resetLog();
    const { old, recent } = await writeEvents(10, 1);
    const trigger = await addTrigger(bots.active, 'render', recent[0]!);
    await park(trigger.id, old[2]!);
    await park(trigger.id, old[5]!);

    const report = await pruneEvents(server, { before: YEAR_2002, batchSize: 4 });
    expect(report).toMatchObject({ deleted: 8, upTo: old[9], keptForParked: 2, triggers: [] });
    expect(await eventIds()).toEqual([old[2], old[5], ...recent]);
    expect(describePrune(report)[1]).toBe(
      'Kept 2 events that parked events point at (an admin may retry them).',
    );
    const deps = { em: em(), services: server.services, principal: null };
    const listed = await triggers.listParked(deps, { triggerId: trigger.id });
    expect(listed.map((p) => p.event?.id)).toEqual([old[2], old[5]]);

    const forced = await pruneEvents(server, { before: YEAR_2002, force: true });
    expect(forced).toMatchObject({ deleted: 2, keptForParked: 0, parkedDeleted: 2 });
    expect(describePrune(forced)[1]).toBe(
      'Deleted 2 events that parked events point at: retrying those finds nothing.',
    );
    expect(await eventIds()).toEqual(recent);
    const after = await triggers.listParked(deps, { triggerId: trigger.id });
    expect(after.map((p) => [p.eventId, p.event])).toEqual([
      [old[2], null],
      [old[5], null],
    ]);
  });

  it('a dry run says what would go and deletes nothing', async () => {
    await resetLog();
    const { old, recent } = await writeEvents(12, 1);
    const trigger = await addTrigger(bots.active, 'notify', old[9]!);
    await park(trigger.id, old[3]!);
    const dry = await pruneEvents(server, { before: YEAR_2002, dryRun: true });
    expect(dry).toMatchObject({
      dryRun: true,
      deleted: 9,
      upTo: old[9],
      batches: 0,
      keptForTriggers: 2,
      keptForParked: 1,
    });
    expect(describePrune(dry)).toEqual([
      `Dry run: would delete 9 events written before 2002-01-01T00:00:00.000Z (ids up to ${old[9]}); nothing was deleted.`,
      `Kept events after id ${old[9]} for triggers: bot "Publisher" trigger "notify" (cursor ${old[9]}); 2 events would be kept. Let them catch up, delete a bot no longer used (its triggers go with it), or prune with --force.`,
      'Kept 1 event that parked events point at (an admin may retry them).',
    ]);
    const forcedDry = await pruneEvents(server, {
      before: YEAR_2002,
      dryRun: true,
      force: true,
    });
    expect(forcedDry).toMatchObject({ deleted: 12, upTo: old[11], parkedDeleted: 1 });
    expect(describePrune(forcedDry).slice(1)).toEqual([
      `Would delete events that triggers had not yet acknowledged: bot "Publisher" trigger "notify" (cursor ${old[9]}).`,
      'Would delete 1 event that parked events point at: retrying those finds nothing.',
    ]);
    expect(await eventIds()).toEqual([...old, ...recent]);
  });

  it('--before is a day (00:00 UTC) or an instant with its offset; anything else, or the future, is refused and deletes nothing', async () => {
    const now = new Date('2026-03-01T12:00:00Z');
    expect(parseBefore('2026-02-28', now)).toEqual(new Date('2026-02-28T00:00:00Z'));
    expect(parseBefore('2026-03-01T13:30:00+02:00', now)).toEqual(new Date('2026-03-01T11:30:00Z'));
    expect(parseBefore('2026-03-01T12:00:00Z', now)).toEqual(now);
    const refused = (value: string) => {
      try {
        parseBefore(value, now);
      } catch (error) {
        expect(error).toBeInstanceOf(DomainError);
        return (error as Error).message;
      }
      throw new Error(`${value} was taken`);
    };
    for (const bad of [
      '',
      'yesterday',
      '2026-02-30',
      '2026-13-01',
      '1/2/2026',
      '2026-02-01T10:00:00',
    ]) {
      expect(refused(bad)).toMatch(/^before: ".*" is not a date: give YYYY-MM-DD/);
    }
    expect(refused('2026-03-02')).toBe(
      'before: 2026-03-02T00:00:00.000Z is in the future (now is 2026-03-01T12:00:00.000Z): nothing was deleted',
    );
    expect(refused('2026-03-01T12:00:00.001Z')).toMatch(/is in the future/);

    await resetLog();
    const { old, recent } = await writeEvents(3, 1);
    await expect(pruneEvents(server, { before: new Date(clock.ms() + 60_000) })).rejects.toThrow(
      /is in the future/,
    );
    expect(await eventIds()).toEqual([...old, ...recent]);
  });
});

describe('pnpm cli events:prune', () => {
  // In this process; of two runs side by side, one writes (the other is refused before it would).
  const run = (...args: string[]) =>
    runCli(['events:prune', ...args], {
      ...process.env,
      DATABASE_URL: server.db.url,
      CLAPPER_SECRET: secret,
    });

  it('prints what it deleted and the triggers it kept events for; a date in the future is exit 1 and deletes nothing', async () => {
    await resetLog();
    const { old, recent } = await writeEvents(6, 1);
    const trigger = await addTrigger(bots.inactive, 'sync', old[3]!);
    await park(trigger.id, old[1]!);

    const [pruned, future] = await Promise.all([
      run('--before', '2002-01-01'),
      run('--before', '2999-01-01'),
    ]);
    expect(future.code, future.stderr).toBe(1);
    expect(future.stdout).toBe('');
    expect(future.stderr).toMatch(
      /^error: before: 2999-01-01T00:00:00\.000Z is in the future \(now is [^)]+\): nothing was deleted\n$/,
    );

    expect(pruned.code, pruned.stderr).toBe(0);
    expect(pruned.stdout).toBe('');
    expect(pruned.stderr.split('\n')).toEqual([
      `Deleted 3 events written before 2002-01-01T00:00:00.000Z (ids up to ${old[3]}) in 1 batch.`,
      `Kept events after id ${old[3]} for triggers: bot "Old syncer" trigger "sync" (cursor ${old[3]}, bot inactive); 2 events kept. Let them catch up, delete a bot no longer used (its triggers go with it), or prune with --force.`,
      'Kept 1 event that parked events point at (an admin may retry them).',
      '',
    ]);
    expect(await eventIds()).toEqual([old[1], old[4], old[5], ...recent]);
  });
});

describe('CLAPPER_EVENTS_RETAIN_DAYS', () => {
  it('is a number of days, 0 (or unset) keeping events forever', () => {
    const days = (value: string | undefined) =>
      apiConfigFromEnv(loadEnv({ CLAPPER_EVENTS_RETAIN_DAYS: value })).eventsRetainDays;
    expect(days(undefined)).toBe(0);
    expect(days('')).toBe(0);
    expect(days('0')).toBe(0);
    expect(days('90')).toBe(90);
    expect(() => days('-1')).toThrow(/CLAPPER_EVENTS_RETAIN_DAYS/);
    expect(() => days('1.5')).toThrow(/CLAPPER_EVENTS_RETAIN_DAYS/);
  });

  it('the server prunes what is older by its clock on a timer, logs it at info, and stops on close', async () => {
    const retainClock = testClock();
    const retaining = await startTestServer({
      now: retainClock.now,
      config: { eventsRetainDays: 30, eventsPruneEveryMs: 50 },
    });
    try {
      const write = async (daysAgo: number) => {
        const e = retaining.orm.em.fork();
        const event = e.create(Event, {
          type: 'test.event',
          actorKind: 'system',
          actorName: 'system',
          createdAt: new Date(retainClock.ms() - daysAgo * DAY_MS),
        });
        await e.flush();
        return event.id;
      };
      const ids = async () =>
        (await retaining.orm.em.fork().find(Event, {}, { orderBy: { id: 'asc' } })).map(
          (e) => e.id,
        );
      const pruned = () =>
        retaining.logs
          .flatMap((chunk) => chunk.split('\n').filter(Boolean))
          .map((line) => JSON.parse(line) as { level: number; msg: string; eventsDeleted?: number })
          .filter((l) => l.msg.startsWith('event log pruned') && l.eventsDeleted! > 0);

      // The first admin's event is written now: the log starts over, oldest first.
      await retaining.orm.em.fork().nativeDelete(Event, {});
      const ancient = await write(40);
      const recent = await write(10);
      const today = await write(0);
      await until(() => (pruned().length >= 1 ? true : undefined), 5000);
      expect(await ids()).not.toContain(ancient);
      expect(await ids()).toEqual(expect.arrayContaining([recent, today]));
      expect(pruned()[0]).toMatchObject({ level: 30, eventsDeleted: expect.any(Number) });
      expect(pruned()[0]!.msg).toMatch(/^event log pruned: Deleted \d+ events? written before /);

      // 25 days on, the ten-day-old event is past thirty: the next run takes it.
      retainClock.advance(25 * DAY_MS);
      await until(() => (pruned().length >= 2 ? true : undefined), 5000);
      expect(await ids()).toEqual([today]);

      // Called directly (what the timer calls): the same rules, nothing left to do.
      const report = await retaining.services.eventRetention.run();
      expect(report).toMatchObject({ deleted: 0, force: false });
    } finally {
      await retaining.close();
    }
    // Closed: the timer is gone and a run does nothing.
    expect(await retaining.services.eventRetention.run()).toBeNull();
  });
});

import type Database from 'better-sqlite3';
import type pg from 'pg';
import { dialectOf, type Orm } from '../orm';
import { numbered, type ReadConnection } from '../reads/connection';
import { toBool } from '../reads/values';

/** A trigger whose cursor is behind a point of the log: it still needs the events after it. */
export interface TriggerBehindRow {
  bot: string;
  botActive: boolean;
  /** `YYYY-MM-DD`: the bot's last day (UTC). */
  botExpiresAt: string | null;
  trigger: string;
  cursor: number;
}

/**
 * The event log's oldest part, for pruning it: what it looks at is read on the hot reads'
 * connection (beside the writer, never holding it), and it is deleted a short statement at a
 * time on the ORM's connection, walking the primary key, so writers wait at most one batch.
 * Every statement binds its values.
 */
export function eventLogPruning(orm: Orm, reads: ReadConnection) {
  const one = async (sql: string, params: readonly unknown[]): Promise<number | null> => {
    const [row] = await reads.all<{ v: number | string | null }>(sql, params);
    return row?.v == null ? null : Number(row.v);
  };

  return {
    /** The last event id that exists at or below `id`; null when none does. */
    lastAtOrBelow: (id: number) => one('select max(id) as v from events where id <= ?', [id]),

    /** Events in (`after`, `upTo`]. */
    count: async (after: number, upTo: number) =>
      (await one('select count(*) as v from events where id > ? and id <= ?', [after, upTo])) ?? 0,

    /** Events up to `upTo` that a parked event points at (an admin may ask for them again). */
    parkedUpTo: async (upTo: number) =>
      (await one(
        `select count(*) as v from events
          where id <= ? and id in (select event_id from parked_events)`,
        [upTo],
      )) ?? 0,

    /** Triggers whose cursor is below `id`, their bot's name and state, lowest cursor first. */
    async triggersBelow(id: number): Promise<TriggerBehindRow[]> {
      const rows = await reads.all<{
        bot: string;
        active: unknown;
        expiresAt: string | null;
        trigger: string;
        cursor: number | string;
      }>(
        `select p.name as bot, p.active as active, p.expires_at as "expiresAt",
          t.name as "trigger", t."cursor" as "cursor"
          from triggers t join people p on p.id = t.bot_id
          where t."cursor" < ? order by t."cursor", p.name, t.name`,
        [id],
      );
      return rows.map((r) => ({
        bot: r.bot,
        botActive: toBool(r.active),
        botExpiresAt: r.expiresAt,
        trigger: r.trigger,
        cursor: Number(r.cursor),
      }));
    },

    /**
     * Where a batch of `size` events after `after` ends: the id of the `size`-th one, or
     * `upTo` when fewer are left.
     */
    batchEnd: async (after: number, upTo: number, size: number) =>
      (await one(
        'select id as v from events where id > ? and id <= ? order by id limit 1 offset ?',
        [after, upTo, size - 1],
      )) ?? upTo,

    /**
     * Deletes the events in (`after`, `end`] written before `before` (one statement, its own
     * transaction), but those a parked event points at unless `keepParked` is false; how many.
     */
    deleteBatch: (
      after: number,
      end: number,
      before: Date,
      { keepParked }: { keepParked: boolean },
    ): Promise<number> =>
      runCounted(
        orm,
        `delete from events where id > ? and id <= ? and created_at < ?${
          keepParked ? ' and id not in (select event_id from parked_events)' : ''
        }`,
        [after, end, before],
      ),
  };
}

export type EventLogPruning = ReturnType<typeof eventLogPruning>;

/**
 * One statement on the ORM's own connection, taken from its pool like any ORM query (so on
 * SQLite it waits for a transaction in progress rather than run inside it), with its values
 * bound; the rows it changed.
 */
async function runCounted(orm: Orm, sql: string, params: readonly unknown[]): Promise<number> {
  const client = orm.em.getConnection().getKnex().client;
  const connection: unknown = await client.acquireConnection();
  const logger = orm.config.getLogger();
  if (logger.isEnabled('query')) logger.log('query', sql);
  try {
    if (dialectOf(orm) === 'sqlite') {
      const values = params.map((v) => (v instanceof Date ? v.getTime() : v));
      return (connection as Database.Database).prepare(sql).run(...values).changes;
    }
    const result = await (connection as pg.Client).query(numbered(sql), params as unknown[]);
    return result.rowCount ?? 0;
  } finally {
    await client.releaseConnection(connection);
  }
}

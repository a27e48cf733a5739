import { type Orm, openDatabase } from '@clapper/db';
import type { TestDatabase } from '@clapper/db/testing';
import { startTcpRelay } from './tcp-relay';

/**
 * A prepared database that can be taken away from the server that serves `served`:
 * - PostgreSQL sits behind a TCP relay that resets its connections and refuses new ones;
 * - SQLite is held by another connection's write lock, so writes wait out the busy timeout
 *   and fail (reads go on, as WAL lets them).
 */
export async function databaseWithOutages(db: TestDatabase) {
  const relay = db.dialect === 'postgres' ? await startTcpRelay(db) : undefined;
  let locker: Orm | undefined;
  return {
    /** The database as the server should open it (through the relay on PostgreSQL). */
    served: relay ? { ...db, url: relay.relayedUrl } : db,
    async goAway() {
      if (relay) return relay.cut();
      locker = await openDatabase(db.url);
      await locker.em.getConnection().execute('begin immediate');
    },
    async comeBack() {
      if (relay) return relay.restore();
      await locker?.em.getConnection().execute('commit');
      await locker?.close(true);
      locker = undefined;
    },
    async close() {
      await relay?.close();
      await locker?.close(true);
    },
  };
}

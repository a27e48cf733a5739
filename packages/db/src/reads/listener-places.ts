import type { ReadConnection } from './connection';

/** Where a principal's Socket.IO listener had got, and when that was last known. */
export interface ListenerPlaceRow {
  eventId: number;
  savedAt: Date;
}

export function listenerPlaceReads(db: ReadConnection) {
  return {
    async of(principalId: string): Promise<ListenerPlaceRow | null> {
      const [row] = await db.all<{ eventId: number; savedAt: Date | number | string }>(
        `select event_id as "eventId", saved_at as "savedAt" from listener_places
         where principal_id = ?`,
        [principalId],
      );
      // SQLite holds the ORM's epoch milliseconds; pg gives a Date.
      return row ? { eventId: Number(row.eventId), savedAt: new Date(row.savedAt) } : null;
    },
  };
}

import pg from 'pg';
import { dialectOf, type Orm } from './orm';

export interface Listener {
  close(): Promise<void>;
}

const RECONNECT_MS = 1000;

/**
 * LISTENs on a PostgreSQL channel over a connection of its own (a pooled one
 * would be handed to queries), reconnecting after a drop. SQLite has no
 * channel: one server owns a database file, so this returns null.
 */
export async function listen(
  orm: Orm,
  channel: string,
  onMessage: (payload: string) => void,
  onError: (error: unknown) => void = () => {},
): Promise<Listener | null> {
  if (dialectOf(orm) !== 'postgres') return null;
  const connectionString = orm.config.get('clientUrl');
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const reconnectLater = () => {
    if (closed) return;
    retry = setTimeout(() => {
      connect().catch((error) => {
        onError(error);
        reconnectLater();
      });
    }, RECONNECT_MS);
  };
  const connect = async () => {
    const next = new pg.Client({ connectionString });
    next.on('notification', (message) => {
      if (message.channel === channel) onMessage(message.payload ?? '');
    });
    next.on('error', (error) => {
      onError(error);
      next.end().catch(() => {});
      reconnectLater();
    });
    await next.connect();
    await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    client = next;
  };
  await connect();
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      await client?.end();
    },
  };
}

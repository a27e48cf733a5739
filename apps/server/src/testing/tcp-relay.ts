import { connect, createServer, type Socket } from 'node:net';

/**
 * A TCP relay in front of a server (Clapper, or its PostgreSQL), for the network's faults:
 * - `freeze()`: nothing more passes either way and neither end is told, as when a laptop's lid
 *   shuts or a network drops packets. What is written after that is lost, and each end goes on
 *   thinking the connection is up.
 * - `cut()`: every connection is reset and new ones are refused until `restore()`, as when the
 *   server behind stops.
 */
export async function startTcpRelay(target: { url: string }) {
  const { hostname, port } = new URL(target.url);
  const pairs = new Set<[Socket, Socket]>();
  let frozen = false;
  let down = false;
  const relay = createServer((client) => {
    if (down) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(Number(port), hostname);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    client.on('data', (chunk) => frozen || upstream.write(chunk));
    upstream.on('data', (chunk) => frozen || client.write(chunk));
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of pair) {
      socket.on('error', end);
      // A frozen link says nothing of either end going away.
      socket.on('close', () => frozen || end());
    }
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const address = relay.address() as { port: number };
  const relayed = new URL(target.url);
  relayed.hostname = '127.0.0.1';
  relayed.port = String(address.port);
  return {
    url: `http://127.0.0.1:${address.port}`,
    /** The target's URL (scheme, credentials, path) with the relay's host and port. */
    relayedUrl: relayed.toString(),
    /** From now on, nothing passes on any connection, open or new. */
    freeze() {
      frozen = true;
    },
    /** Resets every open connection and refuses new ones, until `restore()`. */
    cut() {
      down = true;
      for (const [client] of pairs) client.resetAndDestroy();
    },
    restore() {
      down = false;
    },
    close() {
      for (const [client, upstream] of pairs) {
        client.destroy();
        upstream.destroy();
      }
      return new Promise<void>((resolve) => relay.close(() => resolve()));
    },
  };
}

import { connect, createServer, type Socket } from 'node:net';

/**
 * A TCP relay in front of a server whose connections can be frozen: nothing more passes either
 * way, and neither end is told, as when a laptop's lid shuts or a network drops packets. What
 * the server writes after that is lost, and it goes on thinking the connection is up.
 */
export async function startFreezableRelay(target: { url: string }) {
  const { hostname, port } = new URL(target.url);
  const pairs = new Set<[Socket, Socket]>();
  let frozen = false;
  const relay = createServer((client) => {
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
  return {
    url: `http://127.0.0.1:${address.port}`,
    /** From now on, nothing passes on any connection, open or new. */
    freeze() {
      frozen = true;
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

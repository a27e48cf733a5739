import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/**
 * Serves the built admin at `/`, with the single-page app's index for its client-side routes.
 * Each request looks its file up by path under `dir` (the wildcard route): `pnpm start` and
 * `pnpm build` swap a new build in while servers run (scripts/lib/publish.ts), and a list of
 * files taken at start (`wildcard: false`) would miss the new build's assets. Dotfiles (the
 * build stamp) are not served.
 */
export async function registerAdmin(app: FastifyInstance, dir: string | null) {
  if (!dir || !existsSync(join(dir, 'index.html'))) {
    app.get('/', async () => ({
      name: 'Clapper',
      api: '/trpc',
      admin: 'not built: run `pnpm build` to serve the web admin here',
    }));
    return;
  }
  await app.register(fastifyStatic, {
    root: dir,
    prefix: '/',
    wildcard: true,
    dotfiles: 'ignore',
    index: 'index.html',
  });
  app.setNotFoundHandler((req, reply) => {
    const wantsPage =
      req.method === 'GET' &&
      !req.url.startsWith('/trpc') &&
      req.headers.accept?.includes('text/html');
    if (wantsPage) return reply.sendFile('index.html');
    return reply.code(404).send({ error: 'Not Found', path: req.url.split('?')[0] });
  });
}

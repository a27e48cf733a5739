/**
 * Kitsu's API as gazu calls it, registered at `/api` so `gazu.set_host(".../api")` works with
 * only the host and the token changed. Each route calls the router's procedures (surface.ts)
 * and answers in zou's shapes (views.ts, entities.ts); docs/gazu-requests.md has what gazu
 * sends and zou answers, read from their source.
 */
import type { FastifyInstance } from 'fastify';
import { assetRoutes } from './routes/assets';
import { clientRoutes } from './routes/client';
import { peopleRoutes } from './routes/people';
import { projectRoutes } from './routes/projects';
import { shotRoutes } from './routes/shots';
import { entityRoutes } from './routes/subjects';
import { taskRoutes } from './routes/tasks';
import { userRoutes } from './routes/user';
import { createSurface, type KitsuOptions } from './surface';

export type { KitsuOptions } from './surface';

export async function registerKitsu<TContext>(
  api: FastifyInstance,
  options: KitsuOptions<TContext>,
) {
  const k = createSurface(api, options);
  clientRoutes(k);
  projectRoutes(k);
  peopleRoutes(k);
  shotRoutes(k);
  assetRoutes(k);
  entityRoutes(k);
  taskRoutes(k);
  userRoutes(k);
}

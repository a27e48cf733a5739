/** What shots and assets share in zou: `/data/entities/<id>` and removal. */

import {
  type ClapperAsset,
  type ClapperShot,
  kitsuAsset,
  kitsuShot,
  withRelations,
} from '../entities';
import { badParameter, type KitsuRequest, type KitsuSurface, orNull } from '../surface';
import { updateAsset } from './assets';
import { updateShot } from './shots';

type Kind = 'shots' | 'assets';

/** The shot or asset with this id, as far as the caller may read it; NOT_FOUND if neither. */
export async function entityById(r: KitsuRequest, id: string) {
  const shot = await orNull(r.call<ClapperShot>('shots.get', { id }));
  if (shot) return { kind: 'shots' as const, shot };
  return { kind: 'assets' as const, asset: await r.call<ClapperAsset>('assets.get', { id }) };
}

/**
 * remove_shot, remove_asset. zou only marks one with tasks canceled unless `force` is given;
 * Clapper has no canceled state, so without `force` such a removal is refused (400, which gazu
 * raises) rather than deleting the tasks and their comments.
 */
export async function removeSubject(r: KitsuRequest, kind: Kind) {
  const id = r.id('id');
  const entity = await r.call<{ projectId: string }>(`${kind}.get`, { id });
  if (!r.flag('force')) {
    const tasks = await r.call<{ items: unknown[] }>('tasks.list', {
      projectId: entity.projectId,
      entityId: id,
      limit: 1,
    });
    if (tasks.items.length > 0) {
      throw badParameter('force', 'has tasks: remove it with force=True to delete them too');
    }
  }
  await r.call(`${kind}.delete`, { id });
}

export function entityRoutes(k: KitsuSurface) {
  k.get('/data/entities/:id', async (r) => {
    const entity = await entityById(r, r.id('id'));
    return withRelations(
      entity.kind === 'shots' ? kitsuShot(entity.shot) : kitsuAsset(entity.asset),
    );
  });

  // update_shot, update_asset: the whole dict, of which Clapper keeps what it has.
  k.put('/data/entities/:id', async (r) => {
    const entity = await entityById(r, r.id('id'));
    const updated =
      entity.kind === 'shots'
        ? await updateShot(r, entity.shot)
        : await updateAsset(r, entity.asset);
    return withRelations(updated);
  });
}

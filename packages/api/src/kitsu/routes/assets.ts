/** gazu.asset: asset types and assets, read, made, changed and removed. */
import {
  type ClapperAsset,
  type ClapperAssetType,
  type ClapperTask,
  kitsuAsset,
  kitsuAssetType,
  kitsuFullAsset,
} from '../entities';
import { badParameter, filtered, type KitsuRequest, type KitsuSurface } from '../surface';
import { projectById } from './projects';
import { removeSubject } from './subjects';

const byName = <T extends { name: string }>(rows: T[]) =>
  rows.sort((a, b) => a.name.localeCompare(b.name));

const assetTypeById = (r: KitsuRequest, id: string) =>
  r.call<ClapperAssetType>('assetTypes.get', { id });

export function assetRoutes(k: KitsuSurface) {
  // all_asset_types, get_asset_type.
  k.get('/data/asset-types', async (r) =>
    byName(await r.pages<ClapperAssetType>('assetTypes.list')).map((t) => kitsuAssetType(t)),
  );
  k.get('/data/asset-types/:id', async (r) => kitsuAssetType(await assetTypeById(r, r.id('id'))));

  // get_asset_type_by_name goes to the generic entity-type route. Clapper's shots and
  // sequences are kinds, not records: this route lists asset types only.
  k.get('/data/entity-types', async (r) =>
    filtered(
      r,
      (await r.pages<ClapperAssetType>('assetTypes.list')).map((t) =>
        kitsuAssetType(t, { type: 'EntityType', withTaskTypes: false }),
      ),
    ),
  );

  // all_asset_types_for_project: the types of the project's assets.
  k.get('/data/projects/:id/asset-types', async (r) =>
    byName(await r.pages<ClapperAssetType>('assetTypes.list', { projectId: r.id('id') })).map((t) =>
      kitsuAssetType(t, { withTaskTypes: false }),
    ),
  );

  // all_assets_for_project, all_assets_for_project_and_type.
  k.get('/data/projects/:id/assets', async (r) =>
    byName(await r.pages<ClapperAsset>('assets.list', { projectId: r.id('id') })).map(kitsuAsset),
  );
  k.get('/data/projects/:id/asset-types/:typeId/assets', async (r) =>
    byName(
      await r.pages<ClapperAsset>('assets.list', {
        projectId: r.id('id'),
        assetTypeId: r.id('typeId'),
      }),
    ).map(kitsuAsset),
  );

  // get_asset_by_name (`?project_id=&name=[&entity_type_id=]`). zou lists every project's
  // assets to admins without a project; Clapper asks every caller for the project.
  for (const url of ['/data/assets/all', '/data/assets']) {
    k.get(url, async (r) => {
      const projectId = r.queryId('project_id');
      if (projectId === undefined) throw badParameter('project_id', 'give the project');
      const assets = await r.pages<ClapperAsset>('assets.list', {
        projectId,
        assetTypeId: r.queryId('entity_type_id'),
      });
      return byName(filtered(r, assets.map(kitsuAsset)));
    });
  }

  // get_asset: the full asset, with its type and tasks.
  k.get('/data/assets/:id', async (r) => {
    const asset = await r.call<ClapperAsset>('assets.get', { id: r.id('id') });
    const [project, tasks] = await Promise.all([
      projectById(r, asset.projectId),
      r.pages<ClapperTask>('tasks.list', { projectId: asset.projectId, entityId: asset.id }),
    ]);
    return kitsuFullAsset(asset, project.name, tasks);
  });

  // new_asset: 201 with the plain asset; a duplicate name is refused (400), as in zou.
  k.post('/data/projects/:id/asset-types/:typeId/assets/new', async (r) => {
    const type = await assetTypeById(r, r.id('typeId'));
    const { name } = r.body();
    return kitsuAsset(
      await r.call<ClapperAsset>('assets.create', {
        projectId: r.id('id'),
        assetType: type.name,
        name,
      }),
    );
  });

  // remove_asset (`?force=True` to delete one with tasks).
  k.delete('/data/assets/:id', (r) => removeSubject(r, 'assets'));
}

/** update_asset's `PUT /data/entities/<id>`: the name and the type (`entity_type_id`). */
export async function updateAsset(r: KitsuRequest, asset: ClapperAsset) {
  const body = r.body();
  let assetType: string | undefined;
  if (typeof body.entity_type_id === 'string' && body.entity_type_id !== asset.assetTypeId) {
    assetType = (await assetTypeById(r, body.entity_type_id)).name;
  }
  return kitsuAsset(
    await r.call<ClapperAsset>('assets.update', {
      id: asset.id,
      ...(body.name === undefined ? {} : { name: body.name }),
      ...(assetType === undefined ? {} : { assetType }),
    }),
  );
}

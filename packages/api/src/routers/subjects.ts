/** Assets and shots (one table, two routers), and what groups them: sequences, asset types. */

import {
  createSequence,
  getAssetType,
  getSequence,
  listAssetTypes,
  listSequences,
  ZCreateSequenceInput,
  ZGroupIdInput,
  ZListAssetTypesInput,
  ZListSequencesInput,
} from '../domain/subject-groups';
import {
  createAsset,
  createShot,
  deleteSubject,
  getSubject,
  listSubjects,
  updateAsset,
  updateShot,
  ZCreateAssetInput,
  ZCreateShotInput,
  ZListAssetsInput,
  ZListShotsInput,
  ZSubjectIdInput,
  ZUpdateAssetInput,
  ZUpdateShotInput,
} from '../domain/subjects';
import { rest } from '../rest/meta';
import * as wire from '../rest/wire';
import { authedProcedure, readProcedure, router } from '../trpc';

export const assetsRouter = router({
  list: readProcedure
    .meta(rest('GET', '/projects/{projectId}/assets', wire.AssetPage, "A project's assets"))
    .input(ZListAssetsInput)
    .query(({ ctx, input }) => listSubjects(ctx, { ...input, kind: 'asset' })),
  get: authedProcedure
    .meta(rest('GET', '/assets/{id}', wire.Asset, 'An asset'))
    .input(ZSubjectIdInput)
    .query(({ ctx, input }) => getSubject(ctx, { kind: 'asset', id: input.id })),
  create: authedProcedure
    .meta(rest('POST', '/projects/{projectId}/assets', wire.Asset, 'A new asset'))
    .input(ZCreateAssetInput)
    .mutation(({ ctx, input }) => createAsset(ctx, input)),
  update: authedProcedure
    .meta(rest('PATCH', '/assets/{id}', wire.Asset, "An asset's name or type"))
    .input(ZUpdateAssetInput)
    .mutation(({ ctx, input }) => updateAsset(ctx, input)),
  delete: authedProcedure
    .meta(rest('DELETE', '/assets/{id}', wire.Deleted, 'Deletes an asset'))
    .input(ZSubjectIdInput)
    .mutation(({ ctx, input }) => deleteSubject(ctx, { kind: 'asset', id: input.id })),
});

export const shotsRouter = router({
  list: readProcedure
    .meta(rest('GET', '/projects/{projectId}/shots', wire.ShotPage, "A project's shots"))
    .input(ZListShotsInput)
    .query(({ ctx, input }) => listSubjects(ctx, { ...input, kind: 'shot' })),
  get: authedProcedure
    .meta(rest('GET', '/shots/{id}', wire.Shot, 'A shot'))
    .input(ZSubjectIdInput)
    .query(({ ctx, input }) => getSubject(ctx, { kind: 'shot', id: input.id })),
  create: authedProcedure
    .meta(rest('POST', '/projects/{projectId}/shots', wire.Shot, 'A new shot'))
    .input(ZCreateShotInput)
    .mutation(({ ctx, input }) => createShot(ctx, input)),
  update: authedProcedure
    .meta(rest('PATCH', '/shots/{id}', wire.Shot, "A shot's sequence, name or frames"))
    .input(ZUpdateShotInput)
    .mutation(({ ctx, input }) => updateShot(ctx, input)),
  delete: authedProcedure
    .meta(rest('DELETE', '/shots/{id}', wire.Deleted, 'Deletes a shot'))
    .input(ZSubjectIdInput)
    .mutation(({ ctx, input }) => deleteSubject(ctx, { kind: 'shot', id: input.id })),
});

export const sequencesRouter = router({
  list: readProcedure
    .meta(
      rest('GET', '/projects/{projectId}/sequences', wire.SequencePage, "A project's sequences"),
    )
    .input(ZListSequencesInput)
    .query(({ ctx, input }) => listSequences(ctx, input)),
  get: readProcedure
    .meta(rest('GET', '/sequences/{id}', wire.Sequence, 'A sequence'))
    .input(ZGroupIdInput)
    .query(({ ctx, input }) => getSequence(ctx, input)),
  create: authedProcedure
    .meta(rest('POST', '/projects/{projectId}/sequences', wire.Sequence, 'A new sequence'))
    .input(ZCreateSequenceInput)
    .mutation(({ ctx, input }) => createSequence(ctx, input)),
});

export const assetTypesRouter = router({
  list: readProcedure
    .meta(rest('GET', '/asset-types', wire.AssetTypePage, "Asset types, or a project's"))
    .input(ZListAssetTypesInput)
    .query(({ ctx, input }) => listAssetTypes(ctx, input)),
  get: readProcedure
    .meta(rest('GET', '/asset-types/{id}', wire.AssetType, 'An asset type'))
    .input(ZGroupIdInput)
    .query(({ ctx, input }) => getAssetType(ctx, input)),
});

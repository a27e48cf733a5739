/** Assets and shots: one table, two routers (domain/subjects.ts). */
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
import { authedProcedure, readProcedure, router } from '../trpc';

export const assetsRouter = router({
  list: readProcedure
    .input(ZListAssetsInput)
    .query(({ ctx, input }) => listSubjects(ctx, 'asset', input)),
  get: authedProcedure
    .input(ZSubjectIdInput)
    .query(({ ctx, input }) => getSubject(ctx, 'asset', input.id)),
  create: authedProcedure
    .input(ZCreateAssetInput)
    .mutation(({ ctx, input }) => createAsset(ctx, input)),
  update: authedProcedure
    .input(ZUpdateAssetInput)
    .mutation(({ ctx, input }) => updateAsset(ctx, input)),
  delete: authedProcedure
    .input(ZSubjectIdInput)
    .mutation(({ ctx, input }) => deleteSubject(ctx, 'asset', input.id)),
});

export const shotsRouter = router({
  list: readProcedure
    .input(ZListShotsInput)
    .query(({ ctx, input }) => listSubjects(ctx, 'shot', input)),
  get: authedProcedure
    .input(ZSubjectIdInput)
    .query(({ ctx, input }) => getSubject(ctx, 'shot', input.id)),
  create: authedProcedure
    .input(ZCreateShotInput)
    .mutation(({ ctx, input }) => createShot(ctx, input)),
  update: authedProcedure
    .input(ZUpdateShotInput)
    .mutation(({ ctx, input }) => updateShot(ctx, input)),
  delete: authedProcedure
    .input(ZSubjectIdInput)
    .mutation(({ ctx, input }) => deleteSubject(ctx, 'shot', input.id)),
});

/** Assets and shots: the two kinds of entity tasks are about, one table, two routers. */
import { Entity, type EntityKind, type EntityRow, entityRowOf } from '@clapper/db';
import { z } from 'zod';
import type { Access } from '../domain/access';
import type { DomainDeps } from '../domain/people';
import { MAX_INT, ZId, ZName } from '../domain/schemas';
import { badRequest, conflict, notFound } from '../errors';
import { flushWithEvent } from '../events';
import { type Page, toPage, ZPage } from '../pagination';
import type { ApiServices } from '../services';
import { authedProcedure, readProcedure, router } from '../trpc';
import { assetView, shotView } from '../views/production';

const ZFrame = z
  .number()
  .int('must be a whole frame number')
  .min(0, 'must not be negative')
  .max(MAX_INT, 'is too large');

async function listEntities<V>(
  { services, access }: { services: ApiServices; access: Access },
  kind: EntityKind,
  input: { projectId: string; sequence?: string; cursor?: string; limit: number },
  view: (row: EntityRow) => V,
): Promise<Page<V>> {
  await access.project(input.projectId);
  const reach = await access.reach('readEntities', input.projectId);
  if (reach === 'none') throw notFound('Project');
  const filter = {
    projectId: input.projectId,
    kind,
    sequence: input.sequence,
    assignedTo: reach === 'assigned' ? access.principal.id : undefined,
    cursor: input.cursor,
  };
  const key = `${kind}s.list ${JSON.stringify([filter, input.limit])}`;
  return services.cache.page(input.projectId, key, async () => {
    const page = toPage(await services.reads.entities.page(filter, input.limit + 1), input.limit);
    return {
      items: page.items.map(view),
      nextCursor: page.nextCursor,
    };
  });
}

async function assertNameFree(
  { em }: DomainDeps,
  e: { projectId: string; kind: EntityKind; sequence: string; name: string },
  exceptId?: string,
) {
  const taken = await em.count(Entity, {
    project: e.projectId,
    kind: e.kind,
    sequence: e.sequence,
    name: e.name,
    ...(exceptId ? { id: { $ne: exceptId } } : {}),
  });
  if (taken === 0) return;
  throw conflict(
    'name',
    e.kind === 'asset'
      ? `An asset named "${e.name}" already exists in this project`
      : `A shot named "${e.name}" already exists in sequence "${e.sequence}"`,
  );
}

function assertFrames(frameIn: number | null | undefined, frameOut: number | null | undefined) {
  if (frameIn != null && frameOut != null && frameOut < frameIn) {
    throw badRequest('frameOut', `must not be before frameIn (${frameIn})`);
  }
}

async function removeEntity(
  { em, access, principal }: DomainDeps & { access: Access; principal: Access['principal'] },
  id: string,
  kind: EntityKind,
) {
  const entity = await access.entity(em, id, kind, 'changeEntities');
  em.remove(entity);
  await flushWithEvent(em, principal, {
    type: `${kind}.deleted`,
    projectId: entity.project.id,
    targetType: kind,
    targetId: entity.id,
    data: { name: entity.name },
  });
  return { ok: true as const, id };
}

export const assetsRouter = router({
  list: readProcedure
    .input(z.object({ projectId: ZId, ...ZPage }))
    .query(async ({ ctx, input }) => {
      return listEntities(ctx, 'asset', input, assetView);
    }),
  get: authedProcedure
    .input(z.object({ id: ZId }))
    .query(async ({ ctx, input }) =>
      assetView(entityRowOf(await ctx.access.entity(ctx.em, input.id, 'asset'))),
    ),
  create: authedProcedure
    .input(z.object({ projectId: ZId, assetType: ZName, name: ZName }))
    .mutation(async ({ ctx, input }) => {
      const { em, access, principal } = ctx;
      await access.project(input.projectId, 'changeEntities');
      await assertNameFree(ctx, { ...input, kind: 'asset', sequence: '' });
      const asset = em.create(Entity, {
        project: input.projectId,
        kind: 'asset',
        name: input.name,
        assetType: input.assetType,
      });
      await flushWithEvent(em, principal, {
        type: 'asset.created',
        projectId: input.projectId,
        targetType: 'asset',
        targetId: asset.id,
        data: { name: input.name, assetType: input.assetType },
      });
      return assetView(entityRowOf(asset));
    }),
  update: authedProcedure
    .input(z.object({ id: ZId, assetType: ZName.optional(), name: ZName.optional() }))
    .mutation(async ({ ctx, input }) => {
      const { em, access, principal } = ctx;
      const asset = await access.entity(em, input.id, 'asset', 'changeEntities');
      if (input.name !== undefined && input.name !== asset.name) {
        await assertNameFree(
          ctx,
          { projectId: asset.project.id, kind: 'asset', sequence: '', name: input.name },
          asset.id,
        );
        asset.name = input.name;
      }
      if (input.assetType !== undefined) asset.assetType = input.assetType;
      await flushWithEvent(em, principal, {
        type: 'asset.updated',
        projectId: asset.project.id,
        targetType: 'asset',
        targetId: asset.id,
        data: { name: input.name, assetType: input.assetType },
      });
      return assetView(entityRowOf(asset));
    }),
  delete: authedProcedure
    .input(z.object({ id: ZId }))
    .mutation(({ ctx, input }) => removeEntity(ctx, input.id, 'asset')),
});

export const shotsRouter = router({
  list: readProcedure
    .input(z.object({ projectId: ZId, sequence: ZName.optional(), ...ZPage }))
    .query(async ({ ctx, input }) => {
      return listEntities(ctx, 'shot', input, shotView);
    }),
  get: authedProcedure
    .input(z.object({ id: ZId }))
    .query(async ({ ctx, input }) =>
      shotView(entityRowOf(await ctx.access.entity(ctx.em, input.id, 'shot'))),
    ),
  create: authedProcedure
    .input(
      z.object({
        projectId: ZId,
        sequence: ZName,
        name: ZName,
        frameIn: ZFrame.nullish(),
        frameOut: ZFrame.nullish(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { em, access, principal } = ctx;
      await access.project(input.projectId, 'changeEntities');
      assertFrames(input.frameIn, input.frameOut);
      await assertNameFree(ctx, { ...input, kind: 'shot' });
      const shot = em.create(Entity, {
        project: input.projectId,
        kind: 'shot',
        name: input.name,
        sequence: input.sequence,
        frameIn: input.frameIn ?? null,
        frameOut: input.frameOut ?? null,
      });
      await flushWithEvent(em, principal, {
        type: 'shot.created',
        projectId: input.projectId,
        targetType: 'shot',
        targetId: shot.id,
        data: { sequence: input.sequence, name: input.name },
      });
      return shotView(entityRowOf(shot));
    }),
  update: authedProcedure
    .input(
      z.object({
        id: ZId,
        sequence: ZName.optional(),
        name: ZName.optional(),
        frameIn: ZFrame.nullish(),
        frameOut: ZFrame.nullish(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { em, access, principal } = ctx;
      const shot = await access.entity(em, input.id, 'shot', 'changeEntities');
      const next = {
        sequence: input.sequence ?? shot.sequence,
        name: input.name ?? shot.name,
        frameIn: input.frameIn === undefined ? shot.frameIn : input.frameIn,
        frameOut: input.frameOut === undefined ? shot.frameOut : input.frameOut,
      };
      assertFrames(next.frameIn, next.frameOut);
      if (next.name !== shot.name || next.sequence !== shot.sequence) {
        await assertNameFree(ctx, { projectId: shot.project.id, kind: 'shot', ...next }, shot.id);
      }
      Object.assign(shot, next);
      await flushWithEvent(em, principal, {
        type: 'shot.updated',
        projectId: shot.project.id,
        targetType: 'shot',
        targetId: shot.id,
        data: next,
      });
      return shotView(entityRowOf(shot));
    }),
  delete: authedProcedure
    .input(z.object({ id: ZId }))
    .mutation(({ ctx, input }) => removeEntity(ctx, input.id, 'shot')),
});

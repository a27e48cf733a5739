/** Assets and shots: the two kinds of entity tasks are about, one table, two routers. */
import { Entity, type EntityKind, type FilterQuery, type IEntity, Task } from '@clapper/db';
import { z } from 'zod';
import type { Access } from '../domain/access';
import type { DomainDeps } from '../domain/people';
import { MAX_INT, ZId, ZName } from '../domain/schemas';
import { badRequest, conflict, notFound } from '../errors';
import { flushWithEvent } from '../events';
import { toPage, ZPage } from '../pagination';
import { authedProcedure, router } from '../trpc';
import { assetView, shotView } from '../views/production';

const ZFrame = z
  .number()
  .int('must be a whole frame number')
  .min(0, 'must not be negative')
  .max(MAX_INT, 'is too large');

async function listEntities(
  { em, access }: DomainDeps & { access: Access },
  kind: EntityKind,
  input: { projectId: string; sequence?: string; cursor?: string; limit: number },
) {
  await access.project(input.projectId);
  const reach = await access.reach('readEntities', input.projectId);
  if (reach === 'none') throw notFound('Project');
  const where: FilterQuery<IEntity>[] = [{ project: input.projectId, kind }];
  if (input.sequence !== undefined) where.push({ sequence: input.sequence });
  if (input.cursor) where.push({ id: { $gt: input.cursor } });
  if (reach === 'assigned') {
    const tasks = await em.find(
      Task,
      { project: input.projectId, assignees: access.principal.id },
      { fields: ['entity'] },
    );
    where.push({ id: { $in: tasks.map((t) => t.entity.id) } });
  }
  const rows = await em.find(
    Entity,
    { $and: where },
    { orderBy: { id: 'asc' }, limit: input.limit + 1 },
  );
  return toPage(rows, input.limit);
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
  const entity = await access.entity(id, kind, 'changeEntities');
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
  list: authedProcedure
    .input(z.object({ projectId: ZId, ...ZPage }))
    .query(async ({ ctx, input }) => {
      const page = await listEntities(ctx, 'asset', input);
      return { items: page.items.map(assetView), nextCursor: page.nextCursor };
    }),
  get: authedProcedure
    .input(z.object({ id: ZId }))
    .query(async ({ ctx, input }) => assetView(await ctx.access.entity(input.id, 'asset'))),
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
      return assetView(asset);
    }),
  update: authedProcedure
    .input(z.object({ id: ZId, assetType: ZName.optional(), name: ZName.optional() }))
    .mutation(async ({ ctx, input }) => {
      const { em, access, principal } = ctx;
      const asset = await access.entity(input.id, 'asset', 'changeEntities');
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
      return assetView(asset);
    }),
  delete: authedProcedure
    .input(z.object({ id: ZId }))
    .mutation(({ ctx, input }) => removeEntity(ctx, input.id, 'asset')),
});

export const shotsRouter = router({
  list: authedProcedure
    .input(z.object({ projectId: ZId, sequence: ZName.optional(), ...ZPage }))
    .query(async ({ ctx, input }) => {
      const page = await listEntities(ctx, 'shot', input);
      return { items: page.items.map(shotView), nextCursor: page.nextCursor };
    }),
  get: authedProcedure
    .input(z.object({ id: ZId }))
    .query(async ({ ctx, input }) => shotView(await ctx.access.entity(input.id, 'shot'))),
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
      return shotView(shot);
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
      const shot = await access.entity(input.id, 'shot', 'changeEntities');
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
      return shotView(shot);
    }),
  delete: authedProcedure
    .input(z.object({ id: ZId }))
    .mutation(({ ctx, input }) => removeEntity(ctx, input.id, 'shot')),
});

/** Assets and shots: the two kinds of subject tasks are about, one table, two routers. */
import { ref, Subject, type SubjectKind, type SubjectRow, subjectRowOf } from '@clapper/db';
import { z } from 'zod';
import { badRequest, notFound } from '../errors';
import { flushWithEvent } from '../events/write';
import { assetView, shotView } from '../views/production';
import type { CallerDeps, ReadDeps } from './deps';
import { type Page, toPage, ZPage } from './pagination';
import { MAX_INT, ZId, ZName } from './schemas';
import { assetTypeNamed, sequenceNamed } from './subject-groups';
import { assertNameFree } from './unique-names';

const ZFrame = z
  .number()
  .int('must be a whole frame number')
  .min(0, 'must not be negative')
  .max(MAX_INT, 'is too large');

export const ZSubjectIdInput = z.object({ id: ZId });
export const ZListAssetsInput = z.object({
  projectId: ZId,
  assetTypeId: ZId.optional(),
  ...ZPage,
});
export const ZListShotsInput = z.object({
  projectId: ZId,
  sequence: ZName.optional(),
  sequenceId: ZId.optional(),
  ...ZPage,
});
export const ZCreateAssetInput = z.object({ projectId: ZId, assetType: ZName, name: ZName });
export const ZUpdateAssetInput = z.object({
  id: ZId,
  assetType: ZName.optional(),
  name: ZName.optional(),
});
export const ZCreateShotInput = z.object({
  projectId: ZId,
  sequence: ZName,
  name: ZName,
  frameIn: ZFrame.nullish(),
  frameOut: ZFrame.nullish(),
});
export const ZUpdateShotInput = z.object({
  id: ZId,
  sequence: ZName.optional(),
  name: ZName.optional(),
  frameIn: ZFrame.nullish(),
  frameOut: ZFrame.nullish(),
});

const VIEWS = { asset: assetView, shot: shotView } as const;
type ViewOf<K extends SubjectKind> = ReturnType<(typeof VIEWS)[K]>;

/** A page of a project's assets or shots, as far as the caller's role reaches (its own, for a vendor). */
export async function listSubjects<K extends SubjectKind>(
  { services, access }: ReadDeps,
  {
    kind,
    ...input
  }: {
    kind: K;
    projectId: string;
    sequence?: string;
    sequenceId?: string;
    assetTypeId?: string;
    cursor?: string;
    limit: number;
  },
): Promise<Page<ViewOf<K>>> {
  await access.project(input.projectId);
  const reach = await access.reach('readSubjects', input.projectId);
  if (reach === 'none') throw notFound('Project');
  const filter = {
    projectId: input.projectId,
    kind,
    sequence: input.sequence,
    sequenceId: input.sequenceId,
    assetTypeId: input.assetTypeId,
    assignedTo: reach === 'assigned' ? access.principal.id : undefined,
    cursor: input.cursor,
  };
  const view = VIEWS[kind] as (row: SubjectRow) => ViewOf<K>;
  const key = `${kind}s.list ${JSON.stringify([filter, input.limit])}`;
  return services.cache.page(input.projectId, key, async () => {
    const page = toPage(await services.reads.subjects.page(filter, input.limit + 1), input.limit);
    return { items: page.items.map(view), nextCursor: page.nextCursor };
  });
}

export async function getSubject<K extends SubjectKind>(
  { em, access }: CallerDeps,
  { kind, id }: { kind: K; id: string },
): Promise<ViewOf<K>> {
  const view = VIEWS[kind] as (row: SubjectRow) => ViewOf<K>;
  return view(subjectRowOf(await access.subject(em, id, kind)));
}

/** Asset names are unique in a project, shot names in a sequence; exact, case kept. */
function assertSubjectNameFree(
  { em }: CallerDeps,
  s: { projectId: string; kind: SubjectKind; sequence: string; name: string },
  exceptId?: string,
) {
  return assertNameFree(em, Subject, s.kind, s.name, {
    exact: true,
    exceptId,
    among: { project: s.projectId, kind: s.kind, sequence: s.sequence },
    message:
      s.kind === 'asset'
        ? `An asset named "${s.name}" already exists in this project`
        : `A shot named "${s.name}" already exists in sequence "${s.sequence}"`,
  });
}

function assertFrames(frameIn: number | null | undefined, frameOut: number | null | undefined) {
  if (frameIn != null && frameOut != null && frameOut < frameIn) {
    throw badRequest('frameOut', `must not be before frameIn (${frameIn})`);
  }
}

export async function createAsset(deps: CallerDeps, input: z.infer<typeof ZCreateAssetInput>) {
  const { em, access, principal } = deps;
  await access.project(input.projectId, 'changeSubjects');
  await assertSubjectNameFree(deps, { ...input, kind: 'asset', sequence: '' });
  const asset = em.create(Subject, {
    project: input.projectId,
    kind: 'asset',
    name: input.name,
    assetType: input.assetType,
    assetTypeLink: await assetTypeNamed(em, input.assetType),
  });
  await flushWithEvent(em, principal, {
    type: 'asset.created',
    projectId: input.projectId,
    targetType: 'asset',
    targetId: asset.id,
    data: { name: input.name, assetType: input.assetType, assetTypeId: asset.assetTypeLink!.id },
  });
  return assetView(subjectRowOf(asset));
}

export async function updateAsset(deps: CallerDeps, input: z.infer<typeof ZUpdateAssetInput>) {
  const { em, access, principal } = deps;
  const asset = await access.subject(em, input.id, 'asset', 'changeSubjects');
  if (input.name !== undefined && input.name !== asset.name) {
    await assertSubjectNameFree(
      deps,
      { projectId: asset.project.id, kind: 'asset', sequence: '', name: input.name },
      asset.id,
    );
    asset.name = input.name;
  }
  if (input.assetType !== undefined && input.assetType !== asset.assetType) {
    asset.assetType = input.assetType;
    asset.assetTypeLink = ref(await assetTypeNamed(em, input.assetType));
  }
  await flushWithEvent(em, principal, {
    type: 'asset.updated',
    projectId: asset.project.id,
    targetType: 'asset',
    targetId: asset.id,
    data: { name: input.name, assetType: input.assetType },
  });
  return assetView(subjectRowOf(asset));
}

export async function createShot(deps: CallerDeps, input: z.infer<typeof ZCreateShotInput>) {
  const { em, access, principal } = deps;
  await access.project(input.projectId, 'changeSubjects');
  assertFrames(input.frameIn, input.frameOut);
  await assertSubjectNameFree(deps, { ...input, kind: 'shot' });
  const shot = em.create(Subject, {
    project: input.projectId,
    kind: 'shot',
    name: input.name,
    sequence: input.sequence,
    sequenceLink: await sequenceNamed(em, input.projectId, input.sequence),
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
  return shotView(subjectRowOf(shot));
}

export async function updateShot(deps: CallerDeps, input: z.infer<typeof ZUpdateShotInput>) {
  const { em, access, principal } = deps;
  const shot = await access.subject(em, input.id, 'shot', 'changeSubjects');
  const next = {
    sequence: input.sequence ?? shot.sequence,
    name: input.name ?? shot.name,
    frameIn: input.frameIn === undefined ? shot.frameIn : input.frameIn,
    frameOut: input.frameOut === undefined ? shot.frameOut : input.frameOut,
  };
  assertFrames(next.frameIn, next.frameOut);
  if (next.name !== shot.name || next.sequence !== shot.sequence) {
    await assertSubjectNameFree(
      deps,
      { projectId: shot.project.id, kind: 'shot', ...next },
      shot.id,
    );
  }
  if (next.sequence !== shot.sequence) {
    shot.sequenceLink = ref(await sequenceNamed(em, shot.project.id, next.sequence));
  }
  Object.assign(shot, next);
  await flushWithEvent(em, principal, {
    type: 'shot.updated',
    projectId: shot.project.id,
    targetType: 'shot',
    targetId: shot.id,
    data: next,
  });
  return shotView(subjectRowOf(shot));
}

/** Deletes an asset or shot with its tasks and their comments. */
export async function deleteSubject(
  { em, access, principal }: CallerDeps,
  { kind, id }: { kind: SubjectKind; id: string },
) {
  const subject = await access.subject(em, id, kind, 'changeSubjects');
  em.remove(subject);
  await flushWithEvent(em, principal, {
    type: `${kind}.deleted`,
    projectId: subject.project.id,
    targetType: kind,
    targetId: subject.id,
    data: { name: subject.name },
  });
  return { ok: true as const, id };
}

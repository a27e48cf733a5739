/**
 * What shots and assets are grouped by, as records with ids (Kitsu's model): a project's
 * sequences, and the studio's asset types. A shot or an asset names its group; the group is
 * made the first time it is named (get-or-create, as Kitsu's sequence route is), so tRPC, REST,
 * the CLI and the admin keep passing names while gazu scripts pass ids.
 */
import { AssetType, type Em, type GroupRow, newId, Sequence } from '@clapper/db';
import { z } from 'zod';
import { notFound } from '../errors';
import { flushWithEvent } from '../events/write';
import type { CallerDeps, ReadDeps } from './deps';
import { toPage, ZPage } from './pagination';
import { ZId, ZName } from './schemas';

export const ZListSequencesInput = z.object({ projectId: ZId, name: ZName.optional(), ...ZPage });
export const ZCreateSequenceInput = z.object({ projectId: ZId, name: ZName });
export const ZListAssetTypesInput = z
  .object({ projectId: ZId.optional(), name: ZName.optional(), ...ZPage })
  .default({ limit: 100 });
export const ZGroupIdInput = z.object({ id: ZId });

export const sequenceView = (s: GroupRow) => ({
  id: s.id,
  projectId: s.projectId!,
  name: s.name,
  createdAt: s.createdAt,
});

export const assetTypeView = (t: GroupRow) => ({ id: t.id, name: t.name, createdAt: t.createdAt });

/** A project's sequences, as far as the caller's role reaches (those of its shots, for a vendor). */
export async function listSequences(
  { services, access }: ReadDeps,
  input: z.infer<typeof ZListSequencesInput>,
) {
  const reach = await subjectReach(access, input.projectId);
  const rows = await services.reads.subjects.sequences(
    { ...input, assignedTo: reach === 'assigned' ? access.principal.id : undefined },
    input.limit + 1,
  );
  const page = toPage(rows, input.limit);
  return { items: page.items.map(sequenceView), nextCursor: page.nextCursor };
}

/** The studio's asset types, or those a project's assets have (as far as the caller reaches). */
export async function listAssetTypes(
  { services, access }: ReadDeps,
  input: z.infer<typeof ZListAssetTypesInput>,
) {
  const reach = input.projectId ? await subjectReach(access, input.projectId) : 'all';
  const rows = await services.reads.subjects.assetTypes(
    { ...input, assignedTo: reach === 'assigned' ? access.principal.id : undefined },
    input.limit + 1,
  );
  const page = toPage(rows, input.limit);
  return { items: page.items.map(assetTypeView), nextCursor: page.nextCursor };
}

export async function getSequence(deps: ReadDeps, { id }: { id: string }) {
  const row = await deps.services.reads.subjects.group('sequences', id);
  if (!row) throw notFound('Sequence');
  const reach = await subjectReach(deps.access, row.projectId!).catch(() => 'none' as const);
  const visible =
    reach === 'all' ||
    (reach === 'assigned' &&
      (await listSequences(deps, { projectId: row.projectId!, name: row.name, limit: 1 })).items
        .length > 0);
  if (!visible) throw notFound('Sequence');
  return sequenceView(row);
}

export async function getAssetType({ services }: ReadDeps, { id }: { id: string }) {
  const row = await services.reads.subjects.group('asset_types', id);
  if (!row) throw notFound('Asset type');
  return assetTypeView(row);
}

/** A new sequence; one of that name already in the project is answered as it is. */
export async function createSequence(
  deps: CallerDeps,
  input: z.infer<typeof ZCreateSequenceInput>,
) {
  const { em, access, principal } = deps;
  await access.project(input.projectId, 'changeSubjects');
  const existing = await em.findOne(Sequence, { project: input.projectId, name: input.name });
  if (existing) return sequenceView(groupRowOf(existing, input.projectId));
  const sequence = em.create(Sequence, { project: input.projectId, name: input.name });
  await flushWithEvent(em, principal, {
    type: 'sequence.created',
    projectId: input.projectId,
    targetType: 'sequence',
    targetId: sequence.id,
    data: { name: input.name },
  });
  return sequenceView(groupRowOf(sequence, input.projectId));
}

/**
 * The sequence a shot names, made if it is new. Written at once and kept if a concurrent
 * request makes the same one (`on conflict`), so parallel shot creations share one record.
 */
export async function sequenceNamed(em: Em, projectId: string, name: string) {
  const found = await em.findOne(Sequence, { project: projectId, name });
  if (found) return found;
  const now = new Date();
  return em.upsert(
    Sequence,
    { id: newId(), project: projectId, name, createdAt: now, updatedAt: now },
    { onConflictFields: ['project', 'name'], onConflictAction: 'ignore' },
  );
}

/** The asset type an asset names, made if it is new, as `sequenceNamed`. */
export async function assetTypeNamed(em: Em, name: string) {
  const found = await em.findOne(AssetType, { name });
  if (found) return found;
  const now = new Date();
  return em.upsert(
    AssetType,
    { id: newId(), name, createdAt: now, updatedAt: now },
    { onConflictFields: ['name'], onConflictAction: 'ignore' },
  );
}

async function subjectReach(access: ReadDeps['access'], projectId: string) {
  await access.project(projectId);
  const reach = await access.reach('readSubjects', projectId);
  if (reach === 'none') throw notFound('Project');
  return reach;
}

const groupRowOf = (s: { id: string; name: string; createdAt: Date }, projectId: string) => ({
  id: s.id,
  projectId,
  name: s.name,
  createdAt: s.createdAt,
});

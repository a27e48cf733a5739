import {
  AssetType,
  Department,
  newId,
  Person,
  Project,
  Sequence,
  Subject,
  Task,
  TaskStatus,
  TaskType,
} from '@clapper/db';
import { hashPassword } from '../auth/passwords';
import { recordEvent } from '../events/write';
import { ensureDefaultTaskStatuses } from './bootstrap';
import type { Deps } from './deps';

export const DEMO_PROJECT = 'MyProduction';

/**
 * Seeds the demo production of Kitsu's tutorials: departments, task types,
 * three assets, two sequences of five shots, their tasks, and a few artists
 * (password `demo-password`) on its team. Does nothing when `MyProduction` exists.
 */
export async function seedDemo(
  { em }: Pick<Deps, 'em'>,
  { seatLimit }: { seatLimit: number | null },
): Promise<{ created: boolean; projectId: string }> {
  const existing = await em.findOne(Project, { name: DEMO_PROJECT });
  if (existing) return { created: false, projectId: existing.id };
  await ensureDefaultTaskStatuses({ em });
  // Demo artists are active while seats remain; past CLAPPER_SEAT_LIMIT they are created inactive.
  let seatsFree =
    seatLimit === null
      ? Number.POSITIVE_INFINITY
      : seatLimit - (await em.count(Person, { kind: 'user', active: true }));

  const department = async (name: string, color: string) =>
    (await em.findOne(Department, { name })) ?? em.create(Department, { name, color });
  const modeling = await department('Modeling', '#7cb342');
  const animation = await department('Animation', '#fb8c00');
  const lighting = await department('Lighting', '#fdd835');

  const taskType = async (name: string, dept: typeof modeling, forEntity: 'asset' | 'shot') =>
    (await em.findOne(TaskType, { name })) ??
    em.create(TaskType, { name, department: dept, forEntity });
  const assetTypes = [
    await taskType('Modeling', modeling, 'asset'),
    await taskType('Shading', lighting, 'asset'),
  ];
  const shotTypes = [
    await taskType('Animation', animation, 'shot'),
    await taskType('Lighting', lighting, 'shot'),
  ];

  const passwordHash = await hashPassword('demo-password');
  const artists = [
    { name: 'Alice Modeler', email: 'alice@demo.clapper', department: modeling },
    { name: 'Bob Animator', email: 'bob@demo.clapper', department: animation },
    { name: 'Carla Lighter', email: 'carla@demo.clapper', department: lighting },
  ].map((a) => {
    const person = em.create(Person, {
      id: newId(),
      kind: 'user',
      name: a.name,
      email: a.email,
      passwordHash,
      role: 'artist',
      active: seatsFree-- > 0,
    });
    person.departments.add(a.department);
    return person;
  });

  const project = em.create(Project, { name: DEMO_PROJECT, botCollaboration: true });
  project.team.set(artists);
  const todo = await em.findOneOrFail(TaskStatus, { shortName: 'todo' });
  // Written in the same flush as the project, so made here rather than by the shots' own rule.
  const assetType = async (name: string) =>
    (await em.findOne(AssetType, { name })) ?? em.create(AssetType, { name });
  const [character, environment] = [await assetType('Character'), await assetType('Environment')];
  const entities = [
    ...['Hero', 'Sidekick', 'Castle'].map((name, i) =>
      em.create(Subject, {
        project,
        kind: 'asset',
        name,
        assetType: i < 2 ? 'Character' : 'Environment',
        assetTypeLink: i < 2 ? character : environment,
      }),
    ),
    ...['SQ01', 'SQ02'].flatMap((sequence) => {
      const record = em.create(Sequence, { project, name: sequence });
      return [10, 20, 30, 40, 50].map((n) =>
        em.create(Subject, {
          project,
          kind: 'shot',
          sequence,
          sequenceLink: record,
          name: `SH${String(n).padStart(3, '0')}`,
          frameIn: 1001,
          frameOut: 1001 + n * 2,
        }),
      );
    }),
  ];
  for (const entity of entities) {
    for (const type of entity.kind === 'asset' ? assetTypes : shotTypes) {
      const task = em.create(Task, { project, entity, taskType: type, status: todo });
      const artist = artists.find((a) => a.departments.getItems()[0]?.id === type.department.id);
      if (artist) task.assignees.add(artist);
    }
  }
  recordEvent(em, null, {
    type: 'project.created',
    projectId: project.id,
    targetType: 'project',
    targetId: project.id,
    data: { name: DEMO_PROJECT, demo: true },
  });
  await em.flush();
  return { created: true, projectId: project.id };
}

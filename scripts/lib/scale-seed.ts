/**
 * A large studio for `pnpm bench scale` (issue #18): the principals that measure made through
 * the API (they need real tokens), everything else written straight into the database in bulk
 * while the server is stopped (see bulk-db.ts): projects with teams, shots and assets, tasks
 * with assignees, comments, thousands of bots and users, and an event log of any length that
 * looks like the one the app writes (packages/api/src/events/write.ts: the row `recordEvent` makes).
 */
import { type ClapperClient, createClapperClient } from '@clapper/client';
import { nameKey, newId } from '@clapper/db';
import type { BulkDb, Column } from './bulk-db';
import { BENCH_ADMIN } from './processes';
import { inParallel } from './seed';

export const SCALE_PROJECTS = 20;
/** Bots that exist only as rows (no token is ever used): team members, assignees, actors. */
export const BULK_BOTS = 2000;
/** Human users, the same way. */
export const BULK_USERS = 200;
/** Task types per kind of entity: every shot and every asset has one task of each. */
const SHOT_TASK_TYPES = ['Layout', 'Animation', 'Lighting', 'Compositing'];
const ASSET_TASK_TYPES = ['Modeling', 'Rigging', 'Surfacing', 'Grooming'];
/** Tasks assigned to the measuring vendor bot, and to the measuring artist bot. */
export const VENDOR_TASKS = 50;
const ARTIST_TASKS = 20;
/** Projects the measuring artist bot is on the team of. */
export const ARTIST_PROJECTS = 3;

export interface Bot {
  id: string;
  name: string;
  token: string;
}

/** What the API made on a fresh server: the callers the bench measures as. */
export interface Principals {
  adminToken: string;
  /** An `artist` bot, on the teams of the first ARTIST_PROJECTS projects. */
  artist: Bot;
  /** A `vendor` bot on the first project's team, with VENDOR_TASKS tasks assigned. */
  vendor: Bot;
  /** `artist` bots on the first project's team, one per live subscriber. */
  subscribers: Bot[];
  departmentIds: string[];
  taskTypes: { id: string; forEntity: 'shot' | 'asset' }[];
}

export async function adminClient(url: string): Promise<{ client: ClapperClient; token: string }> {
  const { token } = await createClapperClient({ url }).auth.login.mutate(BENCH_ADMIN);
  return { client: createClapperClient({ url, token }), token };
}

/** On a server just started on an empty database: departments, task types and the bots. */
export async function createPrincipals(url: string, subscribers: number): Promise<Principals> {
  const { client: admin, token: adminToken } = await adminClient(url);
  const departmentIds = [
    (await admin.departments.create.mutate({ name: 'Shots' })).id,
    (await admin.departments.create.mutate({ name: 'Assets' })).id,
  ];
  const taskTypes: Principals['taskTypes'] = [];
  for (const [names, forEntity, departmentId] of [
    [SHOT_TASK_TYPES, 'shot', departmentIds[0]!],
    [ASSET_TASK_TYPES, 'asset', departmentIds[1]!],
  ] as const) {
    for (const name of names) {
      const type = await admin.taskTypes.create.mutate({ name, departmentId, forEntity });
      taskTypes.push({ id: type.id, forEntity });
    }
  }
  const bot = async (name: string, role: 'artist' | 'vendor'): Promise<Bot> => {
    const made = await admin.bots.create.mutate({ name, role, departmentIds: [departmentIds[0]!] });
    return { id: made.bot.id, name, token: made.token };
  };
  const artist = await bot('scale-artist', 'artist');
  const vendor = await bot('scale-vendor', 'vendor');
  const subs = await inParallel(subscribers, 20, (i) =>
    bot(`scale-subscriber-${String(i + 1).padStart(4, '0')}`, 'artist'),
  );
  return { adminToken, artist, vendor, subscribers: subs, departmentIds, taskTypes };
}

/** A small, seeded generator: the same studio every run. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Actor {
  id: string;
  kind: 'user' | 'bot';
  name: string;
}

/** The studio as seeded, what the events and the measurements draw on. */
export interface ScaleStudio {
  projects: { id: string; name: string }[];
  taskIds: string[];
  /** Per task: its project's index, entity id, task type id. */
  taskProject: Uint8Array;
  taskEntity: string[];
  taskType: string[];
  /** Bulk bots on each project's team (in order), each assigned some of its tasks. */
  botsOf: string[][];
  /** Everyone on each project's team who acts in the log (bulk bots and users). */
  actorsOf: Actor[][];
  admin: Actor;
  artist: Actor;
  statusIds: string[];
  /** Tasks with three comments each, spread over the projects. */
  commentedTaskIds: string[];
  /** Rows written per table, for the notes. */
  counts: Record<string, number>;
  /** Event k of the final log is dated `start + k × spacingMs`, the last about now. */
  clock: { start: number; spacingMs: number };
}

const cols = (spec: string): Column[] =>
  spec.split(' ').map((pair) => {
    const [name, type] = pair.split(':') as [string, Column['type']];
    return { name, type };
  });

const PEOPLE = cols(
  'id:uuid kind:text name:text name_key:text email:text role:text active:bool token_id:uuid token_issued_at:timestamptz created_at:timestamptz updated_at:timestamptz',
);
const PROJECTS = cols(
  'id:uuid name:text name_key:text bot_collaboration:bool created_at:timestamptz updated_at:timestamptz',
);
const ENTITIES = cols(
  'id:uuid project_id:uuid kind:text name:text asset_type:text asset_type_id:uuid sequence:text sequence_id:uuid frame_in:int frame_out:int created_at:timestamptz updated_at:timestamptz',
);
const SEQUENCES = cols(
  'id:uuid project_id:uuid name:text created_at:timestamptz updated_at:timestamptz',
);
const ASSET_TYPES = cols('id:uuid name:text created_at:timestamptz updated_at:timestamptz');
const TASKS = cols(
  'id:uuid project_id:uuid entity_id:uuid task_type_id:uuid status_id:uuid created_at:timestamptz updated_at:timestamptz',
);
const COMMENTS = cols(
  'id:uuid task_id:uuid author_id:uuid author_name:text text:text status_id:uuid created_at:timestamptz',
);
const EVENTS = cols(
  'type:text actor_id:uuid actor_kind:text actor_name:text project_id:uuid target_type:text target_id:uuid task_id:uuid data:jsonb created_at:timestamptz',
);
const pairs = (a: string, b: string) => cols(`${a}:uuid ${b}:uuid`);

const COMMENT_TEXTS = [
  'Looks good, approved for comp.',
  'Timing feels late on the turn; can we pull it two frames?',
  'Rim light is too hot on the left side.',
  'New version up, fixed the intersection at frame 1043.',
  'Waiting on the updated plate from editorial.',
];

/**
 * The studio but its event log: `tasks` tasks over SCALE_PROJECTS projects (a fifth of each
 * project's are asset tasks), BULK_BOTS bots and BULK_USERS users on the teams, the measuring
 * bots placed, and comments (none, one, two or three per task). `finalEvents` dates the log.
 */
export async function seedStudio(
  db: BulkDb,
  principals: Principals,
  { tasks, finalEvents }: { tasks: number; finalEvents: number },
): Promise<ScaleStudio> {
  const rnd = random(18);
  const pick = <T>(items: readonly T[]) => items[Math.floor(rnd() * items.length)]!;
  const now = new Date();
  const counts: Record<string, number> = {};
  const insert = async (table: string, columns: Column[], rows: unknown[][]) => {
    await db.insert(table, columns, rows);
    counts[table] = (counts[table] ?? 0) + rows.length;
  };
  const statusIds = (
    await db.query<{ id: string }>('select id from task_statuses order by name')
  ).map((r) => r.id);
  const [adminRow] = await db.query<{ id: string; name: string }>(
    "select id, name from people where kind = 'user' and role = 'admin'",
  );
  const admin: Actor = { id: adminRow!.id, kind: 'user', name: adminRow!.name };

  const projects = Array.from({ length: SCALE_PROJECTS }, (_, i) => ({
    id: newId(),
    name: `Scale ${String(i + 1).padStart(2, '0')}`,
  }));
  await insert(
    'projects',
    PROJECTS,
    projects.map((p) => [p.id, p.name, nameKey(p.name), true, now, now]),
  );

  const botsOf: string[][] = projects.map(() => []);
  const actorsOf: Actor[][] = projects.map(() => []);
  const people: unknown[][] = [];
  const members: unknown[][] = [];
  const departments: unknown[][] = [];
  for (let i = 0; i < BULK_BOTS; i++) {
    const name = `scale-bot-${String(i + 1).padStart(4, '0')}`;
    const id = newId();
    const role = i % 10 === 0 ? 'manager' : i % 10 === 1 ? 'supervisor' : 'artist';
    people.push([id, 'bot', name, nameKey(name), null, role, true, newId(), now, now, now]);
    const p = i % SCALE_PROJECTS;
    botsOf[p]!.push(id);
    actorsOf[p]!.push({ id, kind: 'bot', name });
    members.push([projects[p]!.id, id]);
    departments.push([id, principals.departmentIds[i % 2]!]);
  }
  for (let i = 0; i < BULK_USERS; i++) {
    const name = `Artist ${i + 1}`;
    const id = newId();
    const role = i % 5 === 0 ? 'supervisor' : 'artist';
    people.push([
      id,
      'user',
      name,
      nameKey(name),
      `artist${i + 1}@scale.test`,
      role,
      true,
      null,
      null,
      now,
      now,
    ]);
    const p = i % SCALE_PROJECTS;
    actorsOf[p]!.push({ id, kind: 'user', name });
    members.push([projects[p]!.id, id]);
    departments.push([id, principals.departmentIds[i % 2]!]);
  }
  await insert('people', PEOPLE, people);
  await insert('person_departments', pairs('person_id', 'department_id'), departments);
  for (let p = 0; p < ARTIST_PROJECTS; p++) members.push([projects[p]!.id, principals.artist.id]);
  members.push([projects[0]!.id, principals.vendor.id]);
  for (const sub of principals.subscribers) members.push([projects[0]!.id, sub.id]);
  await insert('project_members', pairs('project_id', 'person_id'), members);

  // Shots and assets, each with one task per task type of its kind.
  const shotTypes = principals.taskTypes.filter((t) => t.forEntity === 'shot').map((t) => t.id);
  const assetTypes = principals.taskTypes.filter((t) => t.forEntity === 'asset').map((t) => t.id);
  const perProject = Math.floor(tasks / SCALE_PROJECTS);
  const shots = Math.floor((perProject * 0.8) / shotTypes.length);
  const assets = Math.floor((perProject - shots * shotTypes.length) / assetTypes.length);
  const entities: unknown[][] = [];
  const taskRows: unknown[][] = [];
  const taskIds: string[] = [];
  const taskProjectList: number[] = [];
  const taskEntity: string[] = [];
  const taskType: string[] = [];
  const assetKinds = ['Character', 'Prop', 'Environment', 'FX'];
  const assetKindIds = new Map(assetKinds.map((kind) => [kind, newId()]));
  const sequences: unknown[][] = [];
  projects.forEach((project, p) => {
    const sequenceIds = new Map<string, string>();
    const sequenceId = (name: string) => {
      let id = sequenceIds.get(name);
      if (id === undefined) {
        id = newId();
        sequenceIds.set(name, id);
        sequences.push([id, project.id, name, now, now]);
      }
      return id;
    };
    const addTasks = (entityId: string, types: string[]) => {
      for (const type of types) {
        const id = newId();
        taskIds.push(id);
        taskProjectList.push(p);
        taskEntity.push(entityId);
        taskType.push(type);
        taskRows.push([id, project.id, entityId, type, pick(statusIds), now, now]);
      }
    };
    for (let s = 0; s < shots; s++) {
      const id = newId();
      const sequence = `SQ${String(Math.floor(s / 100) + 1).padStart(3, '0')}`;
      const name = `SH${String((s % 100) * 10 + 10).padStart(4, '0')}`;
      entities.push([
        id,
        project.id,
        'shot',
        name,
        null,
        null,
        sequence,
        sequenceId(sequence),
        1001,
        1100,
        now,
        now,
      ]);
      addTasks(id, shotTypes);
    }
    for (let a = 0; a < assets; a++) {
      const id = newId();
      const kind = assetKinds[a % assetKinds.length]!;
      const typeId = assetKindIds.get(kind);
      entities.push([
        id,
        project.id,
        'asset',
        `${kind}${a + 1}`,
        kind,
        typeId,
        '',
        null,
        null,
        null,
        now,
        now,
      ]);
      addTasks(id, assetTypes);
    }
  });
  const assetTypeRows = [...assetKindIds].map(([name, id]) => [id, name, now, now]);
  await insert('asset_types', ASSET_TYPES, assetTypeRows);
  await insert('sequences', SEQUENCES, sequences);
  await insert('entities', ENTITIES, entities);
  await insert('tasks', TASKS, taskRows);

  // One bulk bot on each task (its project's bots in turn), a user on one task in ten, and the
  // measuring bots on the first of the first project's.
  const assignees: unknown[][] = [];
  const seenInProject = projects.map(() => 0);
  const firstProjectTasks: string[] = [];
  taskIds.forEach((id, t) => {
    const p = taskProjectList[t]!;
    const n = seenInProject[p]!++;
    assignees.push([id, botsOf[p]![n % botsOf[p]!.length]!]);
    if (n % 10 === 5) {
      const users = actorsOf[p]!.filter((a) => a.kind === 'user');
      assignees.push([id, users[n % users.length]!.id]);
    }
    if (p === 0) firstProjectTasks.push(id);
  });
  for (const id of firstProjectTasks.slice(0, VENDOR_TASKS)) {
    assignees.push([id, principals.vendor.id]);
  }
  for (const id of firstProjectTasks.slice(VENDOR_TASKS, VENDOR_TASKS + ARTIST_TASKS)) {
    assignees.push([id, principals.artist.id]);
  }
  await insert('task_assignees', pairs('task_id', 'person_id'), assignees);

  // Comments: task t gets t % 4 of them, by members of its project's team, over the last year.
  const comments: unknown[][] = [];
  // Tasks with three comments, by project.
  const commentedOf = projects.map(() => [] as string[]);
  const yearAgo = now.getTime() - 365 * 86_400_000;
  taskIds.forEach((id, t) => {
    const many = t % 4;
    if (many === 3) commentedOf[taskProjectList[t]!]!.push(id);
    for (let c = 0; c < many; c++) {
      const author = pick(actorsOf[taskProjectList[t]!]!);
      const at = new Date(yearAgo + (t / taskIds.length) * 300 * 86_400_000 + c * 3_600_000);
      comments.push([newId(), id, author.id, author.name, pick(COMMENT_TEXTS), null, at]);
    }
  });
  await insert('comments', COMMENTS, comments);

  // Taken from the projects in turn, so any slice of them covers all projects.
  const commentedTaskIds: string[] = [];
  for (let k = 0; commentedOf.some((list) => k < list.length); k++) {
    for (const list of commentedOf) if (list[k]) commentedTaskIds.push(list[k]!);
  }

  const spacingMs = 10_000;
  return {
    projects,
    taskIds,
    taskProject: Uint8Array.from(taskProjectList),
    taskEntity,
    taskType,
    botsOf,
    actorsOf,
    admin,
    artist: { id: principals.artist.id, kind: 'bot', name: principals.artist.name },
    statusIds,
    commentedTaskIds,
    counts,
    clock: { start: now.getTime() - finalEvents * spacingMs, spacingMs },
  };
}

/** Rows per insert call (each one transaction) while the log grows. */
const EVENT_CHUNK = 100_000;

/**
 * Adds events until the log holds `total`: about the tasks (a task picked at random, its
 * project with it), by members of the project's team (bots mostly, users, now and then the
 * admin or the measuring artist bot), of the types a production makes: comments, status
 * changes, assignments, due dates, new tasks. Returns the rows added.
 */
export async function growEvents(
  db: BulkDb,
  studio: ScaleStudio,
  total: number,
): Promise<{ existing: number; added: number }> {
  const existing = await countEvents(db);
  const rnd = random(1000 + existing);
  const pick = <T>(items: readonly T[]) => items[Math.floor(rnd() * items.length)]!;
  let added = 0;
  while (existing + added < total) {
    const size = Math.min(EVENT_CHUNK, total - existing - added);
    const rows: unknown[][] = new Array(size);
    for (let i = 0; i < size; i++) {
      const k = existing + added + i;
      const t = Math.floor(rnd() * studio.taskIds.length);
      const taskId = studio.taskIds[t]!;
      const p = studio.taskProject[t]!;
      const projectId = studio.projects[p]!.id;
      const who = rnd();
      const actor =
        who < 0.05
          ? studio.admin
          : p < ARTIST_PROJECTS && who < 0.052
            ? studio.artist
            : pick(studio.actorsOf[p]!);
      const kind = rnd();
      let type: string;
      let targetType = 'task';
      let targetId = taskId;
      let data: Record<string, unknown>;
      if (kind < 0.4) {
        type = 'comment.added';
        targetType = 'comment';
        targetId = newId();
        data = { statusId: rnd() < 0.2 ? pick(studio.statusIds) : null };
      } else if (kind < 0.7) {
        type = 'task.status_changed';
        data = { from: pick(studio.statusIds), to: pick(studio.statusIds) };
      } else if (kind < 0.85) {
        type = 'task.assigned';
        data = { personIds: [pick(studio.botsOf[p]!)] };
      } else if (kind < 0.95) {
        type = 'task.updated';
        data = { dueDate: `2027-${String(1 + (k % 12)).padStart(2, '0')}-15` };
      } else {
        type = 'task.created';
        data = {
          entityId: studio.taskEntity[t]!,
          taskTypeId: studio.taskType[t]!,
          assigneeIds: [pick(studio.botsOf[p]!)],
        };
      }
      const createdAt = new Date(studio.clock.start + k * studio.clock.spacingMs);
      rows[i] = [
        type,
        actor.id,
        actor.kind,
        actor.name,
        projectId,
        targetType,
        targetId,
        taskId,
        data,
        createdAt,
      ];
    }
    await db.insert('events', EVENTS, rows);
    added += size;
  }
  return { existing, added };
}

export async function countEvents(db: BulkDb): Promise<number> {
  const [row] = await db.query<{ n: number | string }>('select count(*) as n from events');
  return Number(row?.n ?? 0);
}

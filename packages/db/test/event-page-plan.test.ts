// A page of the event log, for a caller who sees part of it, is index walks that stop after the
// page: the plans on both dialects use the events' indexes and never read the whole table, and
// the page is the same as the one filter over the log would give.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Department,
  type EventFilter,
  eventPageQuery,
  type HotReads,
  migrate,
  newId,
  type Orm,
  openDatabase,
  openHotReads,
  Person,
  Project,
  Subject,
  Task,
  TaskStatus,
  TaskType,
} from '../src';
import { createTestDatabase, type TestDatabase, testDialect } from '../src/testing';

const EVENTS = 20_000;
const PROJECTS = Array.from({ length: 200 }, () => newId());
const PEOPLE = Array.from({ length: 20 }, () => newId());
const TASKS = Array.from({ length: 400 }, () => newId());
const me = PEOPLE[0]!;
/** The project of the caller's three real tasks. */
let planProject = '';

let db: TestDatabase;
let orm: Orm;
let reads: HotReads;

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await openDatabase(db.url);
  await migrate(orm);
  // The caller, and three real tasks assigned to it (the rest of the log names ids only).
  const em = orm.em.fork();
  const person = em.create(Person, { id: me, kind: 'bot', name: 'Vendor', role: 'vendor' });
  const department = em.create(Department, { name: 'Animation' });
  const project = em.create(Project, { name: 'Plan' });
  const taskType = em.create(TaskType, { name: 'Animate', department, forEntity: 'shot' });
  const status = em.create(TaskStatus, { name: 'Todo', shortName: 'todo' });
  const mine = [1, 2, 3].map((n) => {
    const shot = em.create(Subject, { project, kind: 'shot', name: `SH0${n}0`, sequence: 'SQ01' });
    return em.create(Task, { project, entity: shot, taskType, status });
  });
  for (const task of mine) task.assignees.add(person);
  await em.flush();
  planProject = project.id;
  mine.forEach((task, i) => {
    TASKS[i + 1] = task.id;
  });
  // Every event about a task carries the task's project, as the API writes them.
  const projectOf = (task: number) =>
    task >= 1 && task <= 3 ? planProject : PROJECTS[task % PROJECTS.length];
  const connection = orm.em.getConnection();
  // A log where the caller's part (its own actions and 2 projects of 200) is a small share,
  // spread through its whole history: walking the log newest first and filtering would read
  // about a hundred rows for each one it keeps.
  for (let start = 0; start < EVENTS; start += 500) {
    const rows: unknown[] = [];
    for (let i = start; i < start + 500; i++) {
      const t = (i * 7) % TASKS.length;
      const task = TASKS[t]!;
      rows.push(
        'task.updated',
        i % 401 === 0 ? me : PEOPLE[1 + (i % (PEOPLE.length - 1))],
        'bot',
        'someone',
        projectOf(t),
        'task',
        task,
        task,
        new Date(Date.UTC(2026, 0, 1) + i * 1000),
      );
    }
    const values = Array.from({ length: 500 }, () => '(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
    await connection.execute(
      `insert into events (type, actor_id, actor_kind, actor_name, project_id, target_type, target_id, task_id, created_at) values ${values}`,
      rows,
    );
  }
  // What autovacuum does on PostgreSQL; the server never runs ANALYZE on SQLite, so neither does this.
  if (db.url.startsWith('postgres')) await connection.execute('analyze events');
  reads = openHotReads(orm);
}, 60_000);

afterAll(async () => {
  await reads?.close();
  await orm?.close(true);
  await db?.dispose();
});

const member = (onlyAssigned = false): EventFilter['visibility'] => ({
  actorId: me,
  // Read when the query is made: the tasks and their project are made in beforeAll.
  get projectIds() {
    return [onlyAssigned ? planProject : PROJECTS[0]!, PROJECTS[1]!];
  },
  get assignedTaskIds() {
    return onlyAssigned ? TASKS.slice(1, 4) : null;
  },
});

const cases: [string, EventFilter][] = [
  ['a team member, newest first', { visibility: member(), order: 'desc' }],
  ['a team member, a later page', { visibility: member(), order: 'desc', cursor: EVENTS / 2 }],
  ['a team member, resuming oldest first', { visibility: member(), order: 'asc', after: 1000 }],
  ['a team member, one project', { visibility: member(), order: 'desc', projectId: PROJECTS[1] }],
  ['a vendor', { visibility: member(true), order: 'desc' }],
  ['an admin', { visibility: 'all', order: 'desc' }],
];

/**
 * A part of the plan that reads a bounded number of events. SQLite: a walk of one of the
 * events' indexes in id order, stopped by its limit (or, for a caller who sees everything,
 * the table itself in id order). PostgreSQL weighs each part's own index against walking the
 * primary key and filtering (both in id order, both stopped by the limit) by its statistics,
 * or gathers a set it expects to be small (a bitmap scan): any of these, never the table.
 */
function walksAnIndex(line: string, all: boolean): boolean {
  const parts = 'events_(actor_id|project_id|task_id)_';
  if (new RegExp(`^SEARCH events USING (COVERING )?INDEX ${parts}`).test(line)) return true;
  // The page's rows, read by the ids the walks found.
  if (line === 'SEARCH events USING INTEGER PRIMARY KEY (rowid=?)') return true;
  if (all && line === 'SCAN events') return true;
  if (/^Index (Only )?Scan (Backward )?using events_/.test(line)) return true;
  const gathered = /^Bitmap Heap Scan on events .*rows=(\d+)/.exec(line);
  return !!gathered && Number(gathered[1]) <= 1000;
}

/** The plan's lines that touch the events table. */
async function plan(filter: EventFilter): Promise<string[]> {
  const { sql, params } = eventPageQuery(reads.connection, filter, 101);
  if (reads.connection.dialect === 'sqlite') {
    const rows = await reads.connection.all<{ detail: string }>(
      `explain query plan ${sql}`,
      params,
    );
    return rows.map((r) => r.detail).filter((d) => /\bevents\b/.test(d));
  }
  const rows = await reads.connection.all<Record<string, string>>(`explain ${sql}`, params);
  return rows
    .map((r) => Object.values(r)[0]!.trim().replace(/^-> +/, ''))
    .filter((d) => /\bon events\b/.test(d));
}

describe('a page of the event log', () => {
  it.each(cases)('for %s walks an index and never scans the log', async (_, filter) => {
    const lines = await plan(filter);
    expect(lines.length).toBeGreaterThan(0);
    const all = filter.visibility === 'all';
    for (const line of lines) expect(line, line).toSatisfy((l: string) => walksAnIndex(l, all));
  });

  // SQLite merges the walks as it goes and stops at the page: nothing is collected to be sorted,
  // which would be every visible event of each part. PostgreSQL appends the parts and sorts
  // them: each part is cut at the page first.
  it.each(cases)('for %s reads at most a page a part', async (_, filter) => {
    const { sql, params } = eventPageQuery(reads.connection, filter, 101);
    if (reads.connection.dialect === 'sqlite') {
      const steps = await reads.connection.all<{ detail: string }>(
        `explain query plan ${sql}`,
        params,
      );
      expect(steps.map((s) => s.detail).filter((d) => /TEMP B-TREE/.test(d))).toEqual([]);
    } else {
      const steps = await reads.connection.all<Record<string, string>>(`explain ${sql}`, params);
      const limits = steps.filter((s) => /^(-> +)?Limit\b/.test(Object.values(s)[0]!.trim()));
      expect(limits).toHaveLength(
        sql.split(' union all ').length + (filter.visibility === 'all' ? 0 : 1),
      );
    }
  });

  it.each(cases)('for %s is the page the whole filter gives', async (_, filter) => {
    const page = await reads.events.page(filter, 101);
    const all = await orm.em
      .getConnection()
      .execute<{ id: number; actor_id: string; project_id: string; task_id: string }[]>(
        'select id, actor_id, project_id, task_id from events order by id',
      );
    const assigned = new Set([TASKS[1], TASKS[2], TASKS[3]]);
    const { visibility } = filter;
    const expected = all
      .filter((e) => {
        const id = Number(e.id);
        if (filter.projectId && e.project_id !== filter.projectId) return false;
        if (filter.after !== undefined && id <= filter.after) return false;
        if (
          filter.cursor !== undefined &&
          (filter.order === 'asc' ? id <= filter.cursor : id >= filter.cursor)
        )
          return false;
        if (visibility === 'all') return true;
        if (e.actor_id === visibility.actorId) return true;
        if (!visibility.projectIds.includes(e.project_id)) return false;
        return !visibility.assignedTaskIds || assigned.has(e.task_id);
      })
      .map((e) => Number(e.id));
    if (filter.order === 'desc') expected.reverse();
    expect(page.map((e) => e.id)).toEqual(expected.slice(0, 101));
  });
});

// Only ids go through SQLite's merge, each from an index alone; the page's rows are read last.
if (testDialect() === 'sqlite') {
  describe('a page of the event log on SQLite', () => {
    it.each(cases.filter(([, f]) => f.visibility !== 'all' && !f.projectId && !f.actorId))(
      'for %s merges ids read from the indexes alone',
      async (_, filter) => {
        const walks = (await plan(filter)).filter((l) => !l.includes('PRIMARY KEY'));
        expect(walks.length).toBeGreaterThan(1);
        for (const line of walks) expect(line).toMatch(/^SEARCH events USING COVERING INDEX/);
      },
    );
  });
}

import type { ReadConnection } from './connection';

/** What an event's target can be, by the table its name is read from. */
const NAMED = {
  asset: 'entities',
  shot: 'entities',
  project: 'projects',
  person: 'people',
  bot: 'people',
  user: 'people',
  department: 'departments',
  taskType: 'task_types',
  taskStatus: 'task_statuses',
} as const;

export interface LabelTarget {
  projectId: string | null;
  targetType: string | null;
  targetId: string | null;
  taskId: string | null;
}

/**
 * Readable names for events' targets and projects, a statement per kind of target on the page: a task is
 * "SH010 / Lighting" (its shot or asset, then its type), a comment is named by its task. An id
 * with no row (deleted since) has no label.
 */
export function labelReads(db: ReadConnection) {
  return {
    async of(events: readonly LabelTarget[]): Promise<Map<string, string>> {
      const tasks = new Set<string>();
      const byTable = new Map<string, Set<string>>();
      const add = (table: string, id: string) =>
        byTable.set(table, (byTable.get(table) ?? new Set<string>()).add(id));
      for (const { projectId, targetType, targetId, taskId } of events) {
        if (taskId) tasks.add(taskId);
        if (projectId) add('projects', projectId);
        const table = targetType ? NAMED[targetType as keyof typeof NAMED] : undefined;
        if (table && targetId) add(table, targetId);
      }
      const labels = new Map<string, string>();
      const reads: Promise<void>[] = [];
      if (tasks.size) {
        reads.push(
          db
            .all<{ id: string; entity: string; type: string }>(
              `select t.id, e.name as entity, tt.name as type from tasks t
               join entities e on e.id = t.entity_id join task_types tt on tt.id = t.task_type_id
               where ${db.inList('t.id')}`,
              [db.list([...tasks])],
            )
            .then((rows) => {
              for (const r of rows) labels.set(r.id, `${r.entity} / ${r.type}`);
            }),
        );
      }
      for (const [table, ids] of byTable) {
        reads.push(
          db
            .all<{ id: string; name: string }>(
              `select id, name from ${table} where ${db.inList('id')}`,
              [db.list([...ids])],
            )
            .then((rows) => {
              for (const r of rows) labels.set(r.id, r.name);
            }),
        );
      }
      await Promise.all(reads);
      return labels;
    },
  };
}

// Creates shots and their tasks from a CSV; running it again changes nothing.
//   pnpm bot scripts/examples/bulk-create-shots.ts -- --project MyProduction --csv shots.csv
// CSV columns: sequence,shot,frameIn,frameOut,taskTypes   (task types separated by ";")
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ClapperError, defineScript } from '@clapper/runner';

interface Row {
  sequence: string;
  shot: string;
  frameIn: number | null;
  frameOut: number | null;
  taskTypes: string[];
}

function readCsv(path: string): Row[] {
  const [header, ...lines] = readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim());
  const columns = (header ?? '').split(',').map((c) => c.trim());
  return lines.map((line) => {
    const cells: Record<string, string | undefined> = Object.fromEntries(
      line.split(',').map((c, i) => [columns[i], c.trim()]),
    );
    const frame = (v?: string) => (v ? Number(v) : null);
    return {
      sequence: cells.sequence ?? '',
      shot: cells.shot ?? '',
      frameIn: frame(cells.frameIn),
      frameOut: frame(cells.frameOut),
      taskTypes: (cells.taskTypes ?? '')
        .split(';')
        .map((t) => t.trim())
        .filter(Boolean),
    };
  });
}

export default defineScript(async ({ client, args, log }) => {
  const { values } = parseArgs({
    args,
    options: { project: { type: 'string', default: 'MyProduction' }, csv: { type: 'string' } },
  });
  if (!values.csv) throw new Error('--csv <file> is required');
  const rows = readCsv(resolve(process.env.INIT_CWD ?? process.cwd(), values.csv));
  const project = await client.projects.byName.query({ name: values.project });
  const taskTypes = new Map(
    (await client.taskTypes.list.query({ limit: 500 })).items.map((t) => [t.name, t]),
  );

  const shots = new Map<string, { id: string }>();
  let cursor: string | undefined;
  do {
    const page = await client.shots.list.query({ projectId: project.id, limit: 500, cursor });
    for (const s of page.items) shots.set(`${s.sequence}/${s.name}`, s);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);

  let createdShots = 0;
  let createdTasks = 0;
  for (const row of rows) {
    const key = `${row.sequence}/${row.shot}`;
    let shot = shots.get(key);
    if (!shot) {
      shot = await client.shots.create.mutate({
        projectId: project.id,
        sequence: row.sequence,
        name: row.shot,
        frameIn: row.frameIn,
        frameOut: row.frameOut,
      });
      shots.set(key, shot);
      createdShots += 1;
    }
    for (const name of row.taskTypes) {
      const taskType = taskTypes.get(name);
      if (!taskType) throw new Error(`${key}: no task type named "${name}"`);
      try {
        await client.tasks.create.mutate({ entityId: shot.id, taskTypeId: taskType.id });
        createdTasks += 1;
      } catch (error) {
        // Already there from an earlier run: that is what idempotent means here.
        if (ClapperError.from(error).code !== 'CONFLICT') throw error;
      }
    }
  }
  log.info(`${rows.length} rows: ${createdShots} shots and ${createdTasks} tasks created`);
  console.log(JSON.stringify({ rows: rows.length, createdShots, createdTasks }));
});

// Creates a task of every shot task type on every shot of the project:
//   pnpm bot scripts/bench/scripts/create-tasks.ts -- --project Bench
import { parseArgs } from 'node:util';
import { defineScript } from '@clapper/runner';

// Concurrent calls the client batches into one request (at most 50 a batch).
const WIDTH = 50;

export default defineScript(async ({ client, args, log }) => {
  const { values } = parseArgs({
    args,
    options: { project: { type: 'string', default: 'Bench' } },
  });
  const project = await client.projects.byName.query({ name: values.project });
  const types = (await client.taskTypes.list.query({ limit: 500 })).items.filter(
    (t) => t.forEntity === 'shot',
  );
  const shots: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.shots.list.query({ projectId: project.id, limit: 500, cursor });
    shots.push(...page.items.map((s) => s.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);

  const work = shots.flatMap((entityId) => types.map((t) => ({ entityId, taskTypeId: t.id })));
  for (let i = 0; i < work.length; i += WIDTH) {
    await Promise.all(work.slice(i, i + WIDTH).map((w) => client.tasks.create.mutate(w)));
  }
  log.info(`created ${work.length} tasks`);
  console.log(work.length);
});

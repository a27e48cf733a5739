// Creates a task of every shot task type on every shot of the project:
//   pnpm bot scripts/bench/scripts/create-tasks.ts -- --project Bench
import { parseArgs } from 'node:util';
import { defineScript } from '@clapper/runner';

// tasks.createMany takes up to 500 tasks a call, in one transaction.
const CHUNK = 500;

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
  for (let i = 0; i < work.length; i += CHUNK) {
    await client.tasks.createMany.mutate({ tasks: work.slice(i, i + CHUNK) });
  }
  log.info(`created ${work.length} tasks`);
  console.log(work.length);
});

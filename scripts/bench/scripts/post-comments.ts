// Posts one comment on every task of the project:
//   pnpm bot scripts/bench/scripts/post-comments.ts -- --project Bench
import { parseArgs } from 'node:util';
import { defineScript } from '@clapper/runner';

const WIDTH = 50;

export default defineScript(async ({ client, args, log }) => {
  const { values } = parseArgs({
    args,
    options: { project: { type: 'string', default: 'Bench' } },
  });
  const project = await client.projects.byName.query({ name: values.project });
  const tasks: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.tasks.list.query({ projectId: project.id, limit: 500, cursor });
    tasks.push(...page.items.map((t) => t.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);

  for (let i = 0; i < tasks.length; i += WIDTH) {
    await Promise.all(
      tasks
        .slice(i, i + WIDTH)
        .map((taskId) => client.comments.add.mutate({ taskId, text: 'Render published.' })),
    );
  }
  log.info(`posted ${tasks.length} comments`);
  console.log(tasks.length);
});

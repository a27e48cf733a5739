// Comments on every task waiting for approval (wfa) in a project and moves it on:
//   pnpm bot scripts/examples/publish-comments.ts -- --project MyProduction [--to done] [--text "Approved"]
import { parseArgs } from 'node:util';
import { defineScript } from '@clapper/runner';

export default defineScript(async ({ client, args, log, signal }) => {
  const { values } = parseArgs({
    args,
    options: {
      project: { type: 'string', default: 'MyProduction' },
      to: { type: 'string', default: 'done' },
      text: { type: 'string', default: 'Approved by the pipeline' },
    },
  });
  const project = await client.projects.byName.query({ name: values.project });
  const statuses = (await client.taskStatuses.list.query()).items;
  const wfa = statuses.find((s) => s.shortName === 'wfa');
  const target = statuses.find((s) => s.shortName === values.to);
  if (!wfa || !target) throw new Error(`unknown status: ${target ? 'wfa' : values.to}`);

  // Collect first, then change: the list would shift under a cursor while tasks leave wfa.
  const waiting = [];
  let cursor: string | undefined;
  do {
    const page = await client.tasks.list.query({
      projectId: project.id,
      statusId: wfa.id,
      limit: 500,
      cursor,
    });
    waiting.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);

  let published = 0;
  for (const task of waiting) {
    if (signal.aborted) break;
    await client.comments.add.mutate({ taskId: task.id, text: values.text, statusId: target.id });
    published += 1;
  }
  log.info(`${published} of ${waiting.length} tasks moved from wfa to ${target.shortName}`);
  console.log(JSON.stringify({ published }));
});

// Follows comments as they are posted and reacts to each; Ctrl-C stops it cleanly.
//   pnpm bot scripts/examples/watch-comments.ts -- [--project MyProduction] [--max 10]
import { parseArgs } from 'node:util';
import { defineScript } from '@clapper/runner';

export default defineScript(async ({ client, args, log, signal }) => {
  const { values } = parseArgs({
    args,
    options: { project: { type: 'string' }, max: { type: 'string' } },
  });
  const projectId = values.project
    ? (await client.projects.byName.query({ name: values.project })).id
    : undefined;
  const max = values.max ? Number(values.max) : Number.POSITIVE_INFINITY;
  let seen = 0;

  await new Promise<void>((done, fail) => {
    const subscription = client.events.subscribe.subscribe(
      { projectId, types: ['comment.added'] },
      {
        onStarted: () => log.info('watching comments'),
        onData: ({ data: event }) => {
          seen += 1;
          // React: here, one line per comment; a pipeline would publish, notify or render.
          console.log(JSON.stringify({ event: event.id, task: event.taskId, by: event.actorName }));
          if (seen >= max) finish();
        },
        onError: (error) => {
          subscription.unsubscribe();
          fail(error);
        },
      },
    );
    const finish = () => {
      subscription.unsubscribe();
      done();
    };
    signal.addEventListener('abort', finish, { once: true });
  });
  log.info(`stopped after ${seen} comments`);
});

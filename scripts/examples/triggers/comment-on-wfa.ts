// When a task reaches wfa (waiting for approval), comments on it once: a preview would be
// rendered here. Runs until Ctrl-C; a restart resumes after the last event handled.
//   pnpm bot scripts/examples/triggers/comment-on-wfa.ts [--from <event id | ISO time>]
import { defineTrigger } from '@clapper/runner';

let wfa: string | undefined;

export default defineTrigger({
  name: 'comment-on-wfa',
  on: ['task.status_changed'],
  async handle(event, { client, log }) {
    wfa ??= (await client.taskStatuses.list.query()).items.find((s) => s.shortName === 'wfa')?.id;
    // `event.data` is typed by `on`: a status change's `from` and `to`.
    if (!event.taskId || event.data.to !== wfa) return;
    // Its idempotency key is the trigger's, the event's and this call's: handled twice
    // (a retry, a restart after a crash), it still comments once.
    await client.comments.add.mutate({ taskId: event.taskId, text: 'Preview rendered for review' });
    log.info(`commented on task ${event.taskId} (event ${event.id})`);
  },
});

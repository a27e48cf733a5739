// Mirrors each new comment to a webhook (a chat, a review tool): a JSON POST to MIRROR_URL,
// with an Idempotency-Key header that is the same however often the event is handled.
//   MIRROR_URL=https://hooks.example/clapper pnpm bot scripts/examples/triggers/mirror-comments.ts
import { defineTrigger } from '@clapper/runner';

export default defineTrigger({
  name: 'mirror-comments',
  on: ['comment.added'],
  async handle(event, { client, eventKey, signal }) {
    const url = process.env.MIRROR_URL;
    if (!url) throw new Error('set MIRROR_URL to the webhook to post to');
    if (!event.taskId) return;
    const task = await client.tasks.get.query({ id: event.taskId });
    const comments = await client.comments.list.query({ taskId: event.taskId, limit: 500 });
    const comment = comments.items.find((c) => c.id === event.targetId);
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': eventKey },
      body: JSON.stringify({
        event: event.id,
        task: `${task.entity.name} / ${task.taskType.name}`,
        author: event.actorName,
        text: comment?.text ?? null,
      }),
      signal,
    });
    // A refusal is a failure: the runner tries again, then parks the event.
    if (!response.ok) throw new Error(`the webhook answered ${response.status}`);
  },
});

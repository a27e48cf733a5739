// `pnpm bench triggers`: prints when each comment's event reached the handler.
import { defineTrigger } from '@clapper/runner';

export default defineTrigger({
  name: 'bench-latency',
  on: ['comment.added'],
  handle(event) {
    process.stdout.write(`${event.targetId} ${Date.now()}\n`);
  },
});

// `pnpm bench triggers`: handles every event by doing nothing, to time the runner alone.
import { defineTrigger } from '@clapper/runner';

export default defineTrigger({
  name: 'bench-noop',
  on: ['comment.added'],
  handle() {},
});

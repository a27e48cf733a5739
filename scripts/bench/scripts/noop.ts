// `pnpm bot` on a script that does nothing: what starting the runner costs.
import { defineScript } from '@clapper/runner';

export default defineScript(async () => {});

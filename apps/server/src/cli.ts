/**
 * `pnpm cli <command> [options]` (bundled to dist/cli.mjs): the commands of cli-commands.ts
 * (their usage is at its top) on this process's arguments, environment and output; the
 * process exits with their code.
 */
import { runCli } from './cli-commands';

void runCli(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
}).then((code) => process.exit(code));

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseDotenv } from 'dotenv';

export interface RunnerArgs {
  file?: string;
  url?: string;
  token?: string;
  dryRun: boolean;
  watch: boolean;
  init: boolean;
  help: boolean;
  /** What follows `--`: the script's own arguments. */
  scriptArgs: string[];
}

/** `bot [--url U] [--token T] [--dry-run] [--watch] <file> [-- args…]`, or `bot --init`. */
export function parseArgs(argv: string[]): RunnerArgs {
  const out: RunnerArgs = { dryRun: false, watch: false, init: false, help: false, scriptArgs: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.scriptArgs.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '--url' || arg === '--token') {
      const value = argv[++i];
      if (value === undefined) throw new Error(`${arg} needs a value`);
      out[arg === '--url' ? 'url' : 'token'] = value;
    } else if (arg.startsWith('--url=')) out.url = arg.slice(6);
    else if (arg.startsWith('--token=')) out.token = arg.slice(8);
    else if (arg === '--dry-run') out.dryRun = true;
    else if (arg === '--watch') out.watch = true;
    else if (arg === '--init') out.init = true;
    else if (arg === '--help' || arg === '-h') out.help = true;
    else if (!out.file && !arg.startsWith('--')) out.file = arg;
    else out.scriptArgs.push(arg);
  }
  return out;
}

/** `--url`/`--token` first, then the environment, then a `.env` file in the working directory. */
export function resolveConnection(args: RunnerArgs, env: NodeJS.ProcessEnv, cwd: string) {
  const dotenvPath = join(cwd, '.env');
  const file = existsSync(dotenvPath) ? parseDotenv(readFileSync(dotenvPath)) : {};
  // An empty variable counts as unset, so a .env file still applies.
  const url = args.url || env.CLAPPER_URL || file.CLAPPER_URL || 'http://localhost:3000';
  const token = (args.token || env.CLAPPER_TOKEN || file.CLAPPER_TOKEN)?.trim() || undefined;
  return { url, token };
}

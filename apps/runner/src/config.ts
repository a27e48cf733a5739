import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs as parseArgv } from 'node:util';
import { parse as parseDotenv } from 'dotenv';

export interface RunnerArgs {
  file?: string;
  /** `serve <dir>`: every trigger file of the folder, in one process. */
  serve?: string;
  url?: string;
  token?: string;
  dryRun: boolean;
  watch: boolean;
  /** Triggers: start after this event id, or from this time (ISO 8601). */
  from?: number | string;
  init: boolean;
  help: boolean;
  /** What follows `--`: the script's own arguments. */
  scriptArgs: string[];
}

/** The runner's own options; everything else before `--` is refused. */
const OPTIONS = {
  url: { type: 'string' },
  token: { type: 'string' },
  'dry-run': { type: 'boolean' },
  from: { type: 'string' },
  watch: { type: 'boolean' },
  init: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** A wrong command line: `cli.ts` prints the message alone, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * `bot [--url U] [--token T] [--dry-run] [--watch] <file> [-- args…]`, or `bot --init`.
 * Strict: an option the runner does not know, or a second file, before `--` is a
 * `UsageError` (`unknown option --dryrun (did you mean --dry-run?)`); the script's
 * own arguments go after `--`.
 */
export function parseArgs(argv: string[]): RunnerArgs {
  const dashes = argv.indexOf('--');
  const own = dashes === -1 ? argv : argv.slice(0, dashes);
  const scriptArgs = dashes === -1 ? [] : argv.slice(dashes + 1);
  const parse = (args: string[]) =>
    parseArgv({ args, options: OPTIONS, strict: true, allowPositionals: true });
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(own);
  } catch (error) {
    throw usageErrorOf(error);
  }
  const { values, positionals } = parsed;
  if (positionals[0] === 'serve') {
    const [, dir, ...rest] = positionals;
    if (!dir || rest.length > 0)
      throw new UsageError('serve takes one folder: pnpm bot serve <dir>');
    return { ...commonOf(values), serve: dir, scriptArgs };
  }
  const [file, ...extra] = positionals;
  if (extra.length > 0) {
    throw new UsageError(
      `unexpected argument ${extra[0]}: the script's own arguments go after -- (pnpm bot ${file} -- ${extra.join(' ')})`,
    );
  }
  return { ...commonOf(values), file, scriptArgs };
}

function commonOf(values: ReturnType<typeof parseArgv<{ options: typeof OPTIONS }>>['values']) {
  return {
    url: values.url,
    token: values.token,
    dryRun: values['dry-run'] ?? false,
    from: fromOf(values.from),
    watch: values.watch ?? false,
    init: values.init ?? false,
    help: values.help ?? false,
  };
}

function usageErrorOf(error: unknown): Error {
  const { code, message } = error as { code?: string; message: string };
  const named = /'([^' ]+)/.exec(message)?.[1] ?? '';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const near = closestOption(named);
    return new UsageError(
      near
        ? `unknown option ${named} (did you mean ${near}?)`
        : `unknown option ${named} (the script's own arguments go after --)`,
    );
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const [first] = message.split('\n');
    if (/ argument missing$| is ambiguous\.?$/.test(first ?? '')) {
      return new UsageError(`${named} needs a value`);
    }
    if (/does not take an argument/.test(first ?? ''))
      return new UsageError(`${named} takes no value`);
    return new UsageError(first ?? message);
  }
  return error as Error;
}

/** The known option nearest to `given` (by edit distance), when it is a likely typo. */
export function closestOption(given: string): string | undefined {
  const bare = given.replace(/^-+/, '').replace(/=.*$/, '');
  const names = Object.keys(OPTIONS);
  const prefixed = names.filter((name) => bare.length >= 2 && name.startsWith(bare));
  if (prefixed.length === 1) return `--${prefixed[0]}`;
  let best: { name: string; distance: number } | undefined;
  for (const name of names) {
    const distance = editDistance(bare, name);
    if (!best || distance < best.distance) best = { name, distance };
  }
  const allowed = (best?.name.length ?? 0) >= 4 ? 2 : 1;
  return best && best.distance <= allowed ? `--${best.name}` : undefined;
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, substitution);
    }
    row = next;
  }
  return row[b.length]!;
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

/** `--from`: an event id, or a time (ISO 8601) as the server reads it. */
function fromOf(value: string | undefined): number | string | undefined {
  if (value === undefined) return undefined;
  if (/^\d{1,10}$/.test(value)) return Number(value);
  if (!Number.isNaN(Date.parse(value))) return new Date(value).toISOString();
  throw new UsageError(`--from ${value}: an event id (digits) or a time (2026-11-29T10:00:00Z)`);
}

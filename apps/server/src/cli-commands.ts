/**
 * Provisioning without the web admin, like Kitsu's `zou create-bot`: `pnpm cli <command>`, the
 * commands and their flags as USAGE below lists them (`pnpm cli --help` prints it).
 * Tokens go alone to stdout, for piping into a secret store (`pnpm -s cli …`, so
 * pnpm prints no banner there), or with `--out` to a new file of mode 0600;
 * everything else goes to stderr.
 * Works on the database of DATABASE_URL; a running server sees the change within a second.
 *
 * `runCli` is the whole CLI as a function of its arguments, environment and output streams:
 * cli.ts runs it on the process's own (the `pnpm cli` bundle), tests in their own process.
 * Nothing here reads `process` or exits it, and importing this module runs nothing.
 */
import { Console } from 'node:console';
import { randomBytes } from 'node:crypto';
import { type FileHandle, open, rename, unlink } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type ActorDeps,
  bots,
  ChangeTracker,
  createApiServices,
  DEMO_PROJECT,
  DomainError,
  eventRetention,
  people,
  projects,
  seedDemo,
  studio,
  triggers,
  users,
  ZCreateBotInput,
  ZCreateUserInput,
  ZProjectMemberInput,
  ZRegenerateTokenInput,
} from '@clapper/api';
import {
  BackupRefusal,
  backupSqlite,
  type Em,
  inTransaction,
  openDatabase,
  parseDatabaseUrl,
  restoreSqlite,
} from '@clapper/db';
import type { z } from 'zod';
import { apiConfigFromEnv, loadEnv } from './env';
import { prepareDatabase } from './start';

const USAGE = `usage: pnpm cli <command> [options]
  admin:create     --email <email> --password <password> [--name <name>]
  bots:create      --name <name> [--role <role>] [--department <name or id>]... [--project <name>]...
                   [--expires YYYY-MM-DD] [--inactive] [--out <file> [--force]]
  bots:list
  bots:regenerate  (--name <name> | --id <id>) [--grace <minutes>]
  projects:add-member     --project <name> (--bot <name> | --email <email>)
  projects:remove-member  --project <name> (--bot <name> | --email <email>)
  triggers:list    [--bot <name>]      each trigger: how far behind, last error, parked events
  triggers:parked  --bot <name> --trigger <name>
  triggers:retry   --id <parked id>    ask the running trigger to try a parked event again
  triggers:drop    --id <parked id>
  events:prune     --before <YYYY-MM-DD | ISO instant> [--dry-run] [--force]
                   delete events written before then (a day is 00:00 UTC), in batches; events a
                   trigger has not acknowledged and those parked events point at are kept (and
                   the triggers named) unless --force; --dry-run only counts
  demo             seed the demo production MyProduction
  backup  <file> [--force]  a consistent copy of the SQLite database, taken while the server
                   runs and writes (PostgreSQL: pg_dump, README "Backups")
  restore <file>   put a backup in place of the SQLite database, with the server stopped; the
                   database it replaces is kept beside it as <database>.replaced-<time>
A token goes alone to stdout (use \`pnpm -s cli\` when redirecting it: no pnpm banner),
or with --out to a new file of mode 0600 (--force replaces an existing one).`;

/** Bad usage or input: exit 2 with one line. */
class UsageError extends Error {}

/** Where a run reads its environment and writes its output. */
export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Where a relative path is taken from when pnpm set no INIT_CWD; the working directory if unset. */
  cwd?: string;
}

const parseCommandLine = (args: string[]) =>
  parseArgs({
    args,
    allowPositionals: true,
    options: {
      email: { type: 'string' },
      password: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      department: { type: 'string', multiple: true },
      project: { type: 'string', multiple: true },
      bot: { type: 'string' },
      out: { type: 'string' },
      force: { type: 'boolean' },
      expires: { type: 'string' },
      inactive: { type: 'boolean' },
      id: { type: 'string' },
      grace: { type: 'string' },
      trigger: { type: 'string' },
      before: { type: 'string' },
      'dry-run': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });

/** One run: its flags, its output, and the folder its relative paths start from. */
interface Run {
  values: ReturnType<typeof parseCommandLine>['values'];
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** `console.table` on this run's stdout. */
  table(rows: object[]): void;
  from: string;
}

/** A command: its flags parsed into the inputs of the domain operations the API calls too. */
type Command = (deps: ActorDeps, run: Run) => Promise<void>;

const commands: Record<string, Command> = {
  async 'admin:create'(deps, { values, stderr }) {
    const input = parse(ZCreateUserInput, {
      email: values.email,
      password: values.password,
      name: values.name ?? 'Administrator',
      role: 'admin',
    });
    const admin = await users.createUser(deps, input);
    stderr.write(`Created admin ${admin.email} (${admin.id})\n`);
  },

  async 'bots:create'(deps, { values, stdout, stderr, from }) {
    const departmentIds = await departmentIdsFor(deps, values.department ?? []);
    const teams = await projectsNamed(deps, values.project ?? []);
    const input = parse(ZCreateBotInput, {
      name: values.name,
      role: values.role,
      departmentIds,
      expiresAt: values.expires,
      active: !values.inactive,
    });
    // Claimed before anything is created: a file that cannot be written leaves no bot behind.
    const out =
      values.out === undefined ? null : await TokenFile.claim(values.out, values.force, from);
    if (!out && values.force) throw new UsageError('--force only goes with --out <file>');
    try {
      // The bot and its teams in one transaction: all of it, or (on any error) none.
      const { bot, token } = await inTransaction(deps.em, async () => {
        const created = await bots.createBot(deps, input);
        for (const project of teams) {
          const member = { projectId: project.id, personId: created.bot.id };
          await projects.addMember(deps, parse(ZProjectMemberInput, member));
        }
        return created;
      });
      const onTeams = teams.length ? `, on the team of ${teams.map((p) => p.name).join(', ')}` : '';
      const created = `Created bot "${bot.name}" (${bot.id}), role ${bot.role}, expires ${bot.expiresAt ?? 'never'}${onTeams}.`;
      if (out) {
        await out.commit(token);
        stderr.write(
          `${created} Its token is in ${out.path} (mode 0600) and is not shown again.\n`,
        );
      } else {
        stderr.write(`${created} The token below is not shown again:\n`);
        stdout.write(`${token}\n`);
      }
    } catch (error) {
      await out?.discard();
      throw error;
    }
  },

  async 'bots:list'(deps, { table }) {
    const rows = [];
    let cursor: string | undefined;
    do {
      const page = await bots.listBots(deps, {
        cursor,
        limit: 500,
        withinDays: 14,
        sort: 'createdAt',
        order: 'asc',
      });
      rows.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const teams = await projects.teamNamesByPerson(deps);
    table(
      rows.map((b) => ({
        id: b.id,
        name: b.name,
        role: b.role,
        active: b.active,
        expires: b.expiresAt ?? 'never',
        departments: b.departments.map((d) => d.name).join(', '),
        teams: (teams.get(b.id) ?? []).join(', '),
        lastUsed: b.lastUsedAt?.toISOString() ?? 'never',
      })),
    );
  },

  async 'projects:add-member'(deps, { values, stderr }) {
    const { input, who, project } = await memberInput(deps, values);
    const { changed } = await projects.addMember(deps, input);
    stderr.write(
      changed
        ? `Added ${who} to the team of ${project}.\n`
        : `${who} is on the team of ${project} already; nothing to do.\n`,
    );
  },

  async 'projects:remove-member'(deps, { values, stderr }) {
    const { input, who, project } = await memberInput(deps, values);
    try {
      await projects.removeMember(deps, input);
    } catch (error) {
      // The API's message names its input field; here, say who and where.
      if (error instanceof DomainError && error.field === 'personId') {
        throw new DomainError(error.code, `${who} is not on the team of ${project}`, 'personId');
      }
      throw error;
    }
    stderr.write(`Removed ${who} from the team of ${project}.\n`);
  },

  async 'triggers:list'(deps, { values, table }) {
    const botId = values.bot === undefined ? undefined : await botIdByName(deps, values.bot);
    const rows = await triggers.listTriggers(deps, { botId });
    table(
      rows.map((t) => ({
        bot: t.bot.name,
        trigger: t.name,
        events: t.types.join(', ') || 'all',
        cursor: t.cursor,
        behind: `${t.lag.events} events, ${t.lag.seconds} s`,
        lastSuccess: t.lastSuccessAt?.toISOString() ?? 'never',
        lastError: t.lastError ?? '',
        parked: t.parked,
      })),
    );
  },

  async 'triggers:parked'(deps, { values, table }) {
    if (!values.bot || !values.trigger)
      throw new UsageError('give --bot <name> and --trigger <name>');
    const botId = await botIdByName(deps, values.bot);
    const [trigger] = (await triggers.listTriggers(deps, { botId })).filter(
      (t) => t.name === values.trigger,
    );
    if (!trigger) throw new UsageError(`trigger: ${values.bot} has no trigger "${values.trigger}"`);
    const parked = await triggers.listParked(deps, { triggerId: trigger.id });
    table(
      parked.map((p) => ({
        id: p.id,
        event: p.eventId,
        type: p.event?.type ?? '(pruned)',
        tries: p.attempts,
        error: p.error,
        retryAsked: p.retryRequestedAt ? 'yes' : '',
      })),
    );
  },

  async 'triggers:retry'(deps, { values, stderr }) {
    await triggers.retryParked(deps, parse(triggers.ZParkedIdInput, { id: values.id }));
    stderr.write('Asked the trigger to try it again (it does within 10 seconds while it runs).\n');
  },

  async 'triggers:drop'(deps, { values, stderr }) {
    await triggers.dropParked(deps, parse(triggers.ZParkedIdInput, { id: values.id }));
    stderr.write('Dropped.\n');
  },

  async 'events:prune'(deps, { values, stderr }) {
    if (values.before === undefined) {
      throw new UsageError('give --before <YYYY-MM-DD or ISO instant>');
    }
    const before = eventRetention.parseBefore(values.before, deps.services.now());
    const report = await eventRetention.pruneEvents(deps, {
      before,
      force: values.force === true,
      dryRun: values['dry-run'] === true,
    });
    for (const line of eventRetention.describePrune(report)) stderr.write(`${line}\n`);
  },

  async demo(deps, { stderr }) {
    const { created } = await seedDemo(deps, { seatLimit: deps.services.config.seatLimit });
    stderr.write(
      created
        ? `Seeded ${DEMO_PROJECT}: 3 assets, 2 sequences of 5 shots, their tasks, 3 artists (password demo-password).\n`
        : `${DEMO_PROJECT} already exists; nothing to do.\n`,
    );
  },

  async 'bots:regenerate'(deps, { values, stdout, stderr }) {
    const id = values.id ?? (await botIdByName(deps, values.name));
    const input = parse(ZRegenerateTokenInput, {
      id,
      graceMinutes: values.grace === undefined ? undefined : Number(values.grace),
    });
    const { token, previousTokenValidUntil } = await bots.regenerateBotToken(deps, input);
    stderr.write(
      previousTokenValidUntil
        ? `New token below; the old one works until ${previousTokenValidUntil.toISOString()}:\n`
        : 'New token below; the old one is refused from now on:\n',
    );
    stdout.write(`${token}\n`);
  },
};

function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new UsageError(`${issue.path.join('.') || 'input'}: ${issue.message}`);
}

async function departmentIdsFor(deps: ActorDeps, namesOrIds: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const nameOrId of namesOrIds) {
    const found = await studio.findDepartment(deps, { nameOrId });
    if (!found) {
      throw new UsageError(`department: no department is named or has the id "${nameOrId}"`);
    }
    ids.push(found.id);
  }
  return ids;
}

/** Projects by exact name, all found before anything is written. */
async function projectsNamed(deps: ActorDeps, names: string[]) {
  const found = [];
  for (const name of new Set(names)) {
    const project = await projects.findProjectByName(deps, { name });
    if (!project) throw new UsageError(`project: no project is named "${name}"`);
    found.push(project);
  }
  return found;
}

/** `--project` and one of `--bot`/`--email`, as `projects.addMember`/`removeMember` take them. */
async function memberInput(deps: ActorDeps, values: Run['values']) {
  if (values.project?.length !== 1) throw new UsageError('give one --project <name>');
  if ((values.bot === undefined) === (values.email === undefined)) {
    throw new UsageError('give --bot <name> or --email <email> (one of them)');
  }
  const [project] = await projectsNamed(deps, values.project);
  let person: { id: string } | null;
  let who: string;
  if (values.bot !== undefined) {
    person = await people.findPerson(deps, { kind: 'bot', name: values.bot });
    if (!person) throw new UsageError(`bot: no bot is named "${values.bot}"`);
    who = `bot "${values.bot}"`;
  } else {
    const email = parse(ZCreateUserInput.shape.email, values.email);
    person = await people.findPerson(deps, { kind: 'user', email });
    if (!person) throw new UsageError(`email: no user has the email "${email}"`);
    who = `user ${email}`;
  }
  const input = parse(ZProjectMemberInput, { projectId: project!.id, personId: person.id });
  return { input, who, project: project!.name };
}

/**
 * `--out <file>`: the token alone and a newline, in a file only its owner may
 * read (0600). The file is created before the bot (so a bad path or an existing
 * file refuses before anything is written) and removed again if creating fails.
 * An existing file is refused unless `--force`, which replaces it whole (a new
 * file renamed over it: never a partly written token). A relative path is taken
 * from `from`, where the command was typed (pnpm runs scripts from the checkout's root).
 */
class TokenFile {
  private constructor(
    readonly path: string,
    private readonly target: string,
    private readonly written: string,
    private readonly handle: FileHandle,
  ) {}

  static async claim(path: string, force: boolean | undefined, from: string): Promise<TokenFile> {
    if (!path) throw new UsageError('out: give a file name');
    const target = resolve(from, path);
    // Unique per run, not per process: runs in one process (tests) may replace files at once.
    const written = force ? `${target}.${randomBytes(6).toString('hex')}.tmp` : target;
    try {
      return new TokenFile(path, target, written, await open(written, 'wx', 0o600));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') {
        throw new UsageError(`out: ${path} exists; pass --force to replace it`);
      }
      throw new UsageError(`out: cannot create ${path} (${code ?? (error as Error).message})`);
    }
  }

  async commit(token: string) {
    await this.handle.chmod(0o600); // whatever the umask
    await this.handle.writeFile(`${token}\n`);
    await this.handle.sync();
    await this.handle.close();
    if (this.written !== this.target) await rename(this.written, this.target);
  }

  async discard() {
    await this.handle.close().catch(() => undefined);
    await unlink(this.written).catch(() => undefined);
  }
}

async function botIdByName(deps: ActorDeps, name: string | undefined): Promise<string> {
  if (!name) throw new UsageError('give --name or --id of the bot');
  const bot = await people.findPerson(deps, { kind: 'bot', name });
  if (!bot) throw new UsageError(`name: no bot is named "${name}"`);
  return bot.id;
}

/** Commands on the database's file itself, run without opening it through the ORM. */
const fileCommands: Record<
  string,
  (databasePath: string, file: string, run: Run) => Promise<void>
> = {
  async backup(path, file, { values, stderr }) {
    const { bytes } = await backupSqlite(path, file, { force: values.force });
    stderr.write(`Backed up ${path} to ${file} (${(bytes / 2 ** 20).toFixed(1)} MB)\n`);
  },
  async restore(path, file, { stderr }) {
    const { replaced } = await restoreSqlite(file, path);
    stderr.write(
      `Restored ${file} to ${path}${replaced ? `; the database it replaced is ${replaced}` : ''}\n`,
    );
  },
};

async function runFileCommand(
  name: string,
  file: string | undefined,
  run: Run,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  if (!file) throw new UsageError(`${name} needs a file: pnpm cli ${name} <file>`);
  const target = parseDatabaseUrl(loadEnv(env).DATABASE_URL);
  if (target.dialect !== 'sqlite') {
    throw new UsageError(
      `${name} is for the embedded SQLite database; on PostgreSQL use pg_dump and pg_restore (README "Backups")`,
    );
  }
  try {
    await fileCommands[name]!(target.path, resolve(run.from, file), run);
  } catch (error) {
    if (error instanceof BackupRefusal) throw new UsageError(error.message);
    throw error;
  }
  return 0;
}

/**
 * Runs the command `args` name (what follows `pnpm cli`) and returns the exit code: 0 done, 2
 * bad usage or input, 1 refused or failed, each error as one `error:` line on `stderr` (with
 * its stack when unexpected). Opens the database of `env`'s DATABASE_URL and closes it again,
 * with everything the command started.
 */
export async function runCli(args: string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`error: ${error.message}\n`);
      return 2;
    }
    if (error instanceof DomainError) {
      io.stderr.write(`error: ${error.message}\n`);
      return 1;
    }
    io.stderr.write(`error: ${(error as Error).stack ?? error}\n`);
    return 1;
  }
}

/** The command line read, or a usage error naming what it could not read (`--bogus`, say). */
function readCommandLine(args: string[]) {
  try {
    return parseCommandLine(args);
  } catch (error) {
    // node's own parse errors (ERR_PARSE_ARGS_*) say which option, and how to fix it.
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) {
      throw new UsageError((error as Error).message);
    }
    throw error;
  }
}

async function dispatch(args: string[], io: CliIo): Promise<number> {
  const { positionals, values } = readCommandLine(args);
  const { stdout, stderr } = io;
  const output = new Console({ stdout, stderr });
  const run: Run = {
    values,
    stdout,
    stderr,
    table: (rows) => output.table(rows),
    // pnpm runs scripts from the checkout's root, and says where the command was typed.
    from: resolve(io.env.INIT_CWD || io.cwd || '.'),
  };
  const [name, file] = positionals;
  if (name && name in fileCommands && !values.help) return runFileCommand(name, file, run, io.env);
  const command = name ? commands[name] : undefined;
  if (values.help || !command) {
    stderr.write(`${name && !command ? `unknown command: ${name}\n` : ''}${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const env = loadEnv(io.env);
  const orm = await openDatabase(env.DATABASE_URL);
  try {
    const { secret } = await prepareDatabase(orm, {
      secret: env.CLAPPER_SECRET,
      createFirstAdmin: false,
    });
    const services = createApiServices({
      orm,
      secret,
      config: apiConfigFromEnv(env),
    });
    try {
      // On PostgreSQL, running servers hear of what this command changes at once.
      await services.cluster.start();
      const { em, changes } = ChangeTracker.fork(orm.em.fork() as Em);
      try {
        await command({ em, services, principal: null }, run);
      } finally {
        services.cache.invalidate(changes.touched());
      }
    } finally {
      // Whatever failed: a run leaves no connection, listener or timer behind.
      await services.close();
    }
    return 0;
  } finally {
    await orm.close();
  }
}

/**
 * Provisioning without the web admin, like Kitsu's `zou create-bot`:
 *   pnpm cli admin:create --email <email> --password <password> [--name <name>]
 *   pnpm cli bots:create --name <name> [--role <role>] [--department <name or id>]… [--expires YYYY-MM-DD] [--inactive]
 *   pnpm cli bots:list
 *   pnpm cli bots:regenerate (--name <name> | --id <id>) [--grace <minutes>]
 *   pnpm cli demo
 * Tokens go alone to stdout, for piping into a secret store; everything else to stderr.
 * Works on the database of DATABASE_URL; a running server sees the change within a second.
 */
import { parseArgs } from 'node:util';
import {
  type ApiServices,
  bots,
  ChangeTracker,
  createApiServices,
  DEMO_PROJECT,
  DomainError,
  seedDemo,
  users,
  ZCreateBotInput,
  ZCreateUserInput,
  ZRegenerateTokenInput,
} from '@clapper/api';
import { Department, type Em, openDatabase, Person } from '@clapper/db';
import type { z } from 'zod';
import { apiConfigFromEnv, loadEnv } from './env';
import { prepareDatabase } from './start';

const USAGE = `usage: pnpm cli <command> [options]
  admin:create     --email <email> --password <password> [--name <name>]
  bots:create      --name <name> [--role <role>] [--department <name or id>]... [--expires YYYY-MM-DD] [--inactive]
  bots:list
  bots:regenerate  (--name <name> | --id <id>) [--grace <minutes>]
  demo             seed the demo production MyProduction`;

/** Bad usage or input: exit 2 with one line. */
class UsageError extends Error {}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    email: { type: 'string' },
    password: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string' },
    department: { type: 'string', multiple: true },
    expires: { type: 'string' },
    inactive: { type: 'boolean' },
    id: { type: 'string' },
    grace: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

type Command = (deps: { em: Em; services: ApiServices }) => Promise<void>;

const commands: Record<string, Command> = {
  async 'admin:create'(deps) {
    const input = parse(ZCreateUserInput, {
      email: values.email,
      password: values.password,
      name: values.name ?? 'Administrator',
      role: 'admin',
    });
    const admin = await users.createUser(deps, null, input);
    process.stderr.write(`Created admin ${admin.email} (${admin.id})\n`);
  },

  async 'bots:create'(deps) {
    const departmentIds = await departmentIdsFor(deps.em, values.department ?? []);
    const input = parse(ZCreateBotInput, {
      name: values.name,
      role: values.role,
      departmentIds,
      expiresAt: values.expires,
      active: !values.inactive,
    });
    const { bot, token } = await bots.createBot(deps, null, input);
    process.stderr.write(
      `Created bot "${bot.name}" (${bot.id}), role ${bot.role}, expires ${bot.expiresAt ?? 'never'}. The token below is not shown again:\n`,
    );
    process.stdout.write(`${token}\n`);
  },

  async 'bots:list'(deps) {
    const rows = [];
    let cursor: string | undefined;
    do {
      const page = await bots.listBots(deps.services, { cursor, limit: 500 });
      rows.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    console.table(
      rows.map((b) => ({
        id: b.id,
        name: b.name,
        role: b.role,
        active: b.active,
        expires: b.expiresAt ?? 'never',
        departments: b.departments.map((d) => d.name).join(', '),
        lastUsed: b.lastUsedAt?.toISOString() ?? 'never',
      })),
    );
  },

  async demo({ em, services }) {
    const { created } = await seedDemo(em, { seatLimit: services.config.seatLimit });
    process.stderr.write(
      created
        ? `Seeded ${DEMO_PROJECT}: 3 assets, 2 sequences of 5 shots, their tasks, 3 artists (password demo-password).\n`
        : `${DEMO_PROJECT} already exists; nothing to do.\n`,
    );
  },

  async 'bots:regenerate'(deps) {
    const id = values.id ?? (await botIdByName(deps.em, values.name));
    const input = parse(ZRegenerateTokenInput, {
      id,
      graceMinutes: values.grace === undefined ? undefined : Number(values.grace),
    });
    const { token, previousTokenValidUntil } = await bots.regenerateBotToken(deps, null, input);
    process.stderr.write(
      previousTokenValidUntil
        ? `New token below; the old one works until ${previousTokenValidUntil.toISOString()}:\n`
        : 'New token below; the old one is refused from now on:\n',
    );
    process.stdout.write(`${token}\n`);
  },
};

function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new UsageError(`${issue.path.join('.') || 'input'}: ${issue.message}`);
}

async function departmentIdsFor(em: Em, namesOrIds: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const key of namesOrIds) {
    const found = await em.findOne(
      Department,
      isUuid(key) ? { $or: [{ name: key }, { id: key }] } : { name: key },
    );
    if (!found) throw new UsageError(`department: no department is named or has the id "${key}"`);
    ids.push(found.id);
  }
  return ids;
}

async function botIdByName(em: Em, name: string | undefined): Promise<string> {
  if (!name) throw new UsageError('give --name or --id of the bot');
  const bot = await em.findOne(Person, { kind: 'bot', name });
  if (!bot) throw new UsageError(`name: no bot is named "${name}"`);
  return bot.id;
}

const isUuid = (s: string) =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

async function main(): Promise<number> {
  const [name] = positionals;
  const command = name ? commands[name] : undefined;
  if (values.help || !command) {
    process.stderr.write(`${name && !command ? `unknown command: ${name}\n` : ''}${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const env = loadEnv();
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
    // On PostgreSQL, running servers hear of what this command changes at once.
    await services.cluster.start();
    const { em, changes } = ChangeTracker.fork(orm.em.fork() as Em);
    try {
      await command({ em, services });
    } finally {
      services.cache.invalidate(changes.touched());
      await services.close();
    }
    return 0;
  } finally {
    await orm.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\n`);
      process.exit(2);
    }
    if (error instanceof DomainError) {
      process.stderr.write(`error: ${error.message}\n`);
      process.exit(1);
    }
    process.stderr.write(`error: ${(error as Error).stack ?? error}\n`);
    process.exit(1);
  },
);

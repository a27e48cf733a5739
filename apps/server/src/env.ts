import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApiConfig } from '@clapper/api';
import { z } from 'zod';

// An empty variable counts as unset, as in most twelve-factor apps.
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

const ZEnv = z.object({
  PORT: optional(z.coerce.number().int().min(0).max(65535)).transform((v) => v ?? 3000),
  HOST: optional(z.string()).transform((v) => v ?? '0.0.0.0'),
  DATABASE_URL: optional(z.string()).transform((v) => v ?? 'sqlite:./data/clapper.db'),
  CLAPPER_SECRET: optional(z.string().min(32, 'must be at least 32 characters')),
  CLAPPER_ADMIN_EMAIL: optional(z.email()),
  CLAPPER_ADMIN_PASSWORD: optional(z.string().min(8, 'must be at least 8 characters')),
  CLAPPER_SEAT_LIMIT: optional(z.coerce.number().int().min(1)),
  CLAPPER_BOT_MAX_LIFETIME_DAYS: optional(z.coerce.number().int().min(1)),
  CLAPPER_RATE_LIMIT: optional(z.coerce.number().int().min(1)).transform((v) => v ?? 1200),
  /** Where the built web admin is; defaults to apps/admin/dist beside this app. */
  CLAPPER_ADMIN_DIR: optional(z.string()),
  LOG_LEVEL: optional(
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  ).transform((v) => v ?? 'info'),
});

export type Env = z.infer<typeof ZEnv>;

/** The Clapper checkout: `pnpm dev` runs the server from apps/server, `pnpm start` from here. */
const WORKSPACE_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** A relative SQLite path is taken from the checkout's root, whichever package runs the server. */
function anchorSqlitePath(url: string, base: string) {
  const path = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : null;
  if (!path || isAbsolute(path)) return url;
  return `sqlite:${resolve(base, path)}`;
}

/** The one place that reads `process.env`; a bad value stops the start with every problem listed. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = ZEnv.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  return { ...env, DATABASE_URL: anchorSqlitePath(env.DATABASE_URL, WORKSPACE_ROOT) };
}

/** The API's share of the configuration. */
export function apiConfigFromEnv(env: Env): Partial<ApiConfig> {
  return {
    seatLimit: env.CLAPPER_SEAT_LIMIT ?? null,
    botMaxLifetimeDays: env.CLAPPER_BOT_MAX_LIFETIME_DAYS ?? null,
  };
}

import { isIP } from 'node:net';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ApiConfig, MIN_SECRET_LENGTH } from '@clapper/api';
import { z } from 'zod';

/** Requests a minute per token or address, unless `CLAPPER_RATE_LIMIT` says otherwise. */
export const DEFAULT_RATE_LIMIT = 1200;

// An empty variable counts as unset, as in most twelve-factor apps.
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

/** proxy-addr's names for the usual private ranges, which Fastify takes among addresses. */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** An address, a CIDR range (address/prefix length) or a named range. */
function isProxyRange(entry: string) {
  if (NAMED_RANGES.has(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const version = address.includes('%') ? 0 : isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}

/**
 * Fastify's `trustProxy`: `true`/`false`, or the proxies to trust as a
 * comma-separated list of addresses and CIDR ranges. A hop count is refused:
 * Fastify 5 ignores one (it cannot tell the proxy from a client), so it would
 * look set and do nothing.
 */
const ZTrustProxy = z
  .string()
  .trim()
  .transform((value, ctx): boolean | string[] => {
    const flag = value.toLowerCase();
    if (flag === 'true' || flag === 'false') return flag === 'true';
    if (/^\d+$/.test(value)) {
      ctx.addIssue({
        code: 'custom',
        message: `a hop count (${value}) is not supported by Fastify 5: give true or the load balancer's addresses or CIDR ranges`,
      });
      return z.NEVER;
    }
    const entries = value.split(',').map((entry) => entry.trim());
    const bad = entries.filter((entry) => !isProxyRange(entry));
    if (bad.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `must be true, false or comma-separated IP addresses / CIDR ranges; not ${bad.map((b) => JSON.stringify(b)).join(', ')}`,
      });
      return z.NEVER;
    }
    return entries;
  });

const ZEnv = z.object({
  PORT: optional(z.coerce.number().int().min(0).max(65535)).transform((v) => v ?? 3000),
  HOST: optional(z.string()).transform((v) => v ?? '0.0.0.0'),
  DATABASE_URL: optional(z.string()).transform((v) => v ?? 'sqlite:./data/clapper.db'),
  CLAPPER_SECRET: optional(
    z.string().min(MIN_SECRET_LENGTH, `must be at least ${MIN_SECRET_LENGTH} characters`),
  ),
  CLAPPER_ADMIN_EMAIL: optional(z.email()),
  CLAPPER_ADMIN_PASSWORD: optional(z.string().min(8, 'must be at least 8 characters')),
  CLAPPER_SEAT_LIMIT: optional(z.coerce.number().int().min(1)),
  CLAPPER_BOT_MAX_LIFETIME_DAYS: optional(z.coerce.number().int().min(1)),
  CLAPPER_BOT_DEFAULT_EXPIRY_DAYS: optional(z.coerce.number().int().min(0).max(36_500)).transform(
    (v) => v ?? 365,
  ),
  /** Events older than this many days are pruned every few hours; 0 (or unset): kept forever. */
  CLAPPER_EVENTS_RETAIN_DAYS: optional(z.coerce.number().int().min(0).max(36_500)).transform(
    (v) => v ?? 0,
  ),
  CLAPPER_RATE_LIMIT: optional(z.coerce.number().int().min(1)).transform(
    (v) => v ?? DEFAULT_RATE_LIMIT,
  ),
  /** Where the built web admin is; defaults to apps/admin/dist beside this app. */
  CLAPPER_ADMIN_DIR: optional(z.string()),
  /** Off by default: X-Forwarded-For / X-Forwarded-Proto are then ignored. */
  TRUST_PROXY: optional(ZTrustProxy).transform((v) => v ?? false),
  LOG_LEVEL: optional(
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  ).transform((v) => v ?? 'info'),
  /** Unset: pretty lines on a terminal, JSON otherwise (logger.ts). */
  LOG_FORMAT: optional(z.enum(['json', 'pretty'])),
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
    botDefaultExpiryDays: env.CLAPPER_BOT_DEFAULT_EXPIRY_DAYS,
    eventsRetainDays: env.CLAPPER_EVENTS_RETAIN_DAYS,
  };
}

/**
 * The server as apps/server/src/main.ts starts it, with the API settings the server takes from
 * no variable: `STRESS_API_CONFIG` (JSON, a part of ApiConfig) is given to createApiServices.
 * The replica run starts its second replica with this, its caches and event poll at a minute,
 * so only PostgreSQL's NOTIFY can bring it a change made through the first within the second.
 */
import { type ApiConfig, createApiServices } from '@clapper/api';
import { openDatabase } from '@clapper/db';
import { buildServer, createLogger, loadEnv, prepareDatabase } from '@clapper/server';

const env = loadEnv();
const config = JSON.parse(process.env.STRESS_API_CONFIG ?? '{}') as Partial<ApiConfig>;
const orm = await openDatabase(env.DATABASE_URL);
const { secret } = await prepareDatabase(orm, {
  secret: env.CLAPPER_SECRET,
  adminEmail: env.CLAPPER_ADMIN_EMAIL,
  adminPassword: env.CLAPPER_ADMIN_PASSWORD,
});
const services = createApiServices({ orm, secret, config });
const app = await buildServer({
  services,
  logger: createLogger({ level: env.LOG_LEVEL, format: 'json' }),
  rateLimitPerMinute: env.CLAPPER_RATE_LIMIT,
  adminDir: null,
});
const stop = async () => {
  await app.close();
  await orm.close();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
await app.listen({ port: env.PORT, host: env.HOST });

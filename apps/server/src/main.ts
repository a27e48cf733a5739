import { createApiServices, DEMO_PROJECT, seedDemo } from '@clapper/api';
import { type Em, openDatabase } from '@clapper/db';
import closeWithGrace from 'close-with-grace';
import { buildServer, DEFAULT_ADMIN_DIR } from './app';
import { apiConfigFromEnv, loadEnv } from './env';
import { createLogger, logFormatFor } from './logger';
import { prepareDatabase } from './start';

const env = (() => {
  try {
    return loadEnv();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
})();
const logger = createLogger({
  level: env.LOG_LEVEL,
  format: logFormatFor(env.LOG_FORMAT, process.stdout.isTTY === true),
});

const orm = await openDatabase(env.DATABASE_URL, {
  onDriverWarning: (message) => logger.warn({ driver: message }, 'database connection trouble'),
});
const { migrations, secret, firstAdmin } = await prepareDatabase(orm, {
  secret: env.CLAPPER_SECRET,
  adminEmail: env.CLAPPER_ADMIN_EMAIL,
  adminPassword: env.CLAPPER_ADMIN_PASSWORD,
});
if (migrations.length > 0) logger.info({ migrations }, 'database migrated');
if (firstAdmin) {
  logger.info({ email: firstAdmin.email }, 'first admin created');
  if (firstAdmin.generatedPassword) {
    // Straight to the terminal, once; never through the logger.
    process.stdout.write(
      `\n  First admin created. Sign in with:\n    email:    ${firstAdmin.email}\n    password: ${firstAdmin.generatedPassword}\n  It is not shown again: change it after signing in.\n\n`,
    );
  }
}

const services = createApiServices({
  orm,
  secret,
  config: apiConfigFromEnv(env),
});
if (process.argv.includes('--demo')) {
  const demo = await seedDemo(
    { em: orm.em.fork() as Em },
    { seatLimit: env.CLAPPER_SEAT_LIMIT ?? null },
  );
  logger.info({ project: DEMO_PROJECT, created: demo.created }, 'demo production ready');
}

const app = await buildServer({
  services,
  logger,
  rateLimitPerMinute: env.CLAPPER_RATE_LIMIT,
  adminDir: env.CLAPPER_ADMIN_DIR ?? DEFAULT_ADMIN_DIR,
  trustProxy: env.TRUST_PROXY,
});

closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
  if (err) logger.error({ err }, 'shutting down after an error');
  else logger.info({ signal }, 'shutting down');
  await app.close();
  await orm.close();
});

await app.listen({ port: env.PORT, host: env.HOST });

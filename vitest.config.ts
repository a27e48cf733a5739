import { fileURLToPath } from 'node:url';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';
import { LongFilesFirst } from './scripts/test-sequencer';

// Absolute, so a package's own `pnpm test` (run from its folder) finds the same projects.
const dir = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * What `pnpm test:quick` (CLAPPER_TEST_QUICK=1) leaves to `pnpm test`: the files that start
 * processes of their own, and the fuzzing (which `pnpm test:stress` runs again too).
 */
const notQuick =
  process.env.CLAPPER_TEST_QUICK === '1'
    ? [
        'test/cli.test.ts',
        'test/first-start.test.ts',
        'test/start-build.test.ts',
        'test/fuzz.test.ts',
      ]
    : [];

/** Packages whose tests need a database run once per dialect. */
const dialects = ['sqlite', 'postgres'] as const;
const withDatabase = (
  name: string,
  root: string,
  { sqliteOnly = [], postgresOnly = [] }: { sqliteOnly?: string[]; postgresOnly?: string[] } = {},
): TestProjectInlineConfiguration[] =>
  dialects.map((dialect) => ({
    extends: true,
    test: {
      name: `${name}:${dialect}`,
      root: dir(root),
      env: { CLAPPER_TEST_DIALECT: dialect },
      exclude: [
        '**/node_modules/**',
        ...notQuick,
        ...(dialect === 'sqlite' ? postgresOnly : sqliteOnly),
      ],
    },
  }));

/**
 * The server's tests that need no database (build, start, logs, provisioning): run once, with
 * the SQLite files (a project of their own left a worker alone with the build test at its end).
 */
const serverTooling = ['test/start-build.test.ts', 'test/logger.test.ts', 'test/provision.test.ts'];

/**
 * The lean wire paths against tRPC's own, two servers on one database: what they compare is
 * bytes, whichever database both read, so once, with the SQLite files.
 */
const wireComparisons = ['test/lean-trpc.test.ts', 'test/lean-sse.test.ts'];

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    // One worker a core: the suite is CPU-bound (a third worker measured no faster).
    maxWorkers: 2,
    // A worker runs file after file in one module graph: each file importing the API, the ORM
    // and Fastify afresh was a third of the suite's time. Files keep their own servers and
    // databases, so nothing but loaded modules is shared.
    isolate: false,
    hookTimeout: 60_000,
    reporters: ['default', './scripts/test-summary-reporter.ts'],
    sequence: { sequencer: LongFilesFirst },
    projects: [
      // Indexes built concurrently are PostgreSQL's (SQLite's single writer waits for any build).
      ...withDatabase('db', './packages/db', {
        postgresOnly: ['test/migrations-under-writes.test.ts'],
      }),
      { extends: true, test: { name: 'api', root: dir('./packages/api') } },
      // The client's retries are the same whichever database is away: PostgreSQL's outage (a
      // relay cut) answers at once, where SQLite's holds each write for its busy timeout.
      ...withDatabase('server', './apps/server', {
        sqliteOnly: [...serverTooling, ...wireComparisons],
        postgresOnly: ['test/client-retries.test.ts'],
      }),
      // The runner is an HTTP client, like the admin: its scripts and the README's path run on
      // SQLite only. Triggers, whose exactly-once rests on the event log, run on both.
      ...withDatabase('runner', './apps/runner', {
        sqliteOnly: ['test/runner.test.ts', 'test/readme-path.test.ts'],
      }),
      // The admin talks to the API only: its browser tests run on the default SQLite.
      {
        extends: true,
        test: {
          name: 'admin',
          root: dir('./apps/admin'),
          globalSetup: ['./test/global-setup.ts'],
          env: { CLAPPER_TEST_DIALECT: 'sqlite' },
          // A page waits on a debounced search, the server and a render: a second (vitest's
          // default) is too short on two cores shared with the other suites.
          expect: { poll: { timeout: 5000 } },
        },
      },
    ],
  },
});

import { fileURLToPath } from 'node:url';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

// Absolute, so a package's own `pnpm test` (run from its folder) finds the same projects.
const dir = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Packages whose tests need a database run once per dialect. */
const dialects = ['sqlite', 'postgres'] as const;
const withDatabase = (name: string, root: string): TestProjectInlineConfiguration[] =>
  dialects.map((dialect) => ({
    extends: true,
    test: { name: `${name}:${dialect}`, root: dir(root), env: { CLAPPER_TEST_DIALECT: dialect } },
  }));

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    // Tests wait on HTTP, databases and child processes more than on the CPU.
    maxWorkers: 2,
    hookTimeout: 60_000,
    reporters: ['default', './scripts/test-summary-reporter.ts'],
    projects: [
      ...withDatabase('db', './packages/db'),
      { extends: true, test: { name: 'api', root: dir('./packages/api') } },
      ...withDatabase('server', './apps/server'),
      ...withDatabase('runner', './apps/runner'),
      // The admin talks to the API only: its browser tests run on the default SQLite.
      {
        extends: true,
        test: {
          name: 'admin',
          root: dir('./apps/admin'),
          globalSetup: ['./test/global-setup.ts'],
          env: { CLAPPER_TEST_DIALECT: 'sqlite' },
        },
      },
    ],
  },
});

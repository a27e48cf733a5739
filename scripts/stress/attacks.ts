import { basename } from 'node:path';
import { startVitest } from 'vitest/node';
import { ROOT } from '../lib/processes';
import { fmt, type Row } from '../lib/report';

/** Inputs per procedure for the fuzz suite here (`pnpm test` runs it with a few). */
const FUZZ_RUNS = Number(process.env.CLAPPER_FUZZ_RUNS) || 30;

/** The suites, and what each one tries. */
const SUITES: Record<string, string> = {
  'test/attacks.test.ts': 'attacks with leaked, replayed and escalated tokens',
  'test/tokens.test.ts': 'forged tokens',
  'test/hostile-input.test.ts':
    'hostile inputs: NUL, controls, lone surrogates, bidirectional overrides, twin names in other cases and compositions, deep nesting, a failed statement in the log',
  'test/trust-proxy.test.ts': 'forwarded addresses and protocol, with and without TRUST_PROXY',
  'test/fuzz.test.ts': `fuzzing every procedure with ${FUZZ_RUNS} generated inputs each (full Unicode, lone surrogates, controls)`,
};

/** Runs the attack, hostile-input and fuzz suites on both dialects and counts what they tried. */
export async function attacksRun(): Promise<Row[]> {
  // The test workers are forked from this process: they read it from its environment.
  process.env.CLAPPER_FUZZ_RUNS = String(FUZZ_RUNS);
  const vitest = await startVitest('test', Object.keys(SUITES), {
    root: ROOT,
    run: true,
    watch: false,
    project: ['server:sqlite', 'server:postgres'],
    reporters: [],
  });
  try {
    const bySuite = new Map<string, { passed: number; total: number }>();
    for (const file of vitest.state.getFiles()) {
      const suite = `test/${basename(file.filepath)}`;
      const counts = bySuite.get(suite) ?? { passed: 0, total: 0 };
      const walk = (task: { type: string; result?: { state?: string }; tasks?: unknown[] }) => {
        if (task.type === 'test') {
          counts.total++;
          if (task.result?.state === 'pass') counts.passed++;
        }
        for (const child of (task.tasks ?? []) as (typeof task)[]) walk(child);
      };
      walk(file as never);
      bySuite.set(suite, counts);
    }
    return Object.entries(SUITES).map(([suite, what]) => {
      const { passed, total } = bySuite.get(suite) ?? { passed: 0, total: 0 };
      return {
        name: `${what} (${suite.slice(5)}, both dialects)`,
        value: `${fmt(passed)} of ${fmt(total)} tests pass`,
        target: 'all, none a 500',
        met: passed === total && total > 0,
      };
    });
  } finally {
    await vitest.close();
  }
}

import { startVitest } from 'vitest/node';
import { ROOT } from '../lib/processes';
import { fmt, type Row } from '../lib/report';

const SUITES = ['test/attacks.test.ts', 'test/tokens.test.ts', 'test/fuzz.test.ts'];

/** Runs the attack, token and fuzz suites on both dialects and counts what they tried. */
export async function attacksRun(): Promise<Row[]> {
  const vitest = await startVitest('test', SUITES, {
    root: ROOT,
    run: true,
    watch: false,
    project: ['server:sqlite', 'server:postgres'],
    reporters: [],
  });
  try {
    const tests = vitest.state.getFiles().flatMap((file) => {
      const all: { state?: string }[] = [];
      const walk = (task: { type: string; result?: { state?: string }; tasks?: unknown[] }) => {
        if (task.type === 'test') all.push({ state: task.result?.state });
        for (const child of (task.tasks ?? []) as (typeof task)[]) walk(child);
      };
      walk(file as never);
      return all;
    });
    const passed = tests.filter((t) => t.state === 'pass').length;
    return [
      {
        name: 'attack, forged-token and fuzz tests (both dialects)',
        value: `${fmt(passed)} of ${fmt(tests.length)} tests pass: every attack refused, no fuzzed call a 500`,
        target: 'all',
        met: passed === tests.length && tests.length > 0,
      },
    ];
  } finally {
    await vitest.close();
  }
}

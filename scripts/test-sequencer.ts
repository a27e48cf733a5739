import { basename } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Files that take far longer than their size says (child processes, fuzzing, a browser, a
 * seeded studio), longest first. Vitest runs projects one after another and orders a project's
 * files by the last run's durations, or with none (a fresh clone, as in CI) by size: a long,
 * short file started last kept one worker busy alone at the project's end.
 */
const LONG_FILES = [
  'scale.test.ts',
  'runner.test.ts',
  'permissions.test.ts',
  'admin.test.ts',
  'lean-trpc.test.ts',
  'start-build.test.ts',
  'fuzz.test.ts',
  'cli.test.ts',
  'outage.test.ts',
  'trigger-crash.test.ts',
  'kitsu-listener.test.ts',
  'production.test.ts',
  'first-start.test.ts',
];

/** Vitest's order, but with each project's long files (LONG_FILES) first. */
export class LongFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification) => {
      const at = LONG_FILES.indexOf(basename(spec.moduleId));
      return at < 0 ? LONG_FILES.length : at;
    };
    const position = new Map(sorted.map((spec, at) => [spec, at]));
    // Projects stay where vitest put them (each one's files together); only a project's own
    // files are reordered among themselves.
    return [...sorted].sort((a, b) =>
      a.project.name === b.project.name
        ? rank(a) - rank(b) || position.get(a)! - position.get(b)!
        : position.get(a)! - position.get(b)!,
    );
  }
}

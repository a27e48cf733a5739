/**
 * A server clock a test moves on instead of waiting for time to pass. Hand its `now` to
 * `startTestServer({ now })`: every time decision the server makes (token and session expiry,
 * the credential and read caches' lifetimes, a rotated token's grace, the sign-in throttle, the
 * refusal log's pace) reads it.
 */
export interface TestClock {
  /** The clock's time now. */
  readonly now: () => Date;
  /** The clock's time now, in milliseconds since the epoch. */
  readonly ms: () => number;
  /** Moves the clock on by `ms` milliseconds. */
  advance(ms: number): void;
}

/**
 * Without `at`, the clock keeps the wall clock's pace plus whatever `advance` added, so what
 * other processes write (the CLI, another replica) stays in step with it. With `at`, it stands
 * still there until advanced, for tests that compare times exactly.
 */
export function testClock(at?: Date | number): TestClock {
  const frozenAt = at === undefined ? undefined : +at;
  let offset = 0;
  const ms = () => (frozenAt ?? Date.now()) + offset;
  return {
    now: () => new Date(ms()),
    ms,
    advance(by) {
      if (!(by >= 0)) throw new Error(`a test clock only moves on, not by ${by} ms`);
      offset += by;
    },
  };
}

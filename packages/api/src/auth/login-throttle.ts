/**
 * Sign-in attempts, counted in memory per server: at most `perAddress` a
 * minute from one address (each costs a deliberately slow password hash), and
 * after `failuresPerEmail` wrong passwords for one email in 15 minutes that
 * email is locked for the rest of the window, as GitLab does.
 */
export class LoginThrottle {
  private readonly attempts = new Map<string, number[]>();
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly perAddress = 30,
    private readonly failuresPerEmail = 10,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Seconds to wait, or 0 when this attempt may go ahead (it is then counted). */
  admit(address: string, email: string): number {
    const now = this.clock();
    const failed = recent(this.failures, email, now, 15 * 60_000);
    if (failed.length >= this.failuresPerEmail) return retryAfter(failed, now, 15 * 60_000);
    const tries = recent(this.attempts, address, now, 60_000);
    if (tries.length >= this.perAddress) return retryAfter(tries, now, 60_000);
    tries.push(now);
    return 0;
  }

  failed(email: string) {
    const now = this.clock();
    recent(this.failures, email, now, 15 * 60_000).push(now);
  }

  succeeded(email: string) {
    this.failures.delete(email);
  }
}

function recent(map: Map<string, number[]>, key: string, now: number, windowMs: number): number[] {
  const kept = (map.get(key) ?? []).filter((t) => now - t < windowMs);
  map.set(key, kept);
  if (map.size > 50_000) map.delete(map.keys().next().value!);
  return kept;
}

const retryAfter = (times: number[], now: number, windowMs: number) =>
  Math.max(1, Math.ceil((times[0]! + windowMs - now) / 1000));

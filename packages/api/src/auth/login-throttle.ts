import { type Clock, TtlCache } from '../cache/ttl-cache';

const MINUTE = 60_000;
const FAILURE_WINDOW = 15 * MINUTE;
/** Addresses and emails remembered at most, each list the attempts of its window. */
const MAX_KEYS = 50_000;

/**
 * Sign-in attempts, counted in memory per server: at most `perAddress` a
 * minute from one address (each costs a deliberately slow password hash), and
 * after `failuresPerEmail` wrong passwords for one email in 15 minutes that
 * email is locked for the rest of the window, as GitLab does.
 */
export class LoginThrottle {
  private readonly attempts: TtlCache<number[]>;
  private readonly failures: TtlCache<number[]>;

  constructor(
    private readonly perAddress = 30,
    private readonly failuresPerEmail = 10,
    private readonly clock: Clock = Date.now,
  ) {
    this.attempts = new TtlCache({ ttlMs: MINUTE, max: MAX_KEYS, clock });
    this.failures = new TtlCache({ ttlMs: FAILURE_WINDOW, max: MAX_KEYS, clock });
  }

  /** Seconds to wait, or 0 when this attempt may go ahead (it is then counted). */
  admit(address: string, email: string): number {
    const now = this.clock();
    const failed = recent(this.failures, email, now, FAILURE_WINDOW);
    if (failed.length >= this.failuresPerEmail) return retryAfter(failed, now, FAILURE_WINDOW);
    const tries = recent(this.attempts, address, now, MINUTE);
    if (tries.length >= this.perAddress) return retryAfter(tries, now, MINUTE);
    tries.push(now);
    return 0;
  }

  failed(email: string) {
    const now = this.clock();
    recent(this.failures, email, now, FAILURE_WINDOW).push(now);
  }

  succeeded(email: string) {
    this.failures.delete(email);
  }
}

function recent(times: TtlCache<number[]>, key: string, now: number, windowMs: number): number[] {
  const kept = (times.get(key) ?? []).filter((t) => now - t < windowMs);
  times.set(key, kept);
  return kept;
}

const retryAfter = (times: number[], now: number, windowMs: number) =>
  Math.max(1, Math.ceil((times[0]! + windowMs - now) / 1000));

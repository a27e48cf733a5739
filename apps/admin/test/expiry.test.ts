import { describe, expect, it } from 'vitest';
import { expiryLabel, expiryOf } from '../src/expiry';

// 23:30 UTC: late in the day, where a local-time calculation would be off by one.
const now = new Date('2026-11-28T23:30:00Z');
const label = (expiresAt: string | null) => expiryLabel(expiryOf(expiresAt, now));

describe('expiry badges (the server counts a date as good through its end, UTC)', () => {
  it('says nothing for no expiry or one more than 14 days away', () => {
    expect(label(null)).toBeNull();
    expect(label('2026-12-13')).toBeNull();
    expect(expiryOf('2026-12-13', now)).toEqual({ state: 'later', days: 15 });
  });

  it('counts down the last 14 days', () => {
    expect(label('2026-12-12')).toBe('expires in 14 days');
    expect(label('2026-11-29')).toBe('expires in 1 day');
    expect(label('2026-11-28')).toBe('expires today');
  });

  it('marks a date before today expired', () => {
    expect(label('2026-11-27')).toBe('expired');
  });
});

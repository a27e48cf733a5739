/** Days a bot's expiry is flagged ahead of time, as GitLab does for access tokens. */
export const EXPIRY_WARNING_DAYS = 14;

export type Expiry =
  | { state: 'never' }
  | { state: 'expired' }
  | { state: 'soon'; days: number }
  | { state: 'later'; days: number };

const DAY_MS = 86_400_000;

/**
 * Where a bot's expiry date (`YYYY-MM-DD`, good through that day in UTC, as the
 * server counts it) stands today.
 */
export function expiryOf(expiresAt: string | null, now: Date): Expiry {
  if (!expiresAt) return { state: 'never' };
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const days = Math.round((Date.parse(`${expiresAt}T00:00:00Z`) - today) / DAY_MS);
  if (days < 0) return { state: 'expired' };
  return { state: days <= EXPIRY_WARNING_DAYS ? 'soon' : 'later', days };
}

export function expiryLabel(expiry: Expiry): string | null {
  switch (expiry.state) {
    case 'expired':
      return 'expired';
    case 'soon':
      if (expiry.days === 0) return 'expires today';
      return `expires in ${expiry.days} ${expiry.days === 1 ? 'day' : 'days'}`;
    default:
      return null;
  }
}

/** `YYYY-MM-DD`, `days` after today in UTC (the server's calendar for expiry dates). */
export const utcDaysAhead = (days: number, now = new Date()) =>
  new Date(now.getTime() + days * DAY_MS).toISOString().slice(0, 10);

export const todayUtc = () => utcDaysAhead(0);

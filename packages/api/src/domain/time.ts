/** Today's date in UTC, `YYYY-MM-DD`. */
export const utcDay = (at: Date): string => at.toISOString().slice(0, 10);

export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00.000Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return utcDay(date);
}

/** A bot's `expiresAt` date is good through the end of that day, UTC. */
export function endOfDayUtc(date: string): Date {
  return new Date(`${date}T23:59:59.999Z`);
}

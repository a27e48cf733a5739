import dayjs from 'dayjs';
import customParseFormat from 'dayjs/plugin/customParseFormat';
import relativeTime from 'dayjs/plugin/relativeTime';

// customParseFormat: Mantine's DateInput parses typed dates with the input's valueFormat.
dayjs.extend(customParseFormat);
dayjs.extend(relativeTime);

/** "3 minutes ago", or "Never". */
export const ago = (date: Date | null) => (date ? dayjs(date).fromNow() : 'Never');

export const dateTime = (date: Date) => dayjs(date).format('YYYY-MM-DD HH:mm');

/** The viewer's zone, then UTC: "2026-11-29 14:30 (Europe/Paris) · 13:30 UTC". */
export function localAndUtc(date: Date) {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const utc = date.toISOString().slice(0, 16).replace('T', ' ');
  return `${dateTime(date)} (${zone}) · ${utc} UTC`;
}

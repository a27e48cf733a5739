import dayjs from 'dayjs';
import customParseFormat from 'dayjs/plugin/customParseFormat';
import relativeTime from 'dayjs/plugin/relativeTime';

// customParseFormat: Mantine's DateInput parses typed dates with the input's valueFormat.
dayjs.extend(customParseFormat);
dayjs.extend(relativeTime);

/** "3 minutes ago", or "Never". */
export const ago = (date: Date | null) => (date ? dayjs(date).fromNow() : 'Never');

export const dateTime = (date: Date) => dayjs(date).format('YYYY-MM-DD HH:mm');

import { Badge, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../api';

export function seatSummary({
  active,
  limit,
  bots,
}: {
  active: number;
  limit: number | null;
  bots: number;
}) {
  const seats =
    limit === null ? `${active} seats used (no limit)` : `${active} of ${limit} seats used`;
  return `${seats} · ${bots} ${bots === 1 ? 'bot' : 'bots'}, not counted`;
}

/** "7 of 10 seats used · 23 bots, not counted" */
export function SeatCounter() {
  const trpc = useTRPC();
  const seats = useQuery(trpc.users.seats.queryOptions());
  if (!seats.data) return null;
  const full = seats.data.limit !== null && seats.data.active >= seats.data.limit;
  return (
    <Badge size="lg" variant="light" color={full ? 'orange' : 'gray'} tt="none" aria-live="polite">
      <Text span size="sm" data-testid="seat-counter">
        {seatSummary(seats.data)}
      </Text>
    </Badge>
  );
}

import { Alert, Drawer, Loader, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { type Person, useTRPC } from '../../api';
import { dateTime } from '../../components/when';
import { messageOf } from '../../errors';

const REFUSAL_LABELS: Record<string, string> = {
  token_revoked: 'token revoked',
  bot_inactive: 'bot inactive',
  bot_expired: 'bot expired',
};

/** What a bot did, newest first, from the event log; and what was refused with its token. */
export function BotActivityDrawer({ bot, onClose }: { bot: Person | null; onClose: () => void }) {
  const trpc = useTRPC();
  const events = useQuery({
    ...trpc.events.list.queryOptions({ actorId: bot?.id, limit: 50, order: 'desc' }),
    enabled: bot !== null,
  });
  return (
    <Drawer
      opened={bot !== null}
      onClose={onClose}
      position="right"
      size="xl"
      title={bot ? `Activity of ${bot.name}` : ''}
    >
      {bot?.refusals && (
        <Alert color="orange" title="Refused attempts" mb="md" role="status">
          Refused {bot.refusals.count} {bot.refusals.count === 1 ? 'time' : 'times'}
          {bot.refusals.since ? ` since ${dateTime(bot.refusals.since)}` : ''}
          {bot.refusals.lastReason
            ? ` — last: ${REFUSAL_LABELS[bot.refusals.lastReason] ?? bot.refusals.lastReason}`
            : ''}
          {bot.refusals.lastAt ? `, ${dateTime(bot.refusals.lastAt)}` : ''}. Someone still uses a
          token this bot no longer accepts.
        </Alert>
      )}
      {events.isPending && <Loader role="status" aria-label="Loading activity" />}
      {events.isError && <Alert color="red">{messageOf(events.error)}</Alert>}
      {events.data && events.data.items.length === 0 && (
        <Text c="dimmed">This bot has done nothing yet.</Text>
      )}
      {events.data && events.data.items.length > 0 && (
        <Table striped aria-label="Bot activity">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>When</Table.Th>
              <Table.Th>Event</Table.Th>
              <Table.Th>Target</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {events.data.items.map((event) => (
              <Table.Tr key={event.id}>
                <Table.Td>{dateTime(event.createdAt)}</Table.Td>
                <Table.Td>
                  <Text size="sm" ff="monospace">
                    {event.type}
                  </Text>
                </Table.Td>
                <Table.Td>
                  {event.targetType ? `${event.targetType} ${event.targetId}` : '—'}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Drawer>
  );
}

import { Alert, Drawer, Loader, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { type Person, useTRPC } from '../../api';
import { dateTime } from '../../components/when';
import { messageOf } from '../../errors';

/** What a bot did, newest first, from the event log. */
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

import { Badge, Button, Group, Table, Text } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useTRPC } from '../../api';
import { QueryState } from '../../components/QueryState';
import { WideTable } from '../../components/WideTable';
import { dateTime } from '../../components/when';
import { describeEvent, targetOf } from './activity-text';

/** What the bot did and what was done to it, newest first, 50 at a time through all of it. */
export function BotActivity({ botId }: { botId: string }) {
  const trpc = useTRPC();
  const activity = useInfiniteQuery(
    trpc.bots.activity.infiniteQueryOptions(
      { id: botId, limit: 50 },
      { getNextPageParam: (last) => last.nextCursor },
    ),
  );
  return (
    <QueryState query={activity} label="activity">
      {({ pages }) => {
        const events = pages.flatMap((page) => page.items);
        if (events.length === 0) return <Text c="dimmed">Nothing yet.</Text>;
        return (
          <>
            <WideTable minWidth={700}>
              <Table striped aria-label="Bot activity">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>When</Table.Th>
                    <Table.Th>Who</Table.Th>
                    <Table.Th>What</Table.Th>
                    <Table.Th>Target</Table.Th>
                    <Table.Th>Project</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {events.map((event) => (
                    <Table.Tr key={event.id} data-event={event.type}>
                      <Table.Td>
                        <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                          {dateTime(event.createdAt)}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Group gap={6} wrap="nowrap">
                          <Text size="sm" truncate="end" maw={200} title={event.actor.name}>
                            {event.actor.name}
                          </Text>
                          {event.direction === 'on' && (
                            <Badge size="xs" variant="light" color="gray">
                              {event.actor.kind}
                            </Badge>
                          )}
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{describeEvent(event)}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" truncate="end" maw={260} title={targetOf(event)}>
                          {targetOf(event)}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" truncate="end" maw={200}>
                          {event.project?.name ?? ''}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </WideTable>
            <Group justify="space-between" mt="sm">
              <Text size="sm" c="dimmed">
                Showing {events.length} {activity.hasNextPage ? '(there is more)' : '(all of it)'}
              </Text>
              {activity.hasNextPage && (
                <Button
                  variant="default"
                  onClick={() => activity.fetchNextPage()}
                  loading={activity.isFetchingNextPage}
                >
                  Show older
                </Button>
              )}
            </Group>
          </>
        );
      }}
    </QueryState>
  );
}

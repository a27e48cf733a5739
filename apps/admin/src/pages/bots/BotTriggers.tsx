import { Badge, Button, Group, Stack, Table, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '../../api';
import { FormError } from '../../components/FormError';
import { QueryState } from '../../components/QueryState';
import { WideTable } from '../../components/WideTable';
import { ago, dateTime } from '../../components/when';
import { messageOf } from '../../errors';

/** The bot's triggers (`pnpm bot <trigger.ts>`): how far behind each is, and what it parked. */
export function BotTriggers({ botId }: { botId: string }) {
  const trpc = useTRPC();
  const triggers = useQuery(trpc.triggers.list.queryOptions({ botId }));
  const [open, setOpen] = useState<string | null>(null);
  return (
    <QueryState query={triggers} label="triggers">
      {(items) =>
        items.length === 0 ? (
          <Text c="dimmed">
            No triggers: run a file made with defineTrigger() with this bot's token.
          </Text>
        ) : (
          <Stack>
            <WideTable minWidth={700}>
              <Table aria-label="Triggers">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Trigger</Table.Th>
                    <Table.Th>Events</Table.Th>
                    <Table.Th>Behind</Table.Th>
                    <Table.Th>Last success</Table.Th>
                    <Table.Th>Last error</Table.Th>
                    <Table.Th>Parked</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((t) => (
                    <Table.Tr key={t.id} data-trigger={t.name}>
                      <Table.Td fw={500}>{t.name}</Table.Td>
                      <Table.Td>
                        <Text size="sm" ff="monospace">
                          {t.types.length ? t.types.join(', ') : 'all'}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">
                          {t.lag.events} events · {t.lag.seconds} s
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{ago(t.lastSuccessAt)}</Text>
                      </Table.Td>
                      <Table.Td maw={260}>
                        <Text size="sm" truncate="end" title={t.lastError ?? undefined}>
                          {t.lastError ?? '—'}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        {t.parked > 0 ? (
                          <Button
                            size="xs"
                            variant="light"
                            color="orange"
                            onClick={() => setOpen(open === t.id ? null : t.id)}
                          >
                            {t.parked} parked
                          </Button>
                        ) : (
                          <Badge variant="light" color="gray">
                            none
                          </Badge>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </WideTable>
            {open && (
              <ParkedEvents triggerId={open} name={items.find((t) => t.id === open)?.name ?? ''} />
            )}
          </Stack>
        )
      }
    </QueryState>
  );
}

function ParkedEvents({ triggerId, name }: { triggerId: string; name: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const parked = useQuery(trpc.triggers.parked.queryOptions({ triggerId }));
  const refresh = () => queryClient.invalidateQueries();
  const retry = useMutation(trpc.triggers.retryParked.mutationOptions({ onSuccess: refresh }));
  const drop = useMutation(trpc.triggers.dropParked.mutationOptions({ onSuccess: refresh }));
  const failure = retry.error ?? drop.error;
  return (
    <QueryState query={parked} label="parked events">
      {(items) => (
        <Stack gap="xs">
          <FormError message={failure ? messageOf(failure) : null} />
          <WideTable minWidth={700}>
            <Table aria-label={`Parked events of ${name}`}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Event</Table.Th>
                  <Table.Th>Parked</Table.Th>
                  <Table.Th>Tries</Table.Th>
                  <Table.Th>Error</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((p) => (
                  <Table.Tr key={p.id}>
                    <Table.Td>
                      <Text size="sm" ff="monospace">
                        #{p.eventId} {p.event?.type ?? '(pruned)'}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{dateTime(p.parkedAt)}</Text>
                    </Table.Td>
                    <Table.Td>{p.attempts}</Table.Td>
                    <Table.Td maw={300}>
                      <Text size="sm" truncate="end" title={p.error}>
                        {p.error}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap" justify="flex-end">
                        {p.retryRequestedAt ? (
                          <Badge variant="light">retry asked</Badge>
                        ) : (
                          <Button
                            size="xs"
                            variant="subtle"
                            aria-label={`Retry event ${p.eventId}`}
                            onClick={() => retry.mutate({ id: p.id })}
                          >
                            Retry
                          </Button>
                        )}
                        <Button
                          size="xs"
                          variant="subtle"
                          color="red"
                          aria-label={`Drop event ${p.eventId}`}
                          onClick={() => drop.mutate({ id: p.id })}
                        >
                          Drop
                        </Button>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </WideTable>
        </Stack>
      )}
    </QueryState>
  );
}

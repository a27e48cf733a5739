import { ActionIcon, Button, Checkbox, Menu, Table, Text, VisuallyHidden } from '@mantine/core';
import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { memo, useCallback, useState } from 'react';
import { Link } from 'react-router';
import { type Person, useTRPC } from '../../api';
import { ExpiryCell } from '../../components/ExpiryBadge';
import { PageHeader } from '../../components/PageHeader';
import { PersonCells, PersonHeaders } from '../../components/PersonCells';
import { QueryState } from '../../components/QueryState';
import { WideTable } from '../../components/WideTable';
import { ago } from '../../components/when';
import { EXPIRY_WARNING_DAYS } from '../../expiry';
import { ListFilters, ShowMore, SortHeader } from '../../lists/ListControls';
import { usePeopleListParams } from '../../lists/list-params';
import { type BotAction, useBotActions } from './BotActionModals';
import { BulkActions } from './BulkActions';
import { BOTS_ORDER, nextBotsPage } from './bots-list';

export function BotsPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const params = usePeopleListParams(BOTS_ORDER);
  const bots = useInfiniteQuery(
    trpc.bots.list.infiniteQueryOptions(params.input, {
      ...nextBotsPage,
      placeholderData: keepPreviousData,
    }),
  );
  const everyBot = useQuery(trpc.bots.list.queryOptions({ limit: 1 }));
  const expiringSoon = useQuery(
    trpc.bots.list.queryOptions({ limit: 1, expiry: 'soon', withinDays: EXPIRY_WARNING_DAYS }),
  );
  const { act, modals } = useBotActions();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const select = useCallback(
    (ids: string[], on: boolean) =>
      setSelected((current) => {
        const next = new Set(current);
        for (const id of ids) {
          if (on) next.add(id);
          else next.delete(id);
        }
        return next;
      }),
    [],
  );

  const refresh = () => queryClient.invalidateQueries();
  const update = useMutation(trpc.bots.update.mutationOptions({ onSuccess: refresh }));
  // Stable, so a row re-renders only when its bot or its checkbox changes, not on each key
  // typed in the search box.
  const { mutateAsync } = update;
  const saveActive = useCallback(
    (id: string, active: boolean) => mutateAsync({ id, active }),
    [mutateAsync],
  );

  return (
    <>
      <PageHeader title="Bots">
        {everyBot.data && expiringSoon.data && (
          <Text size="sm" c="dimmed" data-testid="bot-totals">
            {everyBot.data.total} bots · {expiringSoon.data.total} expiring within{' '}
            {EXPIRY_WARNING_DAYS} days
          </Text>
        )}
        <Button onClick={() => act('create')}>New bot</Button>
      </PageHeader>
      <ListFilters params={params} label="bots" withExpiry />
      {selected.size > 0 && (
        <BulkActions ids={[...selected]} onDone={() => setSelected(new Set())} />
      )}
      <QueryState query={bots} label="bots">
        {({ pages }) => {
          const items = pages.flatMap((page) => page.items);
          if (items.length === 0) {
            return (
              <Text c="dimmed">
                {everyBot.data?.total === 0
                  ? 'No bots yet. A bot is a user for scripts: it holds an API token instead of a password.'
                  : 'No bot matches these filters.'}
              </Text>
            );
          }
          return (
            <>
              <WideTable minWidth={900}>
                <Table highlightOnHover aria-label="Bots" verticalSpacing="sm">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th w={40}>
                        <Checkbox
                          aria-label="Select every bot shown"
                          checked={items.every((b) => selected.has(b.id))}
                          indeterminate={
                            items.some((b) => selected.has(b.id)) &&
                            !items.every((b) => selected.has(b.id))
                          }
                          onChange={(e) =>
                            select(
                              items.map((b) => b.id),
                              e.currentTarget.checked,
                            )
                          }
                        />
                      </Table.Th>
                      <SortHeader params={params} column="name">
                        Name
                      </SortHeader>
                      <PersonHeaders params={params} />
                      <SortHeader params={params} column="expiresAt">
                        Expires
                      </SortHeader>
                      <SortHeader params={params} column="lastUsedAt">
                        Last used
                      </SortHeader>
                      <Table.Th>Created by</Table.Th>
                      <Table.Th>
                        <VisuallyHidden>Actions</VisuallyHidden>
                      </Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {items.map((bot) => (
                      <BotRow
                        key={bot.id}
                        bot={bot}
                        selected={selected.has(bot.id)}
                        onSelect={select}
                        onAction={act}
                        saveActive={saveActive}
                      />
                    ))}
                  </Table.Tbody>
                </Table>
              </WideTable>
              <ShowMore query={bots} />
            </>
          );
        }}
      </QueryState>

      {modals}
    </>
  );
}

const BotRow = memo(function BotRow({
  bot,
  selected,
  onSelect,
  onAction,
  saveActive,
}: {
  bot: Person;
  selected: boolean;
  onSelect: (ids: string[], on: boolean) => void;
  onAction: (action: BotAction, bot: Person) => void;
  saveActive: (id: string, active: boolean) => Promise<unknown>;
}) {
  return (
    <Table.Tr data-bot={bot.name}>
      <Table.Td>
        <Checkbox
          aria-label={`Select ${bot.name}`}
          checked={selected}
          onChange={(e) => onSelect([bot.id], e.currentTarget.checked)}
        />
      </Table.Td>
      <Table.Td maw={260}>
        <Text fw={500} truncate="end" title={bot.name} component={Link} to={`/bots/${bot.id}`}>
          {bot.name}
        </Text>
      </Table.Td>
      <PersonCells person={bot} saveActive={(active) => saveActive(bot.id, active)} />
      <Table.Td>
        <ExpiryCell expiresAt={bot.expiresAt} />
      </Table.Td>
      <Table.Td>
        <Text size="sm">{ago(bot.lastUsedAt)}</Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{bot.createdBy?.name ?? '—'}</Text>
      </Table.Td>
      <Table.Td>
        <BotMenu bot={bot} onAction={onAction} />
      </Table.Td>
    </Table.Tr>
  );
});

/**
 * A row's menu, made only once it is first opened: a closed Mantine menu still sets up its
 * floating position and focus handling, and fifty of them weigh on the page's first paint.
 */
function BotMenu({
  bot,
  onAction,
}: {
  bot: Person;
  onAction: (action: BotAction, bot: Person) => void;
}) {
  const [made, setMade] = useState(false);
  const label = `Actions for ${bot.name}`;
  if (!made) {
    return (
      <ActionIcon variant="subtle" aria-label={label} onClick={() => setMade(true)}>
        ⋯
      </ActionIcon>
    );
  }
  return (
    <Menu position="bottom-end" withinPortal defaultOpened>
      <Menu.Target>
        <ActionIcon variant="subtle" aria-label={label} data-autofocus>
          ⋯
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item onClick={() => onAction('edit', bot)}>Edit</Menu.Item>
        <Menu.Item onClick={() => onAction('regenerate', bot)}>Regenerate token</Menu.Item>
        <Menu.Item component={Link} to={`/bots/${bot.id}`}>
          Activity and teams
        </Menu.Item>
        <Menu.Divider />
        <Menu.Item color="red" onClick={() => onAction('delete', bot)}>
          Delete
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

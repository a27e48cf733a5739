import { Button, Table, Text, VisuallyHidden } from '@mantine/core';
import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQueryClient,
} from '@tanstack/react-query';
import { useState } from 'react';
import { type Person, useTRPC } from '../../api';
import { PageHeader } from '../../components/PageHeader';
import { PersonCells, PersonHeaders } from '../../components/PersonCells';
import { QueryState } from '../../components/QueryState';
import { WideTable } from '../../components/WideTable';
import { ago } from '../../components/when';
import { ListFilters, ShowMore, SortHeader } from '../../lists/ListControls';
import { usePeopleListParams } from '../../lists/list-params';
import { useMe } from '../../session/SessionGate';
import { PersonFormModal } from './PersonFormModal';
import { SeatCounter } from './SeatCounter';

type Form = { opened: false } | { opened: true; person: Person | null };

/** Real users: they sign in, and each active one takes a seat. Bots have their own page. */
export function PeoplePage() {
  const trpc = useTRPC();
  const me = useMe();
  const queryClient = useQueryClient();
  const params = usePeopleListParams({ sort: 'name', order: 'asc' });
  const people = useInfiniteQuery(
    trpc.users.list.infiniteQueryOptions(params.input, {
      getNextPageParam: (last) => last.nextCursor,
      placeholderData: keepPreviousData,
    }),
  );
  const [form, setForm] = useState<Form>({ opened: false });
  const update = useMutation(
    trpc.users.update.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(),
    }),
  );

  return (
    <>
      <PageHeader title="People">
        <SeatCounter />
        <Button onClick={() => setForm({ opened: true, person: null })}>New person</Button>
      </PageHeader>
      <ListFilters params={params} label="people" />
      <QueryState query={people} label="people">
        {({ pages }) => {
          const items = pages.flatMap((page) => page.items);
          if (items.length === 0) return <Text c="dimmed">No one matches these filters.</Text>;
          return (
            <>
              <WideTable minWidth={800}>
                <Table highlightOnHover aria-label="People" verticalSpacing="sm">
                  <Table.Thead>
                    <Table.Tr>
                      <SortHeader params={params} column="name">
                        Name
                      </SortHeader>
                      <Table.Th>Email</Table.Th>
                      <PersonHeaders params={params} />
                      <SortHeader params={params} column="lastUsedAt">
                        Last seen
                      </SortHeader>
                      <Table.Th>
                        <VisuallyHidden>Actions</VisuallyHidden>
                      </Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {items.map((person) => (
                      <Table.Tr key={person.id} data-person={person.email}>
                        <Table.Td fw={500}>
                          {person.name}
                          {person.id === me.id && (
                            <Text span c="dimmed" size="sm">
                              {' '}
                              (you)
                            </Text>
                          )}
                        </Table.Td>
                        <Table.Td>{person.email}</Table.Td>
                        <PersonCells
                          person={person}
                          saveActive={(active) => update.mutateAsync({ id: person.id, active })}
                        />
                        <Table.Td>
                          <Text size="sm">{ago(person.lastUsedAt)}</Text>
                        </Table.Td>
                        <Table.Td>
                          <Button
                            size="xs"
                            variant="subtle"
                            aria-label={`Edit ${person.name}`}
                            onClick={() => setForm({ opened: true, person })}
                          >
                            Edit
                          </Button>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </WideTable>
              <ShowMore query={people} />
            </>
          );
        }}
      </QueryState>
      <PersonFormModal
        opened={form.opened}
        person={form.opened ? form.person : null}
        onClose={() => setForm({ opened: false })}
      />
    </>
  );
}

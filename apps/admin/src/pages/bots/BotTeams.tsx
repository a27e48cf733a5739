import { Button, CloseButton, Group, Select, Stack, Table, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '../../api';
import { FormError } from '../../components/FormError';
import { useTeamChanges } from '../../components/use-team-changes';

/** The projects a bot works on: it reads (and by role, changes) only these. */
export function BotTeams({
  bot,
}: {
  bot: { id: string; name: string; teams: { id: string; name: string }[] };
}) {
  const trpc = useTRPC();
  // The server searches every project by name: 20 at a time.
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 200);
  const projects = useQuery({
    ...trpc.projects.list.queryOptions({ limit: 20, q: q || undefined }),
    placeholderData: keepPreviousData,
  });
  const [projectId, setProjectId] = useState<string | null>(null);
  const { add, remove, failure } = useTeamChanges({
    onAdded: () => {
      setProjectId(null);
      setSearch('');
    },
  });
  const member = new Set(bot.teams.map((t) => t.id));
  const candidates = (projects.data?.items ?? [])
    .filter((p) => !member.has(p.id))
    .map((p) => ({ value: p.id, label: p.name }));

  return (
    <Stack>
      <FormError message={failure} />
      {bot.teams.length === 0 ? (
        <Text c="dimmed">On no team: it can read no project.</Text>
      ) : (
        <Table aria-label="Teams">
          <Table.Tbody>
            {bot.teams.map((team) => (
              <Table.Tr key={team.id}>
                <Table.Td>
                  <Text truncate="end" title={team.name}>
                    {team.name}
                  </Text>
                </Table.Td>
                <Table.Td w={40}>
                  <CloseButton
                    aria-label={`Remove from ${team.name}`}
                    disabled={remove.isPending}
                    onClick={() => {
                      add.reset();
                      remove.mutate({ projectId: team.id, personId: bot.id });
                    }}
                  />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          remove.reset();
          if (projectId) add.mutate({ projectId, personId: bot.id });
        }}
      >
        <Group align="flex-end">
          <Select
            label="Add to a project's team"
            placeholder="Search projects"
            data={candidates}
            value={projectId}
            onChange={setProjectId}
            searchable
            searchValue={search}
            onSearchChange={setSearch}
            filter={({ options }) => options}
            nothingFoundMessage={projects.isFetching ? 'Searching…' : 'No other project'}
            style={{ flex: 1 }}
          />
          <Button type="submit" disabled={!projectId} loading={add.isPending}>
            Add
          </Button>
        </Group>
      </form>
    </Stack>
  );
}

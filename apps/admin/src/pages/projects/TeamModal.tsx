import { ActionIcon, Badge, Button, Group, Modal, Select, Stack, Table, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { type Project, useTRPC } from '../../api';
import { FormError } from '../../components/FormError';
import { useTeamChanges } from '../../components/use-team-changes';

/** A project's team: people and bots, who may then read (and by role, change) the project. */
export function TeamModal({ project, onClose }: { project: Project | null; onClose: () => void }) {
  const trpc = useTRPC();
  // The server searches every person and bot (a studio has hundreds): 20 of each per search.
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 200);
  const input = { limit: 20, q: q || undefined, sort: 'name', order: 'asc' } as const;
  const users = useQuery({
    ...trpc.users.list.queryOptions(input),
    enabled: !!project,
    placeholderData: keepPreviousData,
  });
  const bots = useQuery({
    ...trpc.bots.list.queryOptions(input),
    enabled: !!project,
    placeholderData: keepPreviousData,
  });
  const [personId, setPersonId] = useState<string | null>(null);
  const { add, remove, failure } = useTeamChanges({
    onAdded: () => {
      setPersonId(null);
      setSearch('');
    },
  });

  const members = new Set(project?.team.map((m) => m.id));
  const candidates = [
    ...(users.data?.items ?? []).map((p) => ({ value: p.id, label: p.name, group: 'People' })),
    ...(bots.data?.items ?? []).map((p) => ({ value: p.id, label: p.name, group: 'Bots' })),
  ].filter((c) => !members.has(c.value));
  const data = ['People', 'Bots'].map((group) => ({
    group,
    items: candidates
      .filter((c) => c.group === group)
      .map(({ value, label }) => ({ value, label })),
  }));

  return (
    <Modal
      opened={project !== null}
      onClose={() => {
        add.reset();
        remove.reset();
        onClose();
      }}
      title={project ? `Team of ${project.name}` : ''}
      size="lg"
    >
      {project && (
        <Stack>
          <FormError message={failure} />
          <form
            onSubmit={(e) => {
              e.preventDefault();
              remove.reset();
              if (personId) add.mutate({ projectId: project.id, personId });
            }}
          >
            <Group align="flex-end">
              <Select
                label="Add to the team"
                placeholder="Pick a person or a bot"
                data={data}
                value={personId}
                onChange={setPersonId}
                searchable
                searchValue={search}
                onSearchChange={setSearch}
                // The server has filtered already, on more than the names shown.
                filter={({ options }) => options}
                nothingFoundMessage={q ? `No one named like "${q}"` : 'Type a name'}
                style={{ flex: 1 }}
                data-autofocus
              />
              <Button type="submit" disabled={!personId} loading={add.isPending}>
                Add
              </Button>
            </Group>
          </form>
          {project.team.length === 0 ? (
            <Text c="dimmed">Nobody on this team yet.</Text>
          ) : (
            <Table aria-label="Team">
              <Table.Tbody>
                {project.team.map((member) => (
                  <Table.Tr key={member.id}>
                    <Table.Td>{member.name}</Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={member.kind === 'bot' ? 'grape' : 'blue'}>
                        {member.kind}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{member.role}</Table.Td>
                    <Table.Td align="right">
                      <ActionIcon
                        variant="subtle"
                        color="red"
                        aria-label={`Remove ${member.name}`}
                        loading={remove.isPending && remove.variables?.personId === member.id}
                        onClick={() =>
                          remove.mutate({ projectId: project.id, personId: member.id })
                        }
                      >
                        ✕
                      </ActionIcon>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Stack>
      )}
    </Modal>
  );
}

import { Button, CloseButton, Group, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { FormError } from '../../components/FormError';
import { ProjectPicker } from '../../components/ProjectPicker';
import { useTeamChanges } from '../../components/use-team-changes';

/** The projects a bot works on: it reads (and by role, changes) only these. */
export function BotTeams({
  bot,
}: {
  bot: { id: string; name: string; teams: { id: string; name: string }[] };
}) {
  const [projectId, setProjectId] = useState<string | null>(null);
  const { add, remove, failure } = useTeamChanges({
    onAdded: () => setProjectId(null),
  });
  const member = new Set(bot.teams.map((t) => t.id));

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
          <ProjectPicker
            label="Add to a project's team"
            placeholder="Search projects"
            value={projectId}
            onChange={setProjectId}
            exclude={member}
          />
          <Button type="submit" disabled={!projectId} loading={add.isPending}>
            Add
          </Button>
        </Group>
      </form>
    </Stack>
  );
}

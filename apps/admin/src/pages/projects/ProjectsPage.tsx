import {
  Button,
  Modal,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  VisuallyHidden,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '../../api';
import { FormActions } from '../../components/FormActions';
import { FormError, useServerErrors } from '../../components/FormError';
import { PageHeader } from '../../components/PageHeader';
import { QueryState } from '../../components/QueryState';
import { RowSwitch } from '../../components/RowSwitch';
import { TeamModal } from './TeamModal';

export function ProjectsPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const projects = useQuery(trpc.projects.list.queryOptions({ limit: 100 }));
  const [creating, setCreating] = useState(false);
  const [teamOf, setTeamOf] = useState<string | null>(null);
  const update = useMutation(
    trpc.projects.update.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(),
    }),
  );

  return (
    <>
      <PageHeader title="Projects">
        <Button onClick={() => setCreating(true)}>New project</Button>
      </PageHeader>
      <QueryState query={projects} label="projects">
        {({ items }) =>
          items.length === 0 ? (
            <Text c="dimmed">No projects yet.</Text>
          ) : (
            <Table highlightOnHover aria-label="Projects" verticalSpacing="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Bot collaboration</Table.Th>
                  <Table.Th>Team</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((project) => {
                  const bots = project.team.filter((m) => m.kind === 'bot').length;
                  return (
                    <Table.Tr key={project.id}>
                      <Table.Td fw={500}>{project.name}</Table.Td>
                      <Table.Td>
                        <RowSwitch
                          label={`Bot collaboration: ${project.name}`}
                          checked={project.botCollaboration}
                          save={(botCollaboration) =>
                            update.mutateAsync({ id: project.id, botCollaboration })
                          }
                        />
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">
                          {project.team.length - bots} people · {bots} bots
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Button
                          size="xs"
                          variant="subtle"
                          aria-label={`Team of ${project.name}`}
                          onClick={() => setTeamOf(project.id)}
                        >
                          Team
                        </Button>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          )
        }
      </QueryState>
      <NewProjectModal opened={creating} onClose={() => setCreating(false)} />
      {/* A new instance per project: nothing picked for one team is offered to another. */}
      <TeamModal
        key={teamOf ?? 'none'}
        project={projects.data?.items.find((p) => p.id === teamOf) ?? null}
        onClose={() => setTeamOf(null)}
      />
    </>
  );
}

function NewProjectModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useForm({ initialValues: { name: '', botCollaboration: false } });
  const serverErrors = useServerErrors(form);
  const close = () => {
    form.reset();
    serverErrors.clear();
    onClose();
  };
  const create = useMutation(
    trpc.projects.create.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries();
        close();
      },
      onError: serverErrors.show,
    }),
  );
  return (
    <Modal opened={opened} onClose={close} title="New project">
      <form
        onSubmit={form.onSubmit((values) => {
          serverErrors.clear();
          create.mutate(values);
        })}
      >
        <Stack>
          <FormError message={serverErrors.message} />
          <TextInput label="Name" required data-autofocus {...form.getInputProps('name')} />
          <Switch
            label="Bot collaboration"
            description="Tasks of this project may be assigned to bots (agent workflows)."
            {...form.getInputProps('botCollaboration', { type: 'checkbox' })}
          />
          <FormActions onCancel={close} submitLabel="Create project" loading={create.isPending} />
        </Stack>
      </form>
    </Modal>
  );
}

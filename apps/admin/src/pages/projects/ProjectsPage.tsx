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
import { useDebouncedValue } from '@mantine/hooks';
import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQueryClient,
} from '@tanstack/react-query';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { useTRPC } from '../../api';
import { FormActions } from '../../components/FormActions';
import { FormError, useServerErrors } from '../../components/FormError';
import { PageHeader } from '../../components/PageHeader';
import { QueryState } from '../../components/QueryState';
import { RowSwitch } from '../../components/RowSwitch';
import { ShowMore } from '../../lists/ListControls';
import { TeamModal } from './TeamModal';

export function ProjectsPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // The search stays in the URL, as on the Bots and People pages.
  const [params, setParams] = useSearchParams();
  const search = params.get('q') ?? '';
  const [q] = useDebouncedValue(search.trim(), 150);
  const projects = useInfiniteQuery(
    trpc.projects.list.infiniteQueryOptions(
      { limit: 50, q: q || undefined },
      { getNextPageParam: (last) => last.nextCursor, placeholderData: keepPreviousData },
    ),
  );
  const shown = projects.data?.pages.flatMap((page) => page.items) ?? [];
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
      <TextInput
        label="Search"
        placeholder="Name"
        aria-label="Search projects"
        value={search}
        onChange={(e) =>
          setParams(e.currentTarget.value ? { q: e.currentTarget.value } : {}, { replace: true })
        }
        w={240}
        mb="md"
      />
      <QueryState query={projects} label="projects">
        {({ pages }) => {
          const items = pages.flatMap((page) => page.items);
          if (items.length === 0) {
            return <Text c="dimmed">{q ? 'No project matches.' : 'No projects yet.'}</Text>;
          }
          return (
            <>
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
              <ShowMore query={projects} />
            </>
          );
        }}
      </QueryState>
      <NewProjectModal opened={creating} onClose={() => setCreating(false)} />
      {/* A new instance per project: nothing picked for one team is offered to another. */}
      <TeamModal
        key={teamOf ?? 'none'}
        project={shown.find((p) => p.id === teamOf) ?? null}
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

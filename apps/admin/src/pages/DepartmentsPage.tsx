import {
  Button,
  ColorInput,
  ColorSwatch,
  Group,
  Modal,
  Stack,
  Table,
  Text,
  TextInput,
  VisuallyHidden,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDebouncedValue } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { type Department, useTRPC } from '../api';
import { ConfirmModal } from '../components/ConfirmModal';
import { FormActions } from '../components/FormActions';
import { FormError, useServerErrors } from '../components/FormError';
import { PageHeader } from '../components/PageHeader';
import { QueryState } from '../components/QueryState';
import { messageOf } from '../errors';
import { useAllDepartments } from '../lists/all-departments';
import { SEARCH_PAUSE_MS } from '../lists/list-params';

type Form = { opened: false } | { opened: true; department: Department | null };

export function DepartmentsPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // The search is kept in the URL, as on the other pages.
  const [params, setParams] = useSearchParams();
  const search = params.get('q') ?? '';
  const [q] = useDebouncedValue(search.trim(), SEARCH_PAUSE_MS);
  const departments = useAllDepartments(q);
  const [form, setForm] = useState<Form>({ opened: false });
  const [deleting, setDeleting] = useState<Department | null>(null);
  const remove = useMutation(
    trpc.departments.delete.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries();
        setDeleting(null);
      },
    }),
  );

  return (
    <>
      <PageHeader title="Departments">
        {departments.data && (
          <Text size="sm" c="dimmed" data-testid="department-total">
            {departments.data.total} {q ? 'found' : 'departments'}
          </Text>
        )}
        <Button onClick={() => setForm({ opened: true, department: null })}>New department</Button>
      </PageHeader>
      <TextInput
        label="Search"
        placeholder="Name"
        aria-label="Search departments"
        value={search}
        onChange={(e) => {
          const value = e.currentTarget.value;
          setParams(value ? { q: value } : {}, { replace: true });
        }}
        w={240}
        mb="md"
      />
      <QueryState query={departments} label="departments">
        {({ items }) =>
          items.length === 0 ? (
            <Text c="dimmed">
              {q
                ? 'No department matches this search.'
                : 'No departments yet: modeling, animation, compositing…'}
            </Text>
          ) : (
            <Table highlightOnHover aria-label="Departments" maw={640}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Colour</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((department) => (
                  <Table.Tr key={department.id}>
                    <Table.Td fw={500}>{department.name}</Table.Td>
                    <Table.Td>
                      {department.color ? (
                        <Group gap="xs">
                          <ColorSwatch color={department.color} size={16} />
                          <Text size="sm">{department.color}</Text>
                        </Group>
                      ) : (
                        '—'
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Group gap="xs" justify="flex-end">
                        <Button
                          size="xs"
                          variant="subtle"
                          aria-label={`Edit ${department.name}`}
                          onClick={() => setForm({ opened: true, department })}
                        >
                          Edit
                        </Button>
                        <Button
                          size="xs"
                          variant="subtle"
                          color="red"
                          aria-label={`Delete ${department.name}`}
                          onClick={() => setDeleting(department)}
                        >
                          Delete
                        </Button>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )
        }
      </QueryState>
      <DepartmentFormModal
        opened={form.opened}
        department={form.opened ? form.department : null}
        onClose={() => setForm({ opened: false })}
      />
      <ConfirmModal
        opened={deleting !== null}
        title="Delete department"
        confirmLabel="Delete department"
        pending={remove.isPending}
        error={remove.isError ? messageOf(remove.error) : null}
        onConfirm={() => deleting && remove.mutate({ id: deleting.id })}
        onClose={() => {
          setDeleting(null);
          remove.reset();
        }}
      >
        Delete {deleting?.name}? People and bots in it lose that department.
      </ConfirmModal>
    </>
  );
}

function DepartmentFormModal({
  opened,
  department,
  onClose,
}: {
  opened: boolean;
  department: Department | null;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useForm({ initialValues: { name: '', color: '' } });
  const serverErrors = useServerErrors(form);
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset only when another department is opened
  useEffect(() => {
    if (!opened) return;
    form.setValues({ name: department?.name ?? '', color: department?.color ?? '' });
    serverErrors.clear();
  }, [opened, department?.id]);

  const done = {
    onSuccess: async () => {
      await queryClient.invalidateQueries();
      onClose();
    },
    onError: serverErrors.show,
  };
  const create = useMutation(trpc.departments.create.mutationOptions(done));
  const update = useMutation(trpc.departments.update.mutationOptions(done));

  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={department ? `Edit ${department.name}` : 'New department'}
    >
      <form
        onSubmit={form.onSubmit(({ name, color }) => {
          serverErrors.clear();
          const values = { name, color: color || null };
          if (department) update.mutate({ id: department.id, ...values });
          else create.mutate(values);
        })}
      >
        <Stack>
          <FormError message={serverErrors.message} />
          <TextInput label="Name" required data-autofocus {...form.getInputProps('name')} />
          <ColorInput
            label="Colour"
            format="hex"
            placeholder="#3a7bd5"
            {...form.getInputProps('color')}
          />
          <FormActions
            onCancel={onClose}
            submitLabel={department ? 'Save' : 'Create department'}
            loading={create.isPending || update.isPending}
          />
        </Stack>
      </form>
    </Modal>
  );
}

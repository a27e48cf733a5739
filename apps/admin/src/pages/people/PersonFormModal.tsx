import { Modal, PasswordInput, Select, Stack, Switch, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { type Person, type Role, useTRPC } from '../../api';
import { changedValues } from '../../components/changed-values';
import { DepartmentSelect } from '../../components/DepartmentSelect';
import { FormActions } from '../../components/FormActions';
import { FormError, useServerErrors } from '../../components/FormError';
import { ROLE_OPTIONS } from '../../roles';

type Values = {
  email: string;
  name: string;
  password: string;
  role: Role;
  departmentIds: string[];
  active: boolean;
};

const valuesOf = (person: Person | null): Values => ({
  email: person?.email ?? '',
  name: person?.name ?? '',
  password: '',
  role: person?.role ?? 'artist',
  departmentIds: person?.departments.map((d) => d.id) ?? [],
  active: person?.active ?? true,
});

/** "New person" when `person` is null, else "Edit person" (a password given there is a reset). */
export function PersonFormModal({
  opened,
  person,
  onClose,
}: {
  opened: boolean;
  person: Person | null;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useForm<Values>({ initialValues: valuesOf(person) });
  const serverErrors = useServerErrors(form);

  // biome-ignore lint/correctness/useExhaustiveDependencies: reset only when another person is opened
  useEffect(() => {
    if (!opened) return;
    form.setValues(valuesOf(person));
    form.resetDirty(valuesOf(person));
    serverErrors.clear();
  }, [opened, person?.id]);

  const saved = async (name: string) => {
    await queryClient.invalidateQueries();
    notifications.show({ color: 'green', message: `${name} saved` });
    onClose();
  };
  const create = useMutation(
    trpc.users.create.mutationOptions({
      onSuccess: (p) => saved(p.name),
      onError: serverErrors.show,
    }),
  );
  const update = useMutation(
    trpc.users.update.mutationOptions({
      onSuccess: (p) => saved(p.name),
      onError: serverErrors.show,
    }),
  );

  const submit = form.onSubmit((all) => {
    const { password, ...values } = all;
    serverErrors.clear();
    // An empty password on an edit means: keep it.
    if (person)
      update.mutate({
        id: person.id,
        ...changedValues(form, all),
        password: password || undefined,
      });
    else create.mutate({ ...values, password });
  });

  return (
    <Modal opened={opened} onClose={onClose} title={person ? `Edit ${person.name}` : 'New person'}>
      <form onSubmit={submit} aria-label={person ? 'Edit person' : 'New person'}>
        <Stack>
          <FormError message={serverErrors.message} />
          <TextInput label="Name" required data-autofocus {...form.getInputProps('name')} />
          <TextInput label="Email" type="email" required {...form.getInputProps('email')} />
          <PasswordInput
            label={person ? 'New password' : 'Password'}
            description={
              person ? 'Leave empty to keep it. A reset signs them out.' : 'At least 8 characters'
            }
            autoComplete="new-password"
            required={!person}
            {...form.getInputProps('password')}
          />
          <Select
            label="Role"
            data={ROLE_OPTIONS}
            allowDeselect={false}
            {...form.getInputProps('role')}
          />
          <DepartmentSelect {...form.getInputProps('departmentIds')} />
          <Switch
            label="Active"
            description="An active person takes a seat."
            {...form.getInputProps('active', { type: 'checkbox' })}
          />
          <FormActions
            onCancel={onClose}
            submitLabel={person ? 'Save' : 'Create person'}
            loading={create.isPending || update.isPending}
          />
        </Stack>
      </form>
    </Modal>
  );
}

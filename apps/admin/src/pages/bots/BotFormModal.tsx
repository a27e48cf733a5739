import { Modal, Select, Stack, Switch, TextInput } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { type Person, type Role, useTRPC } from '../../api';
import { changedValues } from '../../components/changed-values';
import { DepartmentSelect } from '../../components/DepartmentSelect';
import { FormActions } from '../../components/FormActions';
import { FormError, useServerErrors } from '../../components/FormError';
import type { IssuedToken } from '../../components/TokenModal';
import { ROLE_OPTIONS } from '../../roles';

type Values = {
  name: string;
  expiresAt: string | null;
  departmentIds: string[];
  role: Role;
  active: boolean;
};

const valuesOf = (bot: Person | null): Values => ({
  name: bot?.name ?? '',
  expiresAt: bot?.expiresAt ?? null,
  departmentIds: bot?.departments.map((d) => d.id) ?? [],
  role: bot?.role ?? 'artist',
  active: bot?.active ?? true,
});

/** "New bot" when `bot` is null, else "Edit bot". */
export function BotFormModal({
  opened,
  bot,
  onClose,
  onCreated,
}: {
  opened: boolean;
  bot: Person | null;
  onClose: () => void;
  onCreated: (issued: IssuedToken) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useForm<Values>({ initialValues: valuesOf(bot) });
  const serverErrors = useServerErrors(form);

  // biome-ignore lint/correctness/useExhaustiveDependencies: reset only when another bot is opened
  useEffect(() => {
    if (!opened) return;
    form.setValues(valuesOf(bot));
    form.resetDirty(valuesOf(bot));
    serverErrors.clear();
  }, [opened, bot?.id]);

  const refresh = () => queryClient.invalidateQueries();
  const create = useMutation(
    trpc.bots.create.mutationOptions({
      onSuccess: async ({ bot: created, token }) => {
        await refresh();
        onClose();
        onCreated({ botName: created.name, token });
      },
      onError: serverErrors.show,
    }),
  );
  const update = useMutation(
    trpc.bots.update.mutationOptions({
      onSuccess: async (updated) => {
        await refresh();
        notifications.show({ color: 'green', message: `Bot ${updated.name} saved` });
        onClose();
      },
      onError: serverErrors.show,
    }),
  );

  const submit = form.onSubmit((values) => {
    serverErrors.clear();
    if (bot) update.mutate({ id: bot.id, ...changedValues(form, values) });
    else create.mutate(values);
  });

  return (
    <Modal opened={opened} onClose={onClose} title={bot ? `Edit bot ${bot.name}` : 'New bot'}>
      <form onSubmit={submit} aria-label={bot ? 'Edit bot' : 'New bot'}>
        <Stack>
          <FormError message={serverErrors.message} />
          <TextInput label="Name" required data-autofocus {...form.getInputProps('name')} />
          <DateInput
            label="Expiration date"
            description="The token works through this day (UTC). Leave empty for no expiry."
            placeholder="YYYY-MM-DD"
            valueFormat="YYYY-MM-DD"
            clearable
            {...form.getInputProps('expiresAt')}
          />
          <DepartmentSelect {...form.getInputProps('departmentIds')} />
          <Select
            label="Role"
            data={ROLE_OPTIONS}
            allowDeselect={false}
            {...form.getInputProps('role')}
          />
          <Switch
            label="Active"
            description="An inactive bot's token is refused."
            {...form.getInputProps('active', { type: 'checkbox' })}
          />
          <FormActions
            onCancel={onClose}
            submitLabel={bot ? 'Save' : 'Create bot'}
            loading={create.isPending || update.isPending}
          />
        </Stack>
      </form>
    </Modal>
  );
}

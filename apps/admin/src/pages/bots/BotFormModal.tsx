import { Modal, Select, Stack, Switch, Text, TextInput } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { type Person, type Role, useTRPC } from '../../api';
import { ConfirmModal } from '../../components/ConfirmModal';
import { changedValues } from '../../components/changed-values';
import { DepartmentSelect } from '../../components/DepartmentSelect';
import { FormActions } from '../../components/FormActions';
import { FormError, useServerErrors } from '../../components/FormError';
import type { IssuedToken } from '../../components/TokenModal';
import { todayUtc, utcDaysAhead } from '../../expiry';
import { ROLE_OPTIONS } from '../../roles';

/** A new bot's expiry: the studio's default, so many days, a date, or never. */
type Preset = 'default' | '30' | '90' | '365' | 'date' | 'never';

type Values = {
  name: string;
  preset: Preset;
  expiresAt: string | null;
  departmentIds: string[];
  role: Role;
  active: boolean;
};

const valuesOf = (bot: Person | null): Values => ({
  name: bot?.name ?? '',
  preset: 'default',
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
  const defaults = useQuery({ ...trpc.bots.defaults.queryOptions(), enabled: opened && !bot });
  // An edit that moves the expiry into the past ends the bot at once: asked first.
  const [expiringNow, setExpiringNow] = useState<Partial<Values> | null>(null);

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

  const submit = form.onSubmit(({ preset, expiresAt, ...values }) => {
    serverErrors.clear();
    if (bot) {
      const { preset: _, ...changed } = changedValues(form, { preset, expiresAt, ...values });
      if (changed.expiresAt && changed.expiresAt < todayUtc()) setExpiringNow(changed);
      else update.mutate({ id: bot.id, ...changed });
      return;
    }
    create.mutate({
      ...values,
      // The default is the server's to apply: sent as nothing.
      ...(preset === 'default'
        ? {}
        : {
            expiresAt:
              preset === 'never'
                ? null
                : preset === 'date'
                  ? expiresAt
                  : utcDaysAhead(Number(preset)),
          }),
    });
  });
  const maxDays = defaults.data?.maxLifetimeDays ?? null;
  const presets = [
    {
      value: 'default',
      label: defaults.data?.days
        ? `Studio default: ${defaults.data.days} days (${defaults.data.expiresAt})`
        : 'Studio default: never',
    },
    ...(['30', '90', '365'] as const).map((days) => ({
      value: days,
      label: `${days} days`,
      disabled: maxDays !== null && Number(days) > maxDays,
    })),
    { value: 'date', label: 'A date…' },
    { value: 'never', label: 'Never', disabled: maxDays !== null },
  ];

  return (
    <Modal opened={opened} onClose={onClose} title={bot ? `Edit bot ${bot.name}` : 'New bot'}>
      <form onSubmit={submit} aria-label={bot ? 'Edit bot' : 'New bot'}>
        <Stack>
          <FormError message={serverErrors.message} />
          <TextInput label="Name" required data-autofocus {...form.getInputProps('name')} />
          {!bot && (
            <Select
              label="Expires"
              data={presets}
              allowDeselect={false}
              {...form.getInputProps('preset')}
            />
          )}
          {(bot || form.values.preset === 'date') && (
            <DateInput
              label="Expiration date"
              description={`The token works through this day (UTC).${bot ? ' Leave empty for no expiry.' : ''}`}
              placeholder="YYYY-MM-DD"
              valueFormat="YYYY-MM-DD"
              clearable={!!bot}
              {...form.getInputProps('expiresAt')}
            />
          )}
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
      <ConfirmModal
        opened={expiringNow !== null}
        title="Expire this bot now?"
        confirmLabel="Expire it now"
        pending={update.isPending}
        error={null}
        onConfirm={() => {
          if (bot && expiringNow) update.mutate({ id: bot.id, ...expiringNow });
          setExpiringNow(null);
        }}
        onClose={() => setExpiringNow(null)}
      >
        <Text>
          {expiringNow?.expiresAt} is before today (UTC): {bot?.name}'s token is refused from its
          next request. Moving the date later again makes the same token work again.
        </Text>
      </ConfirmModal>
    </Modal>
  );
}

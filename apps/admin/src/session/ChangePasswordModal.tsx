import { Modal, PasswordInput, Stack } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation } from '@tanstack/react-query';
import { useTRPC } from '../api';
import { FormActions } from '../components/FormActions';
import { FormError, useServerErrors } from '../components/FormError';

export function ChangePasswordModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const form = useForm({ initialValues: { current: '', next: '' } });
  const serverErrors = useServerErrors(form);
  const close = () => {
    form.reset();
    serverErrors.clear();
    onClose();
  };
  const change = useMutation(
    trpc.auth.changePassword.mutationOptions({
      onSuccess: () => {
        notifications.show({ color: 'green', message: 'Password changed' });
        close();
      },
      onError: serverErrors.show,
    }),
  );
  return (
    <Modal opened={opened} onClose={close} title="Change password">
      <form
        onSubmit={form.onSubmit((values) => {
          serverErrors.clear();
          change.mutate(values);
        })}
      >
        <Stack>
          <FormError message={serverErrors.message} />
          <PasswordInput
            label="Current password"
            autoComplete="current-password"
            required
            data-autofocus
            {...form.getInputProps('current')}
          />
          <PasswordInput
            label="New password"
            description="At least 8 characters"
            autoComplete="new-password"
            required
            {...form.getInputProps('next')}
          />
          <FormActions onCancel={close} submitLabel="Change password" loading={change.isPending} />
        </Stack>
      </form>
    </Modal>
  );
}

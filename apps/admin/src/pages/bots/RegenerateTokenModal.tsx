import { Alert, Button, Group, Modal, NumberInput, Stack, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { type Person, useTRPC } from '../../api';
import { FormError, useServerErrors } from '../../components/FormError';
import type { IssuedToken } from '../../components/TokenModal';

export function RegenerateTokenModal({
  bot,
  onClose,
  onIssued,
}: {
  bot: Person | null;
  onClose: () => void;
  onIssued: (issued: IssuedToken) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useForm<{ graceMinutes: number | string }>({ initialValues: { graceMinutes: 0 } });
  const serverErrors = useServerErrors(form);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a fresh form for each bot
  useEffect(() => {
    form.reset();
    serverErrors.clear();
  }, [bot?.id]);

  // The name is kept when asked: the old token is gone, so the new one must be shown whatever
  // happened to `bot` since.
  const askedFor = useRef('');
  const regenerate = useMutation(
    trpc.bots.regenerateToken.mutationOptions({
      onSuccess: async ({ token, previousTokenValidUntil }) => {
        await queryClient.invalidateQueries();
        onClose();
        onIssued({ botName: askedFor.current, token, previousValidUntil: previousTokenValidUntil });
      },
      onError: serverErrors.show,
    }),
  );
  const pending = regenerate.isPending;

  return (
    <Modal
      opened={bot !== null}
      onClose={onClose}
      title="Regenerate token"
      closeOnEscape={!pending}
      closeOnClickOutside={!pending}
      withCloseButton={!pending}
    >
      {bot && (
        <form
          onSubmit={form.onSubmit(({ graceMinutes }) => {
            serverErrors.clear();
            const minutes = Number(graceMinutes) || 0;
            askedFor.current = bot.name;
            regenerate.mutate({ id: bot.id, ...(minutes ? { graceMinutes: minutes } : {}) });
          })}
        >
          <Stack>
            <Alert color="orange" title={`Regenerate the token of ${bot.name}?`}>
              The current token stops working as soon as the new one is made, unless you keep it for
              a grace period below. Scripts using it must be given the new token.
            </Alert>
            <FormError message={serverErrors.message} />
            <NumberInput
              label="Keep the old token working for (minutes)"
              description="0 to 60; 0 revokes it at once."
              min={0}
              max={60}
              allowDecimal={false}
              {...form.getInputProps('graceMinutes')}
            />
            <Text size="sm" c="dimmed">
              The new token is shown once.
            </Text>
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose} disabled={pending} data-autofocus>
                Cancel
              </Button>
              <Button type="submit" color="orange" loading={regenerate.isPending}>
                Regenerate token
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

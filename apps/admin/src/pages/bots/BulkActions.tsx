import { Button, Group, Modal, Paper, Stack, Text } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPCClient } from '../../api';
import { FormError } from '../../components/FormError';
import { todayUtc } from '../../expiry';

type Action =
  | { kind: 'deactivate' }
  | { kind: 'activate' }
  | { kind: 'expire'; expiresAt: string | null }
  | { kind: 'delete' };

const VERBS: Record<Action['kind'], string> = {
  deactivate: 'Deactivate',
  activate: 'Activate',
  expire: 'Set the expiry of',
  delete: 'Delete',
};

const bots = (n: number) => `${n} ${n === 1 ? 'bot' : 'bots'}`;

/**
 * What to do to the selected bots, each asked once, naming the count. Each bot is its own call
 * (and its own event in the log), sent in batches; what failed is said, what worked stays done.
 */
export function BulkActions({ ids, onDone }: { ids: string[]; onDone: () => void }) {
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const [asking, setAsking] = useState<Action | null>(null);
  const [expiresAt, setExpiresAt] = useState<string | null>(null);

  const run = useMutation({
    mutationFn: async (action: Action) => {
      const results = await Promise.allSettled(
        ids.map((id) => {
          switch (action.kind) {
            case 'delete':
              return client.bots.delete.mutate({ id });
            case 'expire':
              return client.bots.update.mutate({ id, expiresAt: action.expiresAt });
            default:
              return client.bots.update.mutate({ id, active: action.kind === 'activate' });
          }
        }),
      );
      return { action, failed: results.filter((r) => r.status === 'rejected').length };
    },
    onSuccess: async ({ action, failed }) => {
      await queryClient.invalidateQueries();
      const done = ids.length - failed;
      notifications.show({
        color: failed ? 'red' : 'green',
        message: `${VERBS[action.kind]} ${bots(done)}: done${failed ? `; ${failed} refused` : ''}`,
      });
      setAsking(null);
      onDone();
    },
  });

  const ask = (action: Action) => {
    run.reset();
    setAsking(action);
  };
  const pastExpiry = asking?.kind === 'expire' && !!expiresAt && expiresAt < todayUtc();

  return (
    <Paper withBorder p="xs" mb="sm" role="region" aria-label="Selected bots">
      <Group justify="space-between">
        <Text size="sm" fw={500}>
          {bots(ids.length)} selected
        </Text>
        <Group gap="xs">
          <Button size="xs" variant="default" onClick={() => ask({ kind: 'deactivate' })}>
            Deactivate
          </Button>
          <Button size="xs" variant="default" onClick={() => ask({ kind: 'activate' })}>
            Activate
          </Button>
          <Button
            size="xs"
            variant="default"
            onClick={() => {
              setExpiresAt(null);
              ask({ kind: 'expire', expiresAt: null });
            }}
          >
            Set expiry…
          </Button>
          <Button size="xs" color="red" variant="light" onClick={() => ask({ kind: 'delete' })}>
            Delete
          </Button>
          <Button size="xs" variant="subtle" onClick={onDone}>
            Clear
          </Button>
        </Group>
      </Group>
      <Modal
        opened={asking !== null}
        onClose={() => setAsking(null)}
        title={asking ? `${VERBS[asking.kind]} ${bots(ids.length)}?` : ''}
      >
        <Stack>
          <FormError message={run.isError ? String(run.error) : null} />
          {asking?.kind === 'expire' && (
            <DateInput
              label="Expiration date"
              description="Through this day (UTC). Leave empty for no expiry."
              placeholder="YYYY-MM-DD"
              valueFormat="YYYY-MM-DD"
              clearable
              value={expiresAt}
              onChange={(value) => setExpiresAt(value)}
            />
          )}
          <Text size="sm">
            {asking?.kind === 'delete'
              ? 'Their tokens stop working at once. What they did stays in the event log.'
              : asking?.kind === 'deactivate'
                ? 'Their tokens are refused until they are activated again.'
                : asking?.kind === 'activate'
                  ? 'Their tokens work again (unless expired).'
                  : pastExpiry
                    ? `${expiresAt} is before today (UTC): their tokens are refused at once.`
                    : 'Their tokens follow the new date from their next request.'}
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setAsking(null)} data-autofocus>
              Cancel
            </Button>
            <Button
              color={asking?.kind === 'delete' || pastExpiry ? 'red' : 'blue'}
              loading={run.isPending}
              onClick={() =>
                asking &&
                run.mutate(asking.kind === 'expire' ? { kind: 'expire', expiresAt } : asking)
              }
            >
              {asking ? `${VERBS[asking.kind]} ${bots(ids.length)}` : ''}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Paper>
  );
}

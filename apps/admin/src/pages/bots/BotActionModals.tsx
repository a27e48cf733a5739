import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { type Person, useTRPC } from '../../api';
import { ConfirmModal } from '../../components/ConfirmModal';
import { type IssuedToken, TokenModal } from '../../components/TokenModal';
import { messageOf } from '../../errors';
import { BotFormModal } from './BotFormModal';
import { RegenerateTokenModal } from './RegenerateTokenModal';

export type BotAction = 'create' | 'edit' | 'regenerate' | 'delete';

type Open = { action: BotAction; bot: Person | null } | null;

/**
 * What a bot's menu and its page both open: the form, a token rotation, the one-time token and
 * the delete confirmation. `act` is stable, so memoised rows keep it.
 */
export function useBotActions({ onDeleted }: { onDeleted?: () => void } = {}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState<Open>(null);
  const [issued, setIssued] = useState<IssuedToken | null>(null);
  const act = useCallback(
    (action: BotAction, bot: Person | null = null) => setOpen({ action, bot }),
    [],
  );
  const close = () => setOpen(null);
  const remove = useMutation(
    trpc.bots.delete.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries();
        close();
        onDeleted?.();
      },
    }),
  );
  const deleting = open?.action === 'delete' ? open.bot : null;

  const modals = (
    <>
      <BotFormModal
        opened={open?.action === 'create' || open?.action === 'edit'}
        bot={open?.action === 'edit' ? open.bot : null}
        onClose={close}
        onCreated={setIssued}
      />
      <RegenerateTokenModal
        bot={open?.action === 'regenerate' ? open.bot : null}
        onClose={close}
        onIssued={setIssued}
      />
      <TokenModal issued={issued} onClose={() => setIssued(null)} />
      <ConfirmModal
        opened={deleting !== null}
        title="Delete bot"
        confirmLabel="Delete bot"
        pending={remove.isPending}
        error={remove.isError ? messageOf(remove.error) : null}
        onConfirm={() => deleting && remove.mutate({ id: deleting.id })}
        onClose={() => {
          close();
          remove.reset();
        }}
      >
        Delete {deleting?.name}? Its token stops working at once. What it did stays in the event
        log.
      </ConfirmModal>
    </>
  );
  return { act, modals };
}

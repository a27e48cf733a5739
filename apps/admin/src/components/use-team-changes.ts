import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../api';
import { messageOf } from '../errors';

/**
 * Adding to and removing from a project's team, from the project's team or from a bot's page:
 * every page re-reads after a change, and the latest refusal is one message.
 */
export function useTeamChanges({ onAdded }: { onAdded: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries();
  const add = useMutation(
    trpc.projects.addMember.mutationOptions({
      onSuccess: async () => {
        await refresh();
        onAdded();
      },
    }),
  );
  const remove = useMutation(trpc.projects.removeMember.mutationOptions({ onSuccess: refresh }));
  const failure = add.error ?? remove.error;
  return { add, remove, failure: failure ? messageOf(failure) : null };
}

import type { AppRouter } from '@clapper/api';
import type { QueryClient } from '@tanstack/react-query';
import type { TRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { readPeopleList } from '../../lists/list-params';

/** Newest first: a bot just created is the first row. */
export const BOTS_ORDER = { sort: 'createdAt', order: 'desc' } as const;

export const nextBotsPage = {
  getNextPageParam: (last: { nextCursor: string | null }) => last.nextCursor,
};

/**
 * Asks for the Bots table's first page as the admin starts, beside `auth.me`, when it opens on
 * `/bots` (its first page): the rows are on their way while the page's code renders.
 */
export function prefetchBots(trpc: TRPCOptionsProxy<AppRouter>, queryClient: QueryClient) {
  if (window.location.pathname !== '/bots') return;
  const { input } = readPeopleList(new URLSearchParams(window.location.search), BOTS_ORDER);
  void queryClient.prefetchInfiniteQuery(trpc.bots.list.infiniteQueryOptions(input, nextBotsPage));
}

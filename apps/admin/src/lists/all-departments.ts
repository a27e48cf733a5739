import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useTRPC } from '../api';

/**
 * Every department (whose name contains `q`), page after page of `departments.list` (a studio
 * has tens, not thousands): the Departments page and the pickers show all of them.
 */
export function useAllDepartments(q?: string, { enabled = true } = {}) {
  const trpc = useTRPC();
  const query = useInfiniteQuery(
    trpc.departments.list.infiniteQueryOptions(
      { limit: 500, q: q || undefined },
      { getNextPageParam: (last) => last.nextCursor, placeholderData: keepPreviousData, enabled },
    ),
  );
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);
  const items = query.data?.pages.flatMap((page) => page.items);
  return {
    // The first page's placeholder while a new search runs: no flash of a loader per key.
    isPending: (query.isPending || (hasNextPage ?? false)) && !query.isPlaceholderData,
    isError: query.isError,
    error: query.error,
    data: items && { items, total: query.data?.pages[0]?.total ?? items.length },
  };
}

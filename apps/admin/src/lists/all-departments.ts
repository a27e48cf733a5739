import { useInfiniteQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useTRPC } from '../api';

/**
 * Every department, page after page of `departments.list` (a studio has tens, not thousands):
 * the Departments page and the picker show all of them, not the first page.
 */
export function useAllDepartments() {
  const trpc = useTRPC();
  const query = useInfiniteQuery(
    trpc.departments.list.infiniteQueryOptions(
      { limit: 500 },
      { getNextPageParam: (last) => last.nextCursor },
    ),
  );
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);
  const items = query.data?.pages.flatMap((page) => page.items);
  return {
    isPending: query.isPending || (hasNextPage ?? false),
    isError: query.isError,
    error: query.error,
    data: items && { items },
  };
}

import { Alert, Center, Loader } from '@mantine/core';
import type { ReactNode } from 'react';
import { messageOf } from '../errors';

/** What QueryState reads of a query, plain or infinite. */
interface QueryLike<T> {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  data: T | undefined;
}

/** A loader while a query runs, its error if it fails, else the page. */
export function QueryState<T>({
  query,
  label,
  children,
}: {
  query: QueryLike<T>;
  label: string;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) {
    return (
      <Center py="xl">
        <Loader role="status" aria-label={`Loading ${label}`} />
      </Center>
    );
  }
  if (query.isError) {
    return (
      <Alert color="red" role="alert" title={`Cannot load ${label}`}>
        {messageOf(query.error)}
      </Alert>
    );
  }
  return <>{children(query.data as T)}</>;
}

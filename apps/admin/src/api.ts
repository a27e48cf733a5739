import type { AppRouter, RouterOutputs } from '@clapper/api';
import { MAX_BATCH_ITEMS } from '@clapper/client/limits';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import superjson from 'superjson';

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/** Same origin as the API: the session cookie (httpOnly) goes along by itself. */
export const createApiClient = () =>
  createTRPCClient<AppRouter>({
    // Bulk actions send a call per bot: batches of what the server accepts.
    links: [httpBatchLink({ url: '/trpc', transformer: superjson, maxItems: MAX_BATCH_ITEMS })],
  });

export type Me = RouterOutputs['auth']['me'];
export type Person = RouterOutputs['bots']['list']['items'][number];
export type Department = RouterOutputs['departments']['list']['items'][number];
export type Project = RouterOutputs['projects']['list']['items'][number];
export type Role = Person['role'];

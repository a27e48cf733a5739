import type { AppRouter } from '@clapper/api';
import { Center, createTheme, Drawer, Loader, MantineProvider, Modal } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import {
  MutationCache,
  matchQuery,
  type Query,
  QueryCache,
  QueryClient,
  QueryClientProvider,
} from '@tanstack/react-query';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { lazy, Suspense, useState } from 'react';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { createApiClient, TRPCProvider } from './api';
import { errorCode } from './errors';
import { Shell } from './layout/Shell';
import { BotsPage } from './pages/bots/BotsPage';
import { prefetchBots } from './pages/bots/bots-list';
import { SessionGate } from './session/SessionGate';

// Mantine's close buttons carry only an icon: name them for screen readers and tests.
const theme = createTheme({
  respectReducedMotion: true,
  components: {
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }),
    Drawer: Drawer.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }),
  },
});

// The Bots page comes with the first load; the others are fetched when first opened.
const BotPage = lazy(() => import('./pages/bots/BotPage').then((m) => ({ default: m.BotPage })));
const PeoplePage = lazy(() =>
  import('./pages/people/PeoplePage').then((m) => ({ default: m.PeoplePage })),
);
const DepartmentsPage = lazy(() =>
  import('./pages/DepartmentsPage').then((m) => ({ default: m.DepartmentsPage })),
);
const ProjectsPage = lazy(() =>
  import('./pages/projects/ProjectsPage').then((m) => ({ default: m.ProjectsPage })),
);

const ME_KEY = [['auth', 'me']];

function makeQueryClient() {
  // A session that ends (signed out elsewhere, expired, deactivated) sends the admin back to
  // sign-in: a call refused UNAUTHORIZED while signed in makes `auth.me` ask again. Signed out
  // (a wrong password, say) there is nothing to ask again.
  const onError = (error: unknown, query?: Query<unknown, unknown>) => {
    if (errorCode(error) !== 'UNAUTHORIZED') return;
    if (query && matchQuery({ queryKey: ME_KEY }, query)) return;
    const signedIn = client.getQueriesData({ queryKey: ME_KEY }).some(([, data]) => data);
    if (signedIn) void client.invalidateQueries({ queryKey: ME_KEY });
  };
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError: (error) => onError(error) }),
    // After a change, pages re-read every query on screen (invalidateQueries()): an admin
    // shows few at once, and bots, people, departments, teams and seats show each other.
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        retry: (failures, error) => failures < 2 && !errorCode(error),
      },
    },
  });
  return client;
}

export function App() {
  const [queryClient] = useState(makeQueryClient);
  const [trpcClient] = useState(createApiClient);
  useState(() =>
    prefetchBots(
      createTRPCOptionsProxy<AppRouter>({ client: trpcClient, queryClient }),
      queryClient,
    ),
  );
  return (
    <MantineProvider theme={theme} defaultColorScheme="auto">
      <Notifications position="top-right" />
      <QueryClientProvider client={queryClient}>
        <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
          <BrowserRouter>
            <SessionGate>
              <Shell>
                <Suspense fallback={<PageLoader />}>
                  <Routes>
                    <Route path="/" element={<Navigate to="/bots" replace />} />
                    <Route path="/bots" element={<BotsPage />} />
                    <Route path="/bots/:id" element={<BotPage />} />
                    <Route path="/people" element={<PeoplePage />} />
                    <Route path="/departments" element={<DepartmentsPage />} />
                    <Route path="/projects" element={<ProjectsPage />} />
                    <Route path="*" element={<Navigate to="/bots" replace />} />
                  </Routes>
                </Suspense>
              </Shell>
            </SessionGate>
          </BrowserRouter>
        </TRPCProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}

function PageLoader() {
  return (
    <Center py="xl">
      <Loader role="status" aria-label="Loading the page" />
    </Center>
  );
}

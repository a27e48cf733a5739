import { Alert, Button, Center, Loader } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useRef } from 'react';
import { type Me, useTRPC } from '../api';
import { errorCode, messageOf } from '../errors';
import { SignInPage } from './SignInPage';

const MeContext = createContext<Me | null>(null);

/** The signed-in person; only rendered below SessionGate. */
export function useMe(): Me {
  const me = useContext(MeContext);
  if (!me) throw new Error('useMe outside SessionGate');
  return me;
}

/** Shows the sign-in page until `auth.me` answers with a person. */
export function SessionGate({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { retry: false, staleTime: 60_000 }));
  // Signed out, a refetch (window focus, after sign-in) must not unmount the sign-in form and
  // lose what was typed or the error shown.
  const signedOut = useRef(false);
  if (me.isSuccess) signedOut.current = false;
  if (me.isError && errorCode(me.error) === 'UNAUTHORIZED') signedOut.current = true;
  if (signedOut.current && !me.isSuccess) return <SignInPage />;
  if (me.isPending) {
    return (
      <Center h="100vh">
        <Loader role="status" aria-label="Loading" />
      </Center>
    );
  }
  if (me.isError) {
    return (
      <Center h="100vh">
        <Alert color="red" title="Cannot reach the Clapper server">
          {messageOf(me.error)}
          <Button mt="sm" variant="light" onClick={() => me.refetch()}>
            Try again
          </Button>
        </Alert>
      </Center>
    );
  }
  return <MeContext.Provider value={me.data}>{children}</MeContext.Provider>;
}

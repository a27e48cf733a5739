import { Button, Menu } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { matchQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../api';
import { ChangePasswordModal } from './ChangePasswordModal';
import { useMe } from './SessionGate';

export function AccountMenu() {
  const me = useMe();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [changing, { open, close }] = useDisclosure();
  const logout = useMutation(
    trpc.auth.logout.mutationOptions({
      // Drop everything read with the session, then ask who we are: nobody, so sign-in shows.
      onSettled: () => {
        queryClient.removeQueries({
          predicate: (q) => !matchQuery(trpc.auth.me.pathFilter(), q),
        });
        return queryClient.resetQueries(trpc.auth.me.pathFilter());
      },
    }),
  );
  return (
    <>
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <Button variant="subtle" aria-label={`Account: ${me.name}`}>
            {me.name}
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>{me.email}</Menu.Label>
          <Menu.Item onClick={open}>Change password</Menu.Item>
          <Menu.Item color="red" onClick={() => logout.mutate()}>
            Sign out
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <ChangePasswordModal opened={changing} onClose={close} />
    </>
  );
}

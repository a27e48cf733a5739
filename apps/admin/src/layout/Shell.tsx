import { Alert, AppShell, Burger, Group, NavLink, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { NavLink as RouterLink, useLocation } from 'react-router';
import { AccountMenu } from '../session/AccountMenu';
import { useMe } from '../session/SessionGate';
import { ColorSchemeToggle } from './ColorSchemeToggle';

const ADMIN_PAGES = [
  { to: '/bots', label: 'Bots' },
  { to: '/people', label: 'People' },
  { to: '/departments', label: 'Departments' },
  { to: '/projects', label: 'Projects' },
];

export function Shell({ children }: { children: ReactNode }) {
  const [opened, { toggle, close }] = useDisclosure();
  const { pathname } = useLocation();
  // Bots and people are the admin role's to manage (docs/security.md); others get a plain answer.
  const isAdmin = useMe().role === 'admin';
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="lg"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group>
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label="Main menu"
            />
            <Title order={3}>Clapper</Title>
          </Group>
          <Group gap="xs">
            <ColorSchemeToggle />
            <AccountMenu />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" component="nav" aria-label="Main menu">
        {isAdmin && (
          <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" pb={4}>
            Admin
          </Text>
        )}
        {(isAdmin ? ADMIN_PAGES : []).map((page) => (
          <NavLink
            key={page.to}
            component={RouterLink}
            to={page.to}
            label={page.label}
            active={pathname.startsWith(page.to)}
            onClick={close}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        {isAdmin ? (
          children
        ) : (
          <Alert color="gray" title="Nothing to manage here" role="status">
            The admin pages are for the admin role. Ask an admin for what you need; scripts and
            other apps use the API with their own tokens.
          </Alert>
        )}
      </AppShell.Main>
    </AppShell>
  );
}

import { Alert, Anchor, Button, Group, Paper, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useTRPC } from '../../api';
import { DepartmentBadges } from '../../components/DepartmentBadges';
import { ExpiryCell } from '../../components/ExpiryBadge';
import { QueryState } from '../../components/QueryState';
import { RowSwitch } from '../../components/RowSwitch';
import { ago, dateTime, localAndUtc } from '../../components/when';
import { ROLE_LABELS } from '../../roles';
import { useBotActions } from './BotActionModals';
import { BotActivity } from './BotActivity';
import { BotTeams } from './BotTeams';
import { BotTriggers } from './BotTriggers';

const REFUSAL_LABELS: Record<string, string> = {
  token_revoked: 'token revoked',
  bot_inactive: 'bot inactive',
  bot_expired: 'bot expired',
};

/** `/bots/:id`: everything about one bot, its teams, and its history. */
export function BotPage() {
  const { id = '' } = useParams();
  const trpc = useTRPC();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const bot = useQuery(trpc.bots.get.queryOptions({ id }));
  const { act, modals } = useBotActions({ onDeleted: () => navigate('/bots') });
  const update = useMutation(
    trpc.bots.update.mutationOptions({ onSuccess: () => queryClient.invalidateQueries() }),
  );

  return (
    <>
      <Anchor component={Link} to="/bots" size="sm">
        ← Bots
      </Anchor>
      <QueryState query={bot} label="the bot">
        {(b) => (
          <>
            {/* On a phone the buttons go under the name. */}
            <Group justify="space-between" my="md">
              <Title order={2} style={{ minWidth: 0, maxWidth: '100%' }}>
                <Text inherit truncate="end" title={b.name}>
                  {b.name}
                </Text>
              </Title>
              <Group gap="xs">
                <Button variant="default" onClick={() => act('edit', b)}>
                  Edit
                </Button>
                <Button variant="default" onClick={() => act('regenerate', b)}>
                  Regenerate token
                </Button>
                <Button color="red" variant="light" onClick={() => act('delete', b)}>
                  Delete
                </Button>
              </Group>
            </Group>
            {b.refusals && (
              <Alert color="orange" title="Refused attempts" mb="md" role="status">
                Refused {b.refusals.count} {b.refusals.count === 1 ? 'time' : 'times'}
                {b.refusals.since ? ` since ${dateTime(b.refusals.since)}` : ''}
                {b.refusals.lastReason
                  ? ` — last: ${REFUSAL_LABELS[b.refusals.lastReason] ?? b.refusals.lastReason}`
                  : ''}
                {b.refusals.lastAt ? `, ${dateTime(b.refusals.lastAt)}` : ''}. Someone still uses a
                token this bot no longer accepts.
              </Alert>
            )}
            <Paper withBorder p="md" mb="lg">
              <Table aria-label="About the bot" variant="vertical" layout="fixed">
                <Table.Tbody>
                  <Fact label="Role">{ROLE_LABELS[b.role]}</Fact>
                  <Fact label="Departments">
                    <DepartmentBadges departments={b.departments} />
                  </Fact>
                  <Fact label="Active">
                    <RowSwitch
                      label={`Active: ${b.name}`}
                      checked={b.active}
                      save={(active) => update.mutateAsync({ id: b.id, active })}
                      note={b.expired && b.active ? 'expired: refused' : undefined}
                    />
                  </Fact>
                  <Fact label="Expires">
                    <ExpiryCell expiresAt={b.expiresAt} />
                  </Fact>
                  <Fact label="Last used">{ago(b.lastUsedAt)}</Fact>
                  <Fact label="Created">
                    {dateTime(b.createdAt)} by {b.createdBy?.name ?? 'someone since deleted'}
                  </Fact>
                  <Fact label="Token">
                    <Text size="sm" span ff="monospace">
                      …{b.token.shortId}
                    </Text>{' '}
                    issued {b.token.issuedAt ? dateTime(b.token.issuedAt) : 'never'}
                  </Fact>
                  {b.token.previousValidUntil && (
                    <Fact label="Grace period">
                      The token it replaced works until {localAndUtc(b.token.previousValidUntil)}
                    </Fact>
                  )}
                </Table.Tbody>
              </Table>
            </Paper>
            <Title order={3} mb="sm">
              Teams
            </Title>
            <Paper withBorder p="md" mb="lg">
              <BotTeams bot={b} />
            </Paper>
            <Title order={3} mb="sm">
              Triggers
            </Title>
            <Paper withBorder p="md" mb="lg">
              <BotTriggers botId={b.id} />
            </Paper>
            <Title order={3} mb="sm">
              Activity
            </Title>
            <BotActivity botId={b.id} />
          </>
        )}
      </QueryState>
      {modals}
    </>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Table.Tr>
      <Table.Th w={140}>{label}</Table.Th>
      <Table.Td>{children}</Table.Td>
    </Table.Tr>
  );
}

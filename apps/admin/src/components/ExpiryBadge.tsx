import { Badge, Group, Text } from '@mantine/core';
import { expiryLabel, expiryOf } from '../expiry';

export function ExpiryCell({
  expiresAt,
  now = new Date(),
}: {
  expiresAt: string | null;
  now?: Date;
}) {
  const expiry = expiryOf(expiresAt, now);
  const label = expiryLabel(expiry);
  return (
    <Group gap={6} wrap="nowrap">
      <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
        {expiresAt ?? 'Never'}
      </Text>
      {label && (
        <Badge color={expiry.state === 'expired' ? 'red' : 'orange'} variant="light" size="sm">
          {label}
        </Badge>
      )}
    </Group>
  );
}

import { Badge, Group, Text } from '@mantine/core';

export function DepartmentBadges({ departments }: { departments: { id: string; name: string }[] }) {
  if (departments.length === 0)
    return (
      <Text c="dimmed" size="sm">
        —
      </Text>
    );
  return (
    <Group gap={4}>
      {departments.map((d) => (
        <Badge key={d.id} variant="outline" size="sm">
          {d.name}
        </Badge>
      ))}
    </Group>
  );
}

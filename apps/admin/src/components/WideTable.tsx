import { Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';

/**
 * A table wider than a phone: it scrolls sideways inside the page, and says so on narrow
 * screens, where the last columns (the switches and actions) would otherwise go unseen.
 */
export function WideTable({ minWidth, children }: { minWidth: number; children: ReactNode }) {
  return (
    <>
      <Text hiddenFrom="md" size="xs" c="dimmed" mb={4}>
        Scroll sideways for every column →
      </Text>
      <Table.ScrollContainer minWidth={minWidth} type="native" data-testid="wide-table">
        {children}
      </Table.ScrollContainer>
    </>
  );
}

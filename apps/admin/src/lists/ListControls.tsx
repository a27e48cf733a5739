import { Button, Group, Select, Table, Text, TextInput, UnstyledButton } from '@mantine/core';
import type { ReactNode } from 'react';
import { ROLE_OPTIONS } from '../roles';
import { type PeopleListParams, type PeopleSort, SOON_DAYS } from './list-params';

/** Search, role, status and (for bots) expiry, over a people table; each kept in the URL. */
export function ListFilters({
  params,
  label,
  withExpiry = false,
}: {
  params: PeopleListParams;
  label: string;
  withExpiry?: boolean;
}) {
  return (
    <Group mb="md" align="flex-end" wrap="wrap">
      <TextInput
        label="Search"
        placeholder={`Name${withExpiry ? '' : ' or email'}`}
        value={params.q}
        onChange={(e) => params.set('q', e.currentTarget.value)}
        aria-label={`Search ${label}`}
        w={240}
      />
      <Select
        label="Role"
        placeholder="Any role"
        data={ROLE_OPTIONS}
        value={params.role}
        onChange={(value) => params.set('role', value)}
        clearable
        w={150}
      />
      <Select
        label="Status"
        placeholder="Any status"
        data={[
          { value: 'true', label: 'Active' },
          { value: 'false', label: 'Inactive' },
        ]}
        value={params.active}
        onChange={(value) => params.set('active', value)}
        clearable
        w={150}
      />
      {withExpiry && (
        <Select
          label="Expiry"
          placeholder="Any expiry"
          data={[
            { value: 'expired', label: 'Expired' },
            { value: 'soon', label: `Within ${SOON_DAYS} days` },
            { value: 'never', label: 'Never expires' },
          ]}
          value={params.expiry}
          onChange={(value) => params.set('expiry', value)}
          clearable
          w={180}
        />
      )}
    </Group>
  );
}

/** A column header that sorts the table by `column` (again: the other way). */
export function SortHeader({
  params,
  column,
  children,
}: {
  params: PeopleListParams;
  column: PeopleSort;
  children: ReactNode;
}) {
  const sorted = params.sort === column;
  return (
    <Table.Th aria-sort={sorted ? (params.order === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <UnstyledButton onClick={() => params.sortBy(column)} fw={700} fz="sm">
        {children} {sorted ? (params.order === 'asc' ? '▲' : '▼') : ''}
      </UnstyledButton>
    </Table.Th>
  );
}

/** "Showing 50 of 207" and the button for the next page. */
export function ShowMore({
  shown,
  total,
  hasMore,
  loading,
  onMore,
}: {
  shown: number;
  total: number;
  hasMore: boolean;
  loading: boolean;
  onMore: () => void;
}) {
  return (
    <Group justify="space-between" mt="sm">
      <Text size="sm" c="dimmed">
        Showing {shown} of {total}
      </Text>
      {hasMore && (
        <Button variant="default" onClick={onMore} loading={loading}>
          Show more
        </Button>
      )}
    </Group>
  );
}

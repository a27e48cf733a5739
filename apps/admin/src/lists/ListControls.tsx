import {
  Button,
  Group,
  NumberInput,
  Select,
  Table,
  Text,
  TextInput,
  UnstyledButton,
} from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { type ReactNode, useState } from 'react';
import { ProjectPicker } from '../components/ProjectPicker';
import { EXPIRY_WARNING_DAYS } from '../expiry';
import { ROLE_OPTIONS } from '../roles';
import { useAllDepartments } from './all-departments';
import type { PeopleListParams, PeopleSort } from './list-params';

/**
 * Search, role, status, department and team, and for bots expiry and last use, over a people
 * table; each kept in the URL.
 */
export function ListFilters({
  params,
  label,
  withExpiry = false,
}: {
  params: PeopleListParams;
  label: string;
  withExpiry?: boolean;
}) {
  // Departments are asked for once the filter opens (or names one): the table comes first.
  const [departmentsWanted, setDepartmentsWanted] = useState(false);
  const departments = useAllDepartments(undefined, {
    enabled: departmentsWanted || params.department !== null,
  });
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
      <Select
        label="Department"
        placeholder="Any department"
        data={(departments.data?.items ?? []).map((d) => ({ value: d.id, label: d.name }))}
        value={params.department}
        onChange={(value) => params.set('department', value)}
        onDropdownOpen={() => setDepartmentsWanted(true)}
        searchable
        clearable
        w={180}
      />
      <ProjectPicker
        label="Team"
        placeholder="Any project"
        value={params.project}
        onChange={(value) => params.set('project', value)}
        clearable
        w={200}
      />
      {withExpiry && (
        <Select
          label="Expiry"
          placeholder="Any expiry"
          data={[
            { value: 'expired', label: 'Expired' },
            { value: 'soon', label: `Within ${EXPIRY_WARNING_DAYS} days` },
            { value: 'never', label: 'Never expires' },
          ]}
          value={params.expiry}
          onChange={(value) => params.set('expiry', value)}
          clearable
          w={180}
        />
      )}
      {withExpiry && params.expiry === 'soon' && (
        <NumberInput
          label="Days ahead"
          min={1}
          max={3650}
          allowDecimal={false}
          value={params.withinDays}
          onChange={(value) => params.set('within', value === '' ? null : String(value))}
          w={110}
        />
      )}
      {withExpiry && (
        <DateInput
          label="Last used before"
          placeholder="Any time"
          valueFormat="YYYY-MM-DD"
          clearable
          value={params.usedBefore}
          onChange={(value) => params.set('usedBefore', value)}
          w={160}
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

/** What ShowMore reads of an infinite list query. */
interface PagedQuery {
  data?: { pages: { items: unknown[]; total: number }[] };
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => unknown;
}

/** "Showing 50 of 207" and the button for the next page, for an infinite list query. */
export function ShowMore({ query }: { query: PagedQuery }) {
  const pages = query.data?.pages ?? [];
  const shown = pages.reduce((sum, page) => sum + page.items.length, 0);
  return (
    <Group justify="space-between" mt="sm">
      <Text size="sm" c="dimmed">
        Showing {shown} of {pages[0]?.total ?? 0}
      </Text>
      {query.hasNextPage && (
        <Button
          variant="default"
          onClick={() => query.fetchNextPage()}
          loading={query.isFetchingNextPage}
        >
          Show more
        </Button>
      )}
    </Group>
  );
}

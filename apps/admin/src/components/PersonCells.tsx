import { Badge, Table } from '@mantine/core';
import type { Person } from '../api';
import { SortHeader } from '../lists/ListControls';
import type { PeopleListParams } from '../lists/list-params';
import { ROLE_LABELS } from '../roles';
import { DepartmentBadges } from './DepartmentBadges';
import { RowSwitch } from './RowSwitch';

/** The role, departments and active-switch cells that user and bot rows share. */
export function PersonCells({
  person,
  saveActive,
}: {
  person: Person;
  saveActive: (active: boolean) => Promise<unknown>;
}) {
  return (
    <>
      <Table.Td>
        {/* Never narrower than its word, however long the name beside it. */}
        <Badge variant="light" miw="max-content">
          {ROLE_LABELS[person.role]}
        </Badge>
      </Table.Td>
      <Table.Td>
        <DepartmentBadges departments={person.departments} />
      </Table.Td>
      <Table.Td>
        <RowSwitch
          label={`Active: ${person.name}`}
          checked={person.active}
          save={saveActive}
          note={person.expired && person.active ? 'expired: refused' : undefined}
        />
      </Table.Td>
    </>
  );
}

/** The headers of PersonCells' columns, Role and Active sorting the list. */
export function PersonHeaders({ params }: { params: PeopleListParams }) {
  return (
    <>
      <SortHeader params={params} column="role">
        Role
      </SortHeader>
      <Table.Th>Departments</Table.Th>
      <SortHeader params={params} column="active">
        Active
      </SortHeader>
    </>
  );
}

import { Badge, Table } from '@mantine/core';
import type { Person } from '../api';
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
        <Badge variant="light">{ROLE_LABELS[person.role]}</Badge>
      </Table.Td>
      <Table.Td>
        <DepartmentBadges departments={person.departments} />
      </Table.Td>
      <Table.Td>
        <RowSwitch label={`Active: ${person.name}`} checked={person.active} save={saveActive} />
      </Table.Td>
    </>
  );
}

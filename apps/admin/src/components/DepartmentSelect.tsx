import { MultiSelect, type MultiSelectProps } from '@mantine/core';
import { useAllDepartments } from '../lists/all-departments';

/** Every department to pick from. */
export function DepartmentSelect(props: Omit<MultiSelectProps, 'data'>) {
  const departments = useAllDepartments();
  const data = (departments.data?.items ?? []).map((d) => ({ value: d.id, label: d.name }));
  return (
    <MultiSelect
      label="Departments"
      placeholder={data.length ? 'Pick departments' : 'No departments yet'}
      searchable
      clearable
      {...props}
      data={data}
    />
  );
}

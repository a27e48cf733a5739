import { MultiSelect, type MultiSelectProps } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../api';

/** Departments to pick from, loaded from `departments.list`. */
export function DepartmentSelect(props: Omit<MultiSelectProps, 'data'>) {
  const trpc = useTRPC();
  const departments = useQuery(trpc.departments.list.queryOptions({ limit: 100 }));
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

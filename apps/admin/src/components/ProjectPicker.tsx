import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTRPC } from '../api';

/**
 * A project, searched by name on the server (a studio has hundreds): 20 per search, and the one
 * picked is named even when the search no longer shows it (a filter read from the URL).
 */
export function ProjectPicker({
  label,
  placeholder,
  value,
  onChange,
  exclude,
  clearable = false,
  w,
}: {
  label: string;
  placeholder: string;
  value: string | null;
  onChange: (projectId: string | null) => void;
  /** Projects not offered (a bot's teams already). */
  exclude?: ReadonlySet<string>;
  clearable?: boolean;
  w?: number;
}) {
  const trpc = useTRPC();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 200);
  // Asked only once the list is opened: a page with the picker does not wait for projects.
  const [opened, setOpened] = useState(false);
  // Cleared (or added, and so cleared by the page): the next search starts empty.
  useEffect(() => {
    if (value === null) setSearch('');
  }, [value]);
  const found = useQuery({
    ...trpc.projects.list.queryOptions({ limit: 20, q: q || undefined }),
    enabled: opened,
    placeholderData: keepPreviousData,
  });
  const picked = useQuery({
    ...trpc.projects.get.queryOptions({ id: value ?? '' }),
    enabled: value !== null,
  });
  const options = (found.data?.items ?? [])
    .filter((p) => !exclude?.has(p.id))
    .map((p) => ({ value: p.id, label: p.name }));
  if (value && picked.data && !options.some((o) => o.value === value)) {
    options.unshift({ value, label: picked.data.name });
  }
  return (
    <Select
      label={label}
      placeholder={placeholder}
      data={options}
      value={value}
      onChange={onChange}
      onDropdownOpen={() => setOpened(true)}
      searchable
      searchValue={search}
      onSearchChange={setSearch}
      // The server has searched already.
      filter={({ options: all }) => all}
      nothingFoundMessage={found.isFetching ? 'Searching…' : 'No project found'}
      clearable={clearable}
      w={w}
      style={w ? undefined : { flex: 1 }}
    />
  );
}

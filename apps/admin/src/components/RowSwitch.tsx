import { Switch } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { messageOf } from '../errors';

/**
 * A switch in a table row: saves at once, with its own pending state, and
 * shows a refusal (the seat limit, say) right under itself.
 */
export function RowSwitch({
  label,
  checked,
  save,
}: {
  label: string;
  checked: boolean;
  save: (checked: boolean) => Promise<unknown>;
}) {
  const toggle = useMutation({ mutationFn: save });
  return (
    <Switch
      aria-label={label}
      checked={toggle.isPending ? !!toggle.variables : checked}
      disabled={toggle.isPending}
      onChange={(e) => toggle.mutate(e.currentTarget.checked)}
      error={toggle.isError ? messageOf(toggle.error) : undefined}
    />
  );
}

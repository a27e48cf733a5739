import { Switch } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { messageOf } from '../errors';

/**
 * A table row's active switch: saves at once, and shows a refusal (the seat
 * limit, say) right under itself.
 */
export function ActiveSwitch({
  name,
  active,
  save,
}: {
  name: string;
  active: boolean;
  save: (active: boolean) => Promise<unknown>;
}) {
  const toggle = useMutation({ mutationFn: save });
  return (
    <Switch
      aria-label={`Active: ${name}`}
      checked={toggle.isPending ? !!toggle.variables : active}
      disabled={toggle.isPending}
      onChange={(e) => toggle.mutate(e.currentTarget.checked)}
      error={toggle.isError ? messageOf(toggle.error) : undefined}
    />
  );
}

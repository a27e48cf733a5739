import { Switch } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useEffect } from 'react';
import { messageOf } from '../errors';

/** How long a refusal stays under its switch: what caused it (a full seat limit) may pass. */
const REFUSAL_SHOWN_MS = 6000;

/**
 * A switch in a table row: saves at once, with its own pending state, and
 * shows a refusal (the seat limit, say) right under itself, for a few seconds
 * and no wider than the column.
 */
export function RowSwitch({
  label,
  checked,
  save,
  note,
}: {
  label: string;
  checked: boolean;
  save: (checked: boolean) => Promise<unknown>;
  /** Why an "on" switch does not mean working (an expired bot): greyed, and said under it. */
  note?: string;
}) {
  const toggle = useMutation({ mutationFn: save });
  const { isError, reset } = toggle;
  useEffect(() => {
    if (!isError) return;
    const timer = setTimeout(reset, REFUSAL_SHOWN_MS);
    return () => clearTimeout(timer);
  }, [isError, reset]);
  return (
    <Switch
      aria-label={label}
      checked={toggle.isPending ? !!toggle.variables : checked}
      disabled={toggle.isPending}
      onChange={(e) => toggle.mutate(e.currentTarget.checked)}
      color={note ? 'gray' : undefined}
      description={note}
      error={toggle.isError ? messageOf(toggle.error) : undefined}
      styles={{ error: { maxWidth: 180, whiteSpace: 'normal' } }}
    />
  );
}

import type { UseFormReturnType } from '@mantine/form';

/**
 * Only the fields the user changed: an edit must not resend what it did not
 * touch (a bot without expiry would otherwise trip CLAPPER_BOT_MAX_LIFETIME_DAYS).
 */
export function changedValues<T extends Record<string, unknown>>(
  form: UseFormReturnType<T>,
  values: T,
): Partial<T> {
  return Object.fromEntries(
    Object.entries(values).filter(([key]) => form.isDirty(key)),
  ) as Partial<T>;
}

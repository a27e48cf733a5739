import { Alert } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { useState } from 'react';
import { splitServerError } from '../errors';

/** A server error that names no field of the form, shown above it. */
export function FormError({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <Alert color="red" role="alert" title="Not saved">
      {message}
    </Alert>
  );
}

/**
 * Puts a server error next to the input it names (`data.field`, or each zod
 * issue's field) and keeps the rest for a FormError.
 */
// biome-ignore lint/suspicious/noExplicitAny: any form's values
export function useServerErrors(form: UseFormReturnType<any>) {
  const [message, setMessage] = useState<string | null>(null);
  return {
    message,
    show(error: unknown) {
      const split = splitServerError(error, Object.keys(form.getValues()));
      form.setErrors(split.fieldErrors);
      setMessage(split.message);
    },
    clear() {
      form.clearErrors();
      setMessage(null);
    },
  };
}

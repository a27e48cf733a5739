import { TRPCClientError } from '@trpc/client';

type Issue = { field: string; message: string };
type ServerErrorData = { code?: string; field?: string | null; issues?: Issue[] };

function dataOf(error: unknown): ServerErrorData {
  return error instanceof TRPCClientError ? ((error.data ?? {}) as ServerErrorData) : {};
}

export const errorCode = (error: unknown) => dataOf(error).code;

/** `departmentIds.2` is shown on the `departmentIds` input. */
const topField = (field: string) => field.split('.')[0] ?? field;

/**
 * Splits a server error between the form's fields: the message of each field the
 * form has goes next to it; whatever is left is returned to show above the form.
 */
export function splitServerError(
  error: unknown,
  fields: readonly string[],
): { fieldErrors: Record<string, string>; message: string | null } {
  const data = dataOf(error);
  const fieldErrors: Record<string, string> = {};
  const leftover: string[] = [];
  const issues: Issue[] =
    data.issues ??
    (data.field
      ? [{ field: data.field, message: messageOf(error) }]
      : [{ field: '', message: messageOf(error) }]);
  for (const { field, message } of issues) {
    const name = topField(field);
    // A domain error's message starts with its field (`current: is not…`); beside the input
    // that field is already said.
    const beside = message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message;
    if (fields.includes(name)) fieldErrors[name] = fieldErrors[name] ?? capitalise(beside);
    else leftover.push(field && data.issues ? `${field}: ${message}` : message);
  }
  return { fieldErrors, message: leftover.length ? leftover.join('; ') : null };
}

export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return 'Something went wrong';
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

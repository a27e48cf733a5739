/** Package names mapped to the file URLs of their entry points in this checkout. */
export const aliases: Record<string, string>;
export function resolve(
  specifier: string,
  context: unknown,
  next: (specifier: string, context: unknown) => unknown,
): Promise<unknown>;

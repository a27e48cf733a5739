import { DomainError } from '../errors';

/**
 * How deep an input may nest, its transport envelope (`{ json, meta }`) included. No procedure
 * takes more than a few levels; walks further down (superjson's, the validators') recurse, and
 * a deep enough input would overflow the stack.
 */
export const MAX_INPUT_DEPTH = 32;

/** Refuses an input nested deeper than `MAX_INPUT_DEPTH`, walking it without recursion. */
export function assertShallow(value: unknown, max = MAX_INPUT_DEPTH) {
  const pending: [unknown, number][] = [[value, 1]];
  while (pending.length > 0) {
    const [node, depth] = pending.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > max) {
      throw new DomainError(
        'BAD_REQUEST',
        `input: nested too deeply (at most ${max} levels)`,
        'input',
      );
    }
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (typeof child === 'object' && child !== null) pending.push([child, depth + 1]);
    }
  }
}

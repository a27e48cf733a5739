/** `text` with LIKE's wildcards and escape taken literally (`escape '\'`). */
const literal = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** A LIKE pattern matching `text` anywhere, its wildcards and escape taken literally (`escape '\'`). */
export const containing = (text: string) => `%${literal(text)}%`;

/** A LIKE pattern matching what starts with `text`, taken literally (`escape '\'`). */
export const startingWith = (text: string) => `${literal(text)}%`;

/** A LIKE pattern matching `text` anywhere, its wildcards and escape taken literally (`escape '\'`). */
export const containing = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The form under which a name must be unique: NFC, lower case. "Publisher" and "publisher"
 * are one name, and so are a precomposed "é" and "e" with a combining accent. Computed here,
 * not by the database, so both dialects agree (SQLite's `lower()` knows only ASCII).
 */
export const nameKey = (name: string) => name.normalize('NFC').toLowerCase();

import { resolve } from 'node:path';

export type Dialect = 'sqlite' | 'postgres';

export type DatabaseTarget =
  | { dialect: 'sqlite'; path: string }
  | { dialect: 'postgres'; url: string; dbName: string };

/**
 * `sqlite:<path>` (relative to the working directory) or `postgres://…`. An
 * in-memory SQLite database is refused: the hot reads open a second connection
 * to the same file, which a private in-memory database cannot have.
 */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (!path)
      throw new Error('DATABASE_URL: sqlite: needs a file path, e.g. sqlite:./data/clapper.db');
    if (path === ':memory:') {
      throw new Error(
        'DATABASE_URL: sqlite::memory: is not supported; give a file path, e.g. sqlite:./data/clapper.db',
      );
    }
    return { dialect: 'sqlite', path: resolve(path) };
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const dbName = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
    if (!dbName) throw new Error('DATABASE_URL: a postgres URL needs a database name');
    return { dialect: 'postgres', url, dbName };
  }
  throw new Error('DATABASE_URL must start with sqlite: or postgres://');
}

/**
 * The embedded SQLite database's backup and restore (`pnpm cli backup <file>`, `pnpm cli restore
 * <file>`).
 * PostgreSQL has its own tools (`pg_dump`, `pg_restore`: README "Backups").
 */
import { existsSync } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';

/** What a backup or restore can refuse: exit 2 with its one line. */
export class BackupRefusal extends Error {}

const PAGES_AT_ONCE = 0x7fffffff;

/**
 * A consistent copy of the live database at `path`, made while the server goes on writing:
 * SQLite's online backup API, all pages in one step, inside one read transaction of the WAL,
 * so the copy is the database as of one commit and writers are never held up. Written beside
 * `target` first and renamed into place, so a failed backup leaves no partial file.
 */
export async function backupSqlite(
  path: string,
  target: string,
  { force = false }: { force?: boolean } = {},
): Promise<{ pages: number; bytes: number }> {
  if (!existsSync(path)) throw new BackupRefusal(`no database at ${path}`);
  if (existsSync(target) && !force) {
    throw new BackupRefusal(`${target} exists: give another file, or --force to replace it`);
  }
  const partial = join(dirname(target), `.${basename(target)}.partial`);
  await rm(partial, { force: true });
  const source = new Database(path, { readonly: true, fileMustExist: true });
  try {
    // A busy writer waits no more than the server's own statements do.
    source.pragma('busy_timeout = 5000');
    const { totalPages } = await source.backup(partial, { progress: () => PAGES_AT_ONCE });
    const copy = new Database(partial, { fileMustExist: true });
    try {
      checkIntegrity(copy, partial);
      // The copy stands alone: no WAL beside it.
      copy.pragma('journal_mode = delete');
    } finally {
      copy.close();
    }
    await rename(partial, target);
    return { pages: totalPages, bytes: (await stat(target)).size };
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  } finally {
    source.close();
  }
}

/**
 * Puts the backup `from` in place of the database at `path`, with no server running on it
 * (refused otherwise: a server keeps its connection and would write on over the restored
 * file). The database it replaces is kept beside it as `<file>.replaced-<time>`. The next
 * start migrates a backup made by an older Clapper.
 */
export async function restoreSqlite(
  from: string,
  path: string,
): Promise<{ replaced: string | null }> {
  if (!existsSync(from)) throw new BackupRefusal(`no backup at ${from}`);
  const backup = new Database(from, { readonly: true, fileMustExist: true });
  try {
    checkIntegrity(backup, from);
    const isClapper = backup
      .prepare("select 1 from sqlite_master where type = 'table' and name = 'mikro_orm_migrations'")
      .get();
    if (!isClapper) throw new BackupRefusal(`${from} is not a Clapper database`);
  } catch (error) {
    if (error instanceof BackupRefusal) throw error;
    throw new BackupRefusal(`${from} is not a SQLite database (${(error as Error).message})`);
  } finally {
    backup.close();
  }
  if (existsSync(path)) refuseWhileOpen(path);

  const incoming = join(dirname(path), `.${basename(path)}.restoring`);
  await rm(incoming, { force: true });
  const reader = new Database(from, { readonly: true, fileMustExist: true });
  try {
    await reader.backup(incoming, { progress: () => PAGES_AT_ONCE });
  } finally {
    reader.close();
  }
  let replaced: string | null = null;
  if (existsSync(path)) {
    replaced = `${path}.replaced-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await rename(path, replaced);
  }
  // The replaced database's WAL must not be read into the restored one.
  await rm(`${path}-wal`, { force: true });
  await rm(`${path}-shm`, { force: true });
  await rename(incoming, path);
  return { replaced };
}

function checkIntegrity(db: Database.Database, file: string) {
  const result = db.pragma('integrity_check', { simple: true });
  if (result !== 'ok')
    throw new BackupRefusal(`${file} failed SQLite's integrity check: ${result}`);
}

/**
 * Refuses when another process (a server, a CLI run) has the database open. SQLite leaves WAL
 * mode only for a connection that is alone on the file, so the attempt tells; it also folds
 * the WAL into the file, which is about to be set aside anyway.
 */
function refuseWhileOpen(path: string) {
  const db = new Database(path, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 0');
    let mode: unknown;
    try {
      mode = db.pragma('journal_mode = delete', { simple: true });
    } catch {
      mode = 'wal';
    }
    if (mode === 'wal') {
      throw new BackupRefusal(
        `${path} is open in another process (a running server?): stop it, then restore`,
      );
    }
  } finally {
    db.close();
  }
}

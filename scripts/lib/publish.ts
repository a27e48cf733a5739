/**
 * Building next to a build that may be serving: a lock file so one process builds a target at
 * a time, and `publishBuild`, which puts a finished build in place without an instant where
 * the served directory is missing or its entry names files that are not there yet.
 */
import {
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';

/** A lock not refreshed for this long is abandoned, even if its pid is alive (reused). */
export const LOCK_STALE_MS = 30_000;

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(path: string) {
  try {
    const text = readFileSync(path, 'utf8');
    const mtimeMs = statSync(path).mtimeMs;
    let owner: { pid?: number; host?: string } = {};
    try {
      owner = JSON.parse(text);
    } catch {
      // being written: judged by its age alone
    }
    return { text, mtimeMs, owner };
  } catch {
    return null; // released meanwhile
  }
}

/**
 * Moves a stale lock aside and deletes it. If the lock moved aside is not the one found stale
 * (its holder released it and another process took it meanwhile), it is put back.
 */
function breakLock(path: string, staleText: string) {
  const aside = `${path}.stale-${process.pid}`;
  try {
    renameSync(path, aside);
  } catch {
    return; // another waiter broke it first
  }
  if (readFileSync(aside, 'utf8') !== staleText) {
    try {
      linkSync(aside, path);
    } catch {
      // a third process holds the lock now; the builds are the same either way
    }
  }
  unlinkSync(aside);
}

/**
 * Takes the lock file at `path`, waiting while another live process holds it. A lock whose
 * process is gone (killed mid-build) or that has not been refreshed for `staleMs` is broken.
 * The holder refreshes it every quarter of `staleMs`. Returns the release function.
 */
export async function acquireLock(
  path: string,
  {
    staleMs = LOCK_STALE_MS,
    onWait,
  }: { staleMs?: number; onWait?: (owner: { pid?: number }) => void } = {},
): Promise<() => void> {
  mkdirSync(dirname(path), { recursive: true });
  const text = JSON.stringify({
    pid: process.pid,
    host: hostname(),
    at: new Date().toISOString(),
    nonce: Math.random().toString(36).slice(2),
  });
  let waited = false;
  for (;;) {
    try {
      writeFileSync(path, text, { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const held = readLock(path);
    if (!held) continue;
    const gone =
      held.owner.host === hostname() &&
      typeof held.owner.pid === 'number' &&
      !isAlive(held.owner.pid);
    if (gone || Date.now() - held.mtimeMs > staleMs) {
      breakLock(path, held.text);
      continue;
    }
    if (!waited) onWait?.(held.owner);
    waited = true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const heartbeat = setInterval(() => {
    try {
      const now = new Date();
      utimesSync(path, now, now);
    } catch {
      // broken as stale by someone else: nothing to refresh
    }
  }, staleMs / 4);
  heartbeat.unref();
  return () => {
    clearInterval(heartbeat);
    try {
      if (readFileSync(path, 'utf8') === text) unlinkSync(path);
    } catch {
      // already gone
    }
  };
}

/** Every file under `dir`, relative to it, with `/` separators. */
export function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => !entry.isDirectory())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'));
}

function removeEmptyDirs(dir: string, top = true): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) removeEmptyDirs(join(dir, entry.name), false);
  }
  if (!top && readdirSync(dir).length === 0) rmdirSync(dir);
}

/**
 * Puts the finished build in `from` at `to`. With nothing at `to`, the directory is renamed
 * into place. Otherwise each file is renamed over its place (rename(2) replaces a file
 * atomically but cannot replace a non-empty directory, so swapping whole directories would
 * leave an instant with no build at all): the other files first, `entry` last, so the entry
 * never names a file not there yet. Then files of older builds go; those of `previous` (the
 * build just replaced; null: whatever was there) stay one more build, for a page loaded just
 * before the swap. Returns the build's files.
 */
export function publishBuild({
  from,
  to,
  entry,
  previous,
}: {
  from: string;
  to: string;
  entry: string;
  previous: string[] | null;
}): string[] {
  const files = listFiles(from);
  if (!files.includes(entry)) throw new Error(`the build in ${from} has no ${entry}`);
  if (!existsSync(to)) {
    try {
      renameSync(from, to);
      return files;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
      // something else built there meanwhile: swap file by file
    }
  }
  const before = listFiles(to);
  for (const file of [...files.filter((f) => f !== entry), entry]) {
    mkdirSync(dirname(join(to, file)), { recursive: true });
    renameSync(join(from, file), join(to, file));
  }
  const keep = new Set([...files, ...(previous ?? before)]);
  for (const file of before) if (!keep.has(file)) rmSync(join(to, file), { force: true });
  removeEmptyDirs(to);
  rmSync(from, { recursive: true, force: true });
  return files;
}

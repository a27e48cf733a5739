import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** The server bundle names better-sqlite3's file here (apps/server/build.ts); elsewhere it is resolved. */
declare const CLAPPER_BETTER_SQLITE3: string | undefined;

const driverPath = () =>
  typeof CLAPPER_BETTER_SQLITE3 === 'string'
    ? CLAPPER_BETTER_SQLITE3
    : createRequire(import.meta.url).resolve('better-sqlite3');

// Plain CommonJS, run by the worker thread: a connection of its own that copies the
// write-ahead log into the database file while the server's thread keeps answering.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
let reported = 0;
const checkpoint = (mode) => {
  try {
    db.pragma('wal_checkpoint(' + mode + ')');
  } catch (error) {
    // Told to the server at most every ten seconds.
    if (Date.now() - reported > 10000) {
      reported = Date.now();
      parentPort.postMessage({ failed: String(error && error.message) });
    }
  }
};
const timer = setInterval(() => checkpoint('PASSIVE'), workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  checkpoint('TRUNCATE');
  db.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

export interface CheckpointerOptions {
  intervalMs?: number;
  /** A failed checkpoint, or the worker failing. */
  onError?: (error: unknown) => void;
  /** The worker ended without being asked: whoever turned SQLite's own checkpoints off turns them back on. */
  onLost?: () => void;
}

/**
 * Checkpoints a SQLite database's write-ahead log from a worker thread every
 * `intervalMs`. With it, the server's connection turns SQLite's own automatic
 * checkpoint off: that one runs inside whichever commit crosses 1,000 pages,
 * and its copy and fsync stalled every request queued behind that commit.
 * Commits stay as durable as before (WAL, synchronous=NORMAL).
 */
export function startCheckpointer(
  path: string,
  { intervalMs = 200, onError, onLost }: CheckpointerOptions = {},
): Checkpointer {
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { driver: driverPath(), path, intervalMs },
    resourceLimits: { maxOldGenerationSizeMb: 16 },
  });
  worker.unref();
  let exited = false;
  let stopping = false;
  worker.on('error', (error) => onError?.(error));
  worker.on('message', (message: { failed?: string }) => {
    if (message?.failed) onError?.(new Error(`WAL checkpoint failed: ${message.failed}`));
  });
  worker.once('exit', () => {
    exited = true;
    if (!stopping) onLost?.();
  });
  return {
    stop: () => {
      stopping = true;
      if (exited) return Promise.resolve();
      return new Promise<void>((resolve) => {
        worker.once('exit', () => resolve());
        worker.postMessage('stop');
      });
    },
  };
}

/**
 * `pnpm test:stress faults`: the faults a studio meets, against real processes. PostgreSQL (the
 * machine's own cluster) restarted, then stopped for 20 s, under a bot's writes and with a
 * trigger running; SQLite on a full disk (a small tmpfs); a backup taken under writes and
 * restored into a fresh server. Stopping PostgreSQL and mounting a tmpfs need root.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createClapperClient } from '@clapper/client';
import { openDatabase } from '@clapper/db';
import { createTestDatabase, type TestDatabase } from '@clapper/db/testing';
import { RAISED_RATE_LIMIT, ROOT, startServerProcess } from '../lib/processes';
import { fmt, type Row } from '../lib/report';
import { inParallel, seedStudio } from '../lib/seed';
import { checkComments } from './verify';

export const OUTAGE_MS = 20_000;
export const WRITERS = 8;
/** No answer may take longer, however long the outage. */
export const SLOWEST_MS = 10_000;
/** Writes must succeed again this soon after the database is back. */
export const BACK_WITHIN_MS = 5000;
export const TRIGGER_EVENTS = 300;
const TMPFS_MB = 24;
/** What is freed once the disk is full: room for a checkpoint of the WAL and new writes. */
const FREED_MB = 12;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const isRoot = () => process.getuid?.() === 0;

// PostgreSQL: the machine's cluster (scripts/provision.sh starts the same one) ----------------

const CLUSTER = (() => {
  try {
    return readdirSync('/etc/postgresql')[0];
  } catch {
    return undefined;
  }
})();

function pgctl(action: 'stop' | 'start' | 'restart') {
  if (!CLUSTER) throw new Error('no PostgreSQL cluster in /etc/postgresql');
  execFileSync(
    'pg_ctlcluster',
    [
      '--skip-systemctl-redirect',
      CLUSTER,
      'main',
      action,
      ...(action === 'start' ? [] : ['-m', 'fast']),
    ],
    { stdio: 'ignore' },
  );
}

/** Waits until PostgreSQL accepts a query again; the moment it did. */
async function pgBack(url: string): Promise<number> {
  for (;;) {
    try {
      execFileSync('psql', ['-Atqc', 'select 1', url], { stdio: 'ignore' });
      return performance.now();
    } catch {
      await sleep(50);
    }
  }
}

// A bot's writes, each raw answer recorded -------------------------------------------------------

interface Answer {
  start: number;
  end: number;
  status: number;
  reason: string | null;
}

async function reasonOf(res: Response): Promise<string | null> {
  try {
    const body = (await res.clone().json()) as {
      error?: { json?: { data?: { reason?: string } } };
    };
    return body.error?.json?.data?.reason ?? null;
  } catch {
    return null;
  }
}

/**
 * WRITERS writers posting comments (`size` characters more each) through `@clapper/client`, each with an idempotency key, so
 * the client waits out an outage as a script's would; beneath its retries, every answer the
 * server gave is recorded.
 */
function startWriters(url: string, token: string, taskId: string, label: string, size = 0) {
  const padding = 'x'.repeat(size);
  const answers: Answer[] = [];
  const acknowledged: string[] = [];
  const failures: string[] = [];
  let stopped = false;
  // Calls in flight at the end, still waiting out an outage, are dropped (not given up).
  const inFlight = new Set<AbortController>();
  const recording: typeof fetch = async (input, init) => {
    const start = performance.now();
    try {
      const res = await fetch(input, init);
      const reason = res.status >= 400 ? await reasonOf(res) : null;
      answers.push({ start, end: performance.now(), status: res.status, reason });
      return res;
    } catch (error) {
      if (!stopped)
        answers.push({ start, end: performance.now(), status: 0, reason: String(error) });
      throw error;
    }
  };
  const client = createClapperClient({ url, token, fetch: recording });
  const loops = Array.from({ length: WRITERS }, async (_, w) => {
    for (let n = 0; !stopped; n++) {
      const began = performance.now();
      const call = new AbortController();
      inFlight.add(call);
      try {
        const comment = await client.comments.add.mutate(
          { taskId, text: `${label} ${w}.${n}${padding}` },
          { context: { idempotencyKey: `${label}-${w}-${n}` }, signal: call.signal },
        );
        acknowledged.push(comment.id);
      } catch (error) {
        if (stopped) break;
        failures.push(
          `${error instanceof Error ? error.message : String(error)} (${Math.round(performance.now() - began)} ms into the call)`,
        );
        await sleep(100);
      } finally {
        inFlight.delete(call);
      }
    }
  });
  return {
    answers,
    acknowledged,
    failures,
    async stop() {
      stopped = true;
      for (const call of inFlight) call.abort();
      await Promise.all(loops);
    },
    /** Resolves at the first write acknowledged after `since` (or after `ms`). */
    async writtenAfter(since: number, ms: number) {
      const end = performance.now() + ms;
      const count = () => answers.filter((a) => a.status === 200 && a.end > since).length;
      while (count() === 0 && performance.now() < end) await sleep(20);
    },
  };
}

type Writers = ReturnType<typeof startWriters>;

/** What the answers say: bad ones (neither 2xx nor an outage's 503), the slowest, the return. */
function judge(writers: Writers, backAt: number) {
  const ok = (a: Answer) => a.status >= 200 && a.status < 300;
  const outage = (a: Answer) => a.status === 503 && (a.reason ?? '').startsWith('database_');
  const bad = writers.answers.filter((a) => !ok(a) && !outage(a));
  const slowest = Math.max(...writers.answers.map((a) => a.end - a.start));
  const firstBack = Math.min(
    ...writers.answers.filter((a) => ok(a) && a.end > backAt).map((a) => a.end - backAt),
  );
  return {
    bad,
    slowest,
    firstBack,
    refused: writers.answers.filter(outage).length,
    total: writers.answers.length,
  };
}

/** `refusals`: whether the outage must have been answered 503 (a stop), or may be waited out. */
async function outageRow(
  name: string,
  db: TestDatabase,
  writers: Writers,
  backAt: number,
  { refusals = true } = {},
): Promise<Row> {
  const { bad, slowest, firstBack, refused, total } = judge(writers, backAt);
  const check = await checkComments(db.url, writers.acknowledged);
  const badStatuses = [...new Set(bad.map((a) => `${a.status}${a.reason ? ` ${a.reason}` : ''}`))];
  return {
    name,
    value: `${fmt(total)} answers: ${fmt(refused)} 503 database_*, ${fmt(bad.length)} other${badStatuses.length ? ` (${badStatuses.join(', ')})` : ''}; slowest ${fmt(slowest)} ms; writes back ${fmt(firstBack)} ms after the database; ${fmt(writers.acknowledged.length)} acknowledged, ${fmt(check.found)} stored, ${fmt(check.comments - check.events)} without their event; ${fmt(writers.failures.length)} calls given up by the client${writers.failures.length ? ` (${[...new Set(writers.failures)].slice(0, 3).join('; ')})` : ''}`,
    target: `every answer 2xx or 503 with its reason, none over ${fmt(SLOWEST_MS)} ms, every acknowledged write stored, writes back within ${fmt(BACK_WITHIN_MS)} ms`,
    met:
      (refused > 0 || !refusals) &&
      bad.length === 0 &&
      slowest <= SLOWEST_MS &&
      firstBack <= BACK_WITHIN_MS &&
      writers.acknowledged.length > 0 &&
      check.found === writers.acknowledged.length &&
      check.comments === check.events,
  };
}

// A trigger as a studio runs it: `pnpm bot` ---------------------------------------------------

/** A trigger that comments on each task whose status changes, slowly enough to be mid-way. */
async function startTrigger(url: string, token: string, dir: string) {
  const file = join(dir, 'through-the-outage.ts');
  await writeFile(
    file,
    `import { defineTrigger } from '@clapper/runner';
export default defineTrigger({
  name: 'through-the-outage',
  on: ['task.status_changed'],
  async handle(event, { client }) {
    await new Promise((r) => setTimeout(r, 25));
    await client.comments.add.mutate({ taskId: event.taskId, text: 'handled ' + event.id });
  },
});`,
  );
  const child = spawn(process.execPath, [join(ROOT, 'apps/runner/bin/bot.mjs'), file], {
    cwd: ROOT,
    env: { ...process.env, CLAPPER_URL: url, CLAPPER_TOKEN: token },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  const started = Date.now();
  while (!/after event \d+/.test(stderr)) {
    if (child.exitCode !== null || Date.now() - started > 60_000) {
      throw new Error(`the trigger did not start:\n${stderr}`);
    }
    await sleep(50);
  }
  return { child, stderr: () => stderr };
}

const stopChild = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });

/** How many of `taskIds` the trigger commented on, once each and more than once. */
async function handledOnce(url: string, botId: string, taskIds: readonly string[]) {
  const orm = await openDatabase(url);
  try {
    const rows = await orm.em
      .getConnection()
      .execute<{ task_id: string; n: number | string }[]>(
        `select task_id, count(*) as n from comments where author_id = ? and text like 'handled %' group by task_id`,
        [botId],
      );
    const counts = new Map(rows.map((r) => [r.task_id, Number(r.n)]));
    return {
      once: taskIds.filter((id) => counts.get(id) === 1).length,
      twice: taskIds.filter((id) => (counts.get(id) ?? 0) > 1).length,
    };
  } finally {
    await orm.close(true);
  }
}

// The runs --------------------------------------------------------------------------------------

export async function postgresFaults(): Promise<Row[]> {
  if (!isRoot() || !CLUSTER) {
    return [
      {
        name: 'postgres: restarted, and stopped 20 s, under load',
        value: 'not run: stopping the machine’s PostgreSQL needs root and its cluster',
        target: 'run as root',
        met: false,
      },
    ];
  }
  const rows: Row[] = [];
  const db = await createTestDatabase('postgres');
  const server = await startServerProcess('postgres', RAISED_RATE_LIMIT, { db });
  const dir = await mkdtemp(join(tmpdir(), 'clapper-faults-'));
  try {
    const studio = await seedStudio(server.url, { shots: TRIGGER_EVENTS });
    const botId = (
      await createClapperClient({ url: server.url, token: studio.botToken }).auth.me.query()
    ).id;
    const [writeTask] = studio.taskIds;

    // A restart (a few seconds): the writes wait and go on.
    const restart = startWriters(server.url, studio.botToken, writeTask!, 'restart');
    await sleep(2000);
    pgctl('restart');
    const restartedAt = await pgBack(db.url);
    await sleep(5000);
    await restart.stop();
    rows.push(
      await outageRow('postgres: restarted under load', db, restart, restartedAt, {
        refusals: false,
      }),
    );

    // Stopped for 20 s, with a trigger in the middle of a backlog.
    const trigger = await startTrigger(server.url, studio.botToken, dir);
    const statuses = (await studio.admin.taskStatuses.list.query()).items;
    const wfa = statuses.find((s) => s.shortName === 'wfa')!;
    await inParallel(studio.taskIds.length, 25, (i) =>
      studio.admin.tasks.setStatus.mutate({ taskId: studio.taskIds[i]!, statusId: wfa.id }),
    );
    const stop = startWriters(server.url, studio.botToken, writeTask!, 'stop');
    await sleep(2000);
    pgctl('stop');
    await sleep(OUTAGE_MS);
    pgctl('start');
    const startedAt = await pgBack(db.url);
    await sleep(8000);
    await stop.stop();
    rows.push(
      await outageRow(`postgres: stopped ${OUTAGE_MS / 1000} s under load`, db, stop, startedAt),
    );

    // The trigger finishes its backlog: each event once, nothing parked.
    const deadline = Date.now() + 120_000;
    let handled = await handledOnce(db.url, botId, studio.taskIds);
    while (handled.once + handled.twice < studio.taskIds.length && Date.now() < deadline) {
      await sleep(500);
      handled = await handledOnce(db.url, botId, studio.taskIds);
    }
    const [run] = await studio.admin.triggers.list.query({ botId });
    await stopChild(trigger.child);
    const waited = /waiting and trying again|waits out an outage/.test(trigger.stderr());
    rows.push({
      name: `postgres: a trigger through the ${OUTAGE_MS / 1000} s stop`,
      value: `${fmt(studio.taskIds.length)} status changes: ${fmt(handled.once)} handled once, ${fmt(handled.twice)} more than once; ${fmt(run?.parked ?? -1)} parked${waited ? '; it said it waited' : ''}`,
      target: 'every event handled once, none parked',
      met: handled.once === studio.taskIds.length && handled.twice === 0 && run?.parked === 0,
    });
  } finally {
    // Whatever happened, the machine's PostgreSQL runs again for what comes next.
    try {
      pgctl('start');
    } catch {
      // Already running.
    }
    await pgBack(db.url);
    await server.stop();
    await db.dispose();
    await rm(dir, { recursive: true, force: true });
  }
  return rows;
}

export async function sqliteFullDisk(): Promise<Row> {
  const name = `sqlite: a full disk (a ${TMPFS_MB} MB tmpfs)`;
  if (!isRoot()) {
    return {
      name,
      value: 'not run: mounting a tmpfs needs root',
      target: 'run as root',
      met: false,
    };
  }
  const mount = await mkdtemp(join(tmpdir(), 'clapper-full-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_MB}m`, 'tmpfs', mount]);
  const db: TestDatabase = {
    dialect: 'sqlite',
    url: `sqlite:${join(mount, 'clapper.db')}`,
    dispose: async () => undefined,
  };
  const server = await startServerProcess('sqlite', RAISED_RATE_LIMIT, { db });
  try {
    const studio = await seedStudio(server.url, { shots: 1 });
    // Space to give back once the disk is full.
    const filler = join(mount, 'filler');
    await writeFile(filler, Buffer.alloc(FREED_MB * 2 ** 20));
    const writers = startWriters(server.url, studio.botToken, studio.taskIds[0]!, 'full', 16_000);
    const fullSince = performance.now();
    while (!writers.answers.some((a) => a.reason === 'database_full')) {
      if (performance.now() - fullSince > 120_000) throw new Error('the disk never filled');
      await sleep(100);
    }
    // Full: reads still answer.
    const read = await fetch(`${server.url}/trpc/auth.me`, {
      headers: { authorization: `Bearer ${studio.botToken}` },
    });
    await sleep(2000);
    await rm(filler);
    const freedAt = performance.now();
    // Stopped once writes succeed again, before they fill what was freed.
    await writers.writtenAfter(freedAt, BACK_WITHIN_MS + 1000);
    await writers.stop();
    await server.stop();
    const row = await outageRow(name, db, writers, freedAt);
    const check = await checkComments(db.url, []);
    const full = writers.answers.filter((a) => a.reason === 'database_full').length;
    return {
      ...row,
      value: `${row.value}; ${fmt(full)} answered database_full; a read while full: HTTP ${read.status}; integrity ${check.integrity}`,
      target: `${row.target}; reads served while full; integrity ok`,
      met: row.met && full > 0 && read.status === 200 && check.integrity === 'ok',
    };
  } finally {
    await server.stop();
    execFileSync('umount', [mount]);
    await rm(mount, { recursive: true, force: true });
  }
}

export async function backupUnderLoad(): Promise<Row> {
  const db = await createTestDatabase('sqlite');
  const restored = await createTestDatabase('sqlite');
  const server = await startServerProcess('sqlite', RAISED_RATE_LIMIT, { db });
  const dir = await mkdtemp(join(tmpdir(), 'clapper-backup-'));
  try {
    const studio = await seedStudio(server.url, { shots: 1 });
    const writers = startWriters(server.url, studio.botToken, studio.taskIds[0]!, 'backup');
    await sleep(2000);
    const before = [...writers.acknowledged];
    const file = join(dir, 'clapper-backup.db');
    // Not execFileSync: the writers share this process's event loop, and go on meanwhile.
    const cli = (url: string, ...args: string[]) =>
      promisify(execFile)(process.execPath, [join(ROOT, 'apps/server/dist/cli.mjs'), ...args], {
        env: { ...process.env, DATABASE_URL: url },
      });
    await cli(db.url, 'backup', file);
    const during = writers.acknowledged.length - before.length;
    await sleep(1000);
    await writers.stop();
    await cli(restored.url, 'restore', file);
    // A fresh server on the restored copy starts and serves it.
    const second = await startServerProcess('sqlite', {}, { db: restored });
    const served = await fetch(`${second.url}/trpc/auth.me`, {
      headers: { authorization: `Bearer ${studio.botToken}` },
    });
    await second.stop();
    const check = await checkComments(restored.url, before);
    return {
      name: 'sqlite: pnpm cli backup under writes, restored into a fresh server',
      value: `${fmt(before.length)} writes acknowledged before the backup, ${fmt(check.found)} in the restored copy; ${fmt(during)} acknowledged while it copied; the fresh server answered HTTP ${served.status}; integrity ${check.integrity}`,
      target:
        'every write acknowledged before the backup began, served by a fresh server; integrity ok',
      met:
        before.length > 0 &&
        during > 0 &&
        check.found === before.length &&
        served.status === 200 &&
        check.integrity === 'ok',
    };
  } finally {
    await server.stop();
    await db.dispose();
    await restored.dispose();
    await rm(dir, { recursive: true, force: true });
  }
}

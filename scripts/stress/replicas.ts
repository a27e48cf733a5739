import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ApiConfig } from '@clapper/api';
import { createClapperClient } from '@clapper/client';
import { createTestDatabase, type TestDatabase } from '@clapper/db/testing';
import { BENCH_ADMIN, freePort, ROOT, startServerProcess } from '../lib/processes';
import { fmt, median, type Row } from '../lib/report';
import { seedStudio } from '../lib/seed';

export const ROUNDS = 20;
/** How soon B must see a change made through A. */
export const BUDGET_MS = 1000;
/** How long a round waits before it counts as missed (and the row stops). */
const GIVE_UP_MS = 2 * BUDGET_MS;
export const PROBE_EVERY_MS = 5;

/**
 * B's settings: it trusts its cached credentials and reads, and skips its event poll, for a
 * minute (as apps/server/test/replicas.test.ts sets them), so a change made through A can reach
 * it within the budget only over PostgreSQL's NOTIFY.
 */
export const REPLICA_CONFIG = {
  credentialCacheTtlMs: 60_000,
  readCacheTtlMs: 60_000,
  eventPollMs: 60_000,
} satisfies Partial<ApiConfig>;

const REPLICA_SERVER = fileURLToPath(new URL('./replica-server.ts', import.meta.url));
const NO_RATE_LIMIT = { CLAPPER_RATE_LIMIT: '1000000000' };

/** Milliseconds until `probe` holds, polled every few ms; null past GIVE_UP_MS. */
async function until(probe: () => Promise<boolean> | boolean): Promise<number | null> {
  const started = performance.now();
  while (!(await probe())) {
    if (performance.now() - started > GIVE_UP_MS) return null;
    await new Promise((r) => setTimeout(r, PROBE_EVERY_MS));
  }
  return performance.now() - started;
}

/** Each round's time, stopping at the first round that gives up. */
async function rounds(round: (i: number) => Promise<number | null>) {
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const ms = await round(i);
    if (ms === null) return { times, missed: i + 1 };
    times.push(ms);
  }
  return { times, missed: null };
}

function row(name: string, { times, missed }: Awaited<ReturnType<typeof rounds>>, note = ''): Row {
  const worst = Math.max(...times);
  return {
    name: `postgres, 2 processes: ${name} (${ROUNDS} times)`,
    value:
      missed === null
        ? `median ${fmt(median(times))} ms · worst ${fmt(worst)} ms${note}`
        : `round ${missed} of ${ROUNDS}: not within ${fmt(GIVE_UP_MS)} ms`,
    target: `≤ ${fmt(BUDGET_MS)} ms`,
    met: missed === null && worst <= BUDGET_MS,
  };
}

/** B: scripts/stress/replica-server.ts in its own process, with REPLICA_CONFIG. */
async function startReplica(db: TestDatabase) {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', REPLICA_SERVER], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...NO_RATE_LIMIT,
      DATABASE_URL: db.url,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      CLAPPER_ADMIN_EMAIL: BENCH_ADMIN.email,
      CLAPPER_ADMIN_PASSWORD: BENCH_ADMIN.password,
      STRESS_API_CONFIG: JSON.stringify(REPLICA_CONFIG),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`replica exited: ${stderr}`);
    if (Date.now() > deadline) throw new Error(`replica did not answer /healthz: ${stderr}`);
    const up = await fetch(`${url}/healthz`).then(
      (res) => res.ok,
      () => false,
    );
    if (up) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

const refused = (call: Promise<unknown>, code: string) =>
  call.then(
    () => false,
    (error: { data?: { code?: string } }) => error.data?.code === code,
  );

/** Two server processes on one PostgreSQL database: how long a change on A takes to reach B. */
export async function replicasRun(): Promise<Row[]> {
  const db = await createTestDatabase('postgres');
  const a = await startServerProcess('postgres', NO_RATE_LIMIT, { db });
  const b = await startReplica(db);
  try {
    const studio = await seedStudio(a.url, { shots: 1 });

    const revocations = await rounds(async (i) => {
      const { bot, token } = await studio.admin.bots.create.mutate({ name: `replica-${i}` });
      const onB = createClapperClient({ url: b.url, token });
      await onB.auth.me.query();
      await studio.admin.bots.regenerateToken.mutate({ id: bot.id });
      return until(() => refused(onB.auth.me.query(), 'UNAUTHORIZED'));
    });

    const removals = await rounds(async (i) => {
      const name = `Replica ${i}`;
      const project = await studio.admin.projects.create.mutate({ name, botCollaboration: true });
      const { bot, token } = await studio.admin.bots.create.mutate({
        name: `replica-member-${i}`,
        role: 'manager',
      });
      await studio.admin.projects.addMember.mutate({ projectId: project.id, personId: bot.id });
      const onB = createClapperClient({ url: b.url, token });
      // B now holds the project, its team and the bot's teams in its read cache.
      await onB.projects.byName.query({ name });
      await studio.admin.projects.removeMember.mutate({ projectId: project.id, personId: bot.id });
      return until(() => refused(onB.projects.byName.query({ name }), 'NOT_FOUND'));
    });

    const watcher = createClapperClient({ url: b.url, token: studio.botToken });
    let seen = 0;
    let started: () => void = () => {};
    const ready = new Promise<void>((resolve) => {
      started = resolve;
    });
    const subscription = watcher.events.subscribe.subscribe(
      { types: ['comment.added'] },
      { onStarted: () => started(), onData: () => seen++ },
    );
    await ready;
    // The stream is open before B has read where it starts: a comment written meanwhile would
    // be behind it. B's own writes wake its reader without NOTIFY, so once a comment written
    // through B arrives, the subscription is in place and A's comments are timed from there.
    const onB = createClapperClient({ url: b.url, token: studio.botToken });
    for (let i = 0; seen === 0; i++) {
      if (i === 5) throw new Error('the subscriber on B received no comment written through B');
      await onB.comments.add.mutate({ taskId: studio.taskIds[0]!, text: `via B ${i}` });
      await until(() => seen > 0);
    }
    const writer = createClapperClient({ url: a.url, token: studio.botToken });
    const arrivals = await rounds(async (i) => {
      const want = seen + 1;
      const sent = performance.now();
      await writer.comments.add.mutate({ taskId: studio.taskIds[0]!, text: `via A ${i}` });
      const waited = await until(() => seen >= want);
      return waited === null ? null : performance.now() - sent;
    });
    subscription.unsubscribe();

    return [
      row('a regenerated token refused by the other replica', revocations),
      row('a bot taken off a team no longer reads the project on the other replica', removals),
      row('a comment written through A reaches a subscriber on B', arrivals, ' (from sending)'),
    ];
  } finally {
    await b.stop();
    await a.stop();
    await db.dispose();
  }
}

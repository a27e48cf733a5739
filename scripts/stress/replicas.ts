import { createClapperClient } from '@clapper/client';
import { createTestDatabase } from '@clapper/db/testing';
import { startServerProcess } from '../lib/processes';
import { fmt, median, type Row } from '../lib/report';
import { seedStudio } from '../lib/seed';

const ROUNDS = 20;

async function until(probe: () => Promise<boolean> | boolean, limitMs: number) {
  const started = performance.now();
  while (!(await probe())) {
    if (performance.now() - started > limitMs) throw new Error(`not within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return performance.now() - started;
}

/** Two server processes on one PostgreSQL database: how long a change on A takes to reach B. */
export async function replicasRun(): Promise<Row[]> {
  const db = await createTestDatabase('postgres');
  const a = await startServerProcess('postgres', { CLAPPER_RATE_LIMIT: '1000000000' }, { db });
  const b = await startServerProcess('postgres', { CLAPPER_RATE_LIMIT: '1000000000' }, { db });
  try {
    const studio = await seedStudio(a.url, { shots: 1 });
    const revocations: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const { bot, token } = await studio.admin.bots.create.mutate({ name: `replica-${i}` });
      const onB = createClapperClient({ url: b.url, token });
      await onB.auth.me.query();
      await studio.admin.bots.regenerateToken.mutate({ id: bot.id });
      revocations.push(
        await until(
          () =>
            onB.auth.me.query().then(
              () => false,
              () => true,
            ),
          2000,
        ),
      );
    }

    const watcher = createClapperClient({ url: b.url, token: studio.botToken });
    const arrivals: number[] = [];
    let seen = 0;
    const subscription = watcher.events.subscribe.subscribe(
      { types: ['comment.added'] },
      { onData: () => seen++ },
    );
    await new Promise((r) => setTimeout(r, 500));
    for (let i = 0; i < ROUNDS; i++) {
      const want = seen + 1;
      const writer = createClapperClient({ url: a.url, token: studio.botToken });
      const sent = performance.now();
      await writer.comments.add.mutate({ taskId: studio.taskIds[0]!, text: `via A ${i}` });
      await until(() => seen >= want, 2000);
      arrivals.push(performance.now() - sent);
    }
    subscription.unsubscribe();
    const worst = (xs: number[]) => Math.max(...xs);
    return [
      {
        name: `postgres, 2 processes: a regenerated token refused by the other replica (${ROUNDS} times)`,
        value: `median ${fmt(median(revocations))} ms · worst ${fmt(worst(revocations))} ms`,
        target: '≤ 1,000 ms',
        met: worst(revocations) <= 1000,
      },
      {
        name: `postgres, 2 processes: a comment written through A reaches a subscriber on B (${ROUNDS} times)`,
        value: `median ${fmt(median(arrivals))} ms · worst ${fmt(worst(arrivals))} ms (from sending)`,
        target: '≤ 1,000 ms',
        met: worst(arrivals) <= 1000,
      },
    ];
  } finally {
    await b.stop();
    await a.stop();
    await db.dispose();
  }
}

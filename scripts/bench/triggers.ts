/**
 * `pnpm bench triggers` (issue #15): how soon a trigger's handler starts after the mutation
 * that made its event answers, at a steady rate; and how fast a trigger that does nothing gets
 * through a backlog. Each against a plain `events.subscribe` in the bench process, in the same
 * run, on the same events: what the runner adds over the stream it reads.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type ClapperClient, createClapperClient } from '@clapper/client';
import { ROOT, shellEnv, startServerProcess } from '../lib/processes';
import { fmt, median, percentile, type Section } from '../lib/report';
import { inParallel, seedStudio } from '../lib/seed';

/** Comments a second, and for how long, in the latency row. */
const RATE = 100;
const SECONDS = 10;
/** The backlog the no-op trigger works through. */
const BACKLOG = 5000;

const script = (name: string) => fileURLToPath(new URL(`./scripts/${name}`, import.meta.url));

/** A trigger file run as `pnpm bot` runs it (the runner's bin, without pnpm's start). */
function startTrigger(file: string, url: string, token: string, args: string[] = []) {
  const child = spawn(
    process.execPath,
    ['apps/runner/bin/bot.mjs', script(file), '--url', url, ...args],
    { cwd: ROOT, env: shellEnv({ CLAPPER_TOKEN: token }), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c) => {
    stdout += c;
  });
  child.stderr!.on('data', (c) => {
    stderr += c;
  });
  const started = new Promise<number>((resolve, reject) => {
    const check = () => {
      if (/after event \d+/.test(stderr)) resolve(performance.now());
      else if (child.exitCode !== null) reject(new Error(`the trigger exited: ${stderr}`));
      else setTimeout(check, 5);
    };
    check();
  });
  return { child, started, stdout: () => stdout, stop: () => stopped(child) };
}

const stopped = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });

/** Arrival times (Date.now()) of comment events on a plain subscription, by comment id. */
function subscribeComments(client: ClapperClient, lastEventId?: number) {
  const arrived = new Map<string, number>();
  const subscription = client.events.subscribe.subscribe(
    {
      types: ['comment.added'],
      lastEventId: lastEventId === undefined ? null : String(lastEventId),
    },
    {
      onData: ({ data }) => {
        if (data.targetId) arrived.set(data.targetId, Date.now());
      },
    },
  );
  return { arrived, stop: () => subscription.unsubscribe() };
}

const until = async (probe: () => boolean | Promise<boolean>, ms: number) => {
  const end = performance.now() + ms;
  while (!(await probe())) {
    if (performance.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

export async function triggersBench(): Promise<Section> {
  const server = await startServerProcess('sqlite');
  try {
    const studio = await seedStudio(server.url, { shots: 50 });
    const bot = createClapperClient({ url: server.url, token: studio.botToken });
    const taskIds = studio.taskIds;

    // Latency: RATE comments a second; each one's answer, its event on a plain subscription,
    // and its handler's start, by comment id.
    const trigger = startTrigger('latency-trigger.ts', server.url, studio.botToken);
    await trigger.started;
    const plain = subscribeComments(bot);
    await new Promise((r) => setTimeout(r, 200));
    const answered = new Map<string, number>();
    const calls: Promise<void>[] = [];
    const begun = performance.now();
    for (let i = 0; i < RATE * SECONDS; i++) {
      const due = begun + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      calls.push(
        studio.admin.comments.add
          .mutate({ taskId: taskIds[i % taskIds.length]!, text: `bench ${i}` })
          .then((c) => {
            answered.set(c.id, Date.now());
          }),
      );
    }
    await Promise.all(calls);
    const handled = () =>
      new Map(
        trigger
          .stdout()
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((line) => {
            const [id, at] = line.split(' ');
            return [id!, Number(at)] as const;
          }),
      );
    await until(
      () => handled().size >= answered.size && plain.arrived.size >= answered.size,
      30_000,
    );
    plain.stop();
    await trigger.stop();
    const starts = handled();
    const toHandler = [...answered].map(([id, at]) => starts.get(id)! - at);
    const toStream = [...answered].map(([id, at]) => plain.arrived.get(id)! - at);

    // Throughput: a backlog made while no trigger runs, then a no-op trigger from before it.
    const before = (await studio.admin.events.list.query({ limit: 1 })).items[0]!.id;
    await inParallel(BACKLOG, 50, (i) =>
      studio.admin.comments.add.mutate({
        taskId: taskIds[i % taskIds.length]!,
        text: `backlog ${i}`,
      }),
    );
    const head = (await studio.admin.events.list.query({ limit: 1 })).items[0]!.id;
    const replayStart = performance.now();
    const replay = subscribeComments(bot, before);
    await until(() => replay.arrived.size >= BACKLOG, 60_000);
    const replayMs = performance.now() - replayStart;
    replay.stop();

    const noop = startTrigger('noop-trigger.ts', server.url, studio.botToken, [
      '--from',
      String(before),
    ]);
    const noopStart = await noop.started;
    await until(async () => {
      const all = await studio.admin.triggers.list.query({});
      return (all.find((t) => t.name === 'bench-noop')?.cursor ?? 0) >= head;
    }, 120_000);
    const noopMs = performance.now() - noopStart;
    await noop.stop();

    const p50 = percentile(toHandler, 0.5);
    const p99 = percentile(toHandler, 0.99);
    const streamP50 = percentile(toStream, 0.5);
    const perSecond = BACKLOG / (noopMs / 1000);
    const streamPerSecond = BACKLOG / (replayMs / 1000);
    return {
      id: 'triggers',
      title: 'Triggers',
      method: `On SQLite, the server in its own process. Latency: ${RATE} comments a second for ${SECONDS} s (as the admin, each on one of ${taskIds.length} tasks) while a trigger on \`comment.added\` runs as a \`manager\` bot (apps/runner/bin/bot.mjs, what \`pnpm bot\` runs, on scripts/bench/scripts/latency-trigger.ts); for each comment, from the moment its \`comments.add\` answered to the moment the handler started (Date.now() in both processes), against a plain \`events.subscribe\` in the bench process receiving the same events. Throughput: ${fmt(BACKLOG)} comments made while no trigger runs, then a trigger that does nothing started \`--from\` before them, timed from its start line until its cursor on the server (acknowledged about five times a second) reaches the last of them, against the same plain subscription replaying them.`,
      rows: [
        {
          name: 'handler start after the mutation answered, p50',
          value: `${fmt(p50)} ms`,
          baseline: `${fmt(streamP50)} ms (plain subscription, p50)`,
          ratio: streamP50 > 0 ? p50 / streamP50 : undefined,
          target: '≤ 100 ms',
          met: p50 <= 100,
        },
        {
          name: 'handler start after the mutation answered, p99',
          value: `${fmt(p99)} ms`,
          baseline: `${fmt(percentile(toStream, 0.99))} ms (plain subscription, p99)`,
          target: '≤ 500 ms',
          met: p99 <= 500,
        },
        {
          name: `a no-op trigger through a backlog of ${fmt(BACKLOG)} events`,
          value: `${fmt(perSecond)} events/s`,
          baseline: `${fmt(streamPerSecond)} events/s (plain subscription replay)`,
          ratio: perSecond / streamPerSecond,
          target: '≥ 1,000 events/s',
          met: perSecond >= 1000,
        },
      ],
      notes: [
        `Median of the two latencies' difference per comment: ${fmt(median(toHandler.map((v, i) => v - toStream[i]!)))} ms (what the runner adds to the stream).`,
      ],
    };
  } finally {
    await server.stop();
  }
}

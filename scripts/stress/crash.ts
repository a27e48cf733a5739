import { createTestDatabase } from '@clapper/db/testing';
import autocannon from 'autocannon';
import { type Dialect, startServerProcess } from '../lib/processes';
import { fmt, type Row } from '../lib/report';
import { seedStudio } from '../lib/seed';
import { checkComments, commentIdOf } from './verify';

const KILL_AFTER_MS = 3000;

/** kill -9 in the middle of a comment load, restart, and look for every acknowledged comment. */
export async function crashRun(dialect: Dialect) {
  const db = await createTestDatabase(dialect);
  const first = await startServerProcess(dialect, { CLAPPER_RATE_LIMIT: '1000000000' }, { db });
  try {
    const studio = await seedStudio(first.url, { shots: 1 });
    const acknowledged: string[] = [];
    let refused = 0;
    let finished!: () => void;
    const done = new Promise<void>((resolve) => {
      finished = resolve;
    });
    const load = autocannon(
      {
        url: first.url,
        connections: 32,
        duration: 30,
        requests: [
          {
            method: 'POST',
            path: '/trpc/comments.add',
            headers: {
              authorization: `Bearer ${studio.botToken}`,
              'content-type': 'application/json',
            },
            body: JSON.stringify({ json: { taskId: studio.taskIds[0], text: 'before the crash' } }),
            onResponse: (status, body) => {
              const id = status === 200 ? commentIdOf(body) : null;
              if (id) acknowledged.push(id);
              else refused++;
            },
          },
        ],
      },
      () => finished(),
    );
    await new Promise((r) => setTimeout(r, KILL_AFTER_MS));
    await first.kill();
    load.stop();
    await done;

    // The restarted server must come up on what the crash left, and serve it.
    const second = await startServerProcess(dialect, {}, { db });
    await second.stop();
    const check = await checkComments(db.url, acknowledged);
    const rows: Row[] = [
      {
        name: `${dialect}: kill -9 after ${KILL_AFTER_MS / 1000} s of comment writes`,
        value: `${fmt(acknowledged.length)} acknowledged, ${fmt(check.found)} found after restart; ${fmt(check.comments)} comments and ${fmt(check.events)} comment events in all${refused ? `; ${refused} calls cut off by the kill` : ''}`,
        target: 'every acknowledged one, none half-written',
        met:
          acknowledged.length > 0 &&
          check.found === acknowledged.length &&
          check.comments === check.events,
      },
    ];
    if (check.integrity !== null) {
      rows.push({
        name: `${dialect}: integrity check after the crash`,
        value: check.integrity,
        target: 'ok',
        met: check.integrity === 'ok',
      });
    }
    return rows;
  } finally {
    await first.kill();
    await db.dispose();
  }
}

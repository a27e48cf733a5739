import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ADMIN_DIST, buildAdmin, launchChromium } from '@clapper/admin/testing';
import { adminClient, login, startTestServer } from '@clapper/server/testing';
import { fmt, median, type Section } from '../lib/report';

const RUNS = 10;
const BOTS = 50;

function gzippedKb(ext: string) {
  const dir = join(ADMIN_DIST, 'assets');
  const files = readdirSync(dir).filter((f) => f.endsWith(ext));
  const bytes = files.reduce((sum, f) => sum + gzipSync(readFileSync(join(dir, f))).length, 0);
  return bytes / 1024;
}

/** The admin's weight, and how long a signed-in admin waits for the Bots table. */
export async function adminBench(): Promise<Section> {
  await buildAdmin();
  const js = gzippedKb('.js');
  const css = gzippedKb('.css');

  const server = await startTestServer({ adminDir: ADMIN_DIST });
  const browser = await launchChromium();
  try {
    const admin = await adminClient(server);
    for (let i = 0; i < BOTS; i++) await admin.bots.create.mutate({ name: `bench-bot-${i}` });
    const session = await login(server);
    const { hostname } = new URL(server.url);

    const table: number[] = [];
    const baseline: number[] = [];
    for (let run = 0; run < RUNS + 1; run++) {
      // A new context each time: an empty cache, as on a first visit.
      const context = await browser.newContext();
      await context.addCookies([
        { name: 'clapper_session', value: session, domain: hostname, path: '/' },
      ]);
      const page = await context.newPage();
      let started = performance.now();
      await page.goto(`${server.url}/healthz`);
      const base = performance.now() - started;
      started = performance.now();
      await page.goto(`${server.url}/bots`);
      await page
        .getByRole('row')
        .filter({ hasText: `bench-bot-${BOTS - 1}` })
        .waitFor();
      const visible = performance.now() - started;
      await context.close();
      // The first run warms the server and Chromium; it is not counted.
      if (run > 0) {
        table.push(visible);
        baseline.push(base);
      }
    }
    const tableMs = median(table);
    const baseMs = median(baseline);
    return {
      id: 'admin',
      title: 'Web admin',
      method: `The admin built by Vite (\`pnpm build:admin\`), gzipped with node:zlib. Time to the Bots table: a signed-in admin opens \`/bots\` in a fresh Chromium context (empty cache) until the last of ${BOTS} bots is on screen, median of ${RUNS} runs; the baseline is the same context loading \`/healthz\` (one small JSON document) from the same server just before.`,
      rows: [
        { name: 'JavaScript, gzipped', value: `${fmt(js, 1)} kB` },
        { name: 'CSS, gzipped', value: `${fmt(css, 1)} kB` },
        {
          name: `time to the Bots table (${BOTS} bots)`,
          value: `${fmt(tableMs)} ms`,
          baseline: `${fmt(baseMs, 1)} ms`,
          ratio: tableMs / baseMs,
        },
      ],
    };
  } finally {
    await browser.close();
    await server.close();
  }
}

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ADMIN_DIST, launchChromium, startAdminServer } from '@clapper/admin/testing';
import { newId, Person } from '@clapper/db';
import { login, type TestServer } from '@clapper/server/testing';
import { fmt, median, type Section } from '../lib/report';

const RUNS = 10;
/** Issue #14's studio: ten thousand bots. */
const BOTS = 10_000;
const FIRST_ROWS_TARGET_MS = 1000;
const SEARCH_TARGET_MS = 300;

const botName = (i: number) => `bench-bot-${String(i).padStart(5, '0')}`;

/** 10,000 bots in a few ORM flushes rather than 10,000 API calls: the bench measures reading. */
async function seedBots(server: TestServer) {
  for (let from = 0; from < BOTS; from += 1000) {
    const em = server.orm.em.fork();
    for (let i = from; i < Math.min(from + 1000, BOTS); i++) {
      em.create(Person, {
        id: newId(),
        kind: 'bot',
        name: botName(i),
        role: 'artist',
        active: true,
        expiresAt: null,
        tokenId: newId(),
        tokenIssuedAt: new Date(),
      });
    }
    await em.flush();
  }
}

type Page = Awaited<
  ReturnType<
    Awaited<ReturnType<Awaited<ReturnType<typeof launchChromium>>['newContext']>>['newPage']
  >
>;

/** Resolves once the Bots table shows exactly `count` rows, checked every frame (in the page). */
const rowsOnScreen = (page: Page, count: number) =>
  page.waitForFunction(
    `document.querySelectorAll('table[aria-label="Bots"] tbody tr').length === ${count}`,
    undefined,
    { polling: 'raf' },
  );

function gzippedKb(ext: string) {
  const dir = join(ADMIN_DIST, 'assets');
  const files = readdirSync(dir).filter((f) => f.endsWith(ext));
  const bytes = files.reduce((sum, f) => sum + gzipSync(readFileSync(join(dir, f))).length, 0);
  return bytes / 1024;
}

/** The admin's weight, and how long a signed-in admin waits for the Bots table. */
export async function adminBench(): Promise<Section> {
  // Built first when missing or stale, as `pnpm start` builds it.
  const server = await startAdminServer();
  const js = gzippedKb('.js');
  const css = gzippedKb('.css');

  const browser = await launchChromium();
  try {
    await seedBots(server);
    const session = await login(server);
    const { hostname } = new URL(server.url);

    const table: number[] = [];
    const search: number[] = [];
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
      // Newest first: the last bot made is the first row.
      await page
        .getByRole('row')
        .filter({ hasText: botName(BOTS - 1) })
        .waitFor();
      const visible = performance.now() - started;
      await rowsOnScreen(page, 50);
      // From the search typed (the last key) to its one row alone on screen.
      const wanted = botName((run * 977) % BOTS);
      started = performance.now();
      await page.getByLabel('Search bots').fill(wanted);
      await rowsOnScreen(page, 1);
      const searched = performance.now() - started;
      if ((await page.locator('tbody tr').first().getAttribute('data-bot')) !== wanted) {
        throw new Error(`the search for ${wanted} showed another bot`);
      }
      await context.close();
      // The first run warms the server and Chromium; it is not counted.
      if (run > 0) {
        table.push(visible);
        search.push(searched);
        baseline.push(base);
      }
    }
    const tableMs = median(table);
    const searchMs = median(search);
    const baseMs = median(baseline);
    return {
      id: 'admin',
      title: 'Web admin',
      method: `The admin built by Vite (\`pnpm build:admin\`), gzipped with node:zlib. A studio of ${fmt(BOTS)} bots (made with the ORM before timing). A signed-in admin opens \`/bots\` in a fresh Chromium context (empty cache) until the first row (the newest bot) is on screen; then types a bot's whole name in the search box, timed from the typing until that bot's row is the only one on screen (checked every frame; the box waits for a pause in typing before it asks the server). Medians of ${RUNS} runs after one not counted; the baseline is the same context loading \`/healthz\` (one small JSON document) from the same server just before.`,
      rows: [
        { name: 'JavaScript, gzipped', value: `${fmt(js, 1)} kB` },
        { name: 'CSS, gzipped', value: `${fmt(css, 1)} kB` },
        {
          name: `Bots page, first rows on screen (${fmt(BOTS)} bots)`,
          value: `${fmt(tableMs)} ms`,
          baseline: `${fmt(baseMs, 1)} ms`,
          ratio: tableMs / baseMs,
          target: `≤ ${fmt(FIRST_ROWS_TARGET_MS)} ms`,
          met: tableMs <= FIRST_ROWS_TARGET_MS,
        },
        {
          name: `a search answered on screen (${fmt(BOTS)} bots)`,
          value: `${fmt(searchMs)} ms`,
          baseline: `${fmt(baseMs, 1)} ms`,
          ratio: searchMs / baseMs,
          target: `≤ ${fmt(SEARCH_TARGET_MS)} ms`,
          met: searchMs <= SEARCH_TARGET_MS,
        },
      ],
    };
  } finally {
    await browser.close();
    await server.close();
  }
}

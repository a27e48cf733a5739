/**
 * `pnpm test:stress`: load, crash and replica runs against real server
 * processes, and the attack suites; prints the figures, rewrites
 * RELIABILITY.md, and exits 1 if any target is missed.
 */
import { fileURLToPath } from 'node:url';
import { fmt, printSection, type Row, type Section, writeSections } from '../lib/report';
import { attacksRun } from './attacks';
import { crashRun } from './crash';
import {
  BACK_WITHIN_MS,
  backupUnderLoad,
  OUTAGE_MS,
  postgresFaults,
  SLOWEST_MS,
  sqliteFullDisk,
  TRIGGER_EVENTS,
  WRITERS,
} from './faults';
import { CONNECTIONS, loadRun, PAST_LIMIT, PROCEDURES, RATE_LIMIT, REQUESTS } from './load';
import { BUDGET_MS, PROBE_EVERY_MS, REPLICA_CONFIG, ROUNDS, replicasRun } from './replicas';

const RUNS: Record<string, () => Promise<Section>> = {
  attacks: async () => ({
    id: 'attacks',
    title: 'Attacks',
    method:
      'The HTTP attack suite (apps/server/test/attacks.test.ts: guessed keys, replays, bots of every role on user-only routes, escalation, mass assignment, token leaks into logs and the database, slow requests), the forged-token suite (tokens.test.ts), the hostile-input suite (hostile-input.test.ts: each test one hostile value or shape sent over HTTP to the procedures that take it), the proxy suite (trust-proxy.test.ts) and the fast-check fuzzing of every procedure (fuzz.test.ts, generated inputs for each procedure), run on SQLite and on PostgreSQL. One row per suite: its tests, counted by this run.',
    rows: await attacksRun(),
  }),
  load: async () => ({
    id: 'load',
    title: 'Load',
    method: `autocannon over loopback, ${fmt(CONNECTIONS)} connections, ${fmt(REQUESTS)} requests cycling through ${PROCEDURES.join(', ')}, each procedure called with a token of its own, against the bundle \`pnpm start\` runs (apps/server/dist/main.mjs) in its own process, its rate limit at ${fmt(RATE_LIMIT)} a minute per token: above each token's share, so every request must be answered (a 429 there fails the row). Then one more token calls auth.me ${fmt(RATE_LIMIT)} times and ${fmt(PAST_LIMIT)} times more, ${fmt(CONNECTIONS)} at a time: each of the first must be answered and each of the rest refused with a 429 (TOO_MANY_REQUESTS), counted apart from the answers. Afterwards every comment the server acknowledged is looked for in the database.`,
    rows: [...(await loadRun('sqlite')), ...(await loadRun('postgres'))],
  }),
  crash: async () => ({
    id: 'crash',
    title: 'Crash',
    method:
      '32 connections post comments; the server is killed with SIGKILL after 3 s and started again on the same database. Every comment acknowledged before the kill must be there, every comment must have its `comment.added` event (they commit together), and SQLite must pass `pragma integrity_check`.',
    rows: [...(await crashRun('sqlite')), ...(await crashRun('postgres'))],
  }),
  faults: async () => ({
    id: 'faults',
    title: 'Faults',
    method: `The bundle \`pnpm start\` runs, in its own process. ${fmt(WRITERS)} writers post comments through \`@clapper/client\` (its retries on, each call with an idempotency key, as a script's would), and every answer the server gives beneath the client's retries is recorded: each must be a 2xx or a 503 with its \`database_*\` reason, none slower than ${fmt(SLOWEST_MS)} ms, and writes must succeed again within ${fmt(BACK_WITHIN_MS)} ms of the database's return; afterwards every acknowledged comment is looked for in the database, with its event. PostgreSQL is the machine's own cluster (\`pg_ctlcluster … restart\`, then \`stop\` for ${fmt(OUTAGE_MS / 1000)} s and \`start\`); during the stop, a trigger run by \`pnpm bot\` is working through ${fmt(TRIGGER_EVENTS)} status changes, commenting on each (its handler's calls keyed by the runner), and must handle each once with nothing parked. SQLite's full disk is a small tmpfs holding the database and a 12 MB file, deleted once writes answer \`database_full\`; a read is sent while full, and the file passes \`integrity_check\` after. The backup is \`pnpm cli backup\` (the built CLI) taken while the writers go on, restored with \`pnpm cli restore\` into a fresh path, and served by a fresh server. Stopping PostgreSQL and mounting the tmpfs need root.`,
    rows: [...(await postgresFaults()), await sqliteFullDisk(), await backupUnderLoad()],
  }),
  replicas: async () => ({
    id: 'replicas',
    title: 'Replicas',
    method: `Two server processes on one PostgreSQL database: A the bundle \`pnpm start\` runs, with its default settings; B the same server from its sources (scripts/stress/replica-server.ts), its credential cache, read cache and event poll at ${fmt(REPLICA_CONFIG.credentialCacheTtlMs / 1000)}, ${fmt(REPLICA_CONFIG.readCacheTtlMs / 1000)} and ${fmt(REPLICA_CONFIG.eventPollMs / 1000)} s (as apps/server/test/replicas.test.ts sets them), so a change made through A can reach B within ${fmt(BUDGET_MS)} ms only over PostgreSQL's NOTIFY. ${ROUNDS} times each: a bot B has verified (its credential cached there) has its token regenerated through A, and B is asked every ${PROBE_EVERY_MS} ms until it refuses the old token; a bot B has shown a new project to (project and team cached there) is taken off its team through A, and B is asked every ${PROBE_EVERY_MS} ms until the project is not found; a comment is posted through A and timed until a subscriber connected to B receives it (the subscriber counted as ready once a comment posted through B itself reached it). A row stops at the first round that waits past twice its target.`,
    rows: await replicasRun(),
  }),
};

const FILE = fileURLToPath(new URL('../../RELIABILITY.md', import.meta.url));
const HEADER = `# Reliability

Written by \`pnpm test:stress\` (scripts/stress), which \`.ci/run\` runs after
\`pnpm test\`; each section replaces only itself. A run fails if any target is
missed.
`;

const asked = process.argv.slice(2);
const names = asked.length ? asked : Object.keys(RUNS);
const sections: Section[] = [];
for (const name of names) {
  const run = RUNS[name];
  if (!run) {
    console.error(`Unknown run: ${name}. Known: ${Object.keys(RUNS).join(', ')}`);
    process.exit(2);
  }
  const started = performance.now();
  console.log(`\n== ${name}`);
  const section = await run();
  printSection(section);
  console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
  sections.push(section);
}
writeSections(
  FILE,
  sections,
  `pnpm test:stress${asked.length ? ` ${asked.join(' ')}` : ''}`,
  HEADER,
);
const missed = sections.flatMap((s) => s.rows).filter((r: Row) => r.met === false);
if (missed.length) {
  console.error(`\nMissed: ${missed.map((r) => r.name).join('; ')}`);
  process.exit(1);
}
console.log(`\nAll targets met; wrote ${names.join(', ')} to RELIABILITY.md`);
process.exit(0);

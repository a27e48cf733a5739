/**
 * `pnpm bench [name…]`: runs the benchmarks (all, or those named), prints
 * their tables and rewrites their sections of BENCHMARKS.md.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printSection, type Section, writeSections } from '../lib/report';
import { adminBench } from './admin';
import { apiBench } from './api';
import { bulkBench } from './bulk';
import { scaleBench } from './scale';
import { startBench } from './start';
import { tokensBench } from './tokens';
import { triggersBench } from './triggers';

const BENCHES: Record<string, () => Promise<Section>> = {
  api: apiBench,
  tokens: tokensBench,
  bulk: bulkBench,
  admin: adminBench,
  start: startBench,
  triggers: triggersBench,
  scale: scaleBench,
};

const FILE = fileURLToPath(new URL('../../BENCHMARKS.md', import.meta.url));
/** Written by hand at the end of BENCHMARKS.md: no run rewrites it, and new sections go above it. */
const HISTORY = '## Earlier measurements and findings';
const HEADER = `# Benchmarks

Each section between \`<!-- section:… -->\` markers is written by \`pnpm bench\`
(scripts/bench) and replaces only itself, so \`pnpm bench <name>\` refreshes one;
every figure in it comes from the run its "Measured" line names. Ratios compare
against a baseline measured in the same run on the same machine, which is what
holds on a noisy shared machine; absolute numbers are for orientation only.
"Earlier measurements and findings", at the end, is written by hand and no run
rewrites it: each entry says when it was measured and where its figures are.

${HISTORY}
`;

/**
 * A section not yet in the file gets an empty slot above the hand-written history, which
 * writeSections then fills (it appends a section it does not find, after the history).
 */
function makeRoomFor(ids: string[]) {
  const text = readFileSync(FILE, 'utf8');
  const at = text.indexOf(`\n${HISTORY}\n`);
  const missing = ids.filter((id) => !text.includes(`<!-- section:${id} -->`));
  if (at < 0 || missing.length === 0) return;
  const slots = missing.map((id) => `<!-- section:${id} -->\n<!-- /section:${id} -->\n\n`);
  writeFileSync(FILE, `${text.slice(0, at + 1)}${slots.join('')}${text.slice(at + 1)}`);
}

const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !(name in BENCHES));
if (unknown.length) {
  console.error(
    `Unknown benchmark: ${unknown.join(', ')}. Known: ${Object.keys(BENCHES).join(', ')}`,
  );
  process.exit(2);
}
const names = asked.length ? asked : Object.keys(BENCHES);
const sections: Section[] = [];
for (const name of names) {
  const started = performance.now();
  console.log(`\n== ${name}`);
  const section = await BENCHES[name]!();
  printSection(section);
  console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
  sections.push(section);
}
if (!existsSync(FILE)) writeFileSync(FILE, HEADER);
makeRoomFor(sections.map((s) => s.id));
writeSections(FILE, sections, `pnpm bench${asked.length ? ` ${asked.join(' ')}` : ''}`, HEADER);
console.log(`\nWrote ${names.join(', ')} to BENCHMARKS.md`);

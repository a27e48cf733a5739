/**
 * `pnpm bench [name…]`: runs the benchmarks (all, or those named), prints
 * their tables and rewrites their sections of BENCHMARKS.md.
 */
import { fileURLToPath } from 'node:url';
import { printSection, type Section, writeSections } from '../lib/report';
import { adminBench } from './admin';
import { apiBench } from './api';
import { bulkBench } from './bulk';
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
};

const FILE = fileURLToPath(new URL('../../BENCHMARKS.md', import.meta.url));
const HEADER = `# Benchmarks

Every number here is written by \`pnpm bench\` (scripts/bench). Each section
replaces only itself, so \`pnpm bench <name>\` refreshes one. Ratios compare
against a baseline measured in the same run on the same machine, which is what
holds on a noisy shared machine; absolute numbers are for orientation only.
`;

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
writeSections(FILE, sections, `pnpm bench${asked.length ? ` ${asked.join(' ')}` : ''}`, HEADER);
console.log(`\nWrote ${names.join(', ')} to BENCHMARKS.md`);

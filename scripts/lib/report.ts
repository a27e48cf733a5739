import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

export interface Row {
  name: string;
  /** The measured value, formatted, with its unit. */
  value: string;
  /** The same run's baseline, formatted, when the row has one. */
  baseline?: string;
  /** measured / baseline (or the inverse where smaller is better), as a number. */
  ratio?: number;
  target?: string;
  met?: boolean;
}

export interface Section {
  id: string;
  title: string;
  /** What was measured and how, in a sentence or two. */
  method: string;
  rows: Row[];
  notes?: string[];
}

export const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Nearest rank: the smallest value with at least a fraction `p` (0 < p ≤ 1) of all at or below. */
export const percentile = (values: ArrayLike<number>, p: number) => {
  const sorted = Array.from(values).sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
};

export function machine() {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${fmt(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}`;
}

export function printSection(section: Section) {
  console.log(`\n## ${section.title}`);
  console.table(
    section.rows.map((r) => ({
      measure: r.name,
      value: r.value,
      baseline: r.baseline ?? '',
      ratio: r.ratio === undefined ? '' : fmt(r.ratio, 2),
      target: r.target ?? '',
      met: r.met === undefined ? '' : r.met ? 'yes' : 'NO',
    })),
  );
}

function markdown(section: Section, command: string) {
  const lines = [
    `## ${section.title}`,
    '',
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine()}, by \`${command}\`.`,
    '',
    section.method,
    '',
    '| measure | value | baseline | ratio | target | met |',
    '| --- | --- | --- | --- | --- | --- |',
    ...section.rows.map(
      (r) =>
        `| ${r.name} | ${r.value} | ${r.baseline ?? ''} | ${r.ratio === undefined ? '' : fmt(r.ratio, 2)} | ${r.target ?? ''} | ${r.met === undefined ? '' : r.met ? 'yes' : '**no**'} |`,
    ),
    ...(section.notes?.length ? ['', ...section.notes.map((n) => `- ${n}`)] : []),
  ];
  return `<!-- section:${section.id} -->\n${lines.join('\n')}\n<!-- /section:${section.id} -->`;
}

/** Writes each section between its markers in `file`, keeping the others; `header` starts a new file. */
export function writeSections(file: string, sections: Section[], command: string, header: string) {
  let text = existsSync(file) ? readFileSync(file, 'utf8') : header;
  for (const section of sections) {
    const block = markdown(section, command);
    const pattern = new RegExp(
      `<!-- section:${section.id} -->[\\s\\S]*?<!-- /section:${section.id} -->`,
    );
    text = pattern.test(text) ? text.replace(pattern, block) : `${text.trimEnd()}\n\n${block}\n`;
  }
  writeFileSync(file, text);
}

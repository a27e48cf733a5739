/**
 * README.md as tests read it: a section's code blocks and shell lines, run as a
 * user types them, so the documentation and its tests cannot drift apart.
 */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProcess } from './processes';

/** The checkout's root, where README.md is. */
export const CHECKOUT = fileURLToPath(new URL('../../../..', import.meta.url));

/** A section of README.md, from its heading to the next heading of the same or a higher level. */
export function readmeSection(heading: string): string {
  const lines = readFileSync(join(CHECKOUT, 'README.md'), 'utf8').split('\n');
  // A `#` line inside a code block is a comment, not a heading.
  let fenced = false;
  const levels = lines.map((line) => {
    if (/^ *```/.test(line)) fenced = !fenced;
    const hashes = /^(#+) /.exec(line);
    return !fenced && hashes ? hashes[1]!.length : 0;
  });
  const start = lines.findIndex((line, i) => levels[i] && line.replace(/^#+ /, '') === heading);
  if (start < 0) throw new Error(`README.md has no section "${heading}"`);
  const end = levels.findIndex((level, i) => i > start && level && level <= levels[start]!);
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

export interface CodeBlock {
  lang: string;
  /** Its lines, without the indentation of the list item it sits in. */
  lines: string[];
}

/** The fenced code blocks of `markdown`, in order. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  let open: (CodeBlock & { indent: number }) | null = null;
  for (const line of markdown.split('\n')) {
    const fence = /^( *)```(\w*)\s*$/.exec(line);
    if (fence && !open) {
      open = { lang: fence[2]!, lines: [], indent: fence[1]!.length };
    } else if (fence && open) {
      blocks.push({ lang: open.lang, lines: open.lines });
      open = null;
    } else if (open) {
      open.lines.push(line.slice(Math.min(open.indent, line.search(/\S|$/))));
    }
  }
  return blocks;
}

/** The command lines of the `sh` blocks: neither blank nor comments. */
export const shellLines = (markdown: string) =>
  codeBlocks(markdown)
    .filter((b) => b.lang === 'sh')
    .flatMap((b) => b.lines.filter((line) => line.trim() && !line.trim().startsWith('#')));

/**
 * A new folder inside the checkout, as a user's working folder: `pnpm cli` and
 * `pnpm bot` find the workspace from there. Under `data/`, which git ignores.
 */
export async function checkoutFolder(prefix: string): Promise<string> {
  await mkdir(join(CHECKOUT, 'data'), { recursive: true });
  return mkdtemp(join(CHECKOUT, 'data', `${prefix}-`));
}

export interface ShellRun {
  line: string;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** One command line through `sh -c`, as typed in `cwd`; the environment is this process's plus `env`. */
export async function shell(
  line: string,
  { cwd, env = {} }: { cwd: string; env?: Record<string, string> },
): Promise<ShellRun> {
  const run = await runProcess('sh', ['-c', line], {
    cwd,
    // pnpm sets INIT_CWD itself, to where the command was typed.
    env: { ...process.env, INIT_CWD: '', ...env },
  });
  return { line, ...run };
}

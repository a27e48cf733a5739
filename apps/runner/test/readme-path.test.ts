/**
 * README.md's "Scripting with bots" steps 1–5, run as written: the shell lines
 * of its `sh` blocks and the script of its `ts` block, in one folder of the
 * checkout, from an empty database and a running server. The one thing
 * changed is the server's address, `http://localhost:3000` in the README.
 */
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  adminClient,
  checkoutFolder,
  codeBlocks,
  readmeSection,
  type ShellRun,
  shell,
  shellLines,
  startTestServer,
  type TestServer,
} from '@clapper/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const README_URL = 'http://localhost:3000';
const section = readmeSection('Scripting with bots');
const steps = section.slice(0, section.search(/\nOptions: /));

let server: TestServer;
let folder: string;

beforeAll(async () => {
  server = await startTestServer();
  folder = await checkoutFolder('readme-path');
});
afterAll(async () => {
  await server?.close();
  if (folder) await rm(folder, { recursive: true, force: true });
});

describe('README: from a bot to a running script', () => {
  it('runs steps 1–5 as written, ending with the script seeing the project', async () => {
    // An empty studio: no project, no bot, only the first admin.
    const admin = await adminClient(server);
    expect((await admin.projects.list.query()).items).toEqual([]);
    expect((await admin.bots.list.query()).items).toEqual([]);

    const [script, ...others] = codeBlocks(steps).filter((b) => b.lang === 'ts');
    expect(others).toEqual([]);
    const scriptName = /^\/\/ (\S+\.ts)$/.exec(script!.lines[0]!)![1]!;

    // What each README command must do, in the README's order; a command the test does not know fails it.
    const checks: [RegExp, (run: ShellRun) => Promise<void>][] = [
      [/^pnpm cli demo$/, async (run) => expect(run.stderr).toContain('Seeded MyProduction')],
      [
        /^pnpm cli bots:create .*--project MyProduction --out publisher\.token$/,
        async (run) => {
          expect(run.stderr).toContain('on the team of MyProduction');
          expect(run.stdout).not.toMatch(/eyJ/);
          const token = await readFile(join(folder, 'publisher.token'), 'utf8');
          expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
          expect((await stat(join(folder, 'publisher.token'))).mode & 0o777).toBe(0o600);
        },
      ],
      [/^echo "CLAPPER_URL=.*" > \.env$/, async () => {}],
      [
        /^echo "CLAPPER_TOKEN=\$\(cat publisher\.token\)" >> \.env$/,
        async () => {
          const token = (await readFile(join(folder, 'publisher.token'), 'utf8')).trim();
          expect(await readFile(join(folder, '.env'), 'utf8')).toBe(
            `CLAPPER_URL=${server.url}\nCLAPPER_TOKEN=${token}\n`,
          );
          // Step 3, between the .env and the runner: the script as the README shows it.
          await writeFile(join(folder, scriptName), `${script!.lines.join('\n')}\n`);
        },
      ],
      [
        /^pnpm bot --init$/,
        async (run) => {
          expect(run.stderr).toContain(`clapper: wrote ${join(folder, 'tsconfig.json')}`);
        },
      ],
      [
        new RegExp(`^pnpm bot ${scriptName.replace('.', '\\.')}$`),
        async (run) => {
          // The lines step 5 says it prints, with this server's address.
          const said = [...steps.matchAll(/`((?:clapper: |\[info\] )[^`]+)`/g)].map((m) =>
            m[1]!.replaceAll(README_URL, server.url),
          );
          expect(said).toEqual([
            `clapper: ${scriptName} as bot "Publisher", role supervisor, on ${server.url}`,
            '[info] Publisher sees MyProduction',
          ]);
          expect(run.stderr.trim().split('\n')).toEqual(said);
        },
      ],
    ];

    const lines = shellLines(steps);
    expect(lines).toHaveLength(checks.length);
    for (const [i, readmeLine] of lines.entries()) {
      const [pattern, check] = checks[i]!;
      expect(readmeLine, `README step line ${i + 1}`).toMatch(pattern);
      const line = readmeLine.replaceAll(README_URL, server.url);
      const run = await shell(line, {
        cwd: folder,
        env: {
          DATABASE_URL: server.db.url,
          CLAPPER_SECRET: server.secret,
          CLAPPER_URL: '',
          CLAPPER_TOKEN: '',
        },
      });
      expect(run.code, `${line}\n${run.stdout}\n${run.stderr}`).toBe(0);
      await check(run);
    }
  }, 300_000);
});

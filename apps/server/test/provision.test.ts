// `pnpm test` on a fresh machine: scripts/provision.sh provisions what the tests need, or
// stops with one line naming the command to run; `.ci/run` calls the same script.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const SCRIPT = `${ROOT}scripts/provision.sh`;

function provision(env: Record<string, string>, asUser?: string) {
  // Another user may not be able to read the checkout (a private temporary folder): the
  // script goes in on stdin.
  const command = asUser ? ['runuser', '-u', asUser, '--', 'bash', '-s'] : ['bash', SCRIPT];
  const run = spawnSync(command[0]!, command.slice(1), {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    cwd: '/',
    input: asUser ? readFileSync(SCRIPT, 'utf8') : undefined,
  });
  return { code: run.status, out: `${run.stdout}${run.stderr}`.trim() };
}

describe('scripts/provision.sh', () => {
  it('is what `pnpm test` and `.ci/run` run', () => {
    const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.test).toMatch(/^bash scripts\/provision\.sh && vitest run/);
    expect(readFileSync(`${ROOT}.ci/run`, 'utf8')).toMatch(/^bash scripts\/provision\.sh$/m);
  });

  it('with PostgreSQL up and Chromium present, does nothing and says nothing', () => {
    expect(provision({ PROVISION_DRY_RUN: '1' })).toEqual({ code: 0, out: '' });
  });

  it('installs a missing Chromium from Debian when it may (root or sudo)', () => {
    const mayInstall = process.getuid?.() === 0 || spawnSync('sudo', ['-n', 'true']).status === 0;
    const result = provision({ PROVISION_DRY_RUN: '1', CHROMIUM_PATH: '/nonexistent/chromium' });
    if (mayInstall) {
      expect(result).toEqual({
        code: 0,
        out: "provision: would install Debian's chromium with apt-get",
      });
    } else {
      expect(result.code).toBe(1);
      expect(result.out).toMatch(/^provision: Chromium is missing .*apt-get install -y chromium/);
    }
  });

  it('as a user who may not install, stops with one line naming the command', () => {
    const env = { PROVISION_DRY_RUN: '1', CHROMIUM_PATH: '/nonexistent/chromium' };
    // As root, the check runs as `nobody`; any other user without sudo is such a user already.
    const result = process.getuid?.() === 0 ? provision(env, 'nobody') : provision(env);
    expect(result.code).toBe(1);
    expect(result.out.split('\n')).toHaveLength(1);
    expect(result.out).toContain('run `sudo apt-get install -y chromium`');
  });
});

// Backups a studio can restore from: `pnpm cli backup` copies the live SQLite database while a
// bot goes on writing, the copy holds every write acknowledged before it began, `pnpm cli
// restore` refuses while a server has the file open and puts the copy in place once stopped,
// and a server starts on it and serves. On PostgreSQL, the README's pg_dump and pg_restore
// commands make a dump that restores into a fresh database Clapper starts on.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openDatabase } from '@clapper/db';
import { createTestDatabase, type TestDatabase, testDialect } from '@clapper/db/testing';
import {
  createPreparedDatabase,
  createStudio,
  createTeamBot,
  readmeSection,
  runCli,
  shellLines,
  spawnCli,
  startTestServer,
  type TestServer,
} from '@clapper/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const dialect = testDialect();
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clapper-backup-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The CLI's commands, run in this process. */
const cli = (db: TestDatabase, ...args: string[]) =>
  runCli(args, { ...process.env, DATABASE_URL: db.url });

/** The CLI's bundle in a process of its own, as a backup beside a running server is taken. */
const spawnedCli = (db: TestDatabase, ...args: string[]) =>
  spawnCli(args, { ...process.env, DATABASE_URL: db.url });

/** A bot writing comments one after another until stopped; each acknowledged id is kept. */
function keepWriting(client: Awaited<ReturnType<typeof createTeamBot>>['client'], taskId: string) {
  const acknowledged: string[] = [];
  let stopped = false;
  const done = (async () => {
    for (let n = 0; !stopped; n++) {
      acknowledged.push((await client.comments.add.mutate({ taskId, text: `write ${n}` })).id);
    }
  })();
  return {
    acknowledged,
    async stop() {
      stopped = true;
      await done;
    },
  };
}

/** A studio, a task, and a bot writing comments on it, once it has 20 acknowledged (`before`). */
async function writingBot(server: TestServer) {
  const studio = await createStudio(server);
  const { client } = await createTeamBot(server, studio.project.id);
  const task = await studio.admin.tasks.create.mutate({
    entityId: studio.shot.id,
    taskTypeId: studio.animate.id,
  });
  const writer = keepWriting(client, task.id);
  while (writer.acknowledged.length < 20) await new Promise((r) => setTimeout(r, 10));
  return { studio, task, writer, before: [...writer.acknowledged] };
}

/** The ids of the task's comments, read from the server's database. */
async function commentIds(server: TestServer, taskId: string) {
  const rows = await server.orm.em
    .getConnection()
    .execute<{ id: string }[]>('select id from comments where task_id = ?', [taskId]);
  return new Set(rows.map((r) => r.id));
}

if (dialect === 'sqlite') {
  describe('pnpm cli backup and restore (SQLite)', () => {
    it('copies the live database under writes; restores it once the server is stopped', async () => {
      const db = await createPreparedDatabase();
      let server = await startTestServer({ db });
      try {
        const { task, writer, before } = await writingBot(server);
        const file = join(dir, 'clapper-backup.db');
        // Another process, as in production: the server goes on answering while it copies.
        const backup = await spawnedCli(db, 'backup', file);
        const during = writer.acknowledged.length - before.length;
        await writer.stop();
        expect(backup, backup.stderr).toMatchObject({ code: 0 });
        expect(backup.stderr).toMatch(/^Backed up .* to .*clapper-backup\.db \([\d.]+ MB\)\n$/);
        // The writes went on while it copied.
        expect(during).toBeGreaterThan(0);

        const copy = await openDatabase(`sqlite:${file}`);
        try {
          const conn = copy.em.getConnection();
          expect(await conn.execute('pragma integrity_check')).toEqual([{ integrity_check: 'ok' }]);
          const rows = await conn.execute<{ id: string }[]>(
            'select id from comments where task_id = ?',
            [task.id],
          );
          const saved = new Set(rows.map((r) => r.id));
          expect(before.filter((id) => !saved.has(id))).toEqual([]);
        } finally {
          await copy.close(true);
        }

        // A second backup to the same file is refused unless asked for.
        const again = await cli(db, 'backup', file);
        expect(again).toMatchObject({ code: 2 });
        expect(again.stderr).toContain('exists: give another file, or --force');

        // Not while a server has the database open.
        const refused = await cli(db, 'restore', file);
        expect(refused).toMatchObject({ code: 2 });
        expect(refused.stderr).toContain('is open in another process');
        expect((await commentIds(server, task.id)).size).toBe(writer.acknowledged.length);

        await server.close();
        const restore = await cli(db, 'restore', file);
        expect(restore, restore.stderr).toMatchObject({ code: 0 });
        expect(restore.stderr).toMatch(/the database it replaced is .*\.replaced-/);
        server = await startTestServer({ db });
        const restored = await commentIds(server, task.id);
        expect(before.filter((id) => !restored.has(id))).toEqual([]);
        // Whatever came after the copy's moment is not in it.
        expect(restored.size).toBeLessThan(writer.acknowledged.length);
      } finally {
        await server.close();
        await db.dispose();
      }
    }, 60_000);

    it('refuses what is not a Clapper backup, and leaves the database as it was', async () => {
      const db = await createPreparedDatabase();
      try {
        const junk = join(dir, 'junk.db');
        await writeFile(junk, 'not a database at all');
        const run = await cli(db, 'restore', junk);
        expect(run).toMatchObject({ code: 2 });
        expect(run.stderr).toContain('is not a SQLite database');
        expect(existsSync(db.url.slice('sqlite:'.length))).toBe(true);
        const missing = await cli(db, 'backup');
        expect(missing).toMatchObject({ code: 2 });
        expect(missing.stderr).toContain('backup needs a file');
      } finally {
        await db.dispose();
      }
    });
  });
}

if (dialect === 'postgres') {
  describe('backups on PostgreSQL', () => {
    it("sends to pg_dump; the README's dump restores into a fresh database Clapper serves", async () => {
      const db = await createPreparedDatabase();
      const fresh = await createTestDatabase();
      let server = await startTestServer({ db });
      try {
        const refused = await cli(db, 'backup', join(dir, 'x.db'));
        expect(refused).toMatchObject({ code: 2 });
        expect(refused.stderr).toContain('use pg_dump and pg_restore');

        const { studio, task, writer, before } = await writingBot(server);
        // The README's commands, with its placeholders filled in.
        const [dump, restore] = shellLines(readmeSection('Backups')).filter((line) =>
          /^pg_(dump|restore) /.test(line),
        );
        const dumpFile = join(dir, 'clapper.dump');
        const fill = (line: string) =>
          line
            .replaceAll('"$DATABASE_URL"', db.url)
            .replaceAll('"$NEW_DATABASE_URL"', fresh.url)
            .replaceAll('clapper.dump', dumpFile);
        await promisify(execFile)('sh', ['-c', fill(dump!)]);
        await writer.stop();
        await promisify(execFile)('sh', ['-c', fill(restore!)]);
        await server.close();

        server = await startTestServer({ db: fresh });
        const restored = await commentIds(server, task.id);
        expect(before.filter((id) => !restored.has(id))).toEqual([]);
        const bot = await createTeamBot(server, studio.project.id);
        expect((await bot.client.auth.me.query()).id).toBe(bot.bot.id);
      } finally {
        await server.close();
        await db.dispose();
        await fresh.dispose();
      }
    }, 60_000);
  });
}

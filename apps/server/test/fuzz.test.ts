// Generated inputs, valid-looking and not, for every procedure: the server never
// answers 500, and a call it rejects changes nothing in the database.
import { randomUUID } from 'node:crypto';
import {
  type Client,
  callableProcedures,
  createBot,
  createStudio,
  createTestClient,
  databaseDigest,
  login,
  procedureInputs,
  rawTrpc,
  startTestServer,
  type TestServer,
} from '@clapper/server/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Inputs per procedure: a few in `pnpm test`, which keeps the loop short; `pnpm test:stress`
 * asks for more (CLAPPER_FUZZ_RUNS, scripts/stress/attacks.ts) on both dialects.
 */
const RUNS = Number(process.env.CLAPPER_FUZZ_RUNS) || 6;
/** Inputs a procedure gets in the reach check. */
const SAMPLES = 5;

let server: TestServer;
let ids: string[];
let auth: Record<string, string> = {};

/** A studio, a task and a bot: real ids make some generated inputs valid, so calls get past validation into the domain. */
async function realIds() {
  const studio = await createStudio(server);
  const task = await studio.admin.tasks.create.mutate({
    entityId: studio.shot.id,
    taskTypeId: studio.animate.id,
  });
  const { bot } = await createBot(server);
  // A status of its own: the studio's are shared, and the fuzzing above may rename them.
  const tag = randomUUID().slice(0, 8);
  const status = await studio.admin.taskStatuses.create.mutate({
    name: `Fuzz ${tag}`,
    shortName: `fz-${tag}`,
  });
  return [
    studio.project.id,
    studio.shot.id,
    studio.animate.id,
    studio.model.id,
    studio.animation.id,
    status.id,
    task.id,
    bot.id,
    studio.extraMemberId,
  ];
}

beforeAll(async () => {
  server = await startTestServer({ rateLimitPerMinute: 1_000_000 });
  ids = await realIds();
});
afterAll(() => server?.close());

const digest = () => databaseDigest(server);

interface Refusal {
  message: string;
  data?: { httpStatus?: number; code?: string };
  meta?: { response?: { status?: number } };
}

/** The same call as plain JSON over HTTP, past the client's own checks; its status. */
async function sendRaw(path: string, type: 'query' | 'mutation', input: unknown) {
  const body = JSON.stringify({ json: input });
  const res =
    type === 'query'
      ? await rawTrpc(server, `${path}?input=${encodeURIComponent(body)}`, { headers: auth })
      : await rawTrpc(server, path, { method: 'POST', body, headers: auth });
  return res.status;
}

type Caller = (input: unknown) => Promise<unknown>;

function callerFor(client: Client, path: string, type: 'query' | 'mutation'): Caller {
  // biome-ignore lint/suspicious/noExplicitAny: the path comes from the router itself
  const proc = path.split('.').reduce<any>((node, key) => node[key], client);
  return (input) => (type === 'query' ? proc.query(input) : proc.mutate(input));
}

describe('fuzzing every procedure as an admin', () => {
  it.each(callableProcedures.map((p) => [p.path, p.type] as const))(
    '%s (%s): never a 500; a rejected call changes nothing',
    async (path, type) => {
      // A session of its own: auth.logout or a password change ends only this one.
      const session = await login(server);
      auth = { authorization: `Bearer ${session}` };
      const call = callerFor(createTestClient(server, session), path, type);
      let before = await digest();
      await fc.assert(
        fc.asyncProperty(procedureInputs(ids), async (input) => {
          const outcome = await call(input).then(
            () => null,
            (error: Refusal) => error,
          );
          if (!outcome) {
            before = await digest();
            return;
          }
          // Not every refusal is tRPC's: a query too long for a URL is refused by the HTTP layer.
          // The client's own superjson will not send some keys (`prototype`); the server gets
          // those raw, and may well accept them (unknown keys are dropped).
          const sentByClient = outcome.data?.httpStatus ?? outcome.meta?.response?.status;
          const status = sentByClient ?? (await sendRaw(path, type, input));
          expect(status, outcome.message).toBeLessThan(500);
          if (sentByClient === undefined && status < 400) {
            before = await digest();
            return;
          }
          expect(status, outcome.message).toBeGreaterThanOrEqual(400);
          const after = await digest();
          expect(after, `rejected ${path} changed the database: ${outcome.message}`).toBe(before);
        }),
        // One input the client will not send (superjson refuses the key), every run.
        { numRuns: RUNS, examples: [[{ prototype: null }]] },
      );
    },
  );

  it('the generated inputs reach past validation: some calls succeed, some are refused by the domain', async () => {
    // Ids of its own, and the same inputs every run: what the runs above changed does not count.
    const known = await realIds();
    const session = createTestClient(server, await login(server));
    const tally = new Map<string, number>();
    for (const { path, type } of callableProcedures) {
      // The routes that end or change a session get one of their own.
      const client = path.startsWith('auth.')
        ? createTestClient(server, await login(server))
        : session;
      const call = callerFor(client, path, type);
      const seed = [...path].reduce((hash, c) => (hash * 31 + c.charCodeAt(0)) | 0, 7);
      for (const input of fc.sample(procedureInputs(known), { numRuns: SAMPLES, seed })) {
        const code = await call(input).then(
          () => 'OK',
          (error: Refusal) => error.data?.code ?? `HTTP ${error.meta?.response?.status}`,
        );
        tally.set(code, (tally.get(code) ?? 0) + 1);
      }
    }
    const seen = Object.fromEntries(tally);
    // More than one call in twenty succeeds.
    expect(seen.OK ?? 0, JSON.stringify(seen)).toBeGreaterThan(
      (callableProcedures.length * SAMPLES) / 20,
    );
    expect(seen.BAD_REQUEST ?? 0).toBeGreaterThan(0);
    expect((seen.NOT_FOUND ?? 0) + (seen.CONFLICT ?? 0) + (seen.FORBIDDEN ?? 0)).toBeGreaterThan(0);
  });
});

// Generated inputs, valid-looking and not, for every procedure: the server never
// answers 500, and a call it rejects changes nothing in the database.
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

const RUNS = 20;

let server: TestServer;
let ids: string[];
let auth: Record<string, string> = {};

beforeAll(async () => {
  server = await startTestServer({ rateLimitPerMinute: 1_000_000 });
  const studio = await createStudio(server);
  const task = await studio.admin.tasks.create.mutate({
    entityId: studio.shot.id,
    taskTypeId: studio.animate.id,
  });
  const { bot } = await createBot(server);
  // Real ids make some generated inputs valid, so calls get past validation into the domain.
  ids = [
    studio.project.id,
    studio.shot.id,
    studio.animate.id,
    studio.model.id,
    studio.animation.id,
    studio.statuses.done!.id,
    task.id,
    bot.id,
    studio.extraMemberId,
  ];
});
afterAll(() => server?.close());

const digest = () => databaseDigest(server);

/** Outcomes by tRPC code ('OK' for success), to check the inputs reach past validation. */
const tally = new Map<string, number>();
const count = (code: string) => tally.set(code, (tally.get(code) ?? 0) + 1);

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
            count('OK');
            before = await digest();
            return;
          }
          // Not every refusal is tRPC's: a query too long for a URL is refused by the HTTP layer.
          // The client's own superjson will not send some keys (`prototype`); the server gets
          // those raw, and may well accept them (unknown keys are dropped).
          const sentByClient = outcome.data?.httpStatus ?? outcome.meta?.response?.status;
          const status = sentByClient ?? (await sendRaw(path, type, input));
          count(outcome.data?.code ?? `HTTP ${status}`);
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

  it('reached past validation: some calls succeeded, some were refused by the domain', () => {
    const seen = Object.fromEntries(tally);
    expect(seen.OK ?? 0, JSON.stringify(seen)).toBeGreaterThan(callableProcedures.length);
    expect(seen.BAD_REQUEST ?? 0).toBeGreaterThan(0);
    expect((seen.NOT_FOUND ?? 0) + (seen.CONFLICT ?? 0) + (seen.FORBIDDEN ?? 0)).toBeGreaterThan(0);
  });
});

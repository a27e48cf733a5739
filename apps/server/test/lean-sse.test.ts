// events.subscribe's lean stream (lean-sse.ts) against tRPC's own producer: two servers on one
// database, one with the lean paths and one without, must send the same bytes to the same
// subscriber: the events, a resumed stream, and a refusal.
import {
  adminClient,
  createStudio,
  createTeamBot,
  startTestServer,
  type TestServer,
  until,
} from '@clapper/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let lean: TestServer;
let adapter: TestServer;

beforeAll(async () => {
  lean = await startTestServer();
  // The same database and secret; its event hub polls every 50 ms for what `lean` writes.
  adapter = await startTestServer({
    db: lean.db,
    secret: lean.secret,
    leanCalls: false,
    config: { eventPollMs: 50 },
  });
});
afterAll(async () => {
  await adapter?.close();
  await lean?.close();
});

/** A raw SSE request: the text so far, the response's headers, and whether it ended. */
function open(server: TestServer, input: object, headers: Record<string, string> = {}) {
  const abort = new AbortController();
  const state = { text: '', ended: false, headers: new Headers() };
  const query = encodeURIComponent(JSON.stringify({ json: input }));
  const reading = (async () => {
    const res = await fetch(`${server.url}/trpc/events.subscribe?input=${query}`, {
      headers: { accept: 'text/event-stream', ...headers },
      signal: abort.signal,
    });
    state.headers = res.headers;
    const decoder = new TextDecoder();
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      state.text += decoder.decode(chunk, { stream: true });
    }
    state.ended = true;
  })().catch((error) => {
    if (!abort.signal.aborted) throw error;
  });
  return {
    state,
    frames: () => state.text.split('\n\n\n').filter(Boolean),
    async close() {
      abort.abort();
      await reading;
    },
  };
}

describe('the lean event stream', () => {
  it('sends the bytes tRPC sends: connected, each event, a resumed stream', async () => {
    const studio = await createStudio(lean);
    const admin = await adminClient(lean);
    const { token } = await createTeamBot(lean, studio.project.id);
    const task = await admin.tasks.create.mutate({
      entityId: studio.shot.id,
      taskTypeId: studio.animate.id,
    });
    const input = { types: ['comment.*'], projectId: studio.project.id };
    const auth = { authorization: `Bearer ${token}` };
    const streams = [open(lean, input, auth), open(adapter, input, auth)];
    await until(() => (streams.every((s) => s.frames().length >= 1) ? true : undefined), 3000);
    for (const text of ['first: café ✓', 'second']) {
      await admin.comments.add.mutate({ taskId: task.id, text, statusId: studio.statuses.wip!.id });
    }
    await until(() => (streams.every((s) => s.frames().length >= 3) ? true : undefined), 3000);
    await Promise.all(streams.map((s) => s.close()));
    const [mine, theirs] = streams.map((s) => s.frames().slice(0, 3));
    expect(mine![0]).toMatch(/^event: connected\ndata: \{/);
    expect(mine![1]).toMatch(/^data: \{"json":\{"id":\d+,"type":"comment.added"/);
    expect(mine).toEqual(theirs);
    for (const name of ['content-type', 'cache-control', 'x-accel-buffering']) {
      expect(streams[0]!.state.headers.get(name), name).toBe(streams[1]!.state.headers.get(name));
    }

    // Resumed from the first event's id (the Last-Event-ID header EventSource sends).
    const firstId = /\nid: (\d+)$/.exec(mine![1]!)![1]!;
    const resumed = [lean, adapter].map((server) =>
      open(server, input, { ...auth, 'last-event-id': firstId }),
    );
    await until(() => (resumed.every((s) => s.frames().length >= 2) ? true : undefined), 3000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await Promise.all(resumed.map((s) => s.close()));
    expect(resumed[0]!.frames()).toEqual(resumed[1]!.frames());
    expect(resumed[0]!.frames().slice(1)).toEqual([mine![2]]);
  });

  it('refuses as tRPC does: connected, then the error with its reason, and the stream ends', async () => {
    const refusals: Record<string, string>[] = [{}, { authorization: 'Bearer not-a-token' }];
    for (const headers of refusals) {
      const streams = [open(lean, {}, headers), open(adapter, {}, headers)];
      await until(() => (streams.every((s) => s.state.ended) ? true : undefined), 3000);
      expect(streams[0]!.state.text).toBe(streams[1]!.state.text);
      expect(streams[0]!.frames()[1]).toMatch(
        /^event: serialized-error\ndata: .*"reason":"(no_credential|malformed_token)"/,
      );
    }
  });
});

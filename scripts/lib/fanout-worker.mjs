// @ts-check
/**
 * Many live listeners at once, in a worker thread of the bench process so their reading never
 * delays the thread that makes the events (and times their answers). One connection per
 * listener, of one of two kinds (`protocol`):
 * - `sse`: raw SSE over node:http to `events.subscribe`, parsed as little as needed: each
 *   event's id (the `id:` line) and, once per event, its `targetId`. A stream the server ends (a
 *   subscriber let go for being behind, say) is opened again at once with the last event id it
 *   received, as tRPC's client resumes.
 * - `socketio`: gazu's listener (`gazu.events.init()`) as python-socketio speaks it once its
 *   connection is a WebSocket, raw over ws and parsed as little as needed, as the SSE streams
 *   are: engine.io's handshake with the token as an `Authorization` header, namespace `/events`
 *   joined, every ping answered, each `comment:new`'s `comment_id` read; a connection the
 *   server drops is opened again at once, as python-socketio reconnects (without its delay).
 *   Kitsu's events carry no event id: each comment's id stands for its event.
 * Every delivery is kept: listener, event, arrival time (performance.timeOrigin +
 * performance.now(), comparable across threads of one process). Reconnections are counted.
 *
 * Messages in: {op:'open', tokens, input}, {op:'reset'}, {op:'progress'},
 * {op:'await', targetId, timeoutMs}, {op:'collect'}, {op:'close'}. Each is answered with a
 * message of the same op.
 */
import { request } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import WebSocket from 'ws';

const { url, protocol = 'sse' } = /** @type {{ url: string, protocol?: 'sse' | 'socketio' }} */ (
  workerData
);
/** The subscription's input (types, project), the same for every stream. */
let baseInput = {};
/** Set by `close`: streams that end then are not opened again. */
let closing = false;
/** Attempts in a row that fail (no `connected` event) before a stream is given up. */
const MAX_FAILURES_IN_A_ROW = 3;
const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
const now = () => performance.timeOrigin + performance.now();

/**
 * @typedef {{
 *   index: number,
 *   token: string,
 *   connected: boolean,
 *   closed: boolean,
 *   failure: string | null,
 *   stop: (() => void) | null,
 *   seen: Set<string>,
 *   lastId: number,
 *   reconnects: number,
 *   failuresInARow: number,
 * }} Subscriber
 */

/** @type {Subscriber[]} */
const subscribers = [];
/** Deliveries since the last reset: subscriber index, event id, arrival. */
let subs = /** @type {number[]} */ ([]);
let ids = /** @type {number[]} */ ([]);
let times = /** @type {number[]} */ ([]);
/** Event id → targetId (read once per event). */
let targets = new Map();
/** Event blocks that were neither data, ping nor connected (errors, `return`). */
let others = /** @type {string[]} */ ([]);

const TARGET = '"targetId":"';

/**
 * One SSE block (the lines of an event); true if it is the `connected` event.
 * @param {Subscriber} sub @param {string} block @param {number} at
 */
function onBlock(sub, block, at) {
  if (block.startsWith('event: ')) {
    const end = block.indexOf('\n');
    const event = block.slice(7, end < 0 ? undefined : end);
    if (event === 'connected') return true;
    if (event !== 'ping') others.push(`${sub.index}: ${block.slice(0, 300)}`);
    return false;
  }
  const idAt = block.lastIndexOf('\nid: ');
  if (idAt < 0) {
    others.push(`${sub.index}: ${block.slice(0, 300)}`);
    return false;
  }
  const id = Number(block.slice(idAt + 5).trim());
  sub.lastId = id;
  let target = targets.get(id);
  if (target === undefined) {
    const t = block.indexOf(TARGET);
    target = t < 0 ? null : block.slice(t + TARGET.length, block.indexOf('"', t + TARGET.length));
  }
  deliver(sub, id, target, at);
  return false;
}

/**
 * One delivery kept: `id` numbers the event, `target` is what it is about (the comment).
 * @param {Subscriber} sub @param {number} id @param {string | null} target @param {number} at
 */
function deliver(sub, id, target, at) {
  subs.push(sub.index);
  ids.push(id);
  times.push(at);
  if (!targets.has(id)) targets.set(id, target);
  if (waiting && target === waiting.targetId && !sub.seen.has(target)) {
    sub.seen.add(target);
    if (++waiting.count >= subscribers.length) finishWait();
  }
}

/** @type {{ targetId: string, count: number, timer: NodeJS.Timeout } | null} */
let waiting = null;
function finishWait() {
  if (!waiting) return;
  clearTimeout(waiting.timer);
  port.postMessage({ op: 'await', count: waiting.count, of: subscribers.length });
  waiting = null;
}

/**
 * One subscriber's stream, opened (and opened again when the server ends it); resolves once it
 * first receives `connected`, or is given up.
 * @param {string} token @returns {Promise<void>}
 */
function open(token) {
  return new Promise((resolve) => {
    /** @type {Subscriber} */
    const sub = {
      index: subscribers.length,
      token,
      connected: false,
      closed: false,
      failure: null,
      stop: null,
      seen: new Set(),
      lastId: 0,
      reconnects: 0,
      failuresInARow: 0,
    };
    subscribers.push(sub);
    const timer = setTimeout(() => {
      sub.failure ??= 'no `connected` event within 30 s';
      resolve();
    }, 30_000);
    const ready = () => {
      clearTimeout(timer);
      resolve();
    };
    if (protocol === 'socketio') listen(sub, ready);
    else connect(sub, ready);
  });
}

/**
 * What happens once a subscriber's connection ends (said once per connection): nothing while
 * the worker closes or once it was given up; else it is opened again at once, and counted,
 * unless it failed `MAX_FAILURES_IN_A_ROW` times in a row without connecting.
 * @param {Subscriber} sub @param {() => void} ready
 * @param {() => boolean} connectedHere @param {() => void} reopen
 */
function whenEnded(sub, ready, connectedHere, reopen) {
  let over = false;
  return (/** @type {string} */ why) => {
    if (over) return;
    over = true;
    if (closing) sub.closed = true;
    if (sub.closed) return;
    if (!connectedHere()) sub.failuresInARow++;
    if (sub.failuresInARow >= MAX_FAILURES_IN_A_ROW) {
      sub.failure = why;
      sub.closed = true;
      ready();
      return;
    }
    sub.reconnects++;
    reopen();
  };
}

/** @param {Subscriber} sub @param {() => void} ready */
function connect(sub, ready) {
  const input = sub.lastId ? { ...baseInput, lastEventId: String(sub.lastId) } : baseInput;
  const req = request(
    `${url}/trpc/events.subscribe?input=${encodeURIComponent(JSON.stringify({ json: input }))}`,
    {
      agent: false,
      headers: { authorization: `Bearer ${sub.token}`, accept: 'text/event-stream' },
    },
  );
  sub.stop = () => req.destroy();
  let buffer = '';
  let connectedHere = false;
  const ended = whenEnded(
    sub,
    ready,
    () => connectedHere,
    () => connect(sub, ready),
  );
  req.on('response', (res) => {
    if (res.statusCode !== 200) {
      res.resume();
      ended(`HTTP ${res.statusCode}`);
      return;
    }
    res.setEncoding('utf8');
    res.on('data', (/** @type {string} */ chunk) => {
      const at = now();
      buffer += chunk;
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end < 0) break;
        const block = buffer.slice(0, end).replace(/^\n+/, '');
        buffer = buffer.slice(end + 2);
        if (!block) continue;
        if (onBlock(sub, block, at) && !connectedHere) {
          connectedHere = true;
          sub.connected = true;
          sub.failuresInARow = 0;
          ready();
        }
      }
    });
    res.on('end', () => ended('the server ended the stream'));
    res.on('aborted', () => ended('the stream was cut'));
    res.on('error', (error) => ended(error.message));
    res.on('close', () => ended('the stream closed'));
  });
  req.on('error', (error) => ended(error.message));
  req.end();
}

/** Kitsu's events are numbered here by the comment they are about, in the order first heard. */
const commentNumbers = new Map();

/** Socket.IO over engine.io, as the server sends it to `/events`. */
const EVENT = '42/events,';
const CONNECTED = '40/events,';
const REFUSED = '44/events,';
const GOODBYE = '41/events,';
const COMMENT = '"comment:new"';
const COMMENT_ID = '"comment_id":"';

/**
 * One gazu-like listener; resolves once it is first connected, or is given up.
 * @param {Subscriber} sub @param {() => void} ready
 */
function listen(sub, ready) {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, {
    headers: { authorization: `Bearer ${sub.token}` },
    perMessageDeflate: false,
  });
  sub.stop = () => ws.terminate();
  let connectedHere = false;
  const end = whenEnded(
    sub,
    ready,
    () => connectedHere,
    () => listen(sub, ready),
  );
  const ended = (/** @type {string} */ why) => {
    ws.terminate();
    end(why);
  };
  ws.on('message', (/** @type {Buffer} */ data) => {
    const at = now();
    const text = data.toString();
    if (text === '2') ws.send('3');
    else if (text.startsWith(EVENT)) {
      if (!text.startsWith(COMMENT, EVENT.length + 1)) {
        others.push(`${sub.index}: ${text.slice(0, 300)}`);
        return;
      }
      const from = text.indexOf(COMMENT_ID) + COMMENT_ID.length;
      const commentId = text.slice(from, text.indexOf('"', from));
      let id = commentNumbers.get(commentId);
      if (id === undefined) {
        id = commentNumbers.size + 1;
        commentNumbers.set(commentId, id);
      }
      deliver(sub, id, commentId, at);
    } else if (text.startsWith('0')) ws.send(CONNECTED);
    else if (text.startsWith(CONNECTED)) {
      connectedHere = true;
      sub.connected = true;
      sub.failuresInARow = 0;
      ready();
    } else if (text.startsWith(REFUSED)) ended(`refused: ${text.slice(REFUSED.length)}`);
    else if (text.startsWith(GOODBYE)) {
      // python-socketio gives up for good after the server's goodbye.
      sub.failure = 'the server said goodbye';
      sub.closed = true;
      ended('goodbye');
    } else others.push(`${sub.index}: ${text.slice(0, 300)}`);
  });
  ws.on('close', () => ended('the connection closed'));
  ws.on('error', (error) => ended(error.message));
}

port.on('message', async (/** @type {any} */ message) => {
  switch (message.op) {
    case 'open': {
      const { tokens, input } = /** @type {{ tokens: string[], input: object }} */ (message);
      baseInput = input;
      // A few dozen at a time: 1,000 TCP handshakes and authentications at once would only
      // measure the accept queue.
      for (let start = 0; start < tokens.length; start += 50) {
        await Promise.all(tokens.slice(start, start + 50).map((token) => open(token)));
      }
      port.postMessage({
        op: 'open',
        connected: subscribers.filter((s) => s.connected && !s.closed).length,
        failures: subscribers.filter((s) => s.failure).map((s) => `${s.index}: ${s.failure}`),
      });
      break;
    }
    case 'reset':
      subs = [];
      ids = [];
      times = [];
      targets = new Map();
      others = [];
      for (const sub of subscribers) sub.reconnects = 0;
      port.postMessage({ op: 'reset' });
      break;
    case 'progress':
      port.postMessage({
        op: 'progress',
        deliveries: ids.length,
        closed: subscribers.filter((s) => s.closed).length,
        reconnects: subscribers.reduce((n, s) => n + s.reconnects, 0),
      });
      break;
    case 'await': {
      for (const sub of subscribers) sub.seen.clear();
      waiting = {
        targetId: message.targetId,
        count: 0,
        timer: setTimeout(finishWait, message.timeoutMs),
      };
      // Deliveries that came before the question count too.
      for (let i = 0; i < ids.length; i++) {
        const target = targets.get(ids[i]);
        const sub = subscribers[/** @type {number} */ (subs[i])];
        if (sub && target === message.targetId && !sub.seen.has(target)) {
          sub.seen.add(target);
          waiting.count++;
        }
      }
      if (waiting.count >= subscribers.length) finishWait();
      break;
    }
    case 'collect': {
      const subsOut = Int32Array.from(subs);
      const idsOut = Float64Array.from(ids);
      const timesOut = Float64Array.from(times);
      port.postMessage(
        {
          op: 'collect',
          subscribers: subscribers.length,
          closed: subscribers
            .filter((s) => s.closed)
            .map((s) => `${s.index}: ${s.failure ?? 'ended'}`),
          subs: subsOut,
          ids: idsOut,
          times: timesOut,
          targets: [...targets],
          others: others.slice(0, 20),
          otherCount: others.length,
          reconnects: subscribers.reduce((n, s) => n + s.reconnects, 0),
        },
        [subsOut.buffer, idsOut.buffer, timesOut.buffer],
      );
      break;
    }
    case 'close':
      closing = true;
      for (const sub of subscribers) sub.stop?.();
      port.postMessage({ op: 'close' });
      break;
  }
});

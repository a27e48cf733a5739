import superjson from 'superjson';
import { assertShallow } from './input-depth';

/**
 * superjson's `serialize`, byte for byte, for what the API answers almost
 * always: plain objects and arrays of strings, finite numbers, booleans, null
 * and valid Dates, with no object twice. Anything else (undefined, Map, a class
 * instance, NaN, a shared object...) goes to superjson itself. superjson's
 * general walk cost more than the rest of a 100-task list; the tests hold this
 * one to superjson's output on generated values.
 *
 * The walk writes JSON text itself (`serializeToJson`, what the server sends), and a part of
 * the value frozen all the way down (a cached page, an event every live subscriber or list is
 * sent) is walked once: its text is kept and spliced into every later answer that holds it.
 */
export function serializeToJson(value: unknown): string {
  return plainJson(value) ?? JSON.stringify(superjson.serialize(value));
}

/** The same as a value, for tRPC's own adapters. */
export const serialize: (value: unknown) => Serialized = (value) => {
  const text = plainJson(value);
  return text === null ? (superjson.serialize(value) as Serialized) : JSON.parse(text);
};

type Serialized = { json: unknown; meta?: { values: unknown; v: 1 } };

/** The fast walk alone, as the JSON text of what superjson's `serialize` gives: null where superjson must do it. */
export function plainJson(value: unknown): string | null {
  // Frozen all the way down and walked before (a cached page sent again): its text as it was.
  const once = typeof value === 'object' && value !== null ? walkedOnce.get(value) : undefined;
  if (once) return withMeta(once.text, once.annotation);
  const walk = new Walk();
  const json = walk.value(value);
  return walk.bail ? null : withMeta(json, walk.annotation);
}

function withMeta(json: string, annotation: Annotation) {
  if (annotation === undefined) return `{"json":${json}}`;
  const values = annotation instanceof Pending ? materialize(annotation, '', {}) : annotation;
  return `{"json":${json},"meta":{"values":${JSON.stringify(values)},"v":1}}`;
}

const DATE = ['Date'];

/** superjson's PendingAnnotations: leaf annotations at array-index keys first, then the rest in order. */
class Pending {
  readonly indices: unknown[] = [];
  readonly rest: unknown[] = [];
}

type Annotation = typeof DATE | Pending | undefined;

/** A part of a value frozen all the way down, as walked once: its text, annotation and objects. */
interface Walked {
  text: string;
  annotation: Annotation;
  objects: readonly object[];
}
const walkedOnce = new WeakMap<object, Walked>();

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Characters a JSON string escapes: most strings have none, and are quoted as they are. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what JSON escapes
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/;
const quote = (text: string) => (NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`);

/** Keys as JSON strings: a value's keys are few and repeat in every item. */
const quotedKeys = new Map<string, string>();
function quoted(key: string) {
  let text = quotedKeys.get(key);
  if (text === undefined) {
    text = JSON.stringify(key);
    if (quotedKeys.size < 10_000) quotedKeys.set(key, text);
  }
  return text;
}

class Walk {
  bail = false;
  /** The annotation of the value just walked. */
  annotation: Annotation;
  /** Whether the value just walked is frozen all the way down (a primitive is). */
  frozen = true;
  private readonly seen = new Set<object>();
  /** Every object walked, in order: those of a frozen part are kept with its text. */
  private readonly objects: object[] = [];

  value(value: unknown): string {
    this.annotation = undefined;
    this.frozen = true;
    switch (typeof value) {
      case 'string':
        return quote(value);
      case 'boolean':
        return value ? 'true' : 'false';
      case 'number':
        if (!Number.isFinite(value) || Object.is(value, -0)) this.bail = true;
        return String(value);
      case 'object':
        if (value === null) return 'null';
        break;
      default:
        this.bail = true;
        return 'null';
    }
    // Only a frozen object can have been walked once (and most of a fresh answer is not).
    const once = Object.isFrozen(value) ? walkedOnce.get(value) : undefined;
    if (once) return this.again(once);
    if (
      this.seen.has(value) ||
      (value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag] === 'Symbol'
    ) {
      this.bail = true;
      return 'null';
    }
    this.seen.add(value);
    const first = this.objects.length;
    this.objects.push(value);
    let text: string;
    if (value instanceof Date) {
      const time = value.getTime();
      if (Number.isNaN(time)) {
        this.bail = true;
        return 'null';
      }
      this.annotation = DATE;
      // A frozen Date can still be set: nothing here does.
      this.frozen = Object.isFrozen(value);
      return `"${value.toISOString()}"`;
    }
    const proto = Object.getPrototypeOf(value);
    if (Array.isArray(value)) {
      if (proto !== Array.prototype) this.bail = true;
      text = this.array(value);
    } else if (proto !== Object.prototype && proto !== null) {
      this.bail = true;
      return 'null';
    } else {
      text = this.object(value as Record<string, unknown>);
    }
    this.frozen &&= Object.isFrozen(value);
    if (this.frozen && !this.bail) {
      const { annotation } = this;
      walkedOnce.set(value, { text, annotation, objects: this.objects.slice(first) });
    }
    return text;
  }

  /** A frozen part walked before: its objects still count as seen, once in the whole value. */
  private again({ text, annotation, objects }: Walked): string {
    for (const object of objects) {
      if (this.seen.has(object)) {
        this.bail = true;
        return 'null';
      }
      this.seen.add(object);
      this.objects.push(object);
    }
    this.annotation = annotation;
    this.frozen = true;
    return text;
  }

  private array(array: unknown[]): string {
    // Holes and extra properties are superjson's to handle.
    if (Object.keys(array).length !== array.length) this.bail = true;
    let text = '[';
    let inner: Pending | undefined;
    let frozen = true;
    for (let i = 0; i < array.length && !this.bail; i++) {
      text += (i === 0 ? '' : ',') + this.value(array[i]);
      frozen &&= this.frozen;
      inner = this.note(inner, String(i), this.annotation);
    }
    this.annotation = inner;
    this.frozen = frozen;
    return `${text}]`;
  }

  private object(object: Record<string, unknown>): string {
    let text = '{';
    let inner: Pending | undefined;
    let frozen = true;
    for (const key of Object.keys(object)) {
      if (FORBIDDEN_KEYS.has(key) || this.bail) {
        this.bail = true;
        break;
      }
      text += `${text.length === 1 ? '' : ','}${quoted(key)}:${this.value(object[key])}`;
      frozen &&= this.frozen;
      inner = this.note(inner, key, this.annotation);
    }
    this.annotation = inner;
    this.frozen = frozen;
    return `${text}}`;
  }

  private note(inner: Pending | undefined, key: string, child: Annotation) {
    if (child === undefined) return inner;
    const pending = inner ?? new Pending();
    const escaped = escapeKey(key);
    if (child instanceof Pending) pending.rest.push(`${escaped}.`, child);
    else if (isArrayIndex(escaped)) pending.indices.push(escaped, child);
    else pending.rest.push(escaped, child);
    return pending;
  }
}

function materialize(pending: Pending, prefix: string, out: Record<string, unknown>) {
  const { indices, rest } = pending;
  for (let i = 0; i < indices.length; i += 2) out[prefix + indices[i]] = indices[i + 1];
  for (let i = 0; i < rest.length; i += 2) {
    const value = rest[i + 1];
    if (value instanceof Pending) materialize(value, prefix + rest[i], out);
    else out[prefix + rest[i]] = value;
  }
  return out;
}

const escapeKey = (key: string) =>
  key.indexOf('\\') === -1 && key.indexOf('.') === -1
    ? key
    : key.replace(/\\/g, '\\\\').replace(/\./g, '\\.');

/** superjson's test for a key that JavaScript orders as an array index. */
function isArrayIndex(key: string) {
  const length = key.length;
  if (length === 0 || length > 10) return false;
  for (let i = 0; i < length; i++) {
    const code = key.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  if (key.charCodeAt(0) === 48) return length === 1;
  return length < 10 || +key < 4294967295;
}

/** The router's transformer: superjson, with the fast `serialize` for output. */
export const transformer = {
  input: {
    serialize: superjson.serialize.bind(superjson),
    // Depth is checked before superjson walks the input (and its meta) recursively.
    deserialize: (payload: Parameters<typeof superjson.deserialize>[0]) => {
      assertShallow(payload);
      return superjson.deserialize(payload);
    },
  },
  output: {
    serialize,
    deserialize: superjson.deserialize.bind(superjson),
    /** `JSON.stringify(serialize(value))`, for the server's own writers (lean-trpc.ts, lean-sse.ts). */
    toJson: serializeToJson,
  },
};

import superjson from 'superjson';
import { assertShallow } from './input-depth';
import { oncePerFrozen } from './read-cache';

/**
 * superjson's `serialize`, byte for byte, for what the API answers almost
 * always: plain objects and arrays of strings, finite numbers, booleans, null
 * and valid Dates, with no object twice. Anything else (undefined, Map, a class
 * instance, NaN, a shared object...) goes to superjson itself. superjson's
 * general walk cost more than the rest of a 100-task list; the tests hold this
 * one to superjson's output on generated values. A frozen value (a cached page, an event
 * every live subscriber is sent) is serialized once.
 */
export const serialize: (value: unknown) => Serialized = oncePerFrozen(
  (value) => serializePlain(value) ?? (superjson.serialize(value) as Serialized),
);

type Serialized = { json: unknown; meta?: { values: unknown; v: 1 } };

/** The fast walk alone: null where superjson must do it. */
export function serializePlain(value: unknown): Serialized | null {
  const walk = new Walk();
  const json = walk.value(value);
  if (walk.bail) return null;
  const annotations = walk.annotation;
  if (annotations === undefined) return { json };
  const values = annotations instanceof Pending ? materialize(annotations, '', {}) : annotations;
  return { json, meta: { values, v: 1 } };
}

const DATE = ['Date'];

/** superjson's PendingAnnotations: leaf annotations at array-index keys first, then the rest in order. */
class Pending {
  readonly indices: unknown[] = [];
  readonly rest: unknown[] = [];
}

type Annotation = typeof DATE | Pending | undefined;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

class Walk {
  bail = false;
  /** The annotation of the value just walked. */
  annotation: Annotation;
  private readonly seen = new Set<object>();

  value(value: unknown): unknown {
    this.annotation = undefined;
    switch (typeof value) {
      case 'string':
      case 'boolean':
        return value;
      case 'number':
        if (!Number.isFinite(value) || Object.is(value, -0)) this.bail = true;
        return value;
      case 'object':
        if (value === null) return value;
        break;
      default:
        this.bail = true;
        return null;
    }
    if (
      this.seen.has(value) ||
      (value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag] === 'Symbol'
    ) {
      this.bail = true;
      return null;
    }
    this.seen.add(value);
    if (value instanceof Date) {
      const time = value.getTime();
      if (Number.isNaN(time)) {
        this.bail = true;
        return null;
      }
      this.annotation = DATE;
      return value.toISOString();
    }
    const proto = Object.getPrototypeOf(value);
    if (Array.isArray(value)) {
      if (proto !== Array.prototype) this.bail = true;
      return this.array(value);
    }
    if (proto !== Object.prototype && proto !== null) {
      this.bail = true;
      return null;
    }
    return this.object(value as Record<string, unknown>);
  }

  private array(array: unknown[]): unknown[] {
    // Holes and extra properties are superjson's to handle.
    if (Object.keys(array).length !== array.length) this.bail = true;
    const out: unknown[] = new Array(array.length);
    let inner: Pending | undefined;
    for (let i = 0; i < array.length && !this.bail; i++) {
      out[i] = this.value(array[i]);
      inner = this.note(inner, String(i), this.annotation);
    }
    this.annotation = inner;
    return out;
  }

  private object(object: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    let inner: Pending | undefined;
    for (const key of Object.keys(object)) {
      if (FORBIDDEN_KEYS.has(key) || this.bail) {
        this.bail = true;
        break;
      }
      out[key] = this.value(object[key]);
      inner = this.note(inner, key, this.annotation);
    }
    this.annotation = inner;
    return out;
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
  output: { serialize, deserialize: superjson.deserialize.bind(superjson) },
};

import fc from 'fast-check';
import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import { deepFreeze } from '../src/wire/frozen';
import { plainJson, serialize, serializeToJson } from '../src/wire/transformer';

/** Keys a JavaScript object orders in odd ways, or that superjson escapes. */
const key = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.constantFrom('0', '1', '10', '01', '4294967294', '4294967295', 'a.b', 'a\\b', '', '.', '\\.'),
);
const date = fc.date({ noInvalidDate: false });
const leaf = fc.oneof(
  fc.string(),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  date,
  fc.constant(undefined),
  fc.bigInt(),
);

const value = fc.letrec((tie) => ({
  any: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('any'), { maxLength: 5 }),
  object: fc.dictionary(key, tie('any'), { maxKeys: 5 }),
})).any;

/** The same Date or object twice, which superjson marks as referential equality. */
const shared = fc.tuple(date, fc.dictionary(key, leaf, { maxKeys: 3 })).map(([d, o]) => ({
  a: d,
  b: [d, o],
  c: o,
}));

const bytes = (v: unknown) => JSON.stringify(v);

describe('the output serializer', () => {
  it('writes exactly what superjson writes, for any value', () => {
    let plain = 0;
    fc.assert(
      fc.property(fc.oneof(value, shared), (v) => {
        if (plainJson(v) !== null) plain++;
        expect(bytes(serialize(v))).toBe(bytes(superjson.serialize(v)));
        expect(serializeToJson(v)).toBe(bytes(superjson.serialize(v)));
      }),
      { numRuns: 3000 },
    );
    // The fast walk answered a good share of them itself, not only superjson.
    expect(plain).toBeGreaterThan(600);
  });

  it('writes the API’s own shapes without help from superjson', () => {
    const at = new Date('2026-11-28T12:00:00.000Z');
    const task = () => ({
      id: 't',
      entity: { id: 'e', sequence: null },
      assignees: [{ id: 'p', name: 'Ann' }],
      createdAt: new Date(at),
      updatedAt: new Date(at),
      'odd.key': new Date(at),
    });
    const page = { items: [task(), task()], nextCursor: null };
    expect(plainJson(page)).not.toBeNull();
    expect(bytes(serialize(page))).toBe(bytes(superjson.serialize(page)));
    expect(serialize(page).meta?.values).toMatchObject({
      'items.0.createdAt': ['Date'],
      'items.1.odd\\.key': ['Date'],
    });
    expect(serialize(at)).toEqual({ json: at.toISOString(), meta: { values: ['Date'], v: 1 } });
  });

  it('escapes every string as JSON.stringify does: quotes, backslashes, controls, lone surrogates', () => {
    const texts = [
      'plain',
      'say "hi"',
      'back\\slash',
      'tab\tnew\nline\u0000',
      '\u2028\u2029',
      'lone \ud800',
      'pair 😀',
    ];
    for (const text of texts) {
      const value = { text, list: [text], [text]: text };
      expect(serializeToJson(value)).toBe(bytes(superjson.serialize(value)));
    }
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), (a, b) => {
        // A key of its own (`__proto__` as a key is refused by superjson itself).
        const value = { a, b, [`key ${a}`]: b };
        expect(serializeToJson(value)).toBe(bytes(superjson.serialize(value)));
      }),
      { numRuns: 1000 },
    );
  });

  it('splices in the text of a part frozen all the way down, and still sees what it shares', () => {
    fc.assert(
      fc.property(value, value, fc.boolean(), (a, b, twice) => {
        const part = deepFreeze(structuredCloneOf(a));
        // Walked alone first, then within other values: the same bytes superjson writes each time.
        expect(serializeToJson(part)).toBe(bytes(superjson.serialize(part)));
        const outer = { first: part, other: b, again: twice ? part : null };
        expect(serializeToJson(outer)).toBe(bytes(superjson.serialize(outer)));
        expect(serializeToJson([b, part])).toBe(bytes(superjson.serialize([b, part])));
      }),
      { numRuns: 2000 },
    );
    // An object inside a frozen part that shows up again beside it is a referential equality.
    const inner = { id: 'x' };
    const item = deepFreeze({ inner, at: new Date(0) });
    serializeToJson(item);
    const both = { item, inner };
    expect(serializeToJson(both)).toBe(bytes(superjson.serialize(both)));
    expect(serialize(both).meta).toHaveProperty('referentialEqualities');
  });

  it('walks a frozen part again once something in it is not frozen', () => {
    const list = [{ name: 'a' }];
    const page = Object.freeze({ items: list });
    expect(serializeToJson(page)).toBe('{"json":{"items":[{"name":"a"}]}}');
    list.push({ name: 'b' });
    expect(serializeToJson(page)).toBe('{"json":{"items":[{"name":"a"},{"name":"b"}]}}');
    expect(serializeToJson({ page })).toBe(bytes(superjson.serialize({ page })));
  });
});

/** A copy without shared references, for values fast-check may build with them. */
const structuredCloneOf = <T>(v: T): T => superjson.parse(superjson.stringify(v));

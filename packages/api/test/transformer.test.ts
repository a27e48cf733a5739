import fc from 'fast-check';
import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import { serialize, serializePlain } from '../src/transformer';

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
        if (serializePlain(v)) plain++;
        expect(bytes(serialize(v))).toBe(bytes(superjson.serialize(v)));
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
    expect(serializePlain(page)).not.toBeNull();
    expect(bytes(serialize(page))).toBe(bytes(superjson.serialize(page)));
    expect(serialize(page).meta?.values).toMatchObject({
      'items.0.createdAt': ['Date'],
      'items.1.odd\\.key': ['Date'],
    });
    expect(serialize(at)).toEqual({ json: at.toISOString(), meta: { values: ['Date'], v: 1 } });
  });
});

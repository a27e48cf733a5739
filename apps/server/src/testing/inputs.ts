/** What the fuzz and the lean-path tests call: every procedure but subscriptions, and inputs for them. */
import { appRouter } from '@clapper/api';
import fc from 'fast-check';

/** Every procedure of the router, subscriptions too, generated from it so a new one is never missed. */
export const routerProcedures = Object.entries(
  appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>,
).map(([path, p]) => ({ path, type: p._def.type as 'query' | 'mutation' | 'subscription' }));

/** Every query and mutation of the router, generated from it so a new one is never missed. */
export const callableProcedures = Object.entries(
  appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>,
)
  .filter(([, p]) => p._def.type !== 'subscription')
  .map(([path, p]) => ({ path, type: p._def.type as 'query' | 'mutation' }));

/**
 * Generated inputs, valid-looking and not, for any procedure: a value of the
 * right kind for each input field the API knows, now and then a wrong one, and
 * real `ids` often enough that calls get past validation into the domain.
 */
export function procedureInputs(ids: readonly string[]): fc.Arbitrary<unknown> {
  const id = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...ids) },
    fc.uuid(),
    fc.string({ maxLength: 40 }),
  );
  // Any code point, and the code units an attacker reaches for: lone surrogates, NUL and the
  // other controls, bidirectional overrides, combining marks (a name in two compositions).
  const hostileUnit = fc.oneof(
    { weight: 3, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
    fc.constantFrom(
      '\ud800',
      '\udfff',
      '\u0000',
      '\u001b',
      '\u007f',
      '\u0085',
      '\u202e',
      '\u0301',
      '\r\n',
      '\t',
    ),
  );
  const text = fc.oneof(
    fc.stringMatching(/^[A-Za-z0-9 _-]{1,24}$/),
    fc.string({ maxLength: 300 }),
    fc.string({ unit: hostileUnit, maxLength: 40 }),
  );
  const day = fc.oneof(fc.constantFrom('2027-01-31', '2020-01-01', '9999-12-31'), fc.date(), text);
  const junk = fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), text);
  const either = <T>(good: fc.Arbitrary<T>) =>
    fc.oneof({ weight: 4, arbitrary: good }, { weight: 1, arbitrary: junk });
  // A value of the right kind for each input field the API knows, now and then a wrong one.
  const fields = {
    id,
    name: either(text),
    email: either(fc.oneof(fc.emailAddress(), fc.constant('admin@clapper.test'))),
    password: either(fc.oneof(fc.string({ maxLength: 20 }), text)),
    role: either(fc.constantFrom('admin', 'manager', 'supervisor', 'artist', 'client', 'vendor')),
    active: either(fc.boolean()),
    expiresAt: fc.oneof(day, fc.constant(null)),
    departmentIds: either(fc.array(id, { maxLength: 3 })),
    graceMinutes: either(fc.integer({ min: -5, max: 70 })),
    projectId: id,
    personId: id,
    entityId: id,
    taskId: id,
    taskTypeId: id,
    statusId: id,
    departmentId: id,
    actorId: id,
    assigneeId: id,
    assigneeIds: either(fc.array(id, { maxLength: 3 })),
    personIds: either(fc.array(id, { maxLength: 3 })),
    text: either(text),
    limit: either(fc.integer({ min: -1, max: 600 })),
    cursor: either(fc.oneof(id, fc.stringMatching(/^\d{1,10}$/))),
    sequence: either(text),
    frameIn: either(fc.integer({ min: -10, max: 5_000_000_000 })),
    frameOut: either(fc.integer({ min: -10, max: 5_000_000_000 })),
    assetType: either(text),
    color: either(fc.constantFrom('#ff8800', '#FFF', 'red')),
    shortName: either(text),
    isDone: either(fc.boolean()),
    forEntity: either(fc.constantFrom('shot', 'asset')),
    current: either(fc.string({ maxLength: 20 })),
    next: either(fc.string({ maxLength: 20 })),
    dueDate: fc.oneof(day, fc.constant(null)),
    botCollaboration: either(fc.boolean()),
    tasks: either(
      fc.array(fc.record({ entityId: id, taskTypeId: id }, { requiredKeys: [] }), { maxLength: 3 }),
    ),
    after: either(fc.integer({ min: -1, max: 3_000_000_000 })),
    order: either(fc.constantFrom('asc', 'desc')),
    q: either(text),
    sort: either(
      fc.constantFrom('name', 'role', 'active', 'expiresAt', 'lastUsedAt', 'createdAt', 'id'),
    ),
    expiry: either(fc.constantFrom('expired', 'never', 'soon')),
    withinDays: either(fc.integer({ min: -1, max: 4000 })),
    lastUsedBefore: either(day),
  };
  return fc.oneof(
    { weight: 6, arbitrary: fc.record(fields, { requiredKeys: [] }) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

/**
 * Values that never change once made (a cached page, a live event sent to every subscriber),
 * so that what the wire makes of them (JSON text, bytes) is made once.
 */

/** Freezes an object and everything in it, and returns it. (A frozen Date can still be set: nothing here does.) */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

/**
 * `make`, remembered for each frozen object it is given while that object lives: a frozen
 * value (a cached page, a live event sent to every subscriber) cannot change, so what is made
 * from it (its serialized form, its bytes) is made once. Anything else is made every time.
 */
export function oncePerFrozen<T>(make: (value: unknown) => T): (value: unknown) => T {
  const made = new WeakMap<object, T>();
  return (value) => {
    if (typeof value !== 'object' || value === null || !Object.isFrozen(value)) return make(value);
    let result = made.get(value);
    if (result === undefined) {
      result = make(value);
      made.set(value, result);
    }
    return result;
  };
}

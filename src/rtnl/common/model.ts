// What every kind's model shares: refusing keys a kind does not know, and the facts object each
// kind folder exports (its wire schema, message types, the one mapping from the wire message into
// the model, its identity key), which the registry, the events and the request helpers read.
//
// The rule of the model: each kind has one public shape used both ways. What list(), get() and
// events return is accepted by add()/replace()/delete() and means the same thing there. The kind's
// mapping (`<kind>/mapping.ts`) is the only place where wire encodings (split prefixes, weight-1,
// clock ticks, low-8-bit copies) are undone.

import { InvalidArgumentError } from '../../netlink/errors.js';

/**
 * Refuses any own enumerable key of `value` that is not in `allowed`, naming it as
 * `prefix + key`: a request with silently dropped fields is never sent. Keys whose value is
 * `undefined` are refused too when unknown (a typo stays a typo).
 */
export function checkKeys(value: object, allowed: ReadonlySet<string>, prefix = ''): void {
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (!allowed.has(key)) {
      throw new InvalidArgumentError(`${prefix}${key}`, `unknown field; expected one of ${[...allowed].join(', ')}`);
    }
  }
}

/** Checks that `value` is a plain object (not null, not an array); names `field` on failure. */
export function checkObject(value: unknown, field: string, expected: string): asserts value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidArgumentError(field, `expected ${expected}, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
  }
}

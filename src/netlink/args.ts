// Checks of the arguments of public functions (options objects, numbers, callbacks): each throws an
// InvalidArgumentError naming the argument, before anything is sent or changed.

import { InvalidArgumentError } from './errors.js';

/** What a value is, for messages: `null`, `an array`, `the number NaN`, `a string "x"`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return `the number ${String(value)}`;
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'bigint') return `the bigint ${String(value)}`;
  return `a ${typeof value}`;
}

/**
 * Checks an options object: `undefined` (no options) or a plain object whose own keys are all in
 * `allowed` (a misspelt option is refused, not ignored).
 * @returns The options, `{}` for `undefined`.
 */
export function checkOptions<T extends object>(value: T | undefined, field: string, allowed: readonly string[]): T {
  if (value === undefined) return {} as T;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidArgumentError(field, `expected an options object, got ${describeValue(value)}`);
  }
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw new InvalidArgumentError(key, `unknown option; expected one of ${allowed.join(', ')}`);
  }
  return value;
}

/** Checks an integer from `min` to `max` (`undefined` passes: a default applies). */
export function checkInt(field: string, value: unknown, min: number, max: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(field, `expected an integer from ${min} to ${max}, got ${describeValue(value)}`);
  }
}

/** Checks a boolean (`undefined` passes). */
export function checkBool(field: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') throw new InvalidArgumentError(field, `expected true or false, got ${describeValue(value)}`);
}

/** Checks a function (`undefined` passes unless `required`). */
export function checkFunction(field: string, value: unknown, required = false): void {
  if (value === undefined && !required) return;
  if (typeof value !== 'function') throw new InvalidArgumentError(field, `expected a function, got ${describeValue(value)}`);
}

/** Checks a timeout in milliseconds: a number above 0 (`Infinity`: no limit; `undefined` passes). */
export function checkTimeout(field: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || Number.isNaN(value) || value <= 0) {
    throw new InvalidArgumentError(field, `expected milliseconds above 0 (or Infinity), got ${describeValue(value)}`);
  }
}

/** Checks one of some names (`undefined` passes). */
export function checkOneOf(field: string, value: unknown, names: readonly string[]): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || !names.includes(value)) throw new InvalidArgumentError(field, `expected one of ${names.join(', ')}, got ${describeValue(value)}`);
}

/** Checks an AbortSignal (`undefined` passes). */
export function checkSignal(field: string, value: unknown): void {
  if (value !== undefined && !(value instanceof AbortSignal)) throw new InvalidArgumentError(field, `expected an AbortSignal, got ${describeValue(value)}`);
}

/** Checks a non-empty string without NUL bytes (`undefined` passes unless `required`). */
export function checkString(field: string, value: unknown, required = false): void {
  if (value === undefined && !required) return;
  if (typeof value !== 'string' || value.length === 0) throw new InvalidArgumentError(field, `expected a non-empty string, got ${describeValue(value)}`);
  if (value.includes('\0')) throw new InvalidArgumentError(field, 'contains a NUL byte');
}

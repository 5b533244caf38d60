// Argument checks shared by the families: each names the offending field, before anything is sent.

import { InvalidArgumentError } from '../../netlink/errors.js';
import { parsePrefix, type Prefix } from './prefix.js';

/** Checks an integer field; names it on failure. */
export function checkInteger(field: string, v: number | undefined, min: number, max: number): void {
  if (v === undefined) return;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new InvalidArgumentError(field, `${String(v)} is not an integer from ${min} to ${max}`);
}

/** The number of a name of `entries` (or a number within `max`); names `field` on failure. */
export function enumNumber(field: string, v: string | number, entries: Readonly<Record<string, number>>, max = 255): number {
  if (typeof v === 'number') {
    checkInteger(field, v, 0, max);
    return v;
  }
  if (typeof v === 'string' && Object.hasOwn(entries, v)) return entries[v];
  throw new InvalidArgumentError(field, `unknown value ${JSON.stringify(v)}; expected one of ${Object.keys(entries).join(', ')} or a number`);
}

/** Parses a bare IP address (a `/32` or `/128` suffix is allowed); names `field` on failure. */
export function parseAddress(text: string, field: string): Prefix {
  const p = parsePrefix(text, field);
  if (p.length !== (p.family === 'inet' ? 32 : 128)) throw new InvalidArgumentError(field, `${JSON.stringify(text)} is a prefix; expected an address`);
  return p;
}

// Address prefixes as `ip`'s selectors compare them (`route show root 192.0.2.0/24`,
// `addr flush to 2001:db8::/32`, `neigh flush 192.0.2.0/24`): bytes and a bit count, matched over
// the first N bits as iproute2's inet_addr_match does.

import { isIPv4, isIPv6 } from 'node:net';
import { UsageError } from './args.js';

/** A selector prefix: its family (absent for `default`/`any`/`all` without -4/-6), bytes and length. */
export interface SelectorPrefix {
  /** `inet` or `inet6`; absent: any family. */
  family?: 'inet' | 'inet6';
  /** The address bytes (4 or 16; zeros for `default`). */
  bytes: Uint8Array;
  /** The prefix length in bits. */
  bits: number;
  /** Whether a length was written (`/24`, or `default`): as ip's PREFIXLEN_SPECIFIED. */
  lengthGiven: boolean;
}

/** The bytes of an IPv4 or IPv6 address (without a length); undefined when it is neither. */
export function addressBytes(text: string): { family: 'inet' | 'inet6'; bytes: Uint8Array } | undefined {
  if (isIPv4(text)) return { family: 'inet', bytes: Uint8Array.from(text.split('.').map(Number)) };
  if (!isIPv6(text)) return undefined;
  // A trailing IPv4 part (`::ffff:192.0.2.1`) is two more groups.
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  let head = text;
  if (tail.includes('.')) {
    const b = tail.split('.').map(Number);
    head = `${text.slice(0, lastColon + 1)}${((b[0] << 8) | b[1]).toString(16)}:${((b[2] << 8) | b[3]).toString(16)}`;
  }
  const groups = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  let words: number[];
  const dbl = head.indexOf('::');
  if (dbl >= 0) {
    const left = groups(head.slice(0, dbl));
    const right = groups(head.slice(dbl + 2));
    words = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  } else words = groups(head);
  const bytes = new Uint8Array(16);
  words.forEach((w, i) => {
    bytes[2 * i] = w >> 8;
    bytes[2 * i + 1] = w & 0xff;
  });
  return { family: 'inet6', bytes };
}

/**
 * A prefix as ip's get_prefix reads it: `ADDR[/LEN]`, or `default`/`any`/`all` (length 0 of
 * `family`, or of any family). `what` names the selector in the error.
 */
export function parseSelectorPrefix(text: string, what: string, family: 'inet' | 'inet6' | undefined, topic: string): SelectorPrefix {
  if (text === 'default' || text === 'any' || text === 'all') {
    return { ...(family !== undefined ? { family } : {}), bytes: new Uint8Array(family === 'inet' ? 4 : 16), bits: 0, lengthGiven: true };
  }
  const slash = text.indexOf('/');
  const addr = addressBytes(slash < 0 ? text : text.slice(0, slash));
  const max = addr?.family === 'inet' ? 32 : 128;
  const len = slash < 0 ? max : /^\d+$/.test(text.slice(slash + 1)) ? Number(text.slice(slash + 1)) : NaN;
  if (addr === undefined || !(len >= 0 && len <= max) || (family !== undefined && addr.family !== family)) {
    throw new UsageError(`invalid ${what} "${text}": expected ${family === 'inet6' ? 'an IPv6' : family === 'inet' ? 'an IPv4' : 'an'} address or prefix`, topic);
  }
  return { family: addr.family, bytes: addr.bytes, bits: len, lengthGiven: slash >= 0 };
}

/** Whether the first `bits` bits of `a` and `b` are equal (iproute2's inet_addr_match, true for a match). */
export function bitsMatch(a: Uint8Array, b: Uint8Array, bits: number): boolean {
  const whole = bits >> 3;
  for (let i = 0; i < whole; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return false;
  const rest = bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((a[whole] ?? 0) & mask) === ((b[whole] ?? 0) & mask);
}

/** The bytes and length of a model prefix (`192.0.2.0/24`, `default`, a bare host address). */
export function modelPrefix(text: string | undefined, family: string): { bytes: Uint8Array; bits: number } {
  if (text === undefined || text === 'default') return { bytes: new Uint8Array(family === 'inet' ? 4 : 16), bits: 0 };
  const slash = text.indexOf('/');
  const addr = addressBytes(slash < 0 ? text : text.slice(0, slash));
  const bytes = addr?.bytes ?? new Uint8Array(16);
  return { bytes, bits: slash < 0 ? bytes.length * 8 : Number(text.slice(slash + 1)) };
}

/** A shell pattern (`*`, `?`, `[...]`) matched against a whole string, as fnmatch(3) without flags. */
export function fnmatch(pattern: string, text: string): boolean {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let set = pattern.slice(i + 1, end);
        if (set.startsWith('!')) set = `^${set.slice(1)}`;
        re += `[${set.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's').test(text);
}

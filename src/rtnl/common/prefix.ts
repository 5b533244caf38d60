// Parsing of 'address/length' text as ip accepts it, with errors that name the field.

import { parseIPv4, parseIPv6, scanIPv4 } from '../../netlink/addr.js';
import { InvalidArgumentError } from '../../netlink/errors.js';

/** An IP prefix: the address text, its family and length. */
export interface Prefix {
  /** The address as given (canonical text for IPv6 is what the kernel reports back). */
  address: string;
  /** `inet` or `inet6`. */
  family: 'inet' | 'inet6';
  /** Prefix length in bits. */
  length: number;
  /** The address bytes. */
  bytes: Uint8Array;
}

/**
 * Parses `192.0.2.1/24`, `2001:db8::1/64`, or a bare address (a host prefix: /32 or /128).
 * @throws {@link InvalidArgumentError} naming `field` when the text is not a valid prefix.
 */
export function parsePrefix(text: string, field: string): Prefix {
  if (typeof text !== 'string') throw new InvalidArgumentError(field, `expected 'address/length' text, got ${typeof text}`);
  const v4 = ipv4Prefix(text);
  if (v4 !== undefined) return v4;
  const slash = text.indexOf('/');
  const addr = slash < 0 ? text : text.slice(0, slash);
  const v6 = addr.includes(':');
  const bytes = v6 ? parseIPv6(addr) : parseIPv4(addr);
  if (!bytes) {
    const ambiguous = !v6 && /^\d+(\.\d+){3}$/.test(addr) && /(^|\.)0\d/.test(addr);
    const hint = ambiguous ? ': a part with a leading zero is ambiguous (ip reads it as octal), write it without' : '';
    throw new InvalidArgumentError(field, `${JSON.stringify(addr)} is not an IPv${v6 ? 6 : 4} address${hint}`);
  }
  const max = v6 ? 128 : 32;
  let length = max;
  if (slash >= 0) {
    // One to three decimal digits, by hand (routes are added by the thousand).
    const digits = text.length - slash - 1;
    let v = digits >= 1 && digits <= 3 ? 0 : -1;
    for (let i = slash + 1; v >= 0 && i < text.length; i++) {
      const d = text.charCodeAt(i) - 48;
      v = d >= 0 && d <= 9 ? v * 10 + d : -1;
    }
    if (v < 0 || v > max) {
      throw new InvalidArgumentError(field, `prefix length ${JSON.stringify(text.slice(slash + 1))} is not a number from 0 to ${max}`);
    }
    length = v;
  }
  return { address: addr, family: v6 ? 'inet6' : 'inet', length, bytes };
}

/**
 * The common case of {@link parsePrefix} in one pass over the text: `a.b.c.d` or `a.b.c.d/len`,
 * as parseIPv4 and the length check accept them. Undefined for anything else (another form, or an
 * error), which the general path then parses or refuses with its message.
 */
function ipv4Prefix(text: string): Prefix | undefined {
  const len = text.length;
  const bytes = new Uint8Array(4);
  const i = scanIPv4(text, bytes);
  if (i < 0) return undefined;
  if (i === len) return { address: text, family: 'inet', length: 32, bytes };
  if (text.charCodeAt(i) !== 47 || len - i - 1 < 1 || len - i - 1 > 3) return undefined;
  let length = 0;
  for (let k = i + 1; k < len; k++) {
    const d = text.charCodeAt(k) - 48;
    if (d < 0 || d > 9) return undefined;
    length = length * 10 + d;
  }
  if (length > 32) return undefined;
  return { address: text.slice(0, i), family: 'inet', length, bytes };
}

/** The IPv4 broadcast address of a prefix (all host bits set), as iproute2's `broadcast +` computes it. */
export function ipv4Broadcast(p: Prefix): string {
  const b = Uint8Array.from(p.bytes);
  for (let bit = p.length; bit < 32; bit++) b[bit >> 3] |= 0x80 >> (bit & 7);
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}

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
    const v = lengthAfter(text, slash);
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
  if (text.charCodeAt(i) !== 47) return undefined;
  const length = lengthAfter(text, i);
  if (length < 0 || length > 32) return undefined;
  return { address: text.slice(0, i), family: 'inet', length, bytes };
}

/** The prefix length after the '/' at `slash`: one to three decimal digits to the end, by hand (routes are added by the thousand); -1 otherwise. */
function lengthAfter(text: string, slash: number): number {
  const digits = text.length - slash - 1;
  if (digits < 1 || digits > 3) return -1;
  let v = 0;
  for (let i = slash + 1; i < text.length; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** The IPv4 broadcast address of a prefix (all host bits set), as iproute2's `broadcast +` computes it. */
export function ipv4Broadcast(p: Prefix): string {
  const b = Uint8Array.from(p.bytes);
  for (let bit = p.length; bit < 32; bit++) b[bit >> 3] |= 0x80 >> (bit & 7);
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}

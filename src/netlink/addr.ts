// Text forms of IP and link-layer addresses, as iproute2 prints them (inet_ntop for IP addresses,
// lowercase colon-separated hex for MAC addresses).

// A dump makes thousands of these strings, so how they are made matters. Text joined piece by
// piece from fresh pieces becomes a tree of cons strings in V8 once it reaches 13 characters
// (`198.18.3.232/32` as a template: 90 bytes of heap instead of 32, and more work for the garbage
// collector, which copies every string a dump keeps). IPv4 text is therefore one join of two
// cached strings, the first three octets (`198.18.3.`) and the last with the prefix length
// (`232/32`): one 32-byte cons string (as small as the flat string) or, under 13 characters, one
// flat copy, made about six times faster than from character codes. Other text is built as
// character codes and made into one flat string at once.

/**
 * Character-code arrays of each length from 0 to 95, reused: `fromCharCode.apply` takes one whole.
 * Each is made when first needed: a short command formats a few lengths, and what it allocates
 * is memory touched for the first time (where this was measured, `rtnl link show` took 594 page
 * faults more than bare node, at 17-23 us each: 10-14 ms of the 25-27 ms it took above it).
 */
const CODES: number[][] = [];

/** The reused array of `n` character codes. */
function codesOf(n: number): number[] {
  return CODES[n] ?? (CODES[n] = new Array<number>(n).fill(0));
}
/** Where text is written before its length is known (the longest: a 32-byte link-layer address). */
const SCRATCH: number[] = new Array<number>(96).fill(0);
const fromCharCode = String.fromCharCode;

/** The text of the first `n` codes of {@link SCRATCH}. */
function scratchText(n: number): string {
  const a = codesOf(n);
  for (let i = 0; i < n; i++) a[i] = SCRATCH[i];
  return fromCharCode.apply(null, a);
}

/**
 * The text of the bytes `[start, end)` when they are all ASCII and at most 95 of them (interface,
 * qdisc and kind names), made in JS without a call into the runtime; undefined otherwise.
 */
export function asciiText(buf: Uint8Array, start: number, end: number): string | undefined {
  const n = end - start;
  if (n > 95) return undefined;
  const a = codesOf(n);
  for (let i = 0; i < n; i++) {
    const c = buf[start + i];
    if (c >= 0x80) return undefined;
    a[i] = c;
  }
  return fromCharCode.apply(null, a);
}

/** Writes `v` (0 to 999) in decimal at `p`; returns the offset after it. */
function putDecimal(a: number[], p: number, v: number): number {
  if (v >= 100) {
    a[p++] = 48 + ((v / 100) | 0);
    v %= 100;
    a[p++] = 48 + ((v / 10) | 0);
    v %= 10;
  } else if (v >= 10) {
    a[p++] = 48 + ((v / 10) | 0);
    v %= 10;
  }
  a[p++] = 48 + v;
  return p;
}

/** Writes `v` (0 to 0xffff) in lowercase hex without leading zeros at `p`; returns the offset after it. */
function putHex(a: number[], p: number, v: number): number {
  let shift = v >= 0x1000 ? 12 : v >= 0x100 ? 8 : v >= 0x10 ? 4 : 0;
  for (; shift >= 0; shift -= 4) {
    const d = (v >> shift) & 15;
    a[p++] = d < 10 ? 48 + d : 87 + d;
  }
  return p;
}

/** Writes the dotted quad of the 4 bytes at `off`; returns the offset after it. */
function putIPv4(a: number[], p: number, buf: Uint8Array, off: number): number {
  return putDecimal(a, putIPv4Head(a, p, buf, off), buf[off + 3]);
}

/** Formats 4 bytes at `off` as dotted-quad IPv4 text. */
export function formatIPv4(buf: Uint8Array, off: number): string {
  return ipv4Head(buf, off) + DECIMAL[buf[off + 3]];
}

/** Formats 4 bytes at `off` and a prefix length (0 to 999) as `a.b.c.d/len`. */
export function formatIPv4Prefix(buf: Uint8Array, off: number, length: number): string {
  if (length > 128) return ipv4Head(buf, off) + DECIMAL[buf[off + 3]] + '/' + length;
  const byOctet = (IPV4_TAILS[length] ??= new Array<string | undefined>(256).fill(undefined));
  const last = buf[off + 3];
  return ipv4Head(buf, off) + (byOctet[last] ??= `${last}/${length}`);
}

/** The decimal text of 0 to 255. */
const DECIMAL: readonly string[] = Array.from({ length: 256 }, (_, i) => String(i));
/** `d/len` by prefix length (0 to 128) and last octet, made when first needed. */
const IPV4_TAILS: (string | undefined)[][] = [];
/**
 * The last first-three-octets texts (`198.18.3.`), by a hash of their 24 bits: a dump's prefixes
 * share them. Made on the first IPv4 address formatted (see {@link CODES} for why not at import).
 */
let ipv4Heads: string[] | undefined;
let ipv4HeadKeys: Int32Array | undefined;

/** The text of the first three octets at `off` with the dot after them, cached. */
function ipv4Head(buf: Uint8Array, off: number): string {
  const keys = ipv4HeadKeys ?? (ipv4HeadKeys = new Int32Array(4096).fill(-1));
  const heads = ipv4Heads ?? (ipv4Heads = new Array<string>(4096).fill(''));
  const key = (buf[off] << 16) | (buf[off + 1] << 8) | buf[off + 2];
  const slot = (key ^ (key >>> 12)) & 4095;
  if (keys[slot] === key) return heads[slot];
  const head = scratchText(putIPv4Head(SCRATCH, 0, buf, off));
  heads[slot] = head;
  keys[slot] = key;
  return head;
}

/** Writes the first three octets at `off`, each with the dot after it, at `p`; returns the offset after them. */
function putIPv4Head(a: number[], p: number, buf: Uint8Array, off: number): number {
  p = putDecimal(a, p, buf[off]);
  a[p++] = 46;
  p = putDecimal(a, p, buf[off + 1]);
  a[p++] = 46;
  p = putDecimal(a, p, buf[off + 2]);
  a[p++] = 46;
  return p;
}

/** Writes the IPv6 text of the 16 bytes at `off` (inet_ntop's form); returns the offset after it. */
function putIPv6(a: number[], p: number, buf: Uint8Array, off: number): number {
  // Longest run of two or more zero words (the first one on a tie) becomes '::'.
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (buf[off + 2 * i] !== 0 || buf[off + 2 * i + 1] !== 0) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < 8 && buf[off + 2 * j] === 0 && buf[off + 2 * j + 1] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) bestStart = -1;
  // inet_ntop prints IPv4-compatible (::a.b.c.d) and IPv4-mapped (::ffff:a.b.c.d) addresses with a dotted tail.
  const v4tail = bestStart === 0 && (bestLen === 6 || (bestLen === 5 && buf[off + 10] === 0xff && buf[off + 11] === 0xff));
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      a[p++] = 58;
      if (i === 0) a[p++] = 58;
      i += bestLen - 1;
      continue;
    }
    if (v4tail && i === 6) return putIPv4(a, p, buf, off + 12);
    p = putHex(a, p, (buf[off + 2 * i] << 8) | buf[off + 2 * i + 1]);
    if (i < 7) a[p++] = 58;
  }
  return p;
}

/** Formats 16 bytes at `off` as IPv6 text the way glibc's inet_ntop does (RFC 5952, with embedded IPv4 forms). */
export function formatIPv6(buf: Uint8Array, off: number): string {
  return scratchText(putIPv6(SCRATCH, 0, buf, off));
}

/** Formats 16 bytes at `off` and a prefix length (0 to 999) as `address/len`, one flat string. */
export function formatIPv6Prefix(buf: Uint8Array, off: number, length: number): string {
  let p = putIPv6(SCRATCH, 0, buf, off);
  SCRATCH[p++] = 47;
  return scratchText(putDecimal(SCRATCH, p, length));
}

/** Formats an IPv4 (4 bytes) or IPv6 (16 bytes) address; other lengths become colon-separated hex. */
export function formatIP(buf: Uint8Array, off: number, len: number): string {
  if (len === 4) return formatIPv4(buf, off);
  if (len === 16) return formatIPv6(buf, off);
  return formatMAC(buf, off, len);
}

const HEX_DIGITS = '0123456789abcdef';
const HEX_CODES: number[] = Array.from(HEX_DIGITS, (c) => c.charCodeAt(0));

/** Formats link-layer address bytes as lowercase colon-separated hex ('aa:bb:cc:dd:ee:ff'). */
export function formatMAC(buf: Uint8Array, off: number, len: number): string {
  if (len > 32) return formatLongHex(buf, off, len);
  if (len === 0) return '';
  // Every Ethernet link has the broadcast address, and lo all zeros: one string for each.
  if (len === 6 && sameBytes(buf, off, 6)) {
    if (buf[off] === 0xff) return ETHER_BROADCAST;
    if (buf[off] === 0) return ETHER_ZERO;
  }
  let p = 0;
  for (let i = 0; i < len; i++) {
    const b = buf[off + i];
    if (i !== 0) SCRATCH[p++] = 0x3a;
    SCRATCH[p++] = HEX_CODES[b >> 4];
    SCRATCH[p++] = HEX_CODES[b & 15];
  }
  return scratchText(p);
}

const ETHER_BROADCAST = 'ff:ff:ff:ff:ff:ff';
const ETHER_ZERO = '00:00:00:00:00:00';

/** True when the `n` bytes at `off` are all the same. */
function sameBytes(buf: Uint8Array, off: number, n: number): boolean {
  const b = buf[off];
  for (let i = 1; i < n; i++) if (buf[off + i] !== b) return false;
  return true;
}

// Longer than any link-layer address (MAX_ADDR_LEN is 32), as malformed input may be: one pass
// into a byte buffer, since building the string piece by piece takes milliseconds per 64 KiB.
function formatLongHex(buf: Uint8Array, off: number, len: number): string {
  const out = Buffer.allocUnsafe(3 * len - 1);
  for (let i = 0; i < len; i++) {
    const b = buf[off + i];
    out[3 * i] = HEX_DIGITS.charCodeAt(b >> 4);
    out[3 * i + 1] = HEX_DIGITS.charCodeAt(b & 15);
    if (i + 1 < len) out[3 * i + 2] = 0x3a;
  }
  return out.toString('latin1');
}

/**
 * Parses dotted-quad IPv4 text into 4 bytes; `undefined` when the text is not one. A part with a
 * leading zero (`192.0.2.010`) is refused: inet_aton, and so `ip`, reads it as octal (8), other
 * tools as decimal (10); neither guess is safe.
 */
export function parseIPv4(text: string): Uint8Array | undefined {
  const out = new Uint8Array(4);
  return scanIPv4(text, out) === text.length ? out : undefined;
}

/**
 * Reads the dotted-quad IPv4 address at the start of `text` into `out` (as {@link parseIPv4}
 * accepts it); returns the index of the first character after it (the end, or the `/` of a
 * prefix), or -1 when the text does not start with one.
 */
export function scanIPv4(text: string, out: Uint8Array): number {
  // By hand rather than split and regexes: routes are added by the thousand.
  let part = 0;
  let value = 0;
  let digits = 0;
  let i = 0;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits === 1 && value === 0) return -1; // a leading zero
      value = value * 10 + (c - 48);
      if (++digits > 3 || value > 255) return -1;
    } else if (c === 46 && digits > 0 && part < 3) {
      out[part++] = value;
      value = 0;
      digits = 0;
    } else {
      break;
    }
  }
  if (part !== 3 || digits === 0) return -1;
  out[3] = value;
  return i;
}

/** Parses IPv6 text (with '::' and an optional dotted IPv4 tail) into 16 bytes; `undefined` when it is not one. */
export function parseIPv6(text: string): Uint8Array | undefined {
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  let tail: Uint8Array | undefined;
  const lastColon = text.lastIndexOf(':');
  if (lastColon >= 0 && text.indexOf('.', lastColon) > 0) {
    tail = parseIPv4(text.slice(lastColon + 1));
    if (!tail) return undefined;
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const out = parseIPv6Words(text);
  if (out && tail) out.set(tail, 12);
  return out;
}

/** The 16-bit groups of {@link parseIPv6Words}, before those after '::' are moved to the end. */
const WORDS = new Uint16Array(8);

// Groups of 1 to 4 hex digits separated by ':', at most one '::' standing for one or more zero
// groups; 8 groups in all. One pass over the characters, no intermediate strings: routes are
// added by the thousand, and malformed text (say, 64 KiB of it) is refused at its first error.
function parseIPv6Words(text: string): Uint8Array | undefined {
  const len = text.length;
  let n = 0; // groups read
  let gap = -1; // groups before '::', if there is one
  let i = 0;
  if (len >= 2 && text.charCodeAt(0) === 58 && text.charCodeAt(1) === 58) {
    gap = 0;
    i = 2;
  }
  while (i < len) {
    let value = 0;
    let digits = 0;
    for (; i < len; i++) {
      const c = text.charCodeAt(i);
      const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
      if (d < 0) break;
      if (++digits > 4) return undefined;
      value = (value << 4) | d;
    }
    if (digits === 0 || n === 8) return undefined;
    WORDS[n++] = value;
    if (i === len) break;
    if (text.charCodeAt(i) !== 58) return undefined;
    i++;
    if (i < len && text.charCodeAt(i) === 58) {
      if (gap >= 0) return undefined; // a second '::'
      gap = n;
      i++;
    } else if (i === len) {
      return undefined; // a trailing single ':'
    }
  }
  if (gap >= 0 ? n > 7 : n !== 8) return undefined;
  const out = new Uint8Array(16);
  const after = gap >= 0 ? n - gap : 0;
  const before = n - after;
  for (let k = 0; k < before; k++) {
    out[2 * k] = WORDS[k] >> 8;
    out[2 * k + 1] = WORDS[k] & 0xff;
  }
  for (let k = 0; k < after; k++) {
    const at = 8 - after + k;
    out[2 * at] = WORDS[before + k] >> 8;
    out[2 * at + 1] = WORDS[before + k] & 0xff;
  }
  return out;
}

/** Parses IPv4 or IPv6 text; `undefined` when it is neither. */
export function parseIP(text: string): Uint8Array | undefined {
  return text.includes(':') ? parseIPv6(text) : parseIPv4(text);
}

/** Parses 'aa:bb:cc:dd:ee:ff' (any number of bytes, ':' or '-' separated) into bytes; `undefined` when malformed. */
export function parseMAC(text: string): Uint8Array | undefined {
  if (text === '') return new Uint8Array(0);
  // One pass over the characters: groups of one or two hex digits, each followed by ':' or '-'
  // except the last.
  const out = new Uint8Array((text.length + 1) >> 1);
  let n = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : -1;
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
    if (d >= 0) {
      if (++digits > 2) return undefined;
      value = value * 16 + d;
      continue;
    }
    if (digits === 0 || (c !== -1 && c !== 0x3a && c !== 0x2d)) return undefined;
    out[n++] = value;
    value = 0;
    digits = 0;
  }
  return out.slice(0, n);
}

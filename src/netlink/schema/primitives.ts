// Primitive value codecs: integers (host and network order, 64-bit as bigint), strings, opaque
// bytes, flags, addresses, and the fixed-size members of C structs.

import { copyBytes } from '../bytes.js';
import { asciiText, formatIP, formatIPv4, formatMAC, parseIP, parseIPv4, parseMAC } from '../addr.js';
import { DecodeError } from '../errors.js';
import { badValue, truncated, type Codec, type EncodeContext } from './codec.js';

// ---------------------------------------------------------------------------------------------
// Integers

type IntKind = 'u8' | 'u16' | 'u32' | 's8' | 's16' | 's32';

const INT_RANGE: Record<IntKind, [number, number]> = {
  u8: [0, 0xff],
  u16: [0, 0xffff],
  u32: [0, 0xffffffff],
  s8: [-0x80, 0x7f],
  s16: [-0x8000, 0x7fff],
  s32: [-0x80000000, 0x7fffffff],
};

function checkInt(kind: IntKind, v: number, ctx: EncodeContext): void {
  const [lo, hi] = INT_RANGE[kind];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
    throw badValue(ctx, `expected an integer from ${lo} to ${hi} (${kind}), got ${String(v)}`);
  }
}

function intCodec(kind: IntKind, size: number, bigEndian: boolean): Codec<number> {
  const le = !bigEndian;
  const name = bigEndian ? `be${kind.slice(1)}` : kind;
  const get =
    kind === 'u8' ? (v: DataView, o: number) => v.getUint8(o)
    : kind === 's8' ? (v: DataView, o: number) => v.getInt8(o)
    : kind === 'u16' ? (v: DataView, o: number) => v.getUint16(o, le)
    : kind === 's16' ? (v: DataView, o: number) => v.getInt16(o, le)
    : kind === 'u32' ? (v: DataView, o: number) => v.getUint32(o, le)
    : (v: DataView, o: number) => v.getInt32(o, le);
  const set =
    kind === 'u8' ? (v: DataView, o: number, x: number) => v.setUint8(o, x)
    : kind === 's8' ? (v: DataView, o: number, x: number) => v.setInt8(o, x)
    : kind === 'u16' ? (v: DataView, o: number, x: number) => v.setUint16(o, x, le)
    : kind === 's16' ? (v: DataView, o: number, x: number) => v.setInt16(o, x, le)
    : kind === 'u32' ? (v: DataView, o: number, x: number) => v.setUint32(o, x, le)
    : (v: DataView, o: number, x: number) => v.setInt32(o, x, le);
  const method = `get${kind.startsWith('s') ? 'Int' : 'Uint'}${size * 8}`;
  return {
    kind: name,
    size,
    inline: (view, off) => (size === 1 ? `${view}.${method}(${off})` : `${view}.${method}(${off}, ${le})`),
    decode(r, off, len, ctx) {
      if (len < size) throw truncated(name, off, ctx, len, size);
      if (len !== size) ctx.nonCanonical = true;
      return get(r.view, off);
    },
    encode(w, value, ctx) {
      checkInt(kind, value, ctx);
      const at = w.reserve(size); // reserve() may replace w.view: read it after
      set(w.view, at, value);
    },
  };
}

function bigCodec(signed: boolean, bigEndian: boolean): Codec<bigint> {
  const le = !bigEndian;
  const name = `${bigEndian ? 'be' : signed ? 's' : 'u'}64`;
  return {
    kind: name,
    size: 8,
    decode(r, off, len, ctx) {
      if (len < 8) throw truncated(name, off, ctx, len, 8);
      if (len !== 8) ctx.nonCanonical = true;
      return signed ? r.view.getBigInt64(off, le) : r.view.getBigUint64(off, le);
    },
    encode(w, value, ctx) {
      let v: bigint;
      if (typeof value === 'bigint') v = value;
      else if (typeof value === 'number' && Number.isSafeInteger(value)) v = BigInt(value);
      else throw badValue(ctx, `expected a bigint (${name}), got ${String(value)}`);
      const lo = signed ? -(1n << 63n) : 0n;
      const hi = signed ? (1n << 63n) - 1n : (1n << 64n) - 1n;
      if (v < lo || v > hi) throw badValue(ctx, `${v} is out of range for ${name}`);
      const at = w.reserve(8);
      if (signed) w.view.setBigInt64(at, v, le);
      else w.view.setBigUint64(at, v, le);
    },
  };
}

/** Unsigned 8-bit integer. */
export const u8: Codec<number> = intCodec('u8', 1, false);
/** Unsigned 16-bit integer, host order. */
export const u16: Codec<number> = intCodec('u16', 2, false);
/** Unsigned 32-bit integer, host order. */
export const u32: Codec<number> = intCodec('u32', 4, false);
/** Signed 8-bit integer. */
export const s8: Codec<number> = intCodec('s8', 1, false);
/** Signed 16-bit integer, host order. */
export const s16: Codec<number> = intCodec('s16', 2, false);
/** Signed 32-bit integer, host order. */
export const s32: Codec<number> = intCodec('s32', 4, false);
/** Unsigned 16-bit integer, network (big-endian) order, such as a UDP port. */
export const be16: Codec<number> = intCodec('u16', 2, true);
/** Unsigned 32-bit integer, network (big-endian) order. */
export const be32: Codec<number> = intCodec('u32', 4, true);
/** Unsigned 64-bit integer as a bigint (no loss of precision), host order. */
export const u64: Codec<bigint> = bigCodec(false, false);
/** Signed 64-bit integer as a bigint, host order. */
export const s64: Codec<bigint> = bigCodec(true, false);
/** Unsigned 64-bit integer as a bigint, network order. */
export const be64: Codec<bigint> = bigCodec(false, true);

/** Unsigned integer of 4 or 8 bytes (the kernel's NLA_UINT): a number when it fits, else a bigint. */
export const uint: Codec<number | bigint> = {
  kind: 'uint',
  decode(r, off, len, ctx) {
    if (len === 4) return r.view.getUint32(off, true);
    if (len === 8) {
      const v = r.view.getBigUint64(off, true);
      if (v <= 0xffffffffn) ctx.nonCanonical = true;
      return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
    }
    throw new DecodeError(`uint: payload of ${len} bytes, need 4 or 8`, off, [...ctx.path]);
  },
  encode(w, value, ctx) {
    if (typeof value === 'number' && value <= 0xffffffff) return u32.encode(w, value, ctx);
    return u64.encode(w, BigInt(value), ctx);
  },
};

// ---------------------------------------------------------------------------------------------
// Strings, bytes, flags, addresses

/**
 * The offset of the first NUL byte in `buf[start, end)`, or `end`. A loop rather than
 * `Buffer.indexOf`, which has no end bound: scanning past the attribute to the end of the buffer
 * for each string would make decoding quadratic.
 */
function firstNul(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end && buf[i] !== 0) i++;
  return i;
}

function firstNonZero(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end && buf[i] === 0) i++;
  return i;
}

/** A NUL-terminated UTF-8 string (the kernel's NLA_NUL_STRING / NLA_STRING as nla_put_string writes it). */
export const string: Codec<string> = {
  kind: 'string',
  decode(r, off, len, ctx) {
    const end = firstNul(r.buf, off, off + len);
    // Names are short ASCII: made in JS, they need no UTF-8 decoding and no re-encoding check.
    const ascii = asciiText(r.buf, off, end);
    if (ascii !== undefined) {
      if (end !== off + len - 1) ctx.nonCanonical = true;
      return ascii;
    }
    const text = r.buf.toString('utf8', off, end);
    // Bytes after the NUL, a missing NUL, or invalid UTF-8 would not survive re-encoding: keep them raw.
    if (end !== off + len - 1 || Buffer.byteLength(text) !== end - off) ctx.nonCanonical = true;
    return text;
  },
  encode(w, value, ctx) {
    if (typeof value !== 'string') throw badValue(ctx, `expected a string, got ${typeof value}`);
    const n = Buffer.byteLength(value);
    const at = w.reserve(n + 1);
    w.buf.write(value, at, 'utf8');
    w.buf[at + n] = 0;
  },
};

/** Opaque bytes, copied out of the received buffer. */
export const binary: Codec<Uint8Array> = {
  kind: 'binary',
  decode(r, off, len) {
    return copyBytes(r.buf, off, off + len);
  },
  encode(w, value, ctx) {
    if (!(value instanceof Uint8Array)) throw badValue(ctx, 'expected a Uint8Array');
    w.bytes(value);
  },
};

/** A flag attribute: present (true) or absent; it has no payload. */
export const flag: Codec<true> = {
  kind: 'flag',
  decode(_r, _off, len, ctx) {
    if (len !== 0) ctx.nonCanonical = true;
    return true;
  },
  encode(_w, value, ctx) {
    if (value !== true) throw badValue(ctx, 'a flag attribute is `true` when present; omit it otherwise');
  },
};

/** An IPv4 address in network order, as dotted-quad text. */
export const ipv4: Codec<string> = {
  kind: 'ipv4',
  size: 4,
  decode(r, off, len, ctx) {
    if (len < 4) throw truncated('ipv4', off, ctx, len, 4);
    if (len !== 4) ctx.nonCanonical = true;
    return formatIPv4(r.buf, off);
  },
  encode(w, value, ctx) {
    const b = typeof value === 'string' ? parseIPv4(value) : undefined;
    if (!b) throw badValue(ctx, `expected an IPv4 address, got ${JSON.stringify(value)}`);
    w.bytes(b);
  },
};

/** An IPv4 or IPv6 address (4 or 16 bytes) as text. */
export const ip: Codec<string> = {
  kind: 'ip',
  decode(r, off, len, ctx) {
    if (len !== 4 && len !== 16) ctx.nonCanonical = true;
    return formatIP(r.buf, off, len);
  },
  encode(w, value, ctx) {
    const b = typeof value === 'string' ? parseIP(value) : undefined;
    if (!b) throw badValue(ctx, `expected an IPv4 or IPv6 address, got ${JSON.stringify(value)}`);
    w.bytes(b);
  },
};

/** A link-layer (MAC) address as 'aa:bb:cc:dd:ee:ff'. */
export const mac: Codec<string> = {
  kind: 'mac',
  decode(r, off, len) {
    return formatMAC(r.buf, off, len);
  },
  encode(w, value, ctx) {
    const b = typeof value === 'string' ? parseMAC(value) : undefined;
    if (!b) throw badValue(ctx, `expected a MAC address like 'aa:bb:cc:dd:ee:ff', got ${JSON.stringify(value)}`);
    w.bytes(b);
  },
};

/** Fixed-size opaque bytes inside a struct (such as a 32-byte MAC field). */
export function bytesOf(size: number): Codec<Uint8Array> {
  return {
    kind: `bytes[${size}]`,
    size,
    decode(r, off, len, ctx) {
      if (len < size) throw truncated(`bytes[${size}]`, off, ctx, len, size);
      return copyBytes(r.buf, off, off + size);
    },
    encode(w, value, ctx) {
      if (!(value instanceof Uint8Array) || value.length > size) throw badValue(ctx, `expected at most ${size} bytes`);
      const at = w.reserve(size);
      w.buf.fill(0, at, at + size);
      w.buf.set(value, at);
    },
  };
}

/** A fixed-size field holding a NUL-padded string inside a struct (such as IFNAMSIZ names). */
export function fixedString(size: number): Codec<string> {
  return {
    kind: `char[${size}]`,
    size,
    decode(r, off, len, ctx) {
      if (len < size) throw truncated(`char[${size}]`, off, ctx, len, size);
      const end = firstNul(r.buf, off, off + size);
      const text = r.buf.toString('utf8', off, end);
      // Bytes after the NUL, or text that does not re-encode to its bytes, survive only raw.
      if (Buffer.byteLength(text) !== end - off || (end < off + size && firstNonZero(r.buf, end, off + size) < off + size)) ctx.nonCanonical = true;
      return text;
    },
    encode(w, value, ctx) {
      if (typeof value !== 'string' || Buffer.byteLength(value) >= size) throw badValue(ctx, `expected a string shorter than ${size} bytes`);
      const at = w.reserve(size);
      w.buf.fill(0, at, at + size);
      w.buf.write(value, at, 'utf8');
    },
  };
}

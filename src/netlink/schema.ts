// The declarative schema: value codecs for attribute payloads, fixed C structs, attribute sets and
// sub-messages. One schema value drives decoding, encoding and (through type inference) the
// TypeScript type of the decoded object.
//
// Decoded objects are plain objects whose keys are inserted in wire order, so re-encoding them
// reproduces the kernel's attribute order for free. Only what plain keys cannot express (unknown
// attributes, unusual type flags, repeated attributes out of sequence, non-canonical payloads, struct
// tails) is kept in a hidden, non-enumerable record on the object: the common path stays fast.

import { Reader, Writer, copyBytes } from './bytes.js';
import { formatIP, formatIPv4, formatMAC, parseIP, parseIPv4, parseMAC } from './addr.js';
import { NLA_F_NESTED, NLA_TYPE_MASK } from './constants.js';
import { DecodeError, InvalidArgumentError } from './errors.js';

/** A path of attribute names (or numbers for unknown ones), outermost first. */
export type AttrPath = (string | number)[];

/** State carried through one decode call. */
export interface DecodeContext {
  /** Where the decoder is, for errors. */
  path: AttrPath;
  /** Set by a codec when the bytes it decoded are not what its encoder would write for the same value. */
  nonCanonical: boolean;
}

/** State carried through one encode call. */
export interface EncodeContext {
  /** Where the encoder is, for errors. */
  path: AttrPath;
}

/** How one attribute payload (or one struct member) maps to a value of type `T`. */
export interface Codec<T> {
  /** Short name of the codec, such as `u32` or `nest(link-attrs)`. */
  readonly kind: string;
  /** The payload size in bytes when it is fixed (integers, structs). */
  readonly size?: number;
  /**
   * For fixed-size codecs whose decoding is an expression: JS source reading the value from a
   * DataView named `view` at offset expression `off`, for the compiled decoders to inline. `dep`
   * registers a value the expression uses and returns the name to use it by.
   */
  readonly inline?: (view: string, off: string, dep: (value: unknown) => string) => string;
  /** Decodes `len` bytes at `off`; `parent` is the object the attribute is decoded into. */
  decode(r: Reader, off: number, len: number, ctx: DecodeContext, parent?: Record<string, unknown>): T;
  /** Appends the payload for `value` (without attribute header or padding). */
  encode(w: Writer, value: T, ctx: EncodeContext, parent?: Record<string, unknown>): void;
}

/** The value type a codec decodes to. */
export type ValueOf<C> = C extends Codec<infer T> ? T : never;

/** An attribute kept as it came: its type field (with flag bits) and its payload. */
export interface RawAttribute {
  /** Attribute type without flag bits. */
  type: number;
  /** The whole 16-bit type field, flag bits (NLA_F_NESTED, NLA_F_NET_BYTEORDER) included. */
  typeField: number;
  /** The payload, copied out of the received buffer. */
  data: Uint8Array;
}

/** One attribute as it stood on the wire, in a hidden wire record. */
interface WireEntry {
  /** Key of a known attribute, or `null` for an unknown one. */
  key: string | null;
  typeField: number;
  /** Payload bytes to re-emit verbatim while the value is unchanged (non-canonical or unknown). */
  raw?: Uint8Array;
  /** The decoded value the raw bytes stand for. */
  value?: unknown;
  /** A repeated non-repeatable attribute that a later one overrode: always re-emitted raw. */
  shadowed?: boolean;
}

/** Hidden record of an attribute-set object whose wire form plain keys cannot express. */
interface SetWireRecord {
  order: WireEntry[];
}

/** Hidden record of a struct whose payload was shorter or longer than the struct. */
interface StructWireRecord {
  length: number;
  tail?: Uint8Array;
}

/** Hidden record of an indexed array whose index types were not 0, 1, 2, ... */
interface ArrayWireRecord {
  types: number[];
}

/** Non-enumerable key of the hidden wire record. */
const WIRE: unique symbol = Symbol('rtnetlink.wire');

type WithWire<R> = { [WIRE]?: R };

function setWire(obj: object, record: unknown): void {
  Object.defineProperty(obj, WIRE, { value: record, enumerable: false, configurable: true, writable: true });
}

/**
 * The attributes of a decoded object that its schema did not know, in wire order, with their raw
 * payloads. They are re-encoded byte for byte when the object is encoded again.
 */
export function unknownAttributes(obj: object): RawAttribute[] {
  const rec = (obj as WithWire<SetWireRecord>)[WIRE];
  if (!rec || !('order' in rec)) return [];
  return rec.order
    .filter((e) => e.key === null)
    .map((e) => ({ type: e.typeField & NLA_TYPE_MASK, typeField: e.typeField, data: e.raw ?? new Uint8Array(0) }));
}

function truncated(what: string, off: number, ctx: DecodeContext, len: number, need: number): DecodeError {
  return new DecodeError(`${what}: payload of ${len} bytes, need ${need}`, off, [...ctx.path]);
}

function badValue(ctx: EncodeContext, reason: string): InvalidArgumentError {
  return new InvalidArgumentError(ctx.path.join('.') || '(value)', reason);
}

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

/** A NUL-terminated UTF-8 string (the kernel's NLA_NUL_STRING / NLA_STRING as nla_put_string writes it). */
export const string: Codec<string> = {
  kind: 'string',
  decode(r, off, len, ctx) {
    const nul = r.buf.indexOf(0, off);
    const end = nul < 0 || nul >= off + len ? off + len : nul;
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
      const nul = r.buf.indexOf(0, off);
      return r.buf.toString('utf8', off, nul < 0 || nul > off + size ? off + size : nul);
    },
    encode(w, value, ctx) {
      if (typeof value !== 'string' || Buffer.byteLength(value) >= size) throw badValue(ctx, `expected a string shorter than ${size} bytes`);
      const at = w.reserve(size);
      w.buf.fill(0, at, at + size);
      w.buf.write(value, at, 'utf8');
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Enums and flag sets over integers

/** A table of named values: name to number. */
export type EnumEntries = Readonly<Record<string, number>>;

/**
 * An integer whose known values have names: decodes to the name, or to the number when the
 * value has none. Encodes either.
 */
export function enumOf<const E extends EnumEntries>(base: Codec<number>, entries: E): Codec<(keyof E & string) | number> {
  const names = new Map<number, string>();
  for (const [k, v] of Object.entries(entries)) if (!names.has(v)) names.set(v, k);
  // Small values (most enums) are looked up in an array: faster than a Map on the decode path.
  const small: (string | undefined)[] = new Array(256).fill(undefined);
  for (const [v, k] of names) if (v >= 0 && v < 256) small[v] = k;
  const lookup = (v: number): string | number => (v >= 0 && v < 256 ? small[v] : names.get(v)) ?? v;
  const baseInline = base.inline;
  return {
    kind: `enum(${base.kind})`,
    size: base.size,
    ...(baseInline ? { inline: (view: string, off: string, dep: (value: unknown) => string) => `${dep(lookup)}(${baseInline(view, off, dep)})` } : {}),
    decode(r, off, len, ctx) {
      const v = base.decode(r, off, len, ctx);
      return lookup(v) as keyof E & string | number;
    },
    encode(w, value, ctx) {
      if (typeof value === 'number') return base.encode(w, value, ctx);
      const v = entries[value];
      if (v === undefined) throw badValue(ctx, `unknown value ${JSON.stringify(value)}; expected one of ${Object.keys(entries).join(', ')} or a number`);
      base.encode(w, v, ctx);
    },
  };
}

/**
 * An integer of bit flags: decodes to the names of the set bits, in bit order; a set bit without a
 * name stays as its numeric value. Encodes an array of names and numbers.
 */
export function flagsOf<const E extends EnumEntries>(base: Codec<number>, bits: E): Codec<Array<(keyof E & string) | number>> {
  const byBit: (string | undefined)[] = new Array(32);
  for (const [k, v] of Object.entries(bits)) {
    const bit = 31 - Math.clz32(v);
    if (v === 2 ** bit && byBit[bit] === undefined) byBit[bit] = k;
  }
  const names = (raw: number): Array<(keyof E & string) | number> => {
    let v = raw | 0;
    const out: Array<(keyof E & string) | number> = [];
    while (v !== 0) {
      const low = v & -v;
      out.push((byBit[31 - Math.clz32(low)] as keyof E & string | undefined) ?? low >>> 0);
      v &= v - 1;
    }
    return out;
  };
  const baseInline = base.inline;
  return {
    kind: `flags(${base.kind})`,
    size: base.size,
    ...(baseInline ? { inline: (view: string, off: string, dep: (value: unknown) => string) => `${dep(names)}(${baseInline(view, off, dep)})` } : {}),
    decode(r, off, len, ctx) {
      return names(base.decode(r, off, len, ctx));
    },
    encode(w, value, ctx) {
      if (!Array.isArray(value)) throw badValue(ctx, 'expected an array of flag names');
      let v = 0;
      for (const f of value) {
        const m = typeof f === 'number' ? f : bits[f];
        if (m === undefined) throw badValue(ctx, `unknown flag ${JSON.stringify(f)}; expected some of ${Object.keys(bits).join(', ')}`);
        v = (v | m) >>> 0;
      }
      base.encode(w, v, ctx);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Fixed C structs

/** One member of a struct: a fixed-size codec, or a number of padding bytes. */
export type StructMember = Codec<unknown> | number;

/** Struct members by name, in memory order; numeric members are padding. */
export type StructMembers = Readonly<Record<string, StructMember>>;

/** The decoded value of a struct with members `M` (padding members omitted). */
export type StructValue<M extends StructMembers> = {
  -readonly [K in keyof M as M[K] extends number ? never : K]: M[K] extends Codec<infer T> ? T : never;
};

/**
 * A fixed C struct. A payload longer than the struct keeps its tail bytes; a shorter one (an older
 * kernel) decodes the members it holds. Both re-encode byte for byte.
 */
export class Struct<M extends StructMembers> implements Codec<StructValue<M>> {
  readonly kind: string;
  readonly size: number;
  private readonly fields: { name: string; codec: Codec<unknown>; offset: number }[] = [];

  constructor(
    /** The struct's name, for errors and docs. */
    readonly name: string,
    members: M,
  ) {
    let off = 0;
    for (const [key, m] of Object.entries(members)) {
      if (typeof m === 'number') {
        off += m;
        continue;
      }
      if (m.size === undefined) throw new Error(`struct ${name}: member ${key} has no fixed size`);
      this.fields.push({ name: key, codec: m, offset: off });
      off += m.size;
    }
    this.size = off;
    this.kind = `struct(${name})`;
  }

  /** The member names, in memory order. */
  get keys(): string[] {
    return this.fields.map((f) => f.name);
  }

  decode(r: Reader, off: number, len: number, ctx: DecodeContext): StructValue<M> {
    const obj: Record<string, unknown> = {};
    this.decodeInto(obj, r, off, len, ctx, true);
    return obj as StructValue<M>;
  }

  /**
   * Decodes the struct's members into `obj`. With `keepTail`, a payload of another size is
   * recorded so that it re-encodes exactly; message headers pass false (attributes follow them).
   */
  decodeInto(obj: Record<string, unknown>, r: Reader, off: number, len: number, ctx: DecodeContext, keepTail: boolean): void {
    const fields = this.fields;
    if (len >= this.size) {
      (this.fast ??= this.compile())(obj, r, off, ctx);
      if (keepTail && len > this.size) setWire(obj, { length: len, tail: copyBytes(r.buf, off + this.size, off + len) } satisfies StructWireRecord);
      return;
    }
    if (!keepTail) throw truncated(this.kind, off, ctx, len, this.size);
    for (const f of fields) {
      if (f.offset + (f.codec.size as number) > len) break;
      obj[f.name] = f.codec.decode(r, off + f.offset, f.codec.size as number, ctx);
    }
    setWire(obj, { length: len } satisfies StructWireRecord);
  }

  private fast?: (obj: Record<string, unknown>, r: Reader, off: number, ctx: DecodeContext) => void;

  // Literal property names keep V8's stores monomorphic (see AttrSet.compile).
  private compile(): (obj: Record<string, unknown>, r: Reader, off: number, ctx: DecodeContext) => void {
    const deps: unknown[] = [];
    const dep = (value: unknown): string => `d[${deps.push(value) - 1}]`;
    const lines = this.fields.map((f, i) =>
      f.codec.inline
        ? `obj[${JSON.stringify(f.name)}] = ${f.codec.inline('view', `off + ${f.offset}`, dep)};`
        : `obj[${JSON.stringify(f.name)}] = c[${i}].decode(r, off + ${f.offset}, ${f.codec.size as number}, ctx);`,
    );
    const body = `return function structDecode(obj, r, off, ctx) {\nconst view = r.view;\n${lines.join('\n')}\n};`;
    return new Function('c', 'd', body)(
      this.fields.map((f) => f.codec),
      deps,
    ) as (obj: Record<string, unknown>, r: Reader, off: number, ctx: DecodeContext) => void;
  }

  encode(w: Writer, value: StructValue<M>, ctx: EncodeContext): void {
    this.encodeFrom(w, value as Record<string, unknown>, ctx);
  }

  /** Encodes the struct from the members found in `obj` (missing members are zero). */
  encodeFrom(w: Writer, obj: Record<string, unknown>, ctx: EncodeContext): void {
    if (obj === null || typeof obj !== 'object') throw badValue(ctx, `expected an object (${this.kind})`);
    const rec = (obj as WithWire<StructWireRecord>)[WIRE];
    const start = w.length;
    w.zeros(this.size);
    const end = w.length;
    for (const f of this.fields) {
      const v = obj[f.name];
      if (v === undefined) continue;
      w.length = start + f.offset;
      ctx.path.push(f.name);
      f.codec.encode(w, v, ctx);
      ctx.path.pop();
    }
    w.length = end;
    if (rec && typeof rec.length === 'number') {
      if (rec.tail) w.bytes(rec.tail);
      else if (rec.length < this.size) w.length = start + rec.length;
    }
  }
}

/** Defines a fixed C struct from its members in memory order (numbers are padding bytes). */
export function struct<const M extends StructMembers>(name: string, members: M): Struct<M> {
  return new Struct(name, members);
}

// ---------------------------------------------------------------------------------------------
// Attribute sets

/** One attribute of a set: its type number, its payload codec, and whether it may repeat. */
export interface AttrSpec<T = unknown, Multi extends boolean = boolean> {
  /** Attribute type number. */
  readonly type: number;
  /** Payload codec. */
  readonly codec: Codec<T>;
  /** True when the attribute may appear several times (decoded as an array). */
  readonly multi: Multi;
  /** Type-field flags the encoder sets by default (NLA_F_NESTED for modern nests). */
  readonly flags: number;
  /**
   * Decode on first access: the decoded object gets a getter that decodes a copy of the payload
   * when first read, then turns into a plain data property. For large nests few readers need
   * (per-family device configuration and counters), to keep listing fast.
   */
  readonly lazy?: boolean;
}

/** Attributes by key. */
export type AttrSpecs = Readonly<Record<string, AttrSpec<any, boolean>>>;

/** The decoded value of an attribute set with attributes `S`: every attribute optional. */
export type AttrValues<S extends AttrSpecs> = {
  -readonly [K in keyof S]?: S[K] extends AttrSpec<infer T, infer Multi> ? (Multi extends true ? T[] : T) : never;
};

/** Options of {@link attr}. */
export interface AttrOptions {
  /** Decode the payload on first access rather than with the rest (see {@link AttrSpec.lazy}). */
  lazy?: boolean;
}

/** Declares an attribute. `flags` are type-field bits its encoder sets (e.g. NLA_F_NESTED). */
export function attr<T>(type: number, codec: Codec<T>, flags = 0, options: AttrOptions = {}): AttrSpec<T, false> {
  return options.lazy ? { type, codec, multi: false, flags, lazy: true } : { type, codec, multi: false, flags };
}

/**
 * A lazily decoded attribute: `obj[key]` is an accessor shared by every object of the set (no
 * closure per object) that decodes the payload on first read, then turns into an ordinary data
 * property, as an assignment does too. Payloads are offsets into a copy of the datagram made
 * once per datagram, kept in one hidden holder per object.
 */
interface LazyAccess {
  readonly key: string;
  readonly descriptor: PropertyDescriptor;
}

interface LazyPayload {
  buf: Uint8Array;
  off: number;
  len: number;
}

const LAZY: unique symbol = Symbol('rtnetlink.lazy');

type LazyHolder = { [LAZY]?: Record<string, LazyPayload> };

function lazyAccess(key: string, codec: Codec<unknown>): LazyAccess {
  const settle = (obj: Record<string, unknown> & LazyHolder, value: unknown): void => {
    Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
    const held = obj[LAZY];
    if (held) delete held[key];
  };
  const descriptor: PropertyDescriptor = {
    enumerable: true,
    configurable: true,
    get(this: Record<string, unknown> & LazyHolder) {
      const p = (this[LAZY] as Record<string, LazyPayload>)[key];
      const value = codec.decode(new Reader(p.buf), p.off, p.len, decodeContext(), this);
      settle(this, value);
      return value;
    },
    set(this: Record<string, unknown> & LazyHolder, value: unknown) {
      settle(this, value);
    },
  };
  return { key, descriptor };
}

function defineLazy(obj: Record<string, unknown> & LazyHolder, access: LazyAccess, r: Reader, off: number, len: number): void {
  let held = obj[LAZY];
  if (held === undefined) {
    held = {};
    Object.defineProperty(obj, LAZY, { value: held, enumerable: false, configurable: true, writable: true });
  }
  held[access.key] = { buf: r.stable(), off, len };
  Object.defineProperty(obj, access.key, access.descriptor);
}

/** Declares an attribute that may appear several times; it decodes to an array in wire order. */
export function multiAttr<T>(type: number, codec: Codec<T>, flags = 0): AttrSpec<T, true> {
  return { type, codec, multi: true, flags };
}

type FastSetDecoder = (obj: Record<string, unknown>, r: Reader, start: number, end: number, ctx: DecodeContext) => void;

interface SetEntry {
  key: string;
  type: number;
  codec: Codec<unknown>;
  multi: boolean;
  flags: number;
  lazy: LazyAccess | undefined;
}

/**
 * A set of attributes (a nest, or the attributes of a message): decodes to an object with one
 * optional key per attribute, encodes such an object back.
 */
export class AttrSet<S extends AttrSpecs> implements Codec<AttrValues<S>> {
  readonly kind: string;
  private readonly byType: (SetEntry | undefined)[] = [];
  private readonly byKey = new Map<string, SetEntry>();
  private specsRef: S;

  constructor(
    /** The set's name (from the YNL spec), for errors and docs. */
    readonly name: string,
    specs: S,
  ) {
    this.kind = `attrs(${name})`;
    this.specsRef = specs;
    this.index(specs);
  }

  /** The attribute specs by key. */
  get specs(): S {
    return this.specsRef;
  }

  private index(specs: AttrSpecs): void {
    for (const [key, s] of Object.entries(specs)) {
      const e: SetEntry = { key, type: s.type, codec: s.codec, multi: s.multi, flags: s.flags, lazy: s.lazy === true && !s.multi ? lazyAccess(key, s.codec) : undefined };
      if (this.byType[s.type] !== undefined) throw new Error(`attribute set ${this.name}: type ${s.type} declared twice`);
      this.byType[s.type] = e;
      this.byKey.set(key, e);
    }
  }

  /** The spec of the attribute with key `key`, if the set has one. */
  entry(key: string): AttrSpec | undefined {
    const e = this.byKey.get(key);
    return e && { type: e.type, codec: e.codec, multi: e.multi, flags: e.flags, lazy: e.lazy !== undefined };
  }

  /** The key of the attribute with type number `type`, if the set has one. */
  keyOf(type: number): string | undefined {
    return this.byType[type]?.key;
  }

  decode(r: Reader, off: number, len: number, ctx: DecodeContext): AttrValues<S> {
    const obj: Record<string, unknown> = {};
    this.decodeInto(obj, r, off, off + len, ctx);
    return obj as AttrValues<S>;
  }

  /** Decodes the attributes between `start` and `end` into `obj`. */
  decodeInto(obj: Record<string, unknown>, r: Reader, start: number, end: number, ctx: DecodeContext): void {
    (this.fast ??= this.compile())(obj, r, start, end, ctx);
  }

  private fast?: FastSetDecoder;

  // Compiles a decoder for the common case: each attribute once (or repeats in one run), default
  // type flags, canonical payloads. Literal property names keep V8's stores monomorphic, which is
  // most of the speed. Anything else hands over, at that attribute, to the generic decoder below.
  private compile(): FastSetDecoder {
    const codecs: Codec<unknown>[] = [];
    const lazies: LazyAccess[] = [];
    const deps: unknown[] = [];
    const dep = (value: unknown): string => `d[${deps.push(value) - 1}]`;
    let cases = '';
    for (const e of this.byKey.values()) {
      const i = codecs.push(e.codec) - 1;
      const key = JSON.stringify(e.key);
      if (e.lazy) {
        const j = lazies.push(e.lazy) - 1;
        cases += `case ${e.type | e.flags}: if (obj[${key}] !== undefined) break loop; lazy(obj, l[${j}], r, off + 4, alen - 4); break;\n`;
        continue;
      }
      const store = e.multi
        ? `if (obj[${key}] === undefined) obj[${key}] = [v]; else if (prevType === ${e.type}) obj[${key}].push(v); else break loop;`
        : `if (obj[${key}] !== undefined) break loop; obj[${key}] = v;`;
      if (e.codec.inline && e.codec.size !== undefined) {
        // A payload of another size than the codec's is unusual: the generic decoder keeps it raw.
        cases += `case ${e.type | e.flags}: if (alen !== ${e.codec.size + 4}) break loop; v = ${e.codec.inline('view', 'off + 4', dep)}; ${store} break;\n`;
        continue;
      }
      cases += `case ${e.type | e.flags}: v = c[${i}].decode(r, off + 4, alen - 4, ctx, obj); if (ctx.nonCanonical) break loop; ${store} break;\n`;
    }
    // Every way out of the loop but its end leaves `off` at the attribute the generic decoder
    // must start from; it is called outside the try so that its own errors propagate.
    const body = `return function fastDecode(obj, r, start, end, ctx) {
  const view = r.view;
  let off = start, prevType = -1, v;
  try {
    loop: while (off < end) {
      if (end - off < 4) break;
      const alen = view.getUint16(off, true);
      if (alen < 4 || off + alen > end) break;
      const tf = view.getUint16(off + 2, true);
      ctx.nonCanonical = false;
      switch (tf) {
${cases}        default: break loop;
      }
      prevType = tf & ${NLA_TYPE_MASK};
      off += (alen + 3) & ~3;
    }
  } catch (err) {
    // A codec refused its payload: the generic decoder reports it with the attribute path.
  }
  if (off < end) slow(obj, r, off, end, ctx, prevType);
};`;
    const slow = (obj: Record<string, unknown>, r: Reader, off: number, end: number, ctx: DecodeContext, prevType: number): void =>
      this.decodeGeneric(obj, r, off, end, ctx, prevType);
    return new Function('c', 'slow', 'lazy', 'l', 'd', body)(codecs, slow, defineLazy, lazies, deps) as FastSetDecoder;
  }

  /**
   * The generic decoder: handles everything (unknown attributes, flags, repeats, non-canonical
   * payloads) and keeps what plain keys cannot express in the hidden wire record. It may start in
   * the middle of a set, after the fast decoder filled `obj` with what came before.
   */
  private decodeGeneric(obj: Record<string, unknown>, r: Reader, start: number, end: number, ctx: DecodeContext, prevType: number): void {
    const view = r.view;
    const byType = this.byType;
    let order: WireEntry[] | undefined;
    let off = start;
    while (off < end) {
      if (end - off < 4) throw new DecodeError(`${end - off} stray bytes where an attribute header (4 bytes) should be`, off, [...ctx.path]);
      const alen = view.getUint16(off, true);
      const typeField = view.getUint16(off + 2, true);
      if (alen < 4 || off + alen > end) {
        throw new DecodeError(`attribute length ${alen} does not fit in the ${end - off} bytes left`, off, [...ctx.path]);
      }
      const type = typeField & NLA_TYPE_MASK;
      const e = byType[type];
      if (e === undefined) {
        order ??= this.orderSoFar(obj);
        order.push({ key: null, typeField, raw: copyBytes(r.buf, off + 4, off + alen) });
      } else {
        if (e.lazy && obj[e.key] === undefined && order === undefined && (typeField & ~NLA_TYPE_MASK) === e.flags) {
          defineLazy(obj, e.lazy, r, off + 4, alen - 4);
          prevType = type;
          off += (alen + 3) & ~3;
          continue;
        }
        ctx.nonCanonical = false;
        ctx.path.push(e.key);
        const v = e.codec.decode(r, off + 4, alen - 4, ctx, obj);
        ctx.path.pop();
        const prev = obj[e.key];
        let unusual = ctx.nonCanonical || (typeField & ~NLA_TYPE_MASK) !== e.flags;
        let shadowed = false;
        if (e.multi) {
          if (prev !== undefined && prevType !== type) unusual = true;
        } else if (prev !== undefined) {
          unusual = true;
          shadowed = true;
        }
        if (unusual && order === undefined) order = this.orderSoFar(obj);
        if (order !== undefined) {
          if (shadowed) {
            // The earlier occurrence loses its value to this one: it is re-emitted raw.
            for (let i = order.length - 1; i >= 0; i--) {
              if (order[i].key === e.key && !order[i].shadowed) {
                order[i].shadowed = true;
                // It decoded canonically (or it would carry raw bytes already): re-encoding gives its bytes.
                if (!order[i].raw) {
                  const w = new Writer(64);
                  e.codec.encode(w, prev, { path: [] }, obj);
                  order[i].raw = w.take();
                }
                break;
              }
            }
          }
          const entry: WireEntry = { key: e.key, typeField };
          if (ctx.nonCanonical) {
            entry.raw = copyBytes(r.buf, off + 4, off + alen);
            entry.value = v;
          }
          order.push(entry);
        }
        if (e.multi) {
          if (prev === undefined) obj[e.key] = [v];
          else (prev as unknown[]).push(v);
        } else {
          obj[e.key] = v;
        }
      }
      prevType = type;
      off += (alen + 3) & ~3;
    }
    ctx.nonCanonical = false;
    if (order !== undefined) setWire(obj, { order } satisfies SetWireRecord);
  }

  // The wire order of the attributes decoded so far, rebuilt from key order (valid while nothing
  // unusual has been seen: each key then stands for consecutive attributes with default flags).
  private orderSoFar(obj: Record<string, unknown>): WireEntry[] {
    const order: WireEntry[] = [];
    for (const key in obj) {
      const e = this.byKey.get(key);
      if (e === undefined) continue;
      const n = e.multi ? (obj[key] as unknown[]).length : 1;
      for (let i = 0; i < n; i++) order.push({ key, typeField: e.type | e.flags });
    }
    return order;
  }

  encode(w: Writer, value: AttrValues<S>, ctx: EncodeContext): void {
    this.encodeFrom(w, value as Record<string, unknown>, ctx);
  }

  /**
   * Encodes the attributes found in `obj`. Keys in `skip` (a message's header fields) are not
   * attributes; any other key the set does not know is an error.
   */
  encodeFrom(w: Writer, obj: Record<string, unknown>, ctx: EncodeContext, skip?: ReadonlySet<string>): void {
    if (obj === null || typeof obj !== 'object') throw badValue(ctx, `expected an object (${this.kind})`);
    const rec = (obj as WithWire<SetWireRecord>)[WIRE];
    if (rec?.order) return this.encodeRecorded(w, obj, rec.order, ctx, skip);
    for (const key in obj) {
      const v = obj[key];
      if (v === undefined) continue;
      const e = this.byKey.get(key);
      if (e === undefined) {
        if (skip?.has(key)) continue;
        throw new InvalidArgumentError([...ctx.path, key].join('.'), `not an attribute of ${this.name}`);
      }
      this.encodeValue(w, e, v, e.type | e.flags, ctx, obj);
    }
  }

  private encodeValue(w: Writer, e: SetEntry, v: unknown, typeField: number, ctx: EncodeContext, obj: Record<string, unknown>): void {
    ctx.path.push(e.key);
    if (e.multi) {
      if (!Array.isArray(v)) throw badValue(ctx, 'expected an array (the attribute may repeat)');
      for (const item of v) this.encodeOne(w, e.codec, item, typeField, ctx, obj);
    } else {
      this.encodeOne(w, e.codec, v, typeField, ctx, obj);
    }
    ctx.path.pop();
  }

  private encodeOne(w: Writer, codec: Codec<unknown>, v: unknown, typeField: number, ctx: EncodeContext, obj: Record<string, unknown>): void {
    if (codec === flag && v !== true) return; // a false flag is an absent attribute
    const at = w.beginAttr(typeField);
    codec.encode(w, v, ctx, obj);
    w.endAttr(at);
  }

  private encodeRecorded(w: Writer, obj: Record<string, unknown>, order: WireEntry[], ctx: EncodeContext, skip?: ReadonlySet<string>): void {
    const used = new Map<string, number>();
    for (const o of order) {
      if (o.key === null || o.shadowed) {
        const at = w.beginAttr(o.typeField);
        if (o.raw) w.bytes(o.raw);
        w.endAttr(at);
        continue;
      }
      const e = this.byKey.get(o.key) as SetEntry;
      let v = obj[o.key];
      if (e.multi) {
        const i = used.get(o.key) ?? 0;
        used.set(o.key, i + 1);
        v = Array.isArray(v) ? v[i] : undefined;
      } else {
        used.set(o.key, 1);
      }
      if (v === undefined) continue;
      if (o.raw && v === o.value) {
        const at = w.beginAttr(o.typeField);
        w.bytes(o.raw);
        w.endAttr(at);
        continue;
      }
      ctx.path.push(o.key);
      this.encodeOne(w, e.codec, v, o.typeField, ctx, obj);
      ctx.path.pop();
    }
    // Whatever the user added after decoding goes after what was recorded.
    for (const key in obj) {
      const v = obj[key];
      if (v === undefined) continue;
      const e = this.byKey.get(key);
      if (e === undefined) {
        if (skip?.has(key)) continue;
        throw new InvalidArgumentError([...ctx.path, key].join('.'), `not an attribute of ${this.name}`);
      }
      const done = used.get(key) ?? 0;
      if (!e.multi) {
        if (done === 0) this.encodeValue(w, e, v, e.type | e.flags, ctx, obj);
        continue;
      }
      const rest = (v as unknown[]).slice(done);
      if (rest.length > 0) this.encodeValue(w, e, rest, e.type | e.flags, ctx, obj);
    }
  }
}

/** Defines an attribute set. */
export function attrSet<const S extends AttrSpecs>(name: string, specs: S): AttrSet<S> {
  return new AttrSet(name, specs);
}

/** The decoded value of an attribute set. */
export type SetValue<A> = A extends AttrSet<infer S> ? AttrValues<S> : never;

/** A nest: the attribute's payload is itself a set of attributes. */
export function nest<S extends AttrSpecs>(set: AttrSet<S>): Codec<AttrValues<S>> {
  return set;
}

/**
 * An indexed array (YNL `indexed-array`): a nest whose attributes are the elements, their types
 * being the indexes (0, 1, 2, ... unless recorded otherwise).
 */
export function indexedArray<T>(element: Codec<T>, firstIndex = 0): Codec<T[]> {
  return {
    kind: `array(${element.kind})`,
    decode(r, off, len, ctx) {
      const out: T[] = [];
      let types: number[] | undefined;
      const end = off + len;
      let i = 0;
      while (off < end) {
        if (end - off < 4) throw new DecodeError('stray bytes in an indexed array', off, [...ctx.path]);
        const alen = r.view.getUint16(off, true);
        const tf = r.view.getUint16(off + 2, true);
        if (alen < 4 || off + alen > end) throw new DecodeError(`array element length ${alen} does not fit`, off, [...ctx.path]);
        if (tf !== firstIndex + i && types === undefined) types = out.map((_, j) => firstIndex + j);
        types?.push(tf);
        ctx.path.push(i);
        out.push(element.decode(r, off + 4, alen - 4, ctx));
        ctx.path.pop();
        i++;
        off += (alen + 3) & ~3;
      }
      if (types) setWire(out, { types } satisfies ArrayWireRecord);
      return out;
    },
    encode(w, value, ctx) {
      if (!Array.isArray(value)) throw badValue(ctx, 'expected an array');
      const types = (value as WithWire<ArrayWireRecord>)[WIRE]?.types;
      value.forEach((item, i) => {
        const at = w.beginAttr(types?.[i] ?? firstIndex + i);
        ctx.path.push(i);
        element.encode(w, item, ctx);
        ctx.path.pop();
        w.endAttr(at);
      });
    },
  };
}

/**
 * A sub-message (YNL `sub-message`): the payload's format depends on a sibling attribute decoded
 * before it, such as link info data on the link kind. Unknown selectors decode to raw bytes.
 */
export function subMessage<const F extends Readonly<Record<string, Codec<any>>>>(
  selector: string,
  formats: F,
): SubMessageCodec<ValueOf<F[keyof F]> | Uint8Array> {
  return {
    kind: `sub-message(${selector})`,
    selector,
    formats,
    decode(r, off, len, ctx, parent) {
      const sel = parent?.[selector];
      const c = typeof sel === 'string' && Object.hasOwn(formats, sel) ? formats[sel] : undefined;
      return c ? c.decode(r, off, len, ctx, parent) : binary.decode(r, off, len, ctx);
    },
    encode(w, value, ctx, parent) {
      if (value instanceof Uint8Array) return binary.encode(w, value, ctx);
      const sel = parent?.[selector];
      const c = typeof sel === 'string' && Object.hasOwn(formats, sel) ? formats[sel] : undefined;
      if (!c) throw badValue(ctx, `no format known for ${selector} ${JSON.stringify(sel)}; pass the payload as a Uint8Array`);
      c.encode(w, value, ctx, parent);
    },
  };
}

/** A sub-message codec: which sibling selects the format, and the formats by selector value. */
export interface SubMessageCodec<T> extends Codec<T> {
  /** The key of the sibling attribute whose value selects the format. */
  readonly selector: string;
  /** The formats by selector value. */
  readonly formats: Readonly<Record<string, Codec<unknown>>>;
}

/** Whether a codec is a sub-message codec (for tools walking a schema). */
export function isSubMessage(codec: Codec<unknown>): codec is SubMessageCodec<unknown> {
  return typeof (codec as Partial<SubMessageCodec<unknown>>).selector === 'string' && typeof (codec as Partial<SubMessageCodec<unknown>>).formats === 'object';
}

/** A codec whose value is mapped: `from` after decoding, `to` before encoding. */
export function mapped<A, B>(base: Codec<A>, kind: string, from: (a: A) => B, to: (b: B, ctx: EncodeContext) => A): Codec<B> {
  return {
    kind,
    size: base.size,
    decode: (r, off, len, ctx, parent) => from(base.decode(r, off, len, ctx, parent)),
    encode: (w, value, ctx, parent) => base.encode(w, to(value, ctx), ctx, parent),
  };
}

/** Creates a fresh decode context. */
export function decodeContext(): DecodeContext {
  return { path: [], nonCanonical: false };
}

/** Creates a fresh encode context. */
export function encodeContext(): EncodeContext {
  return { path: [] };
}

/** Decodes a complete payload with `codec`, as a pure function over bytes. */
export function decodeWith<T>(codec: Codec<T>, bytes: Uint8Array): T {
  const r = new Reader(bytes);
  return codec.decode(r, 0, bytes.length, decodeContext());
}

/** Encodes `value` with `codec` into fresh bytes. */
export function encodeWith<T>(codec: Codec<T>, value: T): Uint8Array {
  const w = new Writer(256);
  codec.encode(w, value, encodeContext());
  return w.take();
}

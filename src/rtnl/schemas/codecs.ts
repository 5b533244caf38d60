// Codecs the schema DSL (src/netlink/schema/) does not have, used by the generated schemas
// (src/rtnl/generated) and the hand-written ones: deferred references for recursive schemas, a
// header struct followed by attributes (veth/netkit peer info), arrays of fixed-size elements,
// fixed-size MAC struct members, RTA_MULTIPATH, RTA_VIA, MPLS label stacks (RTA_NEWDST, RTA_DST of
// MPLS routes), and sub-messages with a default format.
// Everything here is a plain Codec built on the DSL's primitives.

import { align4, type Reader } from '../../netlink/bytes.js';
import { formatIPv4, formatIPv6, formatMAC, parseIPv4, parseIPv6, parseMAC } from '../../netlink/addr.js';
import { DecodeError, InvalidArgumentError } from '../../netlink/errors.js';
import {
  AttrSet,
  binary,
  ip,
  s32,
  u8,
  type AttrSpecs,
  type Codec,
  type DecodeContext,
  type EncodeContext,
  type EnumEntries,
  type Struct,
  type StructMembers,
  type StructValue,
  type ValueOf,
  MAX_NESTING,
  tooDeep,
} from '../../netlink/schema/index.js';

function badValue(ctx: EncodeContext, reason: string): InvalidArgumentError {
  return new InvalidArgumentError(ctx.path.join('.') || '(value)', reason);
}

// ---------------------------------------------------------------------------------------------
// Deferred references

/**
 * A codec that stands for another one, looked up on first use: it lets a schema refer to a set
 * defined after it (a recursive schema, such as route attributes inside RTA_MULTIPATH, or link
 * attributes inside a veth peer).
 */
export class LazyCodec<T> implements Codec<T> {
  /** Short name of the codec. */
  readonly kind: string;
  private target: Codec<T> | undefined;

  constructor(
    kind: string,
    private readonly get: () => Codec<T>,
  ) {
    this.kind = kind;
  }

  /** The codec this one stands for. */
  resolve(): Codec<T> {
    this.target ??= this.get();
    return this.target;
  }

  decode(...args: Parameters<Codec<T>['decode']>): T {
    return this.resolve().decode(...args);
  }

  encode(...args: Parameters<Codec<T>['encode']>): void {
    this.resolve().encode(...args);
  }
}

/**
 * A reference to a codec defined later (`get` is called on first use). Give `get` an explicit
 * return type when the reference closes a cycle, so that TypeScript need not infer it.
 */
export function lazy<T>(kind: string, get: () => Codec<T>): Codec<T> {
  return new LazyCodec(kind, get);
}

function resolve<T>(c: Codec<T>): Codec<T> {
  return c instanceof LazyCodec ? (c as LazyCodec<T>).resolve() : c;
}

// ---------------------------------------------------------------------------------------------
// A header struct followed by attributes

/**
 * A payload made of a fixed header struct followed by attributes, decoded into one flat object
 * like a message: the payload of VETH_INFO_PEER and IFLA_NETKIT_PEER_INFO (struct ifinfomsg, then
 * link attributes). `attrs` must be an attribute set (or a `lazy` reference to one). Header
 * members are optional when encoding (missing ones are zero), and always present when decoded.
 */
export function headerAndAttrs<const M extends StructMembers, V>(header: Struct<M>, attrs: Codec<V>): Codec<Partial<StructValue<M>> & V> {
  let set: AttrSet<AttrSpecs> | undefined;
  let headerKeys: ReadonlySet<string> = new Set();
  const theSet = (): AttrSet<AttrSpecs> => {
    if (set) return set;
    const s = resolve(attrs);
    if (!(s instanceof AttrSet)) throw new Error(`headerAndAttrs(${header.name}): ${s.kind} is not an attribute set`);
    for (const k of header.keys) {
      if (s.entry(k)) throw new Error(`headerAndAttrs(${header.name}, ${s.name}): header member ${k} collides with an attribute`);
    }
    headerKeys = new Set(header.keys);
    set = s as AttrSet<AttrSpecs>;
    return set;
  };
  return {
    kind: `${header.name}+${attrs.kind}`,
    decode(r, off, len, ctx) {
      const s = theSet();
      if (len < header.size) throw new DecodeError(`${header.name}: payload of ${len} bytes, need ${header.size}`, off, [...ctx.path]);
      if (++ctx.depth > MAX_NESTING) throw tooDeep(off, ctx);
      const obj: Record<string, unknown> = {};
      header.decodeInto(obj, r, off, header.size, ctx, false);
      const end = off + len;
      s.decodeInto(obj, r, Math.min(off + align4(header.size), end), end, ctx);
      ctx.depth--;
      return obj as Partial<StructValue<M>> & V;
    },
    encode(w, value, ctx) {
      const s = theSet();
      header.encodeFrom(w, value as Record<string, unknown>, ctx);
      w.pad();
      s.encodeFrom(w, value as Record<string, unknown>, ctx, headerKeys);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// A flag the kernel dumps as a u8

/**
 * A boolean that the kernel reads as a flag attribute (NLA_FLAG) but dumps as a u8 0/1, such as
 * IFLA_VXLAN_TTL_INHERIT. An empty payload decodes to true, a u8 to whether it is non-zero. `true`
 * encodes as an empty payload (a flag); `false` as a u8 0, as the kernel dumps it (in a request,
 * leave the attribute out instead: the kernel refuses a flag with a payload).
 */
export function flagOrU8(): Codec<boolean> {
  return {
    kind: 'flag|u8',
    decode(r, off, len, ctx) {
      if (len === 0) return true;
      const v = r.buf[off] !== 0;
      if (v || len !== 1) ctx.nonCanonical = true;
      return v;
    },
    encode(w, value, ctx) {
      if (typeof value !== 'boolean') throw badValue(ctx, `expected a boolean, got ${String(value)}`);
      if (!value) u8.encode(w, 0, ctx);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Arrays of fixed-size elements

/**
 * A payload that is an array of fixed-size elements with nothing between them, such as NHA_GROUP
 * (struct nexthop_grp[]) or IFLA_INET6_STATS (u64[]).
 */
export function arrayOf<T>(element: Codec<T>): Codec<T[]> {
  const size = element.size;
  if (size === undefined || size <= 0) throw new Error(`arrayOf(${element.kind}): the element has no fixed size`);
  return {
    kind: `${element.kind}[]`,
    decode(r, off, len, ctx) {
      if (len % size !== 0) throw new DecodeError(`${element.kind}[]: payload of ${len} bytes is not a multiple of ${size}`, off, [...ctx.path]);
      const n = len / size;
      const out: T[] = new Array<T>(n);
      // The path names an element only when one fails: pushing it for each would cost more than
      // decoding a number (these arrays reach thousands of elements).
      let i = 0;
      try {
        for (; i < n; i++) out[i] = element.decode(r, off + i * size, size, ctx);
      } catch (e) {
        if (e instanceof DecodeError) throw new DecodeError(e.reason, e.offset, [...ctx.path, i, ...e.path.slice(ctx.path.length)]);
        throw e;
      }
      return out;
    },
    encode(w, value, ctx) {
      if (!Array.isArray(value)) throw badValue(ctx, 'expected an array');
      value.forEach((item, i) => {
        ctx.path.push(i);
        element.encode(w, item, ctx);
        ctx.path.pop();
      });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Addresses

/** A link-layer address of exactly `size` bytes inside a struct, as 'aa:bb:cc:dd:ee:ff'. */
export function macOf(size: number): Codec<string> {
  return {
    kind: `mac[${size}]`,
    size,
    decode(r, off, len, ctx) {
      if (len < size) throw new DecodeError(`mac[${size}]: payload of ${len} bytes, need ${size}`, off, [...ctx.path]);
      return formatMAC(r.buf, off, size);
    },
    encode(w, value, ctx) {
      const b = typeof value === 'string' ? parseMAC(value) : undefined;
      if (!b || b.length !== size) throw badValue(ctx, `expected a ${size}-byte link-layer address, got ${JSON.stringify(value)}`);
      w.bytes(b);
    },
  };
}

const AF_INET = 2;
const AF_INET6 = 10;

/** The value of RTA_VIA (struct rtvia): an address family and an address of that family. */
export interface RtVia<F> {
  /** rtvia_family, an address family. */
  family: F;
  /** The address: dotted quad for inet, IPv6 text for inet6, colon-separated hex otherwise. */
  addr: string;
}

/** RTA_VIA: struct rtvia, a u16 address family followed by the address bytes. */
export function rtvia<F>(family: Codec<F>): Codec<RtVia<F>> {
  return {
    kind: 'rtvia',
    decode(r, off, len, ctx) {
      if (len < 2) throw new DecodeError(`rtvia: payload of ${len} bytes, need 2`, off, [...ctx.path]);
      const fam = r.view.getUint16(off, true);
      const alen = len - 2;
      const addr =
        fam === AF_INET && alen === 4 ? formatIPv4(r.buf, off + 2)
        : fam === AF_INET6 && alen === 16 ? formatIPv6(r.buf, off + 2)
        : formatMAC(r.buf, off + 2, alen);
      // An inet or inet6 address of another length has no text of its family: its bytes are kept.
      if ((fam === AF_INET && alen !== 4) || (fam === AF_INET6 && alen !== 16)) ctx.nonCanonical = true;
      return { family: family.decode(r, off, 2, ctx), addr };
    },
    encode(w, value, ctx) {
      if (value === null || typeof value !== 'object') throw badValue(ctx, 'expected { family, addr }');
      const at = w.length;
      family.encode(w, value.family, ctx);
      const fam = w.view.getUint16(at, true);
      const text = value.addr;
      const b =
        typeof text !== 'string' ? undefined
        : fam === AF_INET ? parseIPv4(text)
        : fam === AF_INET6 ? parseIPv6(text)
        : parseMAC(text);
      if (!b) throw badValue(ctx, `expected an address of family ${String(value.family)}, got ${JSON.stringify(text)}`);
      w.bytes(b);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// RTA_MULTIPATH

/** One path of a multipath route (struct rtnexthop and the attributes that follow it). */
export interface RtNexthop<F, V> {
  /** rtnh_flags (RTNH_F_*). */
  flags: F;
  /** rtnh_hops: the weight of the path minus one. */
  hops: number;
  /** rtnh_ifindex: the output interface. */
  ifindex: number;
  /** The route attributes of this path (gateway, via, encap, ...), when there are any. */
  attrs?: V;
}

/**
 * RTA_MULTIPATH: an array of struct rtnexthop {u16 len, u8 flags, u8 hops, s32 ifindex}, each
 * followed by route attributes, `len` covering both.
 */
export function rtnexthops<F, V>(flags: Codec<F>, attrs: Codec<V>): Codec<RtNexthop<F, V>[]> {
  // How many of these payloads enclose the one being decoded: the kernel reads only gateway,
  // via, flow and encap inside a path (fib_get_nhs, ip6_route_multipath_add) and never nests a
  // multipath in a path, so neither does the decoder.
  let active = 0;
  const decodePaths = (r: Reader, off: number, len: number, ctx: DecodeContext): RtNexthop<F, V>[] => {
    const out: RtNexthop<F, V>[] = [];
    const end = off + len;
    let p = off;
    while (p < end) {
      if (end - p < 8) throw new DecodeError(`${end - p} stray bytes where a struct rtnexthop (8 bytes) should be`, p, [...ctx.path]);
      const nlen = r.view.getUint16(p, true);
      if (nlen < 8 || p + nlen > end) throw new DecodeError(`rtnexthop length ${nlen} does not fit in the ${end - p} bytes left`, p, [...ctx.path]);
      ctx.path.push(out.length);
      const nh: RtNexthop<F, V> = {
        flags: flags.decode(r, p + 2, 1, ctx),
        hops: r.view.getUint8(p + 3),
        ifindex: r.view.getInt32(p + 4, true),
      };
      if (nlen > 8) nh.attrs = attrs.decode(r, p + 8, nlen - 8, ctx);
      ctx.path.pop();
      out.push(nh);
      p += align4(nlen);
    }
    return out;
  };
  return {
    kind: `rtnexthops(${attrs.kind})`,
    decode(r, off, len, ctx) {
      if (active > 0) throw new DecodeError('a multipath inside a path of a multipath route (the kernel never nests them)', off, [...ctx.path]);
      active++;
      try {
        return decodePaths(r, off, len, ctx);
      } finally {
        active--;
      }
    },
    encode(w, value, ctx) {
      if (!Array.isArray(value)) throw badValue(ctx, 'expected an array of { flags, hops, ifindex, attrs }');
      value.forEach((nh, i) => {
        ctx.path.push(i);
        if (nh === null || typeof nh !== 'object') throw badValue(ctx, 'expected { flags, hops, ifindex, attrs }');
        const at = w.reserve(2);
        if (nh.flags === undefined) u8.encode(w, 0, ctx);
        else flags.encode(w, nh.flags, ctx);
        u8.encode(w, nh.hops ?? 0, ctx);
        s32.encode(w, nh.ifindex ?? 0, ctx);
        if (nh.attrs !== undefined) attrs.encode(w, nh.attrs, ctx);
        const n = w.length - at;
        if (n > 0xffff) throw badValue(ctx, `rtnexthop of ${n} bytes does not fit its 16-bit length`);
        w.view.setUint16(at, n, true);
        w.pad();
        ctx.path.pop();
      });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Sub-messages with a default

/**
 * Like the DSL's `subMessage`, but a selector without a format of its own (absent, unknown, or a
 * number) uses `fallback` instead of raw bytes. `names` (the selector's enum) maps a numeric
 * selector to its name. Used for IFLA_AF_SPEC and IFLA_PROTINFO, whose contents depend on the
 * message's address family (AF_BRIDGE messages carry bridge attributes there).
 */
export function subMessageOr<const F extends Readonly<Record<string, Codec<any>>>, D>(
  selector: string,
  formats: F,
  fallback: Codec<D>,
  names?: EnumEntries,
): Codec<ValueOf<F[keyof F]> | D | Uint8Array> {
  const byNumber = new Map<number, string>();
  if (names) for (const [k, v] of Object.entries(names)) if (!byNumber.has(v)) byNumber.set(v, k);
  const pick = (parent: Record<string, unknown> | undefined): Codec<any> => {
    let sel = parent?.[selector];
    if (typeof sel === 'number') sel = byNumber.get(sel);
    return typeof sel === 'string' && Object.hasOwn(formats, sel) ? formats[sel] : fallback;
  };
  return {
    kind: `sub-message(${selector})`,
    decode(r, off, len, ctx, parent) {
      return pick(parent).decode(r, off, len, ctx, parent);
    },
    encode(w, value, ctx, parent) {
      if (value instanceof Uint8Array) return binary.encode(w, value, ctx);
      pick(parent).encode(w, value, ctx, parent);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// MPLS label stacks

/**
 * One MPLS label stack entry (struct mpls_label of <linux/mpls.h>: a big-endian u32 of label:20,
 * traffic class:3, bottom of stack:1, ttl:8). Decoded entries have every field.
 */
export interface MplsLabel {
  /** The label, 0 to 1048575 (labels 0-15 are reserved: 0 IPv4 explicit null, 3 implicit null, ...). */
  label: number;
  /** Traffic class (the former EXP bits), 0 to 7. Default 0. */
  tc?: number;
  /** Bottom of stack: set on the last entry only. Default: true on the last entry, false before. */
  bos?: boolean;
  /** Time to live, 0 to 255. Default 0 (the kernel's routes carry 0: the TTL comes from the packet). */
  ttl?: number;
}

const MPLS_LABEL_MAX = 0xfffff;

/** The most labels a stack holds: MAX_NEW_LABELS of net/mpls/internal.h (the kernel refuses more). */
export const MPLS_MAX_LABELS = 30;

/**
 * A stack of MPLS labels, outermost first: RTA_NEWDST (the labels an MPLS route pushes or swaps
 * in), RTA_DST of an AF_MPLS route (the incoming label), MPLS_IPTUNNEL_DST.
 */
export function mplsLabels(): Codec<MplsLabel[]> {
  return {
    kind: 'mpls-labels',
    decode(r, off, len, ctx) {
      if (len % 4 !== 0) throw new DecodeError(`mpls label stack: payload of ${len} bytes is not a multiple of 4`, off, [...ctx.path]);
      if (len > 4 * MPLS_MAX_LABELS) throw new DecodeError(`mpls label stack of ${len / 4} labels: the kernel's limit is ${MPLS_MAX_LABELS}`, off, [...ctx.path]);
      const out: MplsLabel[] = [];
      for (let p = off; p < off + len; p += 4) {
        const v = r.view.getUint32(p, false);
        out.push({ label: v >>> 12, tc: (v >>> 9) & 7, bos: (v & 0x100) !== 0, ttl: v & 0xff });
      }
      return out;
    },
    encode(w, value, ctx) {
      if (!Array.isArray(value)) throw badValue(ctx, 'expected an array of { label, tc?, bos?, ttl? } (an MPLS label stack)');
      if (value.length > MPLS_MAX_LABELS) throw badValue(ctx, `at most ${MPLS_MAX_LABELS} labels (the kernel's limit), got ${value.length}`);
      value.forEach((e: MplsLabel, i) => {
        ctx.path.push(i);
        if (e === null || typeof e !== 'object') throw badValue(ctx, 'expected { label, tc?, bos?, ttl? }');
        const { label, tc = 0, bos = i === value.length - 1, ttl = 0 } = e;
        if (!Number.isInteger(label) || label < 0 || label > MPLS_LABEL_MAX) throw badValue(ctx, `label must be an integer from 0 to ${MPLS_LABEL_MAX}, got ${String(label)}`);
        if (!Number.isInteger(tc) || tc < 0 || tc > 7) throw badValue(ctx, `tc must be an integer from 0 to 7, got ${String(tc)}`);
        if (typeof bos !== 'boolean') throw badValue(ctx, `bos must be a boolean, got ${String(bos)}`);
        if (!Number.isInteger(ttl) || ttl < 0 || ttl > 255) throw badValue(ctx, `ttl must be an integer from 0 to 255, got ${String(ttl)}`);
        const at = w.reserve(4);
        w.view.setUint32(at, ((label << 12) | (tc << 9) | (bos ? 0x100 : 0) | ttl) >>> 0, false);
        ctx.path.pop();
      });
    },
  };
}

const AF_MPLS = 28;

/**
 * RTA_DST: in an AF_MPLS route (the message's `family` is `mpls`) the incoming MPLS label as a
 * one-entry label stack, in every other route an IPv4 or IPv6 address. A label stack value
 * encodes as labels, a string as an address.
 */
export function routeDestination(): Codec<string | MplsLabel[]> {
  const labels = mplsLabels();
  return {
    kind: 'route-destination',
    decode(r, off, len, ctx, parent) {
      const family = parent?.family;
      if (family === 'mpls' || family === AF_MPLS) return labels.decode(r, off, len, ctx);
      return ip.decode(r, off, len, ctx);
    },
    encode(w, value, ctx) {
      if (Array.isArray(value)) labels.encode(w, value, ctx);
      else ip.encode(w, value, ctx);
    },
  };
}

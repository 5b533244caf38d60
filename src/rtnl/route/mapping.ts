// The one place where a route message's wire encodings are undone and redone: split prefixes
// (address + length), the 8-bit rtm_table beside RTA_TABLE, weight - 1 in rtnh_hops, clock ticks
// of rta_cacheinfo, RTAX_LOCK bits, the scaled RTT metrics, realms packed in one u32. Pure
// functions, no I/O: interfaces are indexes here (the operations class resolves names first).
//
// For every route the kernel lists, routeFromWire(routeToWire(route)) equals route.

import { formatIPv4, formatIPv4Prefix, formatIPv6, formatIPv6Prefix, parseIP, parseIPv4, parseIPv6 } from '../../netlink/addr.js';
import { Reader, type Writer } from '../../netlink/bytes.js';
import type { SchemaValue } from '../../netlink/message.js';
import { decodeContext, type Codec, type DecodeContext } from '../../netlink/schema/index.js';
import { parsePrefix, type Prefix } from '../common/prefix.js';
import { AddressFamily, RtmType, RtnhFlags, RtProtocol, RtScope } from '../generated/common.js';
import { metrics as metricAttrs, RoutePref as RoutePrefs, RtmFlags, routeAttrs, routeMessage, rtmsg } from '../generated/route.js';
import type { MplsLabel } from '../schemas/codecs.js';
import type { IpFamily, Realms, Route, RouteMetricName, RouteMetrics, RouteNexthop, RoutePref } from './model.js';

/** A route message as the codec decodes it (struct rtmsg and the RTA_* attributes). */
export type RouteWire = SchemaValue<typeof routeMessage>;

type NexthopWire = NonNullable<RouteWire['multipath']>[number];
type NexthopAttrs = NonNullable<NexthopWire['attrs']>;
type MetricsWire = NonNullable<RouteWire['metrics']>;

/** Clock ticks per second of rta_cacheinfo times (USER_HZ). */
const USER_HZ = 100;

/** RTAX_* numbers of the metrics: their bits in RTAX_LOCK. */
const RTAX: Readonly<Record<RouteMetricName, number>> = {
  mtu: 2,
  window: 3,
  rtt: 4,
  rttvar: 5,
  ssthresh: 6,
  cwnd: 7,
  advmss: 8,
  reordering: 9,
  hoplimit: 10,
  initcwnd: 11,
  features: 12,
  rtoMin: 13,
  initrwnd: 14,
  quickack: 15,
  ccAlgo: 16,
  fastopenNoCookie: 17,
};
const RTAX_NAMES: readonly (RouteMetricName | undefined)[] = (() => {
  const names: (RouteMetricName | undefined)[] = new Array(32).fill(undefined);
  for (const [name, n] of Object.entries(RTAX) as [RouteMetricName, number][]) names[n] = name;
  return names;
})();

/** Kernel units per second of the metrics kept as times: RTT in ms << 3, RTT variance in ms << 2, RTO_MIN in ms. */
const METRIC_SCALE: Readonly<Partial<Record<RouteMetricName, number>>> = { rtt: 8000, rttvar: 4000, rtoMin: 1000 };

/** The family of an address by its text. */
export function familyOfAddress(text: string): IpFamily {
  return text.includes(':') ? 'inet6' : 'inet';
}

/** `/0` to `/128`: the prefix lengths' text, made once. */
const LENGTHS: readonly string[] = Array.from({ length: 129 }, (_, i) => `/${i}`);

function prefixText(addr: string | undefined, len: number, family: unknown): string {
  return (addr ?? (family === 'inet6' ? '::' : '0.0.0.0')) + (LENGTHS[len] ?? `/${len}`);
}

/**
 * An MPLS route's incoming label as `ip -f mpls route` prints it. MPLS routes (AF_MPLS) are not
 * part of this model (list() asks for IPv4 and IPv6 routes only); mapping one gives its labels as
 * `dst` rather than failing.
 */
function labelsText(labels: readonly MplsLabel[]): string {
  return labels.map((l) => l.label).join('/');
}

/** The flags of most routes: none. Shared, so that a dump holds no empty array per route. */
export const NO_FLAGS: readonly never[] = Object.freeze([]);

interface RouteHead {
  family: Route['family'];
  dst: string;
  table: number;
  type: Route['type'];
  protocol: Route['protocol'];
  scope: Route['scope'];
  flags: Route['flags'];
}

/**
 * Makes a route object with the fields every route has. A constructor rather than an object
 * literal: V8 gives the objects of a constructor room for the optional fields added next (oif,
 * gateway, priority, ...) inside the object, where a literal would grow a separate property array
 * for them; a dump of 100k routes holds about 30 bytes less per route. Its prototype is
 * Object.prototype, so the objects are plain objects (`constructor === Object`).
 */
const RouteObject = function (
  this: RouteHead,
  family: RouteHead['family'],
  dst: string,
  table: number,
  type: RouteHead['type'],
  protocol: RouteHead['protocol'],
  scope: RouteHead['scope'],
  flags: RouteHead['flags'],
) {
  this.family = family;
  this.dst = dst;
  this.table = table;
  this.type = type;
  this.protocol = protocol;
  this.scope = scope;
  this.flags = flags;
} as unknown as new (...head: [RouteHead['family'], string, number, RouteHead['type'], RouteHead['protocol'], RouteHead['scope'], RouteHead['flags']]) => Route;
RouteObject.prototype = Object.prototype;

function realmsFromWire(flow: number): Realms {
  return { from: flow >>> 16, to: flow & 0xffff };
}

function realmsToWire(r: Realms): number {
  return ((r.from << 16) | r.to) >>> 0;
}

function metricsFromWire(w: MetricsWire): RouteMetrics {
  const m: RouteMetrics = {};
  for (const key in w) {
    const v = w[key as keyof MetricsWire];
    if (v === undefined) continue;
    if (key === 'lock') {
      const lock: (RouteMetricName | number)[] = [];
      for (let bits = v as number, bit = 0; bits !== 0; bit++, bits >>>= 1) if (bits & 1) lock.push(RTAX_NAMES[bit] ?? bit);
      m.lock = lock;
    } else if (key === 'ccAlgo') {
      m.ccAlgo = v as string;
    } else {
      const scale = METRIC_SCALE[key as RouteMetricName];
      (m as Record<string, number>)[key] = scale === undefined ? (v as number) : (v as number) / scale;
    }
  }
  return m;
}

/** RTAX_LOCK's bits: one per locked metric, named or by its RTAX_* number. */
function lockBits(names: readonly (RouteMetricName | number)[]): number {
  let bits = 0;
  for (const name of names) bits |= 1 << (typeof name === 'number' ? name : RTAX[name]);
  return bits >>> 0;
}

function metricsToWire(m: RouteMetrics): MetricsWire {
  const w: MetricsWire = {};
  for (const key in m) {
    const v = m[key as keyof RouteMetrics];
    if (v === undefined) continue;
    if (key === 'lock') {
      w.lock = lockBits(v as (RouteMetricName | number)[]);
    } else if (key === 'ccAlgo') {
      w.ccAlgo = v as string;
    } else {
      const scale = METRIC_SCALE[key as RouteMetricName];
      (w as Record<string, number>)[key] = scale === undefined ? (v as number) : Math.round((v as number) * scale);
    }
  }
  return w;
}

function nexthopFromWire(nh: NexthopWire): RouteNexthop {
  const out: RouteNexthop = { oif: nh.ifindex, weight: nh.hops + 1, flags: nh.flags.length === 0 ? NO_FLAGS : nh.flags };
  const a = nh.attrs;
  if (a !== undefined) {
    if (a.gateway !== undefined) out.gateway = a.gateway;
    if (a.via !== undefined) out.via = a.via.addr;
    if (a.flow !== undefined) out.realms = realmsFromWire(a.flow);
  }
  return out;
}

function nexthopToWire(nh: RouteNexthop): NexthopWire {
  // The encoder only reads the flags: the model's (possibly shared, frozen) array is given as it is.
  const w: NexthopWire = { flags: nh.flags as NexthopWire['flags'], hops: nh.weight - 1, ifindex: nh.oif };
  const a: NexthopAttrs = {};
  let any = false;
  if (nh.gateway !== undefined) {
    a.gateway = nh.gateway;
    any = true;
  }
  if (nh.via !== undefined) {
    a.via = { family: familyOfAddress(nh.via), addr: nh.via };
    any = true;
  }
  if (nh.realms !== undefined) {
    a.flow = realmsToWire(nh.realms);
    any = true;
  }
  if (any) w.attrs = a;
  return w;
}

/** A route message as the model describes it. Never throws: unexpected values pass through. */
export function routeFromWire(w: RouteWire): Route {
  const family = w.family as IpFamily;
  const type = w.type === 'unspec' ? 0 : w.type;
  const route = new RouteObject(
    family,
    w.dstLen === 0 && w.dst === undefined ? 'default' : typeof w.dst === 'object' ? labelsText(w.dst) : prefixText(w.dst, w.dstLen, family),
    w.table ?? w.rtmTable,
    type,
    w.protocol,
    w.scope === 'universe' ? 'global' : w.scope,
    w.flags.length === 0 ? NO_FLAGS : w.flags,
  );
  if (w.srcLen !== 0 || w.src !== undefined) route.src = prefixText(w.src, w.srcLen, family);
  if (w.tos !== 0) route.tos = w.tos;
  if (w.priority !== undefined) route.priority = w.priority;
  if (w.prefsrc !== undefined) route.prefsrc = w.prefsrc;
  if (w.gateway !== undefined) route.gateway = w.gateway;
  if (w.via !== undefined) route.via = w.via.addr;
  if (w.oif !== undefined) route.oif = w.oif;
  if (w.iif !== undefined) route.iif = w.iif;
  if (w.multipath !== undefined) route.nexthops = w.multipath.map(nexthopFromWire);
  if (w.nhId !== undefined) route.nexthopId = w.nhId;
  if (w.metrics !== undefined) route.metrics = metricsFromWire(w.metrics);
  if (w.pref !== undefined) route.pref = w.pref === 'invalid' ? 2 : (w.pref satisfies RoutePref | number);
  // Requests carry RTA_EXPIRES in seconds; the kernel reports the time left in rta_cacheinfo, in ticks.
  const ci = w.cacheinfo;
  if (w.expires !== undefined) route.expires = w.expires;
  else if (ci !== undefined && ci.expires !== 0) route.expires = Math.max(0, Math.trunc(ci.expires / USER_HZ));
  if (w.flow !== undefined) route.realms = realmsFromWire(w.flow);
  if (ci !== undefined && ci.error !== 0) route.error = ci.error | 0;
  if (w.mark !== undefined) route.mark = w.mark;
  if (w.uid !== undefined) route.uid = w.uid;
  return route;
}

/**
 * The route message for a route whose interfaces are indexes. Tables above 255 go in RTA_TABLE
 * with 0 in rtm_table, as iproute2 sends them; `expires` goes in RTA_EXPIRES.
 * @throws {@link InvalidArgumentError} when `dst` or `src` is not a prefix.
 */
export function routeToWire(r: Route): Partial<RouteWire> {
  return routeToWireParsed(r, r.dst === 'default' ? undefined : parsePrefix(r.dst, 'dst'), r.src === undefined ? undefined : parsePrefix(r.src, 'src'));
}

/** {@link routeToWire} with `dst` and `src` already parsed (the operations class has checked them). @internal */
export function routeToWireParsed(r: Route, dst: Prefix | undefined, src: Prefix | undefined): Partial<RouteWire> {
  const scope = r.scope === 'global' || (r.scope as string) === 'universe' ? 'universe' : r.scope;
  const w: Partial<RouteWire> = {
    family: r.family,
    dstLen: dst?.length ?? 0,
    srcLen: src?.length ?? 0,
    tos: r.tos ?? 0,
    rtmTable: r.table < 256 ? r.table : 0,
    protocol: r.protocol,
    scope,
    type: r.type,
    flags: r.flags as RouteWire['flags'],
  };
  if (dst !== undefined) w.dst = dst.address;
  if (src !== undefined) w.src = src.address;
  if (r.table >= 256) w.table = r.table;
  if (r.priority !== undefined) w.priority = r.priority;
  if (r.prefsrc !== undefined) w.prefsrc = r.prefsrc;
  if (r.gateway !== undefined) w.gateway = r.gateway;
  if (r.via !== undefined) w.via = { family: familyOfAddress(r.via), addr: r.via };
  if (r.oif !== undefined) w.oif = r.oif;
  if (r.iif !== undefined) w.iif = r.iif;
  if (r.nexthops !== undefined) w.multipath = r.nexthops.map(nexthopToWire);
  if (r.nexthopId !== undefined) w.nhId = r.nexthopId;
  if (r.metrics !== undefined) w.metrics = metricsToWire(r.metrics);
  if (r.pref !== undefined) w.pref = r.pref;
  if (r.expires !== undefined) w.expires = r.expires;
  if (r.realms !== undefined) w.flow = realmsToWire(r.realms);
  if (r.error !== undefined) w.cacheinfo = { clntref: 0, lastuse: 0, expires: 0, error: r.error >>> 0, used: 0, id: 0, ts: 0, tsage: 0 };
  if (r.mark !== undefined) w.mark = r.mark;
  if (r.uid !== undefined) w.uid = r.uid;
  return w;
}

// ---------------------------------------------------------------------------------------------
// Bytes -> model in one pass

/** The decoder of a payload of a route attribute, as the wire schema has it. */
function attrCodec<T>(key: string): Codec<T> {
  return (routeAttrs.entry(key) as { codec: Codec<T> }).codec;
}

/** What the direct decoder reads through the wire schema's own codecs, and its lookup tables. */
interface DirectTables {
  /** The model's value of each rtmsg byte: family, protocol, scope ('global'), type (0 for unspec). */
  family: RouteHead['family'][];
  protocol: RouteHead['protocol'][];
  scope: RouteHead['scope'][];
  type: RouteHead['type'][];
  /** The model's `pref` of each RTA_PREF byte. */
  pref: (RoutePref | number)[];
  metrics: Codec<MetricsWire>;
  multipath: Codec<NexthopWire[]>;
  via: Codec<NonNullable<RouteWire['via']>>;
}

let tables: DirectTables | undefined;

// Built once from the wire schema by decoding every byte value: the direct decoder then gives what
// the schema gives by construction, also for values without a name.
function directTables(): DirectTables {
  const t: DirectTables = {
    family: [],
    protocol: [],
    scope: [],
    type: [],
    pref: [],
    metrics: attrCodec('metrics'),
    multipath: attrCodec('multipath'),
    via: attrCodec('via'),
  };
  const bytes = new Uint8Array(12);
  const r = new Reader(bytes);
  const ctx = decodeContext();
  const pref = attrCodec<RouteWire['pref']>('pref');
  for (let v = 0; v < 256; v++) {
    bytes.fill(v, 0, 8);
    const h = rtmsg.decode(r, 0, 12, ctx);
    t.family.push(h.family as IpFamily);
    t.protocol.push(h.protocol);
    t.scope.push(h.scope === 'universe' ? 'global' : h.scope);
    t.type.push(h.type === 'unspec' ? 0 : h.type);
    const p = pref.decode(r, 0, 1, ctx) as RoutePref | 'invalid' | number;
    t.pref.push(p === 'invalid' ? 2 : p);
  }
  return t;
}

const AF_INET6 = 10;
const AF_MPLS = 28;

/** The text of an address attribute's payload (4 or 16 bytes). */
function addressText(buf: Uint8Array, off: number, len: number): string {
  return len === 4 ? formatIPv4(buf, off) : formatIPv6(buf, off);
}

/** The text of a prefix: the address attribute's payload (4 or 16 bytes, or none: -1) and a length. */
function prefixFromBytes(buf: Uint8Array, at: number, alen: number, length: number, family: number): string {
  if (at < 0) return (family === AF_INET6 ? '::' : '0.0.0.0') + (LENGTHS[length] ?? `/${length}`);
  return alen === 4 ? formatIPv4Prefix(buf, at, length) : formatIPv6Prefix(buf, at, length);
}

/**
 * A route message's payload (struct rtmsg and attributes, from `off` to `end`) decoded straight
 * into the model, in one pass with no wire object in between: what
 * `routeFromWire(routeMessage.decode(r, off, end, ctx))` gives, which it falls back to for what
 * it does not read itself (an attribute the model ignores or it does not know, a repeat, an
 * unusual payload size or type flag, MPLS, malformed bytes: there the wire decoder's DecodeError).
 */
export function routeFromBytes(r: Reader, off: number, end: number, ctx: DecodeContext): Route {
  const route = decodeDirect(r, off, end, ctx);
  return route ?? routeFromWire(routeMessage.decode(r, off, end, ctx));
}

// Undefined when the message needs the wire decoder.
function decodeDirect(r: Reader, off: number, end: number, ctx: DecodeContext): Route | undefined {
  if (end - off < 12) return undefined;
  const t = (tables ??= directTables());
  const buf = r.buf;
  const view = r.view;
  const fam = buf[off];
  if (fam === AF_MPLS) return undefined;
  const dstLen = buf[off + 1];
  const srcLen = buf[off + 2];
  const tos = buf[off + 3];
  const flagBits = view.getUint32(off + 8, true);
  // Offsets of the address payloads (-1: absent), their lengths; the other attributes' values.
  let dstAt = -1;
  let dstAlen = 0;
  let srcAt = -1;
  let srcAlen = 0;
  let gatewayAt = -1;
  let gatewayAlen = 0;
  let prefsrcAt = -1;
  let prefsrcAlen = 0;
  let table: number | undefined;
  let priority: number | undefined;
  let oif: number | undefined;
  let iif: number | undefined;
  let flow: number | undefined;
  let mark: number | undefined;
  let uid: number | undefined;
  let nhId: number | undefined;
  let expires: number | undefined;
  let pref = -1;
  let ciAt = -1;
  let metricsAt = -1;
  let metricsLen = 0;
  let multipathAt = -1;
  let multipathLen = 0;
  let viaAt = -1;
  let viaLen = 0;
  let seen = 0; // bit per attribute type below 32: a repeat goes to the wire decoder
  for (let p = off + 12; p < end; ) {
    if (end - p < 4) return undefined;
    const alen = view.getUint16(p, true);
    if (alen < 4 || p + alen > end) return undefined;
    const typeField = view.getUint16(p + 2, true);
    if (typeField >= 32) return undefined;
    const bit = 1 << typeField;
    if ((seen & bit) !== 0) return undefined;
    seen |= bit;
    const len = alen - 4;
    const at = p + 4;
    switch (typeField) {
      case 1: // RTA_DST
        if (len !== 4 && len !== 16) return undefined;
        dstAt = at;
        dstAlen = len;
        break;
      case 2: // RTA_SRC
        if (len !== 4 && len !== 16) return undefined;
        srcAt = at;
        srcAlen = len;
        break;
      case 5: // RTA_GATEWAY
        if (len !== 4 && len !== 16) return undefined;
        gatewayAt = at;
        gatewayAlen = len;
        break;
      case 7: // RTA_PREFSRC
        if (len !== 4 && len !== 16) return undefined;
        prefsrcAt = at;
        prefsrcAlen = len;
        break;
      case 3: // RTA_IIF
      case 4: // RTA_OIF
      case 6: // RTA_PRIORITY
      case 11: // RTA_FLOW
      case 15: // RTA_TABLE
      case 16: // RTA_MARK
      case 23: // RTA_EXPIRES
      case 25: // RTA_UID
      case 30: {
        // RTA_NH_ID
        if (len !== 4) return undefined;
        const v = view.getUint32(at, true);
        if (typeField === 15) table = v;
        else if (typeField === 4) oif = v;
        else if (typeField === 6) priority = v;
        else if (typeField === 3) iif = v;
        else if (typeField === 11) flow = v;
        else if (typeField === 16) mark = v;
        else if (typeField === 23) expires = v;
        else if (typeField === 25) uid = v;
        else nhId = v;
        break;
      }
      case 12: // RTA_CACHEINFO
        if (len !== 32) return undefined;
        ciAt = at;
        break;
      case 20: // RTA_PREF
        if (len !== 1) return undefined;
        pref = buf[at];
        break;
      case 8: // RTA_METRICS
        metricsAt = at;
        metricsLen = len;
        break;
      case 9: // RTA_MULTIPATH
        multipathAt = at;
        multipathLen = len;
        break;
      case 18: // RTA_VIA
        viaAt = at;
        viaLen = len;
        break;
      default:
        return undefined;
    }
    p += (alen + 3) & ~3;
  }
  // The nests, through the wire schema's codecs (as MessageSchema.decode, from a fresh context).
  let metrics: MetricsWire | undefined;
  let multipath: NexthopWire[] | undefined;
  let via: RouteWire['via'];
  if (metricsAt >= 0 || multipathAt >= 0 || viaAt >= 0) {
    try {
      if (metricsAt >= 0) metrics = t.metrics.decode(r, metricsAt, metricsLen, freshContext(ctx));
      if (multipathAt >= 0) multipath = t.multipath.decode(r, multipathAt, multipathLen, freshContext(ctx));
      if (viaAt >= 0) via = t.via.decode(r, viaAt, viaLen, freshContext(ctx));
    } catch {
      return undefined; // the wire decoder reports it, with its path
    }
  }
  const route = new RouteObject(
    t.family[fam],
    dstAt < 0 && dstLen === 0 ? 'default' : prefixFromBytes(buf, dstAt, dstAlen, dstLen, fam),
    table ?? buf[off + 4],
    t.type[buf[off + 7]],
    t.protocol[buf[off + 5]],
    t.scope[buf[off + 6]],
    flagBits === 0 ? NO_FLAGS : (rtmsg.decode(r, off, 12, freshContext(ctx)).flags as Route['flags']),
  );
  if (srcLen !== 0 || srcAt >= 0) route.src = prefixFromBytes(buf, srcAt, srcAlen, srcLen, fam);
  if (tos !== 0) route.tos = tos;
  if (priority !== undefined) route.priority = priority;
  if (prefsrcAt >= 0) route.prefsrc = addressText(buf, prefsrcAt, prefsrcAlen);
  if (gatewayAt >= 0) route.gateway = addressText(buf, gatewayAt, gatewayAlen);
  if (via !== undefined) route.via = via.addr;
  if (oif !== undefined) route.oif = oif;
  if (iif !== undefined) route.iif = iif;
  if (multipath !== undefined) route.nexthops = multipath.map(nexthopFromWire);
  if (nhId !== undefined) route.nexthopId = nhId;
  if (metrics !== undefined) route.metrics = metricsFromWire(metrics);
  if (pref >= 0) route.pref = t.pref[pref];
  if (expires !== undefined) route.expires = expires;
  else if (ciAt >= 0) {
    const ticks = view.getInt32(ciAt + 8, true);
    if (ticks !== 0) route.expires = Math.max(0, Math.trunc(ticks / USER_HZ));
  }
  if (flow !== undefined) route.realms = realmsFromWire(flow);
  if (ciAt >= 0) {
    const error = view.getUint32(ciAt + 12, true);
    if (error !== 0) route.error = error | 0;
  }
  if (mark !== undefined) route.mark = mark;
  if (uid !== undefined) route.uid = uid;
  return route;
}

// A context as MessageSchema.decode leaves it at the start of a message's attributes.
function freshContext(ctx: DecodeContext): DecodeContext {
  if (ctx.path.length !== 0) ctx.path.length = 0;
  ctx.depth = 0;
  ctx.nonCanonical = false;
  return ctx;
}

// ---------------------------------------------------------------------------------------------
// Model -> bytes in one pass

// Thrown inside the direct encoder for a value it leaves to the wire encoder (which then gives its
// error, or its bytes): never escapes routeToBytes.
const FALLBACK: unique symbol = Symbol('fallback');

/** The type field (RTA_* and flags) of each route attribute the direct encoder writes, from the wire schema. */
interface RouteTypes {
  dst: number;
  src: number;
  iif: number;
  oif: number;
  gateway: number;
  priority: number;
  prefsrc: number;
  metrics: number;
  multipath: number;
  flow: number;
  cacheinfo: number;
  table: number;
  mark: number;
  via: number;
  pref: number;
  expires: number;
  uid: number;
  nhId: number;
}

let routeTypesTable: RouteTypes | undefined;

/** The attribute types, from the schema at the first direct encode (as the attribute set itself is built at first use). */
function routeTypes(): RouteTypes {
  if (routeTypesTable !== undefined) return routeTypesTable;
  const keys: (keyof RouteTypes)[] = ['dst', 'src', 'iif', 'oif', 'gateway', 'priority', 'prefsrc', 'metrics', 'multipath', 'flow', 'cacheinfo', 'table', 'mark', 'via', 'pref', 'expires', 'uid', 'nhId'];
  const t = {} as RouteTypes;
  for (const k of keys) {
    const spec = routeAttrs.entry(k);
    if (spec === undefined) throw new Error(`route attribute ${k} missing from the schema`);
    t[k] = spec.type | spec.flags; // the type field as the wire encoder writes it
  }
  return (routeTypesTable = t);
}

let metricTypesMap: ReadonlyMap<string, { type: number; text: boolean }> | undefined;

/**
 * RTAX_* type and whether the payload is a string, of each metric by its model (and wire) key, from
 * the wire schema: made at the first route with metrics, as the metrics attribute set itself is
 * built at first use (not at import, which every `rtnl` command pays).
 */
function metricTypes(): ReadonlyMap<string, { type: number; text: boolean }> {
  return (metricTypesMap ??= new Map(
    Object.entries(metricAttrs.specs).map(([key, spec]) => [key, { type: spec.type | spec.flags, text: spec.codec.kind === 'string' }]),
  ));
}

function u8Of(v: unknown): number {
  if (((v as number) & 0xff) === v) return v;
  throw FALLBACK;
}

function u16Of(v: unknown): number {
  if (((v as number) & 0xffff) === v) return v;
  throw FALLBACK;
}

function u32Of(v: unknown): number {
  if ((v as number) >>> 0 === v) return v;
  throw FALLBACK;
}

function s32Of(v: unknown): number {
  if (((v as number) | 0) === v) return v;
  throw FALLBACK;
}

/** An enum member of rtmsg (a u8) given by name or number, as enumOf encodes it. */
function enumU8(v: unknown, entries: Readonly<Record<string, number>>): number {
  if (typeof v === 'number') return u8Of(v);
  if (typeof v === 'string' && Object.hasOwn(entries, v)) return u8Of(entries[v]);
  throw FALLBACK;
}

/** A flags array (names of `bits` or numbers) as flagsOf combines it. */
function flagBits(flags: unknown, bits: Readonly<Record<string, number>>): number {
  if (!Array.isArray(flags)) throw FALLBACK;
  let v = 0;
  for (let i = 0; i < flags.length; i++) {
    const f: unknown = flags[i];
    let m: number;
    if (typeof f === 'number') m = f;
    else if (typeof f === 'string' && Object.hasOwn(bits, f)) m = bits[f];
    else throw FALLBACK;
    v = (v | m) >>> 0;
  }
  return v;
}

function putU32(w: Writer, type: number, v: unknown): void {
  const n = u32Of(v);
  const at = w.reserve(8);
  const view = w.view;
  view.setUint32(at, 8 | (type << 16), true);
  view.setUint32(at + 4, n, true);
}

/** An address attribute: the 4 or 16 bytes of an IPv4 or IPv6 address. */
function putAddress(w: Writer, type: number, bytes: Uint8Array | undefined): void {
  if (bytes === undefined) throw FALLBACK;
  const n = bytes.length;
  const at = w.reserve(4 + n);
  w.view.setUint32(at, (4 + n) | (type << 16), true);
  w.buf.set(bytes, at + 4);
}

/** The bytes of an address given as text, as the wire schema's `ip` codec parses it. */
function ipBytes(text: unknown): Uint8Array | undefined {
  return typeof text === 'string' ? parseIP(text) : undefined;
}

/** RTA_VIA: struct rtvia, the family (by the address's text) and the address. */
function putVia(w: Writer, type: number, text: unknown): void {
  if (typeof text !== 'string') throw FALLBACK;
  const v6 = familyOfAddress(text) === 'inet6';
  const bytes = v6 ? parseIPv6(text) : parseIPv4(text);
  if (bytes === undefined) throw FALLBACK;
  const n = 6 + bytes.length;
  const at = w.reserve(n);
  const view = w.view;
  view.setUint32(at, n | (type << 16), true);
  view.setUint16(at + 4, v6 ? AddressFamily.inet6 : AddressFamily.inet, true);
  w.buf.set(bytes, at + 6);
  w.pad();
}

function putMetrics(w: Writer, type: number, m: RouteMetrics): void {
  const nest = w.reserve(4);
  for (const key in m) {
    const v: unknown = m[key as keyof RouteMetrics];
    if (v === undefined) continue;
    const spec = metricTypes().get(key);
    if (spec === undefined) throw FALLBACK;
    if (key === 'lock') {
      if (!Array.isArray(v)) throw FALLBACK;
      putU32(w, spec.type, lockBits(v as (RouteMetricName | number)[]));
    } else if (spec.text) {
      if (typeof v !== 'string') throw FALLBACK;
      const n = Buffer.byteLength(v);
      const at = w.reserve(4 + n + 1);
      w.view.setUint32(at, (4 + n + 1) | (spec.type << 16), true);
      w.buf.write(v, at + 4, 'utf8');
      w.buf[at + 4 + n] = 0;
      w.pad();
    } else {
      const scale = METRIC_SCALE[key as RouteMetricName];
      putU32(w, spec.type, scale === undefined ? v : Math.round((v as number) * scale));
    }
  }
  const len = w.length - nest;
  if (len > 0xffff) throw FALLBACK;
  w.view.setUint32(nest, len | (type << 16), true);
}

function putMultipath(w: Writer, t: RouteTypes, paths: readonly RouteNexthop[]): void {
  if (!Array.isArray(paths)) throw FALLBACK;
  const nest = w.reserve(4);
  for (let i = 0; i < paths.length; i++) {
    const nh = paths[i];
    if (nh === null || typeof nh !== 'object') throw FALLBACK;
    const flags = u8Of(flagBits(nh.flags, RtnhFlags));
    const hops = u8Of(nh.weight - 1);
    const ifindex = s32Of(nh.oif ?? 0);
    const at = w.reserve(8);
    const view = w.view;
    view.setUint8(at + 2, flags);
    view.setUint8(at + 3, hops);
    view.setInt32(at + 4, ifindex, true);
    if (nh.gateway !== undefined) putAddress(w, t.gateway, ipBytes(nh.gateway));
    if (nh.via !== undefined) putVia(w, t.via, nh.via);
    if (nh.realms !== undefined) putU32(w, t.flow, realmsToWire(nh.realms));
    const n = w.length - at;
    if (n > 0xffff) throw FALLBACK;
    w.view.setUint16(at, n, true);
  }
  const len = w.length - nest;
  if (len > 0xffff) throw FALLBACK;
  w.view.setUint32(nest, len | (t.multipath << 16), true);
}

/**
 * Appends the payload of the route message for a route whose interfaces are indexes (struct rtmsg
 * and the attributes), straight from the model: the bytes `routeMessage.encode(w,
 * routeToWireParsed(r, dst, src))` writes, without the wire object. Returns false, having written
 * nothing, for a value it leaves to that encoder (out of range, of another type, unknown): the
 * caller encodes through it then, which reports the error the same way it always has.
 * @internal
 */
export function routeToBytes(w: Writer, r: Route, dst: Prefix | undefined, src: Prefix | undefined): boolean {
  const start = w.length;
  try {
    putRoute(w, r, dst, src);
    return true;
  } catch (err) {
    w.length = start;
    if (err === FALLBACK) return false;
    throw err;
  }
}

function putRoute(w: Writer, r: Route, dst: Prefix | undefined, src: Prefix | undefined): void {
  // struct rtmsg, as routeToWireParsed fills it.
  const family = r.family === 'inet' ? AddressFamily.inet : r.family === 'inet6' ? AddressFamily.inet6 : enumU8(r.family, AddressFamily);
  const dstLen = u8Of(dst?.length ?? 0);
  const srcLen = u8Of(src?.length ?? 0);
  const tos = u8Of(r.tos ?? 0);
  const rtmTable = u8Of(r.table < 256 ? r.table : 0);
  const protocol = enumU8(r.protocol, RtProtocol);
  const scope = r.scope === 'global' || (r.scope as string) === 'universe' ? 0 : enumU8(r.scope, RtScope);
  const type = enumU8(r.type, RtmType);
  const flags = u32Of(flagBits(r.flags, RtmFlags));
  const at = w.reserve(12);
  const view = w.view;
  view.setUint32(at, family | (dstLen << 8) | (srcLen << 16) | (tos << 24), true);
  view.setUint32(at + 4, rtmTable | (protocol << 8) | (scope << 16) | (type << 24), true);
  view.setUint32(at + 8, flags, true);
  // The attributes, in the order routeToWireParsed sets them.
  const t = routeTypes();
  if (dst !== undefined) putAddress(w, t.dst, dst.bytes);
  if (src !== undefined) putAddress(w, t.src, src.bytes);
  if (r.table >= 256) putU32(w, t.table, r.table);
  if (r.priority !== undefined) putU32(w, t.priority, r.priority);
  if (r.prefsrc !== undefined) putAddress(w, t.prefsrc, ipBytes(r.prefsrc));
  if (r.gateway !== undefined) putAddress(w, t.gateway, ipBytes(r.gateway));
  if (r.via !== undefined) putVia(w, t.via, r.via);
  if (r.oif !== undefined) putU32(w, t.oif, r.oif);
  if (r.iif !== undefined) putU32(w, t.iif, r.iif);
  if (r.nexthops !== undefined) putMultipath(w, t, r.nexthops);
  if (r.nexthopId !== undefined) putU32(w, t.nhId, r.nexthopId);
  if (r.metrics !== undefined) putMetrics(w, t.metrics, r.metrics);
  if (r.pref !== undefined) {
    const pref = enumU8(r.pref, RoutePrefs);
    const p = w.reserve(8);
    w.view.setUint32(p, 5 | (t.pref << 16), true);
    w.view.setUint32(p + 4, pref, true); // the byte and its padding
  }
  if (r.expires !== undefined) putU32(w, t.expires, r.expires);
  if (r.realms !== undefined) putU32(w, t.flow, realmsToWire(r.realms));
  if (r.error !== undefined) {
    const c = w.reserve(36);
    w.buf.fill(0, c, c + 36);
    w.view.setUint32(c, 36 | (t.cacheinfo << 16), true);
    w.view.setUint32(c + 16, r.error >>> 0, true); // rta_error
  }
  if (r.mark !== undefined) putU32(w, t.mark, r.mark);
  if (r.uid !== undefined) putU32(w, t.uid, r.uid);
}

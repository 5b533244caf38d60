// The one mapping between the link model (model.ts) and the wire message (struct ifinfomsg and the
// IFLA_* attributes, generated/link.ts). Pure: no I/O; link references are indexes here (the
// operations resolve names first). This is the only place where the wire's encodings are undone:
// `ifalias` is `alias`, IFLA_LINKINFO is split into `kind`/`data`/`port`, IFLA_STATS64 (or the
// 32-bit IFLA_STATS) is `stats`, IFLA_PROP_LIST is `altNames`, u8 booleans are booleans.
//
// `linkToWire(linkFromWire(w))` gives back what the model keeps of `w`, and
// `linkFromWire(linkToWire(link))` equals `link`. `writableLink()` is what a request may carry of
// a link: the read-only facts left out, and the kernel's quirks about what it takes back.

import { Reader } from '../../netlink/bytes.js';
import { NLA_TYPE_MASK } from '../../netlink/constants.js';
import type { SchemaValue } from '../../netlink/message.js';
import { linkAttrs, linkinfoDataMsg, linkMessage, ifinfomsg } from '../generated/link.js';
import { AttrSet, Struct, decodeContext, type AttrSpecs, type Codec, type DecodeContext } from '../../netlink/schema/index.js';
import { withBigintJson } from '../common/json.js';
import { LINK_READ_ONLY, type Link, type LinkData, type LinkPort, type LinkStats } from './model.js';

/** A link message as the wire schema decodes and encodes it (struct ifinfomsg and IFLA_* in one object). */
export type LinkWire = SchemaValue<typeof linkMessage>;

// ---------------------------------------------------------------------------------------------
// Lazily decoded fields

// The wire message keeps IFLA_STATS64 / IFLA_STATS and IFLA_AF_SPEC undecoded until they are read
// (most listings never read them). The model keeps that: its `stats` and `afSpec` are accessors,
// shared by every link (no closure per object), that read the wire object's on first access and
// then become plain data properties. The wire object stays reachable, in a private field, until then.

/** Returns the object it is given: a subclass's `super(obj)` then adds its private fields to `obj`. */
class Given {
  constructor(obj: object) {
    return obj;
  }
}

/**
 * Where a link's lazily decoded fields are read from, kept on the (plain) link object as a private
 * field: invisible to reflection, JSON, spread and deep equality, as a non-enumerable symbol
 * property was not quite, and about ten times cheaper to add than one (Object.defineProperty is a
 * runtime call; a private field is a plain property store).
 */
class LinkSource extends Given {
  #source: LazySource;

  private constructor(link: Link, source: LazySource) {
    super(link);
    this.#source = source;
  }

  /** Attaches `source` to `link`. */
  static attach(link: Link, source: LazySource): void {
    new LinkSource(link, source);
  }

  /** The source attached to `link`, if any. */
  static of(link: object): LazySource | undefined {
    return #source in link ? (link as LinkSource).#source : undefined;
  }
}

function settle(obj: object, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
}

/** What the lazily decoded fields are read from: the wire object, or a directly decoded link's source. */
type LazySource = Pick<LinkWire, 'stats' | 'stats64' | 'afSpec'>;

function lazyField(key: 'stats' | 'afSpec', read: (w: LazySource) => unknown): PropertyDescriptor {
  return {
    enumerable: true,
    configurable: true,
    get(this: Link) {
      const w = LinkSource.of(this);
      const value = w === undefined ? undefined : read(w);
      settle(this, key, value);
      return value;
    },
    set(this: Link, value: unknown) {
      settle(this, key, value);
    },
  };
}

/** Counters, exact: IFLA_STATS64, else the 32-bit IFLA_STATS widened. With a toJSON for the bigints. */
function readStats(w: LazySource): LinkStats | undefined {
  const s64 = w.stats64;
  if (s64 !== undefined) return withBigintJson(s64);
  const s32 = w.stats;
  if (s32 === undefined) return undefined;
  const out: Record<string, bigint> = {};
  for (const [k, v] of Object.entries(s32)) out[k] = BigInt(v as number);
  return withBigintJson(out as LinkStats);
}

function readAfSpec(w: LazySource): Link['afSpec'] {
  const a = w.afSpec;
  // IPv6 statistics in it are bigints.
  return a !== null && typeof a === 'object' && !(a instanceof Uint8Array) ? withBigintJson(a) : a;
}

const STATS = lazyField('stats', readStats);
const AF_SPEC = lazyField('afSpec', readAfSpec);

// Kind data and port data with 64-bit values (bridge timers): given a toJSON for them.
const DATA_WITH_BIGINTS: ReadonlySet<string> = new Set(['bridge']);
const PORT_DATA_WITH_BIGINTS: ReadonlySet<string> = new Set(['bridge']);

function jsonReady<T>(kind: string | undefined, value: T, kinds: ReadonlySet<string>): T {
  // Only the kinds with 64-bit values: the check costs nothing for the others.
  if (kind !== undefined && kinds.has(kind) && value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) withBigintJson(value);
  return value;
}

// ---------------------------------------------------------------------------------------------
// Wire -> model

const bool = (v: number | undefined): boolean | undefined => (v === undefined ? undefined : v !== 0);

/**
 * The model of a decoded link message. Every link gets every key of {@link Link}, in the same
 * order (a fact the message lacks is `undefined`): one object shape for all links keeps dumps fast.
 */
export function linkFromWire(w: LinkWire): Link {
  const info = w.linkinfo;
  const kind = info?.kind;
  const slaveKind = info?.slaveKind;
  const l: Link = {
    index: w.index,
    name: w.name ?? '',
    kind,
    data: info?.data === undefined ? undefined : jsonReady(kind, info.data as LinkData, DATA_WITH_BIGINTS),
    port: slaveKind === undefined ? undefined : { kind: slaveKind, data: jsonReady(slaveKind, info?.slaveData, PORT_DATA_WITH_BIGINTS) },
    flags: w.flags,
    mtu: w.mtu,
    address: w.address,
    broadcast: w.broadcast,
    permAddress: w.permAddress,
    txqlen: w.txqlen,
    alias: w.ifalias,
    group: w.group,
    master: w.master,
    link: w.link,
    linkNetnsid: w.linkNetnsid,
    linkType: w.type,
    operstate: w.operstate,
    linkmode: w.linkmode,
    qdisc: w.qdisc,
    carrier: bool(w.carrier),
    carrierChanges: w.carrierChanges,
    carrierUpCount: w.carrierUpCount,
    carrierDownCount: w.carrierDownCount,
    promiscuity: w.promiscuity,
    allmulti: w.allmulti,
    minMtu: w.minMtu,
    maxMtu: w.maxMtu,
    numTxQueues: w.numTxQueues,
    numRxQueues: w.numRxQueues,
    gsoMaxSize: w.gsoMaxSize,
    gsoMaxSegs: w.gsoMaxSegs,
    groMaxSize: w.groMaxSize,
    gsoIpv4MaxSize: w.gsoIpv4MaxSize,
    groIpv4MaxSize: w.groIpv4MaxSize,
    tsoMaxSize: w.tsoMaxSize,
    tsoMaxSegs: w.tsoMaxSegs,
    altNames: w.propList?.altIfname,
    protoDown: bool(w.protoDown),
    protoDownReason: w.protoDownReason,
    netnsImmutable: bool(w.netnsImmutable),
    headroom: w.headroom,
    tailroom: w.tailroom,
    maxPacingOffloadHorizon: w.maxPacingOffloadHorizon,
    parentDevName: w.parentDevName,
    parentDevBusName: w.parentDevBusName,
    physPortId: w.physPortId,
    physPortName: w.physPortName,
    physSwitchId: w.physSwitchId,
    numVf: w.numVf,
    xdp: w.xdp,
    protinfo: w.protinfo,
    family: w.family === 'unspec' ? undefined : w.family,
  };
  // Reading the wire object's lazy fields would decode them: the model's read them on first access.
  LinkSource.attach(l, w);
  Object.defineProperty(l, 'stats', STATS);
  Object.defineProperty(l, 'afSpec', AF_SPEC);
  return l;
}

// ---------------------------------------------------------------------------------------------
// Bytes -> model in one pass

/**
 * The type field (type and flags) of each attribute the direct decoder reads itself, by wire key:
 * the literal `case` labels of its switch, which a jump table needs. Checked against the generated
 * schema when the decoder is first used.
 */
const CASE = {
  address: 1, broadcast: 2, name: 3, mtu: 4, link: 5, qdisc: 6, stats: 7, master: 10, protinfo: 12, txqlen: 13,
  operstate: 16, linkmode: 17, linkinfo: 18, ifalias: 20, numVf: 21, stats64: 23, afSpec: 26, group: 27,
  promiscuity: 30, numTxQueues: 31, numRxQueues: 32, carrier: 33, physPortId: 34, carrierChanges: 35, physSwitchId: 36,
  linkNetnsid: 37, physPortName: 38, protoDown: 39, gsoMaxSegs: 40, gsoMaxSize: 41, xdp: 43, carrierUpCount: 47,
  carrierDownCount: 48, minMtu: 50, maxMtu: 51, propList: 52 | 0x8000, permAddress: 54, protoDownReason: 55,
  parentDevName: 56, parentDevBusName: 57, groMaxSize: 58, tsoMaxSize: 59, tsoMaxSegs: 60, allmulti: 61,
  gsoIpv4MaxSize: 63, groIpv4MaxSize: 64, maxPacingOffloadHorizon: 66, netnsImmutable: 67, headroom: 68, tailroom: 69,
} as const;

/** The integers the switch reads in place, by how it reads them (bytes; negative: signed). */
const INT_WIDTH = {
  mtu: 4, link: 4, master: 4, txqlen: 4, numVf: 4, group: 4, promiscuity: 4, numTxQueues: 4, numRxQueues: 4, carrier: 1,
  carrierChanges: 4, linkNetnsid: -4, protoDown: 1, gsoMaxSegs: 4, gsoMaxSize: 4, carrierUpCount: 4, carrierDownCount: 4,
  minMtu: 4, maxMtu: 4, groMaxSize: 4, tsoMaxSize: 4, tsoMaxSegs: 4, allmulti: 4, gsoIpv4MaxSize: 4, groIpv4MaxSize: 4,
  netnsImmutable: 1, headroom: 2, tailroom: 2,
} as const satisfies Partial<Record<keyof typeof CASE, number>>;

/** How the direct decoder takes an attribute its switch does not name: its spec, and how to check it. */
interface OtherEntry {
  /** The type field it must have (type and default flags): another goes to the wire decoder. */
  typeField: number;
  codec: Codec<unknown>;
  /** 1, 2, 4: an integer, only its length checked; 0: decoded through the codec (and dropped), to check it. */
  int: number;
  /** Decoding it cannot fail: nothing to check (opaque bytes, structs). */
  skip: boolean;
}

/** The codecs of the attributes the switch decodes through the schema (all but the integers), by wire key. */
type CaseCodecs = Record<Exclude<keyof typeof CASE, keyof typeof INT_WIDTH>, Codec<unknown>>;

interface DirectTables {
  /** The codecs of the attributes the switch names. */
  codecs: CaseCodecs;
  /** Every other single attribute of the schema, by type. */
  others: (OtherEntry | undefined)[];
}

let tables: DirectTables | undefined;

/** Builds the decoder's tables from the generated schema, checking the switch's labels against it. */
function directTables(): DirectTables {
  // Walked with for-in over the specs themselves, without entry() copies or entries arrays: this
  // runs in every `rtnl link show`, before its first output (see addr.ts's CODES for why that counts).
  const specs: AttrSpecs = linkAttrs.specs;
  const named: (keyof typeof CASE | undefined)[] = [];
  for (const k in CASE) named[CASE[k as keyof typeof CASE] & NLA_TYPE_MASK] = k as keyof typeof CASE;
  // A copy of CASE (its shape, so not one new hidden class per key added), each label then
  // replaced by the attribute's codec; a number left means the schema lacks the attribute.
  const codecs: Record<string, Codec<unknown> | number> = { ...CASE };
  const others: (OtherEntry | undefined)[] = [];
  for (const key in specs) {
    const spec = specs[key];
    if (spec.multi) continue;
    const kind = spec.codec.kind;
    const int = kind === 'u8' ? 1 : kind === 'u16' ? 2 : kind === 'u32' || kind === 's32' ? 4 : 0;
    const name = named[spec.type];
    if (name === undefined) {
      others[spec.type] = { typeField: spec.type | spec.flags, codec: spec.codec, int, skip: kind === 'binary' || spec.codec instanceof Struct };
      continue;
    }
    const width = (INT_WIDTH as Partial<Record<keyof typeof CASE, number>>)[name];
    const lazyWanted = name === 'stats' || name === 'stats64' || name === 'afSpec';
    if (name !== key || CASE[name] !== (spec.type | spec.flags) || (width !== undefined && (Math.abs(width) !== int || (width < 0) !== (kind === 's32'))) || lazyWanted !== (spec.lazy === true)) {
      throw new Error(`link attribute ${spec.type}: the direct decoder's ${name} does not match the schema's ${key} (${kind})`);
    }
    codecs[name] = spec.codec;
  }
  for (const name in CASE) if (typeof codecs[name] === 'number') throw new Error(`link attribute ${name} is not in the schema`);
  return { codecs: codecs as unknown as CaseCodecs, others };
}

/** What a lazily decoded field's bytes are until the message has some. */
const EMPTY = new Uint8Array(0);

/**
 * Where a directly decoded link's lazily decoded attributes are: read as the wire object's lazy
 * attributes are (the same codecs, from a fresh context, with the message as parent), through
 * getters on the prototype rather than accessors defined on each object.
 */
class LazyLinkSource {
  // Offset and length of IFLA_STATS, IFLA_STATS64 and IFLA_AF_SPEC in `buf` (offset -1: absent),
  // as plain fields: a typed array per link costs more than the object holding it.
  statsOff = -1;
  statsLen = 0;
  stats64Off = -1;
  stats64Len = 0;
  afSpecOff = -1;
  afSpecLen = 0;
  buf: Uint8Array = EMPTY;

  constructor(readonly family: LinkWire['family']) {}

  private read(off: number, len: number, codec: Codec<unknown>): unknown {
    if (off < 0) return undefined;
    return codec.decode(new Reader(this.buf), off, len, decodeContext(), this as unknown as Record<string, unknown>);
  }

  get stats(): LinkWire['stats'] {
    return this.read(this.statsOff, this.statsLen, (tables as DirectTables).codecs.stats) as LinkWire['stats'];
  }

  get stats64(): LinkWire['stats64'] {
    return this.read(this.stats64Off, this.stats64Len, (tables as DirectTables).codecs.stats64) as LinkWire['stats64'];
  }

  get afSpec(): LinkWire['afSpec'] {
    return this.read(this.afSpecOff, this.afSpecLen, (tables as DirectTables).codecs.afSpec) as LinkWire['afSpec'];
  }
}

/**
 * A link message's payload (struct ifinfomsg and attributes, from `off` to `end`) decoded straight
 * into the model, with no wire object in between: what `linkFromWire(linkMessage.decode(r, off,
 * end, ctx))` gives, which it falls back to for what it does not take itself (a repeat, an
 * attribute it does not know, an unusual size or type flag, malformed bytes: there the wire
 * decoder's DecodeError). Stats and afSpec stay undecoded until read, as there.
 */
export function linkFromBytes(r: Reader, off: number, end: number, ctx: DecodeContext): Link {
  let link: Link | undefined;
  try {
    link = decodeDirect(r, off, end, ctx);
  } catch {
    link = undefined; // the wire decoder reports it, with its path
  }
  return link ?? linkFromWire(linkMessage.decode(r, off, end, ctx));
}

function freshContext(ctx: DecodeContext): DecodeContext {
  if (ctx.path.length !== 0) ctx.path.length = 0;
  ctx.depth = 0;
  ctx.nonCanonical = false;
  return ctx;
}

type W = LinkWire;

/**
 * The direct decoder alone: undefined when the message needs the wire decoder. One switch on the
 * type field (a jump table) into locals, then one object literal: no table of values to fill and
 * clear per message. Exported for the tests that check it takes what it should.
 * @internal
 */
export function decodeDirect(r: Reader, off: number, end: number, ctx: DecodeContext): Link | undefined {
  if (end - off < 16) return undefined;
  const { codecs: c, others } = (tables ??= directTables());
  const buf = r.buf;
  const view = r.view;
  const h = ifinfomsg.decode(r, off, 16, freshContext(ctx)) as Pick<LinkWire, 'family' | 'type' | 'index' | 'flags' | 'change'>;
  const parent = h as unknown as Record<string, unknown>;
  const source = new LazyLinkSource(h.family);
  let anyLazy = false;
  // Which attribute types were seen (all are below 96): a repeat goes to the wire decoder.
  let seen0 = 0;
  let seen1 = 0;
  let seen2 = 0;
  let address: W['address'], broadcast: W['broadcast'], name: W['name'], mtu: W['mtu'], link: W['link'], qdisc: W['qdisc'];
  let master: W['master'], protinfo: W['protinfo'], txqlen: W['txqlen'], operstate: W['operstate'], linkmode: W['linkmode'];
  let linkinfo: W['linkinfo'], ifalias: W['ifalias'], numVf: W['numVf'], group: W['group'], promiscuity: W['promiscuity'];
  let numTxQueues: W['numTxQueues'], numRxQueues: W['numRxQueues'], carrier: W['carrier'], physPortId: W['physPortId'];
  let carrierChanges: W['carrierChanges'], physSwitchId: W['physSwitchId'], linkNetnsid: W['linkNetnsid'], physPortName: W['physPortName'];
  let protoDown: W['protoDown'], gsoMaxSegs: W['gsoMaxSegs'], gsoMaxSize: W['gsoMaxSize'], xdp: W['xdp'];
  let carrierUpCount: W['carrierUpCount'], carrierDownCount: W['carrierDownCount'], minMtu: W['minMtu'], maxMtu: W['maxMtu'];
  let propList: W['propList'], permAddress: W['permAddress'], protoDownReason: W['protoDownReason'];
  let parentDevName: W['parentDevName'], parentDevBusName: W['parentDevBusName'], groMaxSize: W['groMaxSize'];
  let tsoMaxSize: W['tsoMaxSize'], tsoMaxSegs: W['tsoMaxSegs'], allmulti: W['allmulti'], gsoIpv4MaxSize: W['gsoIpv4MaxSize'];
  let groIpv4MaxSize: W['groIpv4MaxSize'], maxPacingOffloadHorizon: W['maxPacingOffloadHorizon'];
  let netnsImmutable: W['netnsImmutable'], headroom: W['headroom'], tailroom: W['tailroom'];
  for (let p = off + 16; p < end; ) {
    if (end - p < 4) return undefined;
    const alen = buf[p] | (buf[p + 1] << 8);
    if (alen < 4 || p + alen > end) return undefined;
    const typeField = buf[p + 2] | (buf[p + 3] << 8);
    const type = typeField & NLA_TYPE_MASK;
    const bit = 1 << (type & 31);
    if (type < 32) {
      if ((seen0 & bit) !== 0) return undefined;
      seen0 |= bit;
    } else if (type < 64) {
      if ((seen1 & bit) !== 0) return undefined;
      seen1 |= bit;
    } else if (type < 96) {
      if ((seen2 & bit) !== 0) return undefined;
      seen2 |= bit;
    } else return undefined;
    const at = p + 4;
    const len = alen - 4;
    // The labels are CASE's values (checked against the schema in directTables).
    switch (typeField) {
      case 1: address = c.address.decode(r, at, len, freshContext(ctx), parent) as W['address']; break;
      case 2: broadcast = c.broadcast.decode(r, at, len, freshContext(ctx), parent) as W['broadcast']; break;
      case 3: name = c.name.decode(r, at, len, freshContext(ctx), parent) as W['name']; break;
      case 4: if (len !== 4) return undefined; mtu = view.getUint32(at, true); break;
      case 5: if (len !== 4) return undefined; link = view.getUint32(at, true); break;
      case 6: qdisc = c.qdisc.decode(r, at, len, freshContext(ctx), parent) as W['qdisc']; break;
      case 7: source.statsOff = at; source.statsLen = len; anyLazy = true; break;
      case 10: if (len !== 4) return undefined; master = view.getUint32(at, true); break;
      case 12: protinfo = c.protinfo.decode(r, at, len, freshContext(ctx), parent) as W['protinfo']; break;
      case 13: if (len !== 4) return undefined; txqlen = view.getUint32(at, true); break;
      case 16: operstate = c.operstate.decode(r, at, len, freshContext(ctx), parent) as W['operstate']; break;
      case 17: linkmode = c.linkmode.decode(r, at, len, freshContext(ctx), parent) as W['linkmode']; break;
      case 18: linkinfo = c.linkinfo.decode(r, at, len, freshContext(ctx), parent) as W['linkinfo']; break;
      case 20: ifalias = c.ifalias.decode(r, at, len, freshContext(ctx), parent) as W['ifalias']; break;
      case 21: if (len !== 4) return undefined; numVf = view.getUint32(at, true); break;
      case 23: source.stats64Off = at; source.stats64Len = len; anyLazy = true; break;
      case 26: source.afSpecOff = at; source.afSpecLen = len; anyLazy = true; break;
      case 27: if (len !== 4) return undefined; group = view.getUint32(at, true); break;
      case 30: if (len !== 4) return undefined; promiscuity = view.getUint32(at, true); break;
      case 31: if (len !== 4) return undefined; numTxQueues = view.getUint32(at, true); break;
      case 32: if (len !== 4) return undefined; numRxQueues = view.getUint32(at, true); break;
      case 33: if (len !== 1) return undefined; carrier = buf[at]; break;
      case 34: physPortId = c.physPortId.decode(r, at, len, freshContext(ctx), parent) as W['physPortId']; break;
      case 35: if (len !== 4) return undefined; carrierChanges = view.getUint32(at, true); break;
      case 36: physSwitchId = c.physSwitchId.decode(r, at, len, freshContext(ctx), parent) as W['physSwitchId']; break;
      case 37: if (len !== 4) return undefined; linkNetnsid = view.getInt32(at, true); break;
      case 38: physPortName = c.physPortName.decode(r, at, len, freshContext(ctx), parent) as W['physPortName']; break;
      case 39: if (len !== 1) return undefined; protoDown = buf[at]; break;
      case 40: if (len !== 4) return undefined; gsoMaxSegs = view.getUint32(at, true); break;
      case 41: if (len !== 4) return undefined; gsoMaxSize = view.getUint32(at, true); break;
      case 43: xdp = c.xdp.decode(r, at, len, freshContext(ctx), parent) as W['xdp']; break;
      case 47: if (len !== 4) return undefined; carrierUpCount = view.getUint32(at, true); break;
      case 48: if (len !== 4) return undefined; carrierDownCount = view.getUint32(at, true); break;
      case 50: if (len !== 4) return undefined; minMtu = view.getUint32(at, true); break;
      case 51: if (len !== 4) return undefined; maxMtu = view.getUint32(at, true); break;
      case 52 | 0x8000: propList = c.propList.decode(r, at, len, freshContext(ctx), parent) as W['propList']; break;
      case 54: permAddress = c.permAddress.decode(r, at, len, freshContext(ctx), parent) as W['permAddress']; break;
      case 55: protoDownReason = c.protoDownReason.decode(r, at, len, freshContext(ctx), parent) as W['protoDownReason']; break;
      case 56: parentDevName = c.parentDevName.decode(r, at, len, freshContext(ctx), parent) as W['parentDevName']; break;
      case 57: parentDevBusName = c.parentDevBusName.decode(r, at, len, freshContext(ctx), parent) as W['parentDevBusName']; break;
      case 58: if (len !== 4) return undefined; groMaxSize = view.getUint32(at, true); break;
      case 59: if (len !== 4) return undefined; tsoMaxSize = view.getUint32(at, true); break;
      case 60: if (len !== 4) return undefined; tsoMaxSegs = view.getUint32(at, true); break;
      case 61: if (len !== 4) return undefined; allmulti = view.getUint32(at, true); break;
      case 63: if (len !== 4) return undefined; gsoIpv4MaxSize = view.getUint32(at, true); break;
      case 64: if (len !== 4) return undefined; groIpv4MaxSize = view.getUint32(at, true); break;
      case 66: maxPacingOffloadHorizon = c.maxPacingOffloadHorizon.decode(r, at, len, freshContext(ctx), parent) as W['maxPacingOffloadHorizon']; break;
      case 67: if (len !== 1) return undefined; netnsImmutable = buf[at]; break;
      case 68: if (len !== 2) return undefined; headroom = view.getUint16(at, true); break;
      case 69: if (len !== 2) return undefined; tailroom = view.getUint16(at, true); break;
      default: {
        // An attribute the model does not read: checked as the wire decoder would check it.
        const e = others[type];
        if (e === undefined || e.typeField !== typeField) return undefined;
        if (e.int !== 0) {
          if (len !== e.int) return undefined;
        } else if (!e.skip) e.codec.decode(r, at, len, freshContext(ctx), parent);
      }
    }
    p += (alen + 3) & ~3;
  }
  const kind = linkinfo?.kind;
  const slaveKind = linkinfo?.slaveKind;
  const l: Link = {
    index: h.index,
    name: name ?? '',
    kind,
    data: linkinfo?.data === undefined ? undefined : jsonReady(kind, linkinfo.data as LinkData, DATA_WITH_BIGINTS),
    port: slaveKind === undefined ? undefined : { kind: slaveKind, data: jsonReady(slaveKind, linkinfo?.slaveData, PORT_DATA_WITH_BIGINTS) },
    flags: h.flags,
    mtu,
    address,
    broadcast,
    permAddress,
    txqlen,
    alias: ifalias,
    group,
    master,
    link,
    linkNetnsid,
    linkType: h.type,
    operstate,
    linkmode,
    qdisc,
    carrier: bool(carrier),
    carrierChanges,
    carrierUpCount,
    carrierDownCount,
    promiscuity,
    allmulti,
    minMtu,
    maxMtu,
    numTxQueues,
    numRxQueues,
    gsoMaxSize,
    gsoMaxSegs,
    groMaxSize,
    gsoIpv4MaxSize,
    groIpv4MaxSize,
    tsoMaxSize,
    tsoMaxSegs,
    altNames: propList?.altIfname,
    protoDown: bool(protoDown),
    protoDownReason,
    netnsImmutable: bool(netnsImmutable),
    headroom,
    tailroom,
    maxPacingOffloadHorizon,
    parentDevName,
    parentDevBusName,
    physPortId,
    physPortName,
    physSwitchId,
    numVf,
    xdp,
    protinfo,
    family: h.family === 'unspec' ? undefined : h.family,
  };
  if (anyLazy) source.buf = r.stable();
  LinkSource.attach(l, source);
  Object.defineProperty(l, 'stats', STATS);
  Object.defineProperty(l, 'afSpec', AF_SPEC);
  return l;
}

// ---------------------------------------------------------------------------------------------
// Model -> wire

/** A link (or part of one) with its references resolved: `master` and `link` are indexes. */
export type ResolvedLink = Partial<Omit<Link, 'master' | 'link' | 'altNames'>> & {
  /** The master's index (0: none). */
  master?: number;
  /** The lower link's index. */
  link?: number;
  /** Alternative names. */
  altNames?: readonly string[];
};

const bit = (b: boolean): number => (b ? 1 : 0);

/**
 * The wire message of a link (or of the part of one a request carries). Fields absent from
 * `link` are absent from the message; the ifinfomsg header is filled with zeros where unknown.
 */
export function linkToWire(link: ResolvedLink): LinkWire {
  const w = { family: link.family ?? 'unspec', type: link.linkType ?? 0, index: link.index ?? 0, flags: link.flags !== undefined ? [...link.flags] : [], change: [] } as LinkWire;
  if (link.name !== undefined) w.name = link.name;
  if (link.kind !== undefined || link.data !== undefined || link.port !== undefined) {
    const info: NonNullable<LinkWire['linkinfo']> = {};
    if (link.kind !== undefined) info.kind = link.kind;
    if (link.data !== undefined) info.data = link.data;
    if (link.port !== undefined) {
      info.slaveKind = link.port.kind;
      if (link.port.data !== undefined) info.slaveData = link.port.data;
    }
    w.linkinfo = info;
  }
  if (link.mtu !== undefined) w.mtu = link.mtu;
  if (link.address !== undefined) w.address = link.address;
  if (link.broadcast !== undefined) w.broadcast = link.broadcast;
  if (link.permAddress !== undefined) w.permAddress = link.permAddress;
  if (link.txqlen !== undefined) w.txqlen = link.txqlen;
  if (link.alias !== undefined) w.ifalias = link.alias;
  if (link.group !== undefined) w.group = link.group;
  if (link.master !== undefined) w.master = link.master;
  if (link.link !== undefined) w.link = link.link;
  if (link.linkNetnsid !== undefined) w.linkNetnsid = link.linkNetnsid;
  if (link.operstate !== undefined) w.operstate = link.operstate;
  if (link.linkmode !== undefined) w.linkmode = link.linkmode;
  if (link.qdisc !== undefined) w.qdisc = link.qdisc;
  if (link.carrier !== undefined) w.carrier = bit(link.carrier);
  if (link.carrierChanges !== undefined) w.carrierChanges = link.carrierChanges;
  if (link.carrierUpCount !== undefined) w.carrierUpCount = link.carrierUpCount;
  if (link.carrierDownCount !== undefined) w.carrierDownCount = link.carrierDownCount;
  if (link.promiscuity !== undefined) w.promiscuity = link.promiscuity;
  if (link.allmulti !== undefined) w.allmulti = link.allmulti;
  if (link.minMtu !== undefined) w.minMtu = link.minMtu;
  if (link.maxMtu !== undefined) w.maxMtu = link.maxMtu;
  if (link.numTxQueues !== undefined) w.numTxQueues = link.numTxQueues;
  if (link.numRxQueues !== undefined) w.numRxQueues = link.numRxQueues;
  if (link.gsoMaxSize !== undefined) w.gsoMaxSize = link.gsoMaxSize;
  if (link.gsoMaxSegs !== undefined) w.gsoMaxSegs = link.gsoMaxSegs;
  if (link.groMaxSize !== undefined) w.groMaxSize = link.groMaxSize;
  if (link.gsoIpv4MaxSize !== undefined) w.gsoIpv4MaxSize = link.gsoIpv4MaxSize;
  if (link.groIpv4MaxSize !== undefined) w.groIpv4MaxSize = link.groIpv4MaxSize;
  if (link.tsoMaxSize !== undefined) w.tsoMaxSize = link.tsoMaxSize;
  if (link.tsoMaxSegs !== undefined) w.tsoMaxSegs = link.tsoMaxSegs;
  if (link.altNames !== undefined) w.propList = { altIfname: [...link.altNames] };
  if (link.protoDown !== undefined) w.protoDown = bit(link.protoDown);
  if (link.protoDownReason !== undefined) w.protoDownReason = link.protoDownReason;
  if (link.netnsImmutable !== undefined) w.netnsImmutable = bit(link.netnsImmutable);
  if (link.headroom !== undefined) w.headroom = link.headroom;
  if (link.tailroom !== undefined) w.tailroom = link.tailroom;
  if (link.maxPacingOffloadHorizon !== undefined) w.maxPacingOffloadHorizon = link.maxPacingOffloadHorizon;
  if (link.parentDevName !== undefined) w.parentDevName = link.parentDevName;
  if (link.parentDevBusName !== undefined) w.parentDevBusName = link.parentDevBusName;
  if (link.physPortId !== undefined) w.physPortId = link.physPortId;
  if (link.physPortName !== undefined) w.physPortName = link.physPortName;
  if (link.physSwitchId !== undefined) w.physSwitchId = link.physSwitchId;
  if (link.numVf !== undefined) w.numVf = link.numVf;
  if (link.xdp !== undefined) w.xdp = link.xdp;
  if (link.stats !== undefined) w.stats64 = link.stats;
  if (link.afSpec !== undefined) w.afSpec = link.afSpec;
  if (link.protinfo !== undefined) w.protinfo = link.protinfo;
  return w;
}

// ---------------------------------------------------------------------------------------------
// What a request carries

/**
 * Kind data the kernel reports but does not take back (some refuse it: `fdbNLearned`,
 * `bcQueueLenUsed`, `macaddrCount`): counters, timers, ids, states.
 */
const DATA_READ_ONLY: Readonly<Record<string, readonly string[]>> = {
  bridge: ['helloTimer', 'tcnTimer', 'topologyChangeTimer', 'gcTimer', 'bridgeId', 'rootId', 'rootPort', 'rootPathCost', 'topologyChange', 'topologyChangeDetected', 'fdbNLearned'],
  macvlan: ['macaddrCount', 'bcQueueLenUsed'],
  macvtap: ['macaddrCount', 'bcQueueLenUsed'],
  bond: ['adInfo'],
};

/**
 * Port data the kernel reports but does not take back. A bridge port's STP `state` follows STP
 * and the carrier (the kernel refuses to set it on a port that is not up yet).
 */
const PORT_DATA_READ_ONLY: Readonly<Record<string, readonly string[]>> = {
  bridge: [
    'state',
    'rootId',
    'bridgeId',
    'designatedPort',
    'designatedCost',
    'id',
    'no',
    'topologyChangeAck',
    'configPending',
    'messageAgeTimer',
    'forwardDelayTimer',
    'holdTimer',
    'mrpRingOpen',
    'mrpInOpen',
    'mcastEhtHostsCnt',
    'mcastNGroups',
    'pad',
  ],
  bond: ['state', 'miiStatus', 'linkFailureCount', 'permHwaddr', 'adAggregatorId', 'adActorOperPortState', 'adPartnerOperPortState', 'adChurnActorState', 'adChurnPartnerState'],
};

function without(obj: Record<string, unknown>, keys: readonly string[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // The key test comes first: reading a lazily decoded field (stats, afSpec) would decode it.
  for (const k in obj) if (!keys?.includes(k) && obj[k] !== undefined) out[k] = obj[k];
  return out;
}

/**
 * The kind data a request may carry: the read-only facts left out, and what the kernel reports
 * in a form it does not take back, in the form it takes.
 */
export function writableData(kind: string, data: LinkData): LinkData {
  if (data instanceof Uint8Array) return data;
  const d = without(data as Record<string, unknown>, DATA_READ_ONLY[kind]);
  // 64-bit values come back from JSON as decimal text (see withBigintJson): taken as such.
  const format = Object.hasOwn(linkinfoDataMsg.formats, kind) ? linkinfoDataMsg.formats[kind] : undefined;
  if (format instanceof AttrSet) {
    const set = format as AttrSet<Record<string, never>>;
    for (const k in d) {
      const v = d[k];
      if (typeof v === 'string' && /^-?\d+$/.test(v) && /64$/.test(set.entry(k)?.codec.kind ?? '')) d[k] = BigInt(v);
    }
  }
  switch (kind) {
    case 'vxlan':
      // IFLA_VXLAN_TTL_INHERIT is dumped as a u8 but taken as a flag: false means absent.
      if (d.ttlInherit === false) delete d.ttlInherit;
      // Given at all (even 0), IFLA_VXLAN_REMCSUM_RX makes the kernel reserve the remote checksum
      // bits, which then clash with the listed `reservedBits`: 0 is the default, left out.
      if (d.remcsumRx === 0) delete d.remcsumRx;
      break;
    case 'bridge': {
      // A kernel without VLAN filtering refuses IFLA_BR_VLAN_FILTERING even as 0 (the default),
      // and a multi-boolean option mask naming options it lacks: only the options that are on.
      if (d.vlanFiltering === 0) delete d.vlanFiltering;
      const b = d.multiBoolopt as { optval: number; optmask: number } | undefined;
      if (b !== undefined) {
        if (b.optval === 0) delete d.multiBoolopt;
        else d.multiBoolopt = { optval: b.optval, optmask: b.optval };
      }
      break;
    }
    case 'macvlan':
    case 'macvtap':
      // The source MAC list is applied by the kernel only with a mode: a listed list is the list.
      if (d.macaddrData !== undefined && d.macaddrMode === undefined) d.macaddrMode = 'set';
      break;
    default:
      break;
  }
  return d as LinkData;
}

/** The port data a request may carry: the read-only facts left out. */
export function writablePort(port: LinkPort): LinkPort {
  if (port.data === undefined || port.data instanceof Uint8Array) return port;
  return { kind: port.kind, data: without(port.data as Record<string, unknown>, PORT_DATA_READ_ONLY[port.kind]) as LinkPort['data'] };
}

/** `link` without the read-only facts of {@link LINK_READ_ONLY}. */
export function withoutReadOnly<T extends object>(link: T): T {
  return without(link as Record<string, unknown>, LINK_READ_ONLY) as T;
}

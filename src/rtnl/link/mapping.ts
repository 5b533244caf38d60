// The one mapping between the link model (model.ts) and the wire message (struct ifinfomsg and the
// IFLA_* attributes, generated/link.ts). Pure: no I/O; link references are indexes here (the
// operations resolve names first). This is the only place where the wire's encodings are undone:
// `ifalias` is `alias`, IFLA_LINKINFO is split into `kind`/`data`/`port`, IFLA_STATS64 (or the
// 32-bit IFLA_STATS) is `stats`, IFLA_PROP_LIST is `altNames`, u8 booleans are booleans.
//
// `linkToWire(linkFromWire(w))` gives back what the model keeps of `w`, and
// `linkFromWire(linkToWire(link))` equals `link`. `writableLink()` is what a request may carry of
// a link: the read-only facts left out, and the kernel's quirks about what it takes back.

import type { SchemaValue } from '../../netlink/message.js';
import { linkinfoDataMsg, type linkMessage } from '../generated/link.js';
import { AttrSet } from '../../netlink/schema/index.js';
import { withBigintJson } from '../common/json.js';
import { LINK_READ_ONLY, type Link, type LinkData, type LinkPort, type LinkStats } from './model.js';

/** A link message as the wire schema decodes and encodes it (struct ifinfomsg and IFLA_* in one object). */
export type LinkWire = SchemaValue<typeof linkMessage>;

// ---------------------------------------------------------------------------------------------
// Lazily decoded fields

// The wire message keeps IFLA_STATS64 / IFLA_STATS and IFLA_AF_SPEC undecoded until they are read
// (most listings never read them). The model keeps that: its `stats` and `afSpec` are accessors,
// shared by every link (no closure per object), that read the wire object's on first access and
// then become plain data properties. The wire object stays reachable (non-enumerable) until then.
const SOURCE: unique symbol = Symbol('rtnetlink.link.source');

type Pending = Link & { [SOURCE]?: LinkWire };

function settle(obj: object, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
}

function lazyField(key: 'stats' | 'afSpec', read: (w: LinkWire) => unknown): PropertyDescriptor {
  return {
    enumerable: true,
    configurable: true,
    get(this: Pending) {
      const w = this[SOURCE];
      const value = w === undefined ? undefined : read(w);
      settle(this, key, value);
      return value;
    },
    set(this: Pending, value: unknown) {
      settle(this, key, value);
    },
  };
}

/** Counters, exact: IFLA_STATS64, else the 32-bit IFLA_STATS widened. With a toJSON for the bigints. */
function readStats(w: LinkWire): LinkStats | undefined {
  const s64 = w.stats64;
  if (s64 !== undefined) return withBigintJson(s64);
  const s32 = w.stats;
  if (s32 === undefined) return undefined;
  const out: Record<string, bigint> = {};
  for (const [k, v] of Object.entries(s32)) out[k] = BigInt(v as number);
  return withBigintJson(out as LinkStats);
}

function readAfSpec(w: LinkWire): Link['afSpec'] {
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
  Object.defineProperty(l, SOURCE, { value: w, enumerable: false, configurable: true, writable: true });
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

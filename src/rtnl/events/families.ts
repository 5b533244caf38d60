// What the event machinery knows about each rtnetlink family: its multicast groups, message types,
// dump request, object identity (the key a view is indexed by), which fields are volatile (counters
// and timers that change without an event), and which objects a tracked view holds.

import type { Connection, RequestOptions } from '../../netlink/connection.js';
import type { MessageSchema, SchemaValue } from '../../netlink/message.js';
import type { Reader } from '../../netlink/bytes.js';
import type { AttrSpecs, DecodeContext, StructMembers } from '../../netlink/schema/index.js';
import { RTM_DELADDR, RTM_GETADDR, RTM_NEWADDR, addrMessage } from '../generated/addr.js';
import { RTM_DELLINK, RTM_GETLINK, RTM_NEWLINK, linkMessage } from '../generated/link.js';
import { RTM_DELNEIGH, RTM_GETNEIGH, RTM_NEWNEIGH, neighMessage } from '../generated/neigh.js';
import { RTM_DELNEXTHOP, RTM_GETNEXTHOP, RTM_NEWNEXTHOP, nexthopMessage } from '../nexthop/wire.js';
import { RTM_DELNSID, RTM_GETNSID, RTM_NEWNSID, nsidMessage } from '../nsid/wire.js';
import type { Address } from '../address/addresses.js';
import { dumpObjects, type DumpResult } from '../common/requests.js';
import type { Link } from '../link/links.js';
import { ROUTE_FACTS } from '../route/facts.js';
import { routeBaseKey as baseKeyOfRoute, type Route } from '../route/model.js';
import { RULE_FACTS } from '../rule/facts.js';
import type { Rule } from '../rule/model.js';

/**
 * The rtnetlink multicast groups a monitor can join, by name, with their numbers (RTNLGRP_* of
 * `<linux/rtnetlink.h>`).
 */
export const RTNL_GROUPS = {
  /** RTNLGRP_LINK: links created, changed, deleted. */
  link: 1,
  /** RTNLGRP_NEIGH: neighbours (ARP, NDP, bridge FDB entries). */
  neigh: 3,
  /** RTNLGRP_IPV4_IFADDR: IPv4 addresses. */
  'ipv4-ifaddr': 5,
  /** RTNLGRP_IPV4_ROUTE: IPv4 routes. */
  'ipv4-route': 7,
  /** RTNLGRP_IPV4_RULE: IPv4 policy-routing rules. */
  'ipv4-rule': 8,
  /** RTNLGRP_IPV6_IFADDR: IPv6 addresses. */
  'ipv6-ifaddr': 9,
  /** RTNLGRP_IPV6_ROUTE: IPv6 routes. */
  'ipv6-route': 11,
  /** RTNLGRP_IPV6_RULE: IPv6 policy-routing rules. */
  'ipv6-rule': 19,
  /** RTNLGRP_NSID: namespace ids assigned and removed. */
  nsid: 28,
  /** RTNLGRP_NEXTHOP: nexthop objects (a group above 31: joined with NETLINK_ADD_MEMBERSHIP). */
  nexthop: 32,
} as const;

/** A single multicast group, by name (see {@link RTNL_GROUPS}). */
export type RtnlGroupName = keyof typeof RTNL_GROUPS;

/** Shorthands for pairs of groups: IPv4 and IPv6 together. */
export const GROUP_SHORTHANDS = {
  /** `ipv4-ifaddr` and `ipv6-ifaddr`. */
  address: ['ipv4-ifaddr', 'ipv6-ifaddr'],
  /** `ipv4-route` and `ipv6-route`. */
  route: ['ipv4-route', 'ipv6-route'],
  /** `ipv4-rule` and `ipv6-rule`. */
  rule: ['ipv4-rule', 'ipv6-rule'],
} as const;

/** A group name or a shorthand ({@link GROUP_SHORTHANDS}) accepted by `monitor()`. */
export type MonitorGroup = RtnlGroupName | keyof typeof GROUP_SHORTHANDS;

/** The families of objects that events describe. */
export type EventFamily = 'link' | 'address' | 'route' | 'neigh' | 'rule' | 'nexthop' | 'nsid';

/** The family whose events a group (or shorthand) carries. */
export interface GroupFamilies {
  /** RTNLGRP_LINK. */
  link: 'link';
  /** RTNLGRP_NEIGH. */
  neigh: 'neigh';
  /** RTNLGRP_IPV4_IFADDR. */
  'ipv4-ifaddr': 'address';
  /** RTNLGRP_IPV4_ROUTE. */
  'ipv4-route': 'route';
  /** RTNLGRP_IPV4_RULE. */
  'ipv4-rule': 'rule';
  /** RTNLGRP_IPV6_IFADDR. */
  'ipv6-ifaddr': 'address';
  /** RTNLGRP_IPV6_ROUTE. */
  'ipv6-route': 'route';
  /** RTNLGRP_IPV6_RULE. */
  'ipv6-rule': 'rule';
  /** RTNLGRP_NSID. */
  nsid: 'nsid';
  /** RTNLGRP_NEXTHOP. */
  nexthop: 'nexthop';
  /** Both address groups. */
  address: 'address';
  /** Both route groups. */
  route: 'route';
  /** Both rule groups. */
  rule: 'rule';
}

/** A route: the same {@link Route} that `routes.list()` returns. */
export type RouteObject = Route;
/** A neighbour or bridge FDB entry (struct ndmsg and the NDA_* attributes). */
export type NeighObject = SchemaValue<typeof neighMessage>;
/** A policy-routing rule: the same {@link Rule} that `rules.list()` returns. */
export type RuleObject = Rule;
/** A nexthop object (struct nhmsg and the NHA_* attributes). */
export type NexthopObject = SchemaValue<typeof nexthopMessage>;
/** A namespace id (NETNSA_NSID) as RTM_NEWNSID / RTM_DELNSID report it. */
export type NsidObject = SchemaValue<typeof nsidMessage>;

/** The type of the object each family's events carry: the same shape its `list()` gives. */
export interface EventObjects {
  /** Links. */
  link: Link;
  /** IPv4 and IPv6 addresses. */
  address: Address;
  /** IPv4 and IPv6 routes. */
  route: Route;
  /** Neighbours. */
  neigh: NeighObject;
  /** Policy-routing rules. */
  rule: Rule;
  /** Nexthop objects. */
  nexthop: NexthopObject;
  /** Namespace ids. */
  nsid: NsidObject;
}

type AnySchema = MessageSchema<StructMembers, AttrSpecs>;
type Obj = Record<string, unknown>;

/** Fields to leave out when comparing two objects: `true` skips the key, an object descends into it. */
export interface IgnoreTree {
  readonly [key: string]: true | IgnoreTree;
}

/** Everything the event machinery knows about one family. @internal */
export interface FamilyInfo {
  readonly family: EventFamily;
  readonly newType: number;
  readonly delType: number;
  readonly schema: AnySchema;
  /**
   * Decodes one message of the family into its model object, when the family has one; otherwise
   * the event machinery decodes with `schema`.
   */
  decode?(r: Reader, offset: number, end: number, ctx: DecodeContext): Obj;
  /**
   * Dumps every object of the family (a request header of zeros: no filter). An interrupted dump
   * (NLM_F_DUMP_INTR) is returned as it is, flagged.
   */
  dump(conn: Connection): Promise<{ items: Obj[]; interrupted: boolean }>;
  /** The identity of an object inside its family. */
  key(o: Obj): string;
  /** Counters and timers: they change without an event, so equality ignores them. */
  readonly volatile: IgnoreTree;
  /**
   * Whether a message describes an object of the kind a view holds, given the joined groups of
   * this family (e.g. only `inet` routes when only `ipv4-route` is joined; not the bridge-port
   * RTM_NEWLINK of family `bridge`). Other messages are ignored by views, `del`s included.
   */
  kind(o: Obj, groups: ReadonlySet<RtnlGroupName>): boolean;
  /**
   * Whether the object is in a state the kernel announces (an IPv6 address is announced when
   * duplicate address detection ends). An object of the right kind that is not leaves the view.
   */
  announced(o: Obj): boolean;
}

/** Whether a view holds `o`: of the right kind, in an announced state. @internal */
export function tracks(info: FamilyInfo, o: Obj, groups: ReadonlySet<RtnlGroupName>): boolean {
  return info.kind(o, groups) && info.announced(o);
}

const FLAG: RequestOptions = { dumpInterrupted: 'flag' };

function flagged(res: DumpResult<unknown>): { items: Obj[]; interrupted: boolean } {
  return { items: res.items as Obj[], interrupted: res.interrupted };
}

const s = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

function hasFlag(flags: unknown, name: string): boolean {
  return Array.isArray(flags) && flags.includes(name);
}

/** Neighbour states the kernel enters without an event: none, incomplete, noarp. */
function unannounced(state: unknown): boolean {
  return !Array.isArray(state) || state.length === 0 || state.includes('noarp') || state.includes('incomplete');
}

function byFamily(o: Obj, groups: ReadonlySet<RtnlGroupName>, v4: RtnlGroupName, v6: RtnlGroupName): boolean {
  return (o.family === 'inet' && groups.has(v4)) || (o.family === 'inet6' && groups.has(v6));
}

/** The identity of a route, without its path: what NLM_F_REPLACE replaces. @internal */
export function routeBaseKey(o: Obj): string {
  return baseKeyOfRoute(o as unknown as Route);
}

/** The per-family descriptions. @internal */
export const FAMILIES: Readonly<Record<EventFamily, FamilyInfo>> = {
  link: {
    family: 'link',
    newType: RTM_NEWLINK,
    delType: RTM_DELLINK,
    schema: linkMessage as unknown as AnySchema,
    dump: async (conn) =>
      flagged(await dumpObjects(conn, RTM_GETLINK, RTM_NEWLINK, linkMessage, { family: 'unspec', type: 0, index: 0, flags: [], change: [] }, FLAG)),
    key: (o) => s(o.index),
    volatile: {
      change: true,
      event: true,
      stats: true,
      stats64: true,
      xstats: true,
      // Sysctl values and IPv6 autoconf state: they change without an event on this group.
      afSpec: { inet: true, inet6: true },
      // A bridge recomputes its offload limits from its ports without an event.
      tsoMaxSize: true,
      tsoMaxSegs: true,
      gsoMaxSize: true,
      gsoMaxSegs: true,
      groMaxSize: true,
      gsoIpv4MaxSize: true,
      groIpv4MaxSize: true,
      // Bridge and bridge-port timers.
      linkinfo: {
        xstats: true,
        data: { helloTimer: true, tcnTimer: true, topologyChangeTimer: true, gcTimer: true },
        slaveData: { messageAgeTimer: true, forwardDelayTimer: true, holdTimer: true },
      },
    },
    // RTM_NEWLINK/DELLINK of family AF_BRIDGE (bridge port details) are not links of their own.
    kind: (o) => o.family === 'unspec',
    announced: () => true,
  },
  address: {
    family: 'address',
    newType: RTM_NEWADDR,
    delType: RTM_DELADDR,
    schema: addrMessage as unknown as AnySchema,
    dump: async (conn) =>
      flagged(await dumpObjects(conn, RTM_GETADDR, RTM_NEWADDR, addrMessage, { family: 'unspec', prefixlen: 0, ifaFlags: [], scope: 0, index: 0 }, FLAG)),
    key: (o) => `${s(o.family)}|${s(o.index)}|${s(o.prefixlen)}|${s(o.local)}|${s(o.address)}`,
    volatile: { cacheinfo: true },
    // IPv6 addresses in duplicate address detection are announced only when it ends.
    kind: (o, g) => byFamily(o, g, 'ipv4-ifaddr', 'ipv6-ifaddr'),
    announced: (o) => !hasFlag(o.flags ?? o.ifaFlags, 'tentative'),
  },
  // The kinds with a model keep their facts in their own folder, typed on their model (which has
  // no index signature, hence the cast to this untyped view).
  route: ROUTE_FACTS as unknown as FamilyInfo,
  neigh: {
    family: 'neigh',
    newType: RTM_NEWNEIGH,
    delType: RTM_DELNEIGH,
    schema: neighMessage as unknown as AnySchema,
    // PF_UNSPEC covers the neighbour tables (IPv4, IPv6); the bridge FDB needs its own dump.
    dump: async (conn) => {
      const query = { ifindex: 0, state: [], flags: [], type: 0 } as const;
      const a = await dumpObjects(conn, RTM_GETNEIGH, RTM_NEWNEIGH, neighMessage, { ...query, family: 'unspec', state: [], flags: [] }, FLAG);
      const b = await dumpObjects(conn, RTM_GETNEIGH, RTM_NEWNEIGH, neighMessage, { ...query, family: 'bridge', state: [], flags: [] }, FLAG);
      return { items: [...a.items, ...b.items] as Obj[], interrupted: a.interrupted || b.interrupted };
    },
    key: (o) => `${s(o.family)}|${s(o.ifindex)}|${s(o.dst)}|${o.family === 'bridge' ? `${s(o.lladdr)}|${s(o.vlan)}|${s(o.vni)}` : ''}`,
    volatile: { cacheinfo: true, probes: true },
    // The kernel creates IPv4/IPv6 entries without telling (multicast and broadcast `noarp` ones,
    // and `incomplete` or state-less ones while it resolves): they join the view once an event
    // reports them in another state.
    // Proxy entries (NTF_PROXY) are not in a plain dump; of the bridge family (FDB), only the
    // entries a bridge manages (NTF_MASTER): the `self` ones mirror device address lists silently.
    kind: (o) => !hasFlag(o.flags, 'proxy') && (o.family !== 'bridge' || hasFlag(o.flags, 'master')),
    announced: (o) => !((o.family === 'inet' || o.family === 'inet6') && unannounced(o.state)),
  },
  rule: RULE_FACTS as unknown as FamilyInfo,
  nexthop: {
    family: 'nexthop',
    newType: RTM_NEWNEXTHOP,
    delType: RTM_DELNEXTHOP,
    schema: nexthopMessage as unknown as AnySchema,
    dump: async (conn) =>
      flagged(await dumpObjects(conn, RTM_GETNEXTHOP, RTM_NEWNEXTHOP, nexthopMessage, { family: 'unspec', scope: 0, protocol: 0, flags: [] }, FLAG)),
    key: (o) => s(o.id),
    volatile: { groupStats: true },
    kind: () => true,
    announced: () => true,
  },
  nsid: {
    family: 'nsid',
    newType: RTM_NEWNSID,
    delType: RTM_DELNSID,
    schema: nsidMessage as unknown as AnySchema,
    dump: async (conn) =>
      flagged(await dumpObjects(conn, RTM_GETNSID, RTM_NEWNSID, nsidMessage, { family: 'unspec' }, FLAG)),
    key: (o) => s(o.nsid),
    volatile: {},
    kind: () => true,
    announced: () => true,
  },
};

/** Groups of each family. @internal */
export const FAMILY_GROUPS: Readonly<Record<EventFamily, readonly RtnlGroupName[]>> = {
  link: ['link'],
  address: ['ipv4-ifaddr', 'ipv6-ifaddr'],
  route: ['ipv4-route', 'ipv6-route'],
  neigh: ['neigh'],
  rule: ['ipv4-rule', 'ipv6-rule'],
  nexthop: ['nexthop'],
  nsid: ['nsid'],
};

/** The family of each single group. @internal */
export const GROUP_FAMILY: Readonly<Record<RtnlGroupName, EventFamily>> = {
  link: 'link',
  neigh: 'neigh',
  'ipv4-ifaddr': 'address',
  'ipv4-route': 'route',
  'ipv4-rule': 'rule',
  'ipv6-ifaddr': 'address',
  'ipv6-route': 'route',
  'ipv6-rule': 'rule',
  nsid: 'nsid',
  nexthop: 'nexthop',
};

/** Message type -> family and whether it reports a new (or changed) or a deleted object. @internal */
export const MESSAGE_TYPES: ReadonlyMap<number, { family: EventFamily; del: boolean }> = new Map(
  Object.values(FAMILIES).flatMap((f): [number, { family: EventFamily; del: boolean }][] => [
    [f.newType, { family: f.family, del: false }],
    [f.delType, { family: f.family, del: true }],
  ]),
);

/** Deep equality of decoded objects, skipping the fields in `ignore`. @internal */
export function equalObjects(a: unknown, b: unknown, ignore?: IgnoreTree): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    if (!(a instanceof Uint8Array && b instanceof Uint8Array) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!(Array.isArray(a) && Array.isArray(b)) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!equalObjects(a[i], b[i])) return false;
    return true;
  }
  const ao = a as Obj;
  const bo = b as Obj;
  let na = 0;
  for (const k in ao) {
    const ig = ignore?.[k];
    if (ig === true) continue;
    if (ao[k] === undefined) continue;
    na++;
    if (!equalObjects(ao[k], bo[k], ig)) return false;
  }
  let nb = 0;
  for (const k in bo) {
    if (ignore?.[k] === true || bo[k] === undefined) continue;
    nb++;
  }
  return na === nb;
}

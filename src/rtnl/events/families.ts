// What the event machinery knows about each rtnetlink family: its multicast groups, message types,
// dump request, object identity (the key a view is indexed by), which fields are volatile (counters
// and timers that change without an event), and which objects a tracked view holds.

import { addressFacts } from '../address/facts.js';
import type { Address } from '../address/model.js';
import type { IgnoreTree, KindFacts } from '../common/facts.js';
import { linkFacts } from '../link/facts.js';
import type { Link } from '../link/model.js';
import { neighFacts } from '../neigh/facts.js';
import type { FdbEntry, Neighbour } from '../neigh/model.js';
import { nexthopFacts } from '../nexthop/facts.js';
import type { Nexthop } from '../nexthop/model.js';
import { nsidFacts } from '../nsid/facts.js';
import type { Nsid } from '../nsid/model.js';
import { routeFacts } from '../route/facts.js';
import { routeBaseKey as baseKeyOfRoute, type Route } from '../route/model.js';
import { ruleFacts } from '../rule/facts.js';
import type { Rule } from '../rule/model.js';
import { classFacts } from '../tc/class/facts.js';
import type { TrafficClass } from '../tc/class/model.js';
import { filterFacts } from '../tc/filter/facts.js';
import type { Filter } from '../tc/filter/model.js';
import { qdiscFacts } from '../tc/qdisc/facts.js';
import type { Qdisc } from '../tc/qdisc/model.js';

export type { IgnoreTree } from '../common/facts.js';

/**
 * The rtnetlink multicast groups a monitor can join, by name, with their numbers (RTNLGRP_* of
 * `<linux/rtnetlink.h>`).
 */
export const RTNL_GROUPS = {
  /** RTNLGRP_LINK: links created, changed, deleted. */
  link: 1,
  /** RTNLGRP_NEIGH: neighbours (ARP, NDP, bridge FDB entries). */
  neigh: 3,
  /** RTNLGRP_TC: traffic control: qdiscs, classes and filters. */
  tc: qdiscFacts.group,
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
export type EventFamily = 'link' | 'address' | 'route' | 'neigh' | 'rule' | 'nexthop' | 'nsid' | 'qdisc' | 'class' | 'filter';

/** The family whose events a group (or shorthand) carries. */
export interface GroupFamilies {
  /** RTNLGRP_LINK. */
  link: 'link';
  /** RTNLGRP_NEIGH. */
  neigh: 'neigh';
  /** RTNLGRP_TC: three families. */
  tc: 'qdisc' | 'class' | 'filter';
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
/** A policy-routing rule: the same {@link Rule} that `rules.list()` returns. */
export type RuleObject = Rule;

/** The type of the object each family's events carry: the same shape its `list()` gives. */
export interface EventObjects {
  /** Links. */
  link: Link;
  /** IPv4 and IPv6 addresses. */
  address: Address;
  /** IPv4 and IPv6 routes. */
  route: Route;
  /** Neighbours, and bridge FDB entries (`family: 'bridge'`). */
  neigh: Neighbour | FdbEntry;
  /** Policy-routing rules. */
  rule: Rule;
  /** Nexthop objects. */
  nexthop: Nexthop;
  /** Namespace ids (without names). */
  nsid: Nsid;
  /** Queueing disciplines: the same {@link Qdisc} that `qdiscs.list()` returns. */
  qdisc: Qdisc;
  /** Traffic classes: the same {@link TrafficClass} that `classes.list()` returns. */
  class: TrafficClass;
  /** Filters: the same {@link Filter} that `filters.list()` returns. */
  filter: Filter;
}

type Obj = Record<string, unknown>;

/** Everything the event machinery knows about one family: its kind's facts, on plain objects. @internal */
export interface FamilyInfo extends KindFacts<Obj> {
  readonly family: EventFamily;
}

/** A kind's facts as the event machinery holds them (objects of any kind). */
function family<M extends object, W>(name: EventFamily, facts: KindFacts<M, W>): FamilyInfo {
  return { ...(facts as unknown as KindFacts<Obj>), family: name };
}

/** Whether a view holds `o`: of the right kind, in an announced state. @internal */
export function tracks(info: FamilyInfo, o: Obj, groups: ReadonlySet<RtnlGroupName>): boolean {
  return info.kind(o, groups) && info.announced(o);
}

/** The identity of a route, without its path: what NLM_F_REPLACE replaces. @internal */
export function routeBaseKey(o: Obj): string {
  return baseKeyOfRoute(o as unknown as Route);
}

/** The per-family descriptions. @internal */
export const FAMILIES: Readonly<Record<EventFamily, FamilyInfo>> = {
  link: family('link', linkFacts),
  address: family('address', addressFacts),
  route: family('route', routeFacts),
  neigh: family('neigh', neighFacts),
  rule: family('rule', ruleFacts),
  nexthop: family('nexthop', nexthopFacts),
  nsid: family('nsid', nsidFacts),
  qdisc: family('qdisc', qdiscFacts),
  class: family('class', classFacts),
  filter: family('filter', filterFacts),
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
  qdisc: ['tc'],
  class: ['tc'],
  filter: ['tc'],
};

/** The families of each single group (the tc group carries three). @internal */
export const GROUP_FAMILIES: Readonly<Record<RtnlGroupName, readonly EventFamily[]>> = {
  link: ['link'],
  neigh: ['neigh'],
  'ipv4-ifaddr': ['address'],
  'ipv4-route': ['route'],
  'ipv4-rule': ['rule'],
  'ipv6-ifaddr': ['address'],
  'ipv6-route': ['route'],
  'ipv6-rule': ['rule'],
  nsid: ['nsid'],
  nexthop: ['nexthop'],
  tc: ['qdisc', 'class', 'filter'],
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
    // A tree given for an array applies to each of its elements.
    for (let i = 0; i < a.length; i++) if (!equalObjects(a[i], b[i], ignore)) return false;
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

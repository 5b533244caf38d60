// The route model: one shape, `Route`, returned by list(), get() and events and accepted back by
// add(), replace(), append(), change() and delete(); `RouteSpec` is the same shape with what the
// kernel fills in made optional and interfaces given by index or name. Names and values are the
// ones `ip route` users write: prefixes with their length, weights 1..256, one table id, seconds.

import { RtmType, RtProtocol, RtnhFlags } from '../generated/common.js';
import { RtmFlags } from '../generated/route.js';
import type { LinkRef } from '../link/links.js';

/** Address families of routes and rules. */
export type IpFamily = 'inet' | 'inet6';

/** The name of a route type (RTN_*): `unicast`, `local`, `blackhole`, `unreachable`, ... */
export type RouteTypeName = Exclude<keyof typeof RtmType, 'unspec'>;

/** A route type (RTN_*) by name; a number for a type without a name here. */
export type RouteType = RouteTypeName | number;

/**
 * Scopes (RT_SCOPE_*) by the names `ip` prints: `global` is RT_SCOPE_UNIVERSE (0). On input
 * `universe` is accepted as well.
 */
export const ROUTE_SCOPES = {
  /** RT_SCOPE_UNIVERSE: a route to anywhere (a gateway route, the default). */
  global: 0,
  /** RT_SCOPE_SITE: interior routes of a site (IPv6 site-local, historical). */
  site: 200,
  /** RT_SCOPE_LINK: a destination on a directly attached link. */
  link: 253,
  /** RT_SCOPE_HOST: a local address of this host. */
  host: 254,
  /** RT_SCOPE_NOWHERE: no destination (in a delete: any scope). */
  nowhere: 255,
} as const;

/** A scope by name (`global`, `site`, `link`, `host`, `nowhere`), or a number without a name. */
export type RouteScope = keyof typeof ROUTE_SCOPES | number;

/** The protocol that installed a route or rule (RTPROT_*), by name (`kernel`, `boot`, `static`, `bgp`, ...) or number. */
export type RouteProtocol = keyof typeof RtProtocol | number;

/** A routing table on input: its id (1 to 2^32-1), or `main` (254), `local` (255), `default` (253). */
export type RouteTable = number | 'main' | 'local' | 'default';

/** Ids of the reserved routing tables (RT_TABLE_*), by name. */
export const RT_TABLE = {
  /** RT_TABLE_UNSPEC: no table (in a dump request: all tables). */
  unspec: 0,
  /** RT_TABLE_COMPAT: what the kernel puts in the 8-bit header field for ids above 255. */
  compat: 252,
  /** RT_TABLE_DEFAULT. */
  default: 253,
  /** RT_TABLE_MAIN: where routes go unless told otherwise. */
  main: 254,
  /** RT_TABLE_LOCAL: local and broadcast addresses, maintained by the kernel. */
  local: 255,
} as const;

/** A flag of a route (rtm_flags: RTNH_F_* and RTM_F_*) by name, or the value of a bit without a name. */
export type RouteFlag = keyof typeof RtmFlags | number;

/** A flag of one path of a multipath route (RTNH_F_*) by name, or the value of a bit without a name. */
export type RouteNexthopFlag = keyof typeof RtnhFlags | number;

/** IPv6 router preference (RTA_PREF), as `ip route ... pref` takes it. */
export type RoutePref = 'low' | 'medium' | 'high';

/** An IP protocol: its number, or one of the common names. */
export type IpProto = number | 'icmp' | 'tcp' | 'udp' | 'ipv6-icmp' | 'sctp';

/** Realms (RTA_FLOW, FRA_FLOW): `ip route ... realms FROM/TO`; 0 is "unspecified". */
export interface Realms {
  /** The source realm, 0 to 65535. */
  from: number;
  /** The destination realm, 0 to 65535. */
  to: number;
}

/**
 * Route metrics (RTA_METRICS), as `ip route ... mtu 1400 advmss 1360` sets them. Times are in
 * seconds; sizes in bytes; windows and thresholds in packets, as the kernel keeps them.
 */
export interface RouteMetrics {
  /** Metrics the kernel must not change from what the route says (RTAX_LOCK), like `mtu lock 1400`. Unknown metrics appear as their RTAX_* number. */
  lock?: (RouteMetricName | number)[];
  /** Path MTU in bytes (RTAX_MTU). */
  mtu?: number;
  /** Maximum TCP window to advertise, in bytes (RTAX_WINDOW). */
  window?: number;
  /** Initial round-trip time estimate, in seconds (RTAX_RTT; the kernel keeps milliseconds times 8). */
  rtt?: number;
  /** Initial round-trip time variance, in seconds (RTAX_RTTVAR; the kernel keeps milliseconds times 4). */
  rttvar?: number;
  /** Initial TCP slow-start threshold, in packets (RTAX_SSTHRESH). */
  ssthresh?: number;
  /** TCP congestion window clamp, in packets (RTAX_CWND). */
  cwnd?: number;
  /** Maximum TCP segment size to advertise, in bytes (RTAX_ADVMSS). */
  advmss?: number;
  /** Maximum packet reordering TCP expects (RTAX_REORDERING). */
  reordering?: number;
  /** IP hop limit / TTL of packets sent along the route (RTAX_HOPLIMIT). */
  hoplimit?: number;
  /** Initial TCP congestion window, in packets (RTAX_INITCWND). */
  initcwnd?: number;
  /** TCP features bit mask (RTAX_FEATURES: 1 ECN, 2 SACK, 4 timestamps, 8 allfrag, 16 usec timestamps). */
  features?: number;
  /** Minimum TCP retransmission timeout, in seconds (RTAX_RTO_MIN; the kernel keeps milliseconds). */
  rtoMin?: number;
  /** Initial TCP receive window, in packets (RTAX_INITRWND). */
  initrwnd?: number;
  /** 1: TCP sends ACKs at once (RTAX_QUICKACK). */
  quickack?: number;
  /** The TCP congestion control algorithm, such as `reno` or `cubic` (RTAX_CC_ALGO; `congctl` in ip). */
  ccAlgo?: string;
  /** 1: TCP Fast Open without a cookie (RTAX_FASTOPEN_NO_COOKIE). */
  fastopenNoCookie?: number;
}

/** The name of a metric that can be locked (every key of {@link RouteMetrics} but `lock`). */
export type RouteMetricName = Exclude<keyof RouteMetrics, 'lock'>;

/** One path of a multipath route (RTA_MULTIPATH), like `nexthop via ADDR dev DEV weight N`. */
export interface RouteNexthop {
  /** The gateway, an address of the route's family (RTA_GATEWAY inside the path). */
  gateway?: string;
  /** A gateway of the other family (RTA_VIA inside the path), such as an IPv6 next hop of an IPv4 route. */
  via?: string;
  /** The output interface, by index (rtnh_ifindex). */
  oif: number;
  /** The path's share of the traffic, 1 to 256, as `ip route ... weight N` takes it. */
  weight: number;
  /**
   * Flags of the path (rtnh_flags): `onlink` (use the gateway even if it is not on a subnet of
   * the interface) is the only one a request sets; `dead`, `linkdown`, `offload`, ... are states
   * the kernel reports, ignored by add() and delete().
   */
  flags: readonly RouteNexthopFlag[];
  /** Realms of this path (RTA_FLOW inside the path; IPv4 only). */
  realms?: Realms;
}

/**
 * A route, as `list()`, `get()` and events return it and as `add()`, `replace()`, `append()`,
 * `change()` and `delete()` take it back: `routes.delete(route)` deletes exactly the route listed,
 * and `routes.add(route)` creates it again.
 *
 * The fields marked read-only describe the kernel's state or a lookup: add() and delete() accept
 * and ignore them.
 */
export interface Route {
  /** `inet` (IPv4) or `inet6` (IPv6). (MPLS routes are not part of this model: their wire messages decode with `routeMessage`.) */
  family: IpFamily;
  /** The destination prefix with its length, such as `198.51.100.0/24`, `192.0.2.7/32` or `2001:db8::/64`; `default` for a prefix of length 0. */
  dst: string;
  /** The source prefix of a source-specific (IPv6 `from`) route, such as `2001:db8:1::/48`; absent: any source. */
  src?: string;
  /** The routing table's id (254 main, 255 local, 253 default, or any id up to 2^32-1). */
  table: number;
  /** What the route does: `unicast`, `local`, `broadcast`, `blackhole`, `unreachable`, `prohibit`, `throw`, ... */
  type: RouteType;
  /** Who installed the route: `kernel`, `boot` (the default of `ip route add`), `static`, `ra`, `bgp`, ... */
  protocol: RouteProtocol;
  /** How far the destination is: `global`, `link`, `host`, ... (always `global` for IPv6). */
  scope: RouteScope;
  /**
   * Flags (rtm_flags, all 32 bits): `onlink` is the only one a request sets; `linkdown`, `dead`,
   * `offload`, `trap`, `cloned` (a cached route from get()), ... are states the kernel reports,
   * ignored by add() and delete(). Bits without a name are numbers.
   */
  flags: readonly RouteFlag[];
  /** The type of service (DS field) the route applies to (rtm_tos; IPv4). Absent when 0. */
  tos?: number;
  /**
   * The route's priority, `metric` in `ip route` terms (RTA_PRIORITY): the lowest wins. IPv6
   * routes always have one; the kernel turns 0 from user space into 1024, so its own metric-0
   * routes (local addresses) cannot be made again.
   */
  priority?: number;
  /** The preferred source address of packets sent along this route (RTA_PREFSRC; `src` in `ip route`). */
  prefsrc?: string;
  /**
   * The gateway, an address of the route's family (RTA_GATEWAY). For a route through a nexthop
   * object (`nexthopId`), the kernel's read-only copy of that object's gateway.
   */
  gateway?: string;
  /**
   * A gateway of the other family (RTA_VIA), such as an IPv6 next hop of an IPv4 route
   * (`via inet6 ADDR`). Read-only with `nexthopId`, like `gateway`.
   */
  via?: string;
  /** The output interface, by index (RTA_OIF). Read-only with `nexthopId`, like `gateway`. */
  oif?: number;
  /** The input interface, by index (RTA_IIF): in the answer of get() for a packet that arrives on one. */
  iif?: number;
  /**
   * The paths of a multipath route (RTA_MULTIPATH), each with its gateway, interface and weight.
   * Read-only with `nexthopId` (the kernel's copy of the group's members).
   */
  nexthops?: RouteNexthop[];
  /**
   * The nexthop object the route goes through (RTA_NH_ID; `nhid` in `ip route`). With it,
   * `gateway`, `via`, `oif` and `nexthops` are the kernel's read-only description of that object
   * (nexthop_compat_mode): they are not sent back.
   */
  nexthopId?: number;
  /** Route metrics: path MTU, advertised MSS, TCP parameters, ... */
  metrics?: RouteMetrics;
  /** IPv6 router preference (RTA_PREF): `low`, `medium` or `high`. */
  pref?: RoutePref | number;
  /**
   * Seconds left until the kernel removes the route (IPv6; rounded down, as `ip route` prints it).
   * Given to add(), the lifetime of the new route (RTA_EXPIRES).
   */
  expires?: number;
  /** Realms (RTA_FLOW; IPv4), `ip route ... realms FROM/TO`. */
  realms?: Realms;
  /** Read-only: the error the kernel reports for this route (rta_cacheinfo, such as -101 for an unreachable IPv6 lookup). */
  error?: number;
  /** Read-only: the firewall mark of the packet get() asked about (RTA_MARK). */
  mark?: number;
  /** Read-only: the uid get() asked about (RTA_UID). */
  uid?: number;
}

/** One path of a multipath route to add or delete: {@link RouteNexthop} with the interface by index or name. */
export interface RouteNexthopSpec {
  /** The gateway, an address of the route's family. */
  gateway?: string;
  /** A gateway of the other family (RTA_VIA): an IPv6 next hop of an IPv4 route. */
  via?: string;
  /** The output interface, by index or name. */
  oif?: LinkRef;
  /** The path's weight, 1 to 256 (default 1). */
  weight?: number;
  /** `onlink` to use the gateway even if it is not on a subnet of the interface; other flags are ignored. */
  flags?: readonly RouteNexthopFlag[];
  /** Realms of this path (IPv4). */
  realms?: Realms;
}

/**
 * A route to add, replace, append, change or delete: the shape of {@link Route}, with what the
 * kernel fills in made optional and interfaces by index or name. Adding uses the defaults of
 * `ip route add`: table main, protocol boot, type unicast, scope `global` (`link` for a unicast
 * route with neither gateway nor nexthops, `host` for local and nat routes, `link` for broadcast,
 * multicast and anycast). Deleting matches any protocol, type and scope the spec leaves out,
 * like `ip route del`; a route listed by the library names them all, so deleting it deletes
 * exactly that route. Unknown keys are refused.
 */
export interface RouteSpec {
  /** The address family, needed only when `dst` is `default` and no gateway tells it (default `inet`). */
  family?: IpFamily;
  /** The destination prefix, such as `198.51.100.0/24` (a bare address is a host prefix), or `default`. */
  dst: string;
  /** The source prefix of a source-specific route (IPv6). */
  src?: string;
  /** The routing table, by id or name (default `main`). */
  table?: RouteTable;
  /** The route type (default `unicast`). */
  type?: RouteType;
  /** Who installs the route (default `boot`, as `ip route add`). */
  protocol?: RouteProtocol;
  /** The scope (default: see {@link RouteSpec}); `universe` is accepted for `global`. */
  scope?: RouteScope | 'universe';
  /** `['onlink']` to use the gateway even if it is not on a subnet of the interface; other flags are ignored. */
  flags?: readonly RouteFlag[];
  /** Type of service the route applies to (IPv4), 0 to 255. */
  tos?: number;
  /** The route's priority (`metric`). */
  priority?: number;
  /** The preferred source address for packets sent along this route. */
  prefsrc?: string;
  /** The gateway, of the route's family. Not sent with `nexthopId`. */
  gateway?: string;
  /** A gateway of the other family (RTA_VIA). Not sent with `nexthopId`. */
  via?: string;
  /** The output interface, by index or name. Not sent with `nexthopId`. */
  oif?: LinkRef;
  /** The input interface: read-only (the answer of get()), accepted and ignored. */
  iif?: LinkRef;
  /** The paths of a multipath route. Not sent with `nexthopId`. */
  nexthops?: readonly RouteNexthopSpec[];
  /** Route through this nexthop object (RTA_NH_ID) instead of a gateway, interface or nexthops. */
  nexthopId?: number;
  /** Route metrics: `{ mtu: 1400, advmss: 1360, lock: ['mtu'] }`. */
  metrics?: RouteMetrics;
  /** IPv6 router preference. IPv6 only. */
  pref?: RoutePref | number;
  /** Seconds until the kernel removes the route (RTA_EXPIRES). IPv6 only. */
  expires?: number;
  /** Realms (IPv4). */
  realms?: Realms;
  /** Read-only (see {@link Route.error}): accepted and ignored. */
  error?: number;
  /** Read-only (see {@link Route.mark}): accepted and ignored. */
  mark?: number;
  /** Read-only (see {@link Route.uid}): accepted and ignored. */
  uid?: number;
}

// Every key of each shape, checked complete by the compiler: refusing unknown keys must not
// refuse a known one.
const ROUTE_FIELDS: Record<keyof Route | keyof RouteSpec, true> = {
  family: true, dst: true, src: true, table: true, type: true, protocol: true, scope: true, flags: true, tos: true, priority: true,
  prefsrc: true, gateway: true, via: true, oif: true, iif: true, nexthops: true, nexthopId: true, metrics: true, pref: true,
  expires: true, realms: true, error: true, mark: true, uid: true,
};
const NEXTHOP_FIELDS: Record<keyof RouteNexthop | keyof RouteNexthopSpec, true> = { gateway: true, via: true, oif: true, weight: true, flags: true, realms: true };
const METRIC_FIELDS: Record<keyof RouteMetrics, true> = {
  lock: true, mtu: true, window: true, rtt: true, rttvar: true, ssthresh: true, cwnd: true, advmss: true, reordering: true, hoplimit: true,
  initcwnd: true, features: true, rtoMin: true, initrwnd: true, quickack: true, ccAlgo: true, fastopenNoCookie: true,
};

/** The keys of {@link RouteSpec} (and of {@link Route}): anything else is refused. */
export const ROUTE_KEYS: ReadonlySet<string> = new Set(Object.keys(ROUTE_FIELDS));

/** The keys of {@link RouteNexthopSpec}. */
export const ROUTE_NEXTHOP_KEYS: ReadonlySet<string> = new Set(Object.keys(NEXTHOP_FIELDS));

/** The keys of {@link RouteMetrics}. */
export const ROUTE_METRIC_KEYS: ReadonlySet<string> = new Set(Object.keys(METRIC_FIELDS));

/** The keys of {@link Realms}. */
export const REALMS_KEYS: ReadonlySet<string> = new Set(['from', 'to'] satisfies (keyof Realms)[]);

/**
 * The identity of a route without its path: family, table, destination, source, tos and
 * priority. What NLM_F_REPLACE replaces, and what routes appended with NLM_F_APPEND share.
 */
export function routeBaseKey(r: Route): string {
  return `${r.family}|${r.table}|${r.dst}|${r.src ?? ''}|${r.tos ?? 0}|${r.priority ?? 0}`;
}

/**
 * The identity of a route: what makes two routes "the same route" when diffing two lists or
 * following events. `routeBaseKey` (family, table, dst, src, tos, priority) and the route's own output interface and gateway (IPv6
 * keeps one route per interface for the same prefix and metric, such as `fe80::/64` on every link,
 * and IPv4 allows several with `append`). Two routes with the same key but other fields are one
 * route that changed.
 */
export function routeKey(r: Route): string {
  return `${routeBaseKey(r)}|${r.oif ?? ''}|${r.gateway ?? r.via ?? ''}`;
}

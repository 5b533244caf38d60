// Routes: RTM_NEWROUTE / RTM_DELROUTE / RTM_GETROUTE.

import type { Connection, RequestOptions } from '../../netlink/connection.js';
import { NLM_F_APPEND, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE } from '../../netlink/constants.js';
import { InvalidArgumentError, NetlinkError } from '../../netlink/errors.js';
import type { SchemaValue } from '../../netlink/message.js';
import type { SetValue } from '../../netlink/schema/index.js';
import { changeObject, dumpObjects, getObject, type DumpResult } from '../common/requests.js';
import { RtProtocol, RtScope } from '../generated/common.js';
import { RtmType } from '../generated/common.js';
import { RoutePref, RTM_DELROUTE, RTM_GETROUTE, RTM_NEWROUTE, metrics as metricsSet, routeMessage } from '../generated/route.js';
import type { LinkRef, Links } from '../link/links.js';
import { checkInteger, enumNumber, parseAddress } from '../common/checks.js';
import { parsePrefix, type Prefix } from '../common/prefix.js';

/**
 * A route as the kernel describes it: the rtmsg header (`family`, `dstLen`, `srcLen`, `tos`,
 * `rtmTable`, `protocol`, `scope`, `type`, `flags`) and the attributes (`dst`, `gateway`, `oif`,
 * `priority`, `prefsrc`, `table`, `metrics`, `multipath`, `via`, `pref`, `nhId`, `expires`,
 * `cacheinfo`, ...). `table` (RTA_TABLE) holds the full table id; `rtmTable` is only its low 8
 * bits (252, RT_TABLE_COMPAT, for ids above 255). An IPv6 route's remaining lifetime is
 * `cacheinfo.expires`, in clock ticks of 1/100 s.
 */
export type Route = SchemaValue<typeof routeMessage>;

/** Route metrics (RTA_METRICS): `mtu`, `advmss`, `window`, `hoplimit`, `initcwnd`, ... `lock` is the RTAX_LOCK bit mask. */
export type RouteMetrics = SetValue<typeof metricsSet>;

/** Address families of routes, rules and nexthops. */
export type IpFamily = 'inet' | 'inet6';

/** A route type (RTN_*) by name. */
export type RouteType = Exclude<keyof typeof RtmType, 'unspec'>;

/** A scope (RT_SCOPE_*) by name or number. */
export type RouteScope = keyof typeof RtScope | number;

/** The protocol that installed a route (RTPROT_*), by name or number. */
export type RouteProtocol = keyof typeof RtProtocol | number;

/** A routing table: its id (1 to 2^32-1), or `main` (254), `local` (255), `default` (253). */
export type RouteTable = number | 'main' | 'local' | 'default';

/** Ids of the reserved routing tables (RT_TABLE_*), by name. */
export const RT_TABLE = {
  /** RT_TABLE_UNSPEC: no table (in a dump request: all tables). */
  unspec: 0,
  /** RT_TABLE_COMPAT: what rtm_table says for ids above 255 (the full id is in RTA_TABLE). */
  compat: 252,
  /** RT_TABLE_DEFAULT. */
  default: 253,
  /** RT_TABLE_MAIN: where routes go unless told otherwise. */
  main: 254,
  /** RT_TABLE_LOCAL: local and broadcast addresses, maintained by the kernel. */
  local: 255,
} as const;

/** An IP protocol: its number or a common name. */
export type IpProto = number | 'icmp' | 'tcp' | 'udp' | 'ipv6-icmp' | 'sctp';

const IP_PROTOS: Record<string, number> = { icmp: 1, tcp: 6, udp: 17, 'ipv6-icmp': 58, sctp: 132 };

/** One path of a multipath route (RTA_MULTIPATH), like `nexthop via ADDR dev DEV weight N`. */
export interface RouteNexthopSpec {
  /** The gateway, of the route's family. */
  gateway?: string;
  /** A gateway of the other family (RTA_VIA): an IPv6 gateway for an IPv4 route. */
  via?: string;
  /** The output interface. */
  oif?: LinkRef;
  /** The path's weight, 1 to 256 (default 1); the kernel stores weight - 1 in rtnh_hops. */
  weight?: number;
  /** Use the gateway even if it is not on a subnet of the interface (RTNH_F_ONLINK). */
  onlink?: boolean;
}

/**
 * A route to add, replace, append, change or delete, with the defaults `ip route add` uses:
 * table main, protocol boot, type unicast, scope universe (link for a unicast route with neither
 * gateway nor nexthops, host for local and nat routes, link for broadcast, multicast and anycast).
 * For a delete the defaults match any protocol, type and scope, like `ip route del`.
 */
export interface RouteSpec {
  /** The destination prefix, such as `198.51.100.0/24` or `2001:db8::/64`, or `default`. */
  dst: string;
  /** The address family, needed only when `dst` is `default` and no gateway tells it (default `inet`). */
  family?: IpFamily;
  /** The routing table (default `main`). Ids above 255 go in RTA_TABLE, as iproute2 does. */
  table?: RouteTable;
  /** The route type (default `unicast`). */
  type?: RouteType;
  /** The scope (default: see {@link RouteSpec}). */
  scope?: RouteScope;
  /** Who installs the route (default `boot`, as `ip route add`). */
  protocol?: RouteProtocol;
  /** The route's priority, `metric` in iproute2 terms (RTA_PRIORITY). */
  priority?: number;
  /** The preferred source address for packets sent along this route (RTA_PREFSRC). */
  prefsrc?: string;
  /** The gateway, of the route's family (RTA_GATEWAY). */
  gateway?: string;
  /** A gateway of the other family (RTA_VIA), such as an IPv6 next hop for an IPv4 route. */
  via?: string;
  /** The output interface (RTA_OIF). */
  oif?: LinkRef;
  /** Use the gateway even if it is not on a subnet of the interface (RTNH_F_ONLINK). */
  onlink?: boolean;
  /** Route metrics: `{ mtu: 1400, advmss: 1360, window: 65535, ... }`. */
  metrics?: RouteMetrics;
  /** The paths of a multipath route, each with its gateway, interface and weight. */
  nexthops?: RouteNexthopSpec[];
  /** Use this nexthop object (RTA_NH_ID) instead of a gateway, interface or nexthops. */
  nexthopId?: number;
  /** IPv6 router preference (RTA_PREF). IPv6 only. */
  pref?: 'low' | 'medium' | 'high';
  /** Seconds until the kernel removes the route (RTA_EXPIRES). IPv6 only. */
  expires?: number;
  /** Type of service the route applies to (rtm_tos), IPv4 only. */
  tos?: number;
}

/** Filters for {@link Routes.list}; the kernel applies them where it can. */
export interface RouteFilter {
  /** Only IPv4 (`inet`) or IPv6 (`inet6`) routes (default both). */
  family?: IpFamily;
  /** Only routes of this table (default `main`, like `ip route show`); `all` for every table. */
  table?: RouteTable | 'all';
  /** Only routes installed by this protocol. */
  protocol?: RouteProtocol;
  /** Only routes of this type. */
  type?: RouteType;
  /** Only routes through this interface (directly or as one of their paths). */
  oif?: LinkRef;
}

/** What {@link Routes.get} looks up: the kernel's route decision for a packet, like `ip route get`. */
export interface RouteLookup {
  /** The packet's destination address. */
  to: string;
  /** Its source address. */
  from?: string;
  /** The interface it arrives on (an input route: `from` is needed, and forwarding must be on to reach non-local destinations). */
  iif?: LinkRef;
  /** The interface it must leave by. */
  oif?: LinkRef;
  /** Its firewall mark. */
  mark?: number;
  /** The uid of the sending socket. */
  uid?: number;
  /** Its IP protocol (for rules that match on it). */
  ipProto?: IpProto;
  /** Its source port. */
  sport?: number;
  /** Its destination port. */
  dport?: number;
  /** Return the FIB entry that matched (like `ip route get fibmatch`) instead of the resolved route. */
  fibMatch?: boolean;
}

// ---------------------------------------------------------------------------------------------


/** The id of a routing table given by number or name; names `field` on failure. */
export function routeTableId(field: string, table: RouteTable | 'all'): number {
  if (table === 'all') return 0;
  if (typeof table === 'string') {
    if (table === 'main' || table === 'local' || table === 'default') return RT_TABLE[table];
    throw new InvalidArgumentError(field, `unknown table ${JSON.stringify(table)}; expected a number, main, local or default`);
  }
  checkInteger(field, table, 1, 0xffffffff);
  return table;
}

/** The number of an IP protocol given by number or name. */
export function ipProtoNumber(field: string, p: IpProto): number {
  return enumNumber(field, p, IP_PROTOS);
}


/** The family of an address given as text, or undefined if it is not one. */
function familyOfText(text: string | undefined): IpFamily | undefined {
  if (typeof text !== 'string') return undefined;
  return text.includes(':') ? 'inet6' : 'inet';
}

const ROUTE_METRIC_KEYS = new Set(Object.keys(metricsSet.specs));

function checkMetrics(m: RouteMetrics): void {
  if (m === null || typeof m !== 'object') throw new InvalidArgumentError('metrics', 'expected an object such as { mtu: 1400 }');
  for (const [k, v] of Object.entries(m)) {
    if (v === undefined) continue;
    if (!ROUTE_METRIC_KEYS.has(k)) throw new InvalidArgumentError(`metrics.${k}`, `unknown metric; expected one of ${[...ROUTE_METRIC_KEYS].join(', ')}`);
    if (k === 'ccAlgo') {
      if (typeof v !== 'string' || v === '') throw new InvalidArgumentError('metrics.ccAlgo', 'expected the name of a congestion control algorithm');
    } else {
      checkInteger(`metrics.${k}`, v as number, 0, 0xffffffff);
    }
  }
}

// ---------------------------------------------------------------------------------------------

/** The routes of one network namespace. */
export class Routes {
  constructor(
    private readonly conn: Connection,
    private readonly links: Links,
  ) {}

  /**
   * Adds a route, like `ip route add`.
   * @throws {@link InvalidArgumentError} for a malformed prefix, address or option, before sending.
   * @throws {@link NetlinkError} `EEXIST` when the table has that route already, `ENETUNREACH`
   * for a gateway that is not reachable, and whatever else the kernel refuses.
   */
  async add(spec: RouteSpec, opts?: RequestOptions): Promise<void> {
    await changeObject(this.conn, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, routeMessage, await this.message(spec, false), undefined, opts);
  }

  /** Adds a route or replaces the one with the same destination, table, tos and priority, like `ip route replace`. */
  async replace(spec: RouteSpec, opts?: RequestOptions): Promise<void> {
    await changeObject(this.conn, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, routeMessage, await this.message(spec, false), undefined, opts);
  }

  /**
   * Adds a route even if one with the same destination exists, like `ip route append` (for IPv6
   * the new route's path joins the existing route's paths).
   */
  async append(spec: RouteSpec, opts?: RequestOptions): Promise<void> {
    await changeObject(this.conn, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_APPEND, routeMessage, await this.message(spec, false), undefined, opts);
  }

  /**
   * Changes an existing route, like `ip route change`.
   * @throws {@link NetlinkError} `ENOENT` when there is no such route.
   */
  async change(spec: RouteSpec, opts?: RequestOptions): Promise<void> {
    await changeObject(this.conn, RTM_NEWROUTE, NLM_F_REPLACE, routeMessage, await this.message(spec, false), undefined, opts);
  }

  /**
   * Deletes a route, like `ip route del`: what the spec leaves out matches any route.
   * @throws {@link NetlinkError} `ESRCH` when no route matches.
   */
  async delete(spec: RouteSpec, opts?: RequestOptions): Promise<void> {
    await changeObject(this.conn, RTM_DELROUTE, 0, routeMessage, await this.message(spec, true), undefined, opts);
  }

  /**
   * Lists routes, like `ip route show` (by default the main table of both families).
   * A table that does not exist has no routes: the result is empty rather than an error.
   */
  async list(filter: RouteFilter = {}, opts?: RequestOptions): Promise<Route[]> {
    if (filter.family !== undefined && filter.family !== 'inet' && filter.family !== 'inet6') {
      throw new InvalidArgumentError('family', `expected inet or inet6, got ${JSON.stringify(filter.family)}`);
    }
    const table = routeTableId('table', filter.table ?? 'main');
    const protocol = filter.protocol === undefined ? 0 : enumNumber('protocol', filter.protocol, RtProtocol);
    const type = filter.type === undefined ? 0 : enumNumber('type', filter.type, RtmType);
    const oif = filter.oif === undefined ? 0 : await this.links.indexOf(filter.oif);
    const query = { family: filter.family ?? 'unspec', dstLen: 0, srcLen: 0, tos: 0, rtmTable: 0, protocol, scope: 0, type, flags: [] } as Partial<Route>;
    if (table !== 0) query.table = table;
    if (oif !== 0) query.oif = oif;
    let res: DumpResult<Route>;
    try {
      res = await dumpObjects(this.conn, RTM_GETROUTE, RTM_NEWROUTE, routeMessage, query, opts);
    } catch (err) {
      // A table the kernel has never created: asked for one family, the kernel says ENOENT.
      if (table !== 0 && err instanceof NetlinkError && err.code === 'ENOENT') return [];
      throw err;
    }
    let items = res.items.filter((r) => (filter.family === undefined ? r.family === 'inet' || r.family === 'inet6' : r.family === filter.family));
    // The kernel filters in strict mode (NLM_F_DUMP_FILTERED); filter here too, so the answer is the same either way.
    if (!res.kernelFiltered) {
      if (table !== 0) items = items.filter((r) => (r.table ?? r.rtmTable) === table);
      if (protocol !== 0) items = items.filter((r) => enumNumber('protocol', r.protocol as RouteProtocol, RtProtocol) === protocol);
      if (type !== 0) items = items.filter((r) => enumNumber('type', r.type as RouteType, RtmType) === type);
      if (oif !== 0) items = items.filter((r) => r.oif === oif || (r.multipath ?? []).some((nh) => nh.ifindex === oif));
    }
    return items;
  }

  /**
   * Asks the kernel which route a packet would take, like `ip route get`: the answer carries the
   * gateway, output interface, preferred source and the table the route was found in.
   * @throws {@link NetlinkError} `ENETUNREACH` / `EHOSTUNREACH` when there is no route, `EINVAL`
   * for an impossible question (such as `iif` without `from`).
   */
  async get(lookup: RouteLookup, opts?: RequestOptions): Promise<Route> {
    if (lookup === null || typeof lookup !== 'object') throw new InvalidArgumentError('to', 'expected { to, from?, iif?, oif?, mark? }');
    const to = parseAddress(lookup.to, 'to');
    const bits = to.family === 'inet' ? 32 : 128;
    // Like ip route get: IPv4 reports the table the route was found in (RTM_F_LOOKUP_TABLE, which IPv6 refuses and does anyway).
    const flags: string[] = to.family === 'inet' ? ['lookup-table'] : [];
    if (lookup.fibMatch) flags.push('fib-match');
    const query = { family: to.family, dstLen: bits, srcLen: 0, tos: 0, rtmTable: 0, protocol: 0, scope: 0, type: 0, flags, dst: to.address } as Partial<Route>;
    if (lookup.from !== undefined) {
      const from = parseAddress(lookup.from, 'from');
      if (from.family !== to.family) throw new InvalidArgumentError('from', 'the source is of another address family than the destination');
      query.srcLen = bits;
      query.src = from.address;
    }
    if (lookup.iif !== undefined) query.iif = await this.links.indexOf(lookup.iif);
    if (lookup.oif !== undefined) query.oif = await this.links.indexOf(lookup.oif);
    checkInteger('mark', lookup.mark, 0, 0xffffffff);
    if (lookup.mark !== undefined) query.mark = lookup.mark;
    checkInteger('uid', lookup.uid, 0, 0xffffffff);
    if (lookup.uid !== undefined) query.uid = lookup.uid;
    if (lookup.ipProto !== undefined) query.ipProto = ipProtoNumber('ipProto', lookup.ipProto);
    checkInteger('sport', lookup.sport, 0, 0xffff);
    if (lookup.sport !== undefined) query.sport = lookup.sport;
    checkInteger('dport', lookup.dport, 0, 0xffff);
    if (lookup.dport !== undefined) query.dport = lookup.dport;
    const route = await getObject(this.conn, RTM_GETROUTE, RTM_NEWROUTE, routeMessage, query, opts);
    if (!route) throw new InvalidArgumentError('to', `the kernel sent no route for ${lookup.to}`);
    return route;
  }

  // The request for add/replace/append/change (del = false) or delete (del = true).
  private async message(spec: RouteSpec, del: boolean): Promise<Partial<Route>> {
    if (spec === null || typeof spec !== 'object') throw new InvalidArgumentError('dst', 'expected a route spec { dst, ... }');
    if (spec.family !== undefined && spec.family !== 'inet' && spec.family !== 'inet6') {
      throw new InvalidArgumentError('family', `expected inet or inet6, got ${JSON.stringify(spec.family)}`);
    }
    let family: IpFamily;
    let dst: Prefix | undefined;
    if (spec.dst === 'default') {
      family = spec.family ?? familyOfText(spec.gateway) ?? familyOfText(spec.prefsrc) ?? familyOfText(spec.nexthops?.[0]?.gateway) ?? 'inet';
    } else {
      dst = parsePrefix(spec.dst, 'dst');
      family = dst.family;
      if (spec.family !== undefined && spec.family !== family) throw new InvalidArgumentError('family', `${spec.dst} is not an ${spec.family} prefix`);
    }
    const type = spec.type === undefined ? (del ? 0 : RtmType.unicast) : enumNumber('type', spec.type, RtmType);
    if (type === 0 && spec.type !== undefined) throw new InvalidArgumentError('type', 'unspec is not a route type');
    const hasPath = spec.gateway !== undefined || spec.via !== undefined || spec.nexthops !== undefined || spec.nexthopId !== undefined;
    let scope: number;
    if (spec.scope !== undefined) scope = enumNumber('scope', spec.scope, RtScope);
    else if (del) scope = RtScope.nowhere; // matches any scope
    else if (family === 'inet6') scope = RtScope.universe;
    else if (type === RtmType.local || type === RtmType.nat) scope = RtScope.host;
    else if (type === RtmType.broadcast || type === RtmType.multicast || type === RtmType.anycast) scope = RtScope.link;
    else if (type === RtmType.unicast) scope = hasPath ? RtScope.universe : RtScope.link;
    else scope = RtScope.universe;
    const protocol = spec.protocol === undefined ? (del ? 0 : RtProtocol.boot) : enumNumber('protocol', spec.protocol, RtProtocol);
    const table = spec.table === undefined ? RT_TABLE.main : routeTableId('table', spec.table);
    checkInteger('tos', spec.tos, 0, 255);
    const msg = {
      family,
      dstLen: dst?.length ?? 0,
      srcLen: 0,
      tos: spec.tos ?? 0,
      rtmTable: table < 256 ? table : RT_TABLE.unspec,
      protocol,
      scope,
      type,
      flags: spec.onlink ? ['onlink'] : [],
    } as Partial<Route>;
    if (dst) msg.dst = dst.address;
    if (table >= 256) msg.table = table;
    checkInteger('priority', spec.priority, 0, 0xffffffff);
    if (spec.priority !== undefined) msg.priority = spec.priority;
    if (spec.prefsrc !== undefined) {
      const p = parseAddress(spec.prefsrc, 'prefsrc');
      if (p.family !== family) throw new InvalidArgumentError('prefsrc', `${spec.prefsrc} is not an ${family} address`);
      msg.prefsrc = p.address;
    }
    if (spec.gateway !== undefined) msg.gateway = this.gateway(spec.gateway, family, 'gateway');
    if (spec.via !== undefined) {
      if (spec.gateway !== undefined) throw new InvalidArgumentError('via', 'give either gateway or via');
      const v = parseAddress(spec.via, 'via');
      msg.via = { family: v.family, addr: v.address };
    }
    if (spec.oif !== undefined) msg.oif = await this.links.indexOf(spec.oif);
    if (spec.metrics !== undefined) {
      checkMetrics(spec.metrics);
      msg.metrics = spec.metrics;
    }
    if (spec.nexthops !== undefined) {
      if (!Array.isArray(spec.nexthops) || spec.nexthops.length === 0) throw new InvalidArgumentError('nexthops', 'expected a non-empty array of { gateway?, oif?, weight? }');
      if (spec.gateway !== undefined || spec.via !== undefined) throw new InvalidArgumentError('nexthops', 'a multipath route takes its gateways in nexthops, not in gateway/via');
      const paths: NonNullable<Route['multipath']> = [];
      for (const [i, nh] of spec.nexthops.entries()) {
        const f = `nexthops.${i}`;
        if (nh === null || typeof nh !== 'object') throw new InvalidArgumentError(f, 'expected { gateway?, via?, oif?, weight? }');
        checkInteger(`${f}.weight`, nh.weight, 1, 256);
        const attrs: NonNullable<NonNullable<Route['multipath']>[number]['attrs']> = {};
        if (nh.gateway !== undefined) attrs.gateway = this.gateway(nh.gateway, family, `${f}.gateway`);
        if (nh.via !== undefined) {
          if (nh.gateway !== undefined) throw new InvalidArgumentError(`${f}.via`, 'give either gateway or via');
          const v = parseAddress(nh.via, `${f}.via`);
          attrs.via = { family: v.family, addr: v.address };
        }
        const path: NonNullable<Route['multipath']>[number] = {
          flags: nh.onlink ? ['onlink'] : [],
          hops: (nh.weight ?? 1) - 1,
          ifindex: nh.oif === undefined ? 0 : await this.links.indexOf(nh.oif),
        };
        if (Object.keys(attrs).length > 0) path.attrs = attrs;
        paths.push(path);
      }
      msg.multipath = paths;
    }
    if (spec.nexthopId !== undefined) {
      checkInteger('nexthopId', spec.nexthopId, 1, 0xffffffff);
      if (spec.gateway !== undefined || spec.via !== undefined || spec.oif !== undefined || spec.nexthops !== undefined) {
        throw new InvalidArgumentError('nexthopId', 'a route through a nexthop object takes no gateway, via, oif or nexthops');
      }
      msg.nhId = spec.nexthopId;
    }
    if (spec.pref !== undefined) {
      if (family !== 'inet6') throw new InvalidArgumentError('pref', 'router preference is for IPv6 routes');
      if (spec.pref !== 'low' && spec.pref !== 'medium' && spec.pref !== 'high') throw new InvalidArgumentError('pref', `expected low, medium or high, got ${JSON.stringify(spec.pref)}`);
      msg.pref = spec.pref satisfies keyof typeof RoutePref;
    }
    if (spec.expires !== undefined) {
      if (family !== 'inet6') throw new InvalidArgumentError('expires', 'only IPv6 routes expire');
      checkInteger('expires', spec.expires, 0, 0x7fffffff);
      msg.expires = spec.expires;
    }
    return msg;
  }

  private gateway(text: string, family: IpFamily, field: string): string {
    const g = parseAddress(text, field);
    if (g.family !== family) {
      throw new InvalidArgumentError(field, `${text} is not an ${family} address (give a gateway of the other family as \`via\`)`);
    }
    return g.address;
  }
}

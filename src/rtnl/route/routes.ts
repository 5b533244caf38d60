// Routes: RTM_NEWROUTE / RTM_DELROUTE / RTM_GETROUTE. Every operation takes and returns the
// `Route` model (model.ts); the wire message is made and read in mapping.ts only.

import type { Writer } from '../../netlink/bytes.js';
import type { Connection, DumpStream, ObjectStream, RequestOptions } from '../../netlink/connection.js';
import { NLM_F_APPEND, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE } from '../../netlink/constants.js';
import { InvalidArgumentError, NetlinkError } from '../../netlink/errors.js';
import { checkInteger, enumNumber, parseAddress } from '../common/checks.js';
import { checkKeys, checkObject } from '../common/model.js';
import { parsePrefix, type Prefix } from '../common/prefix.js';
import { changeObject, dumpDecoded, getObject, lazyStream, streamDecoded, type DumpResult } from '../common/requests.js';
import { RtmType, RtnhFlags, RtProtocol } from '../generated/common.js';
import { RTM_DELROUTE, RTM_GETROUTE, RTM_NEWROUTE, RtmFlags, routeMessage } from '../generated/route.js';
import type { LinkRef, Links } from '../link/links.js';
import { normalizeRef } from '../link/links.js';
import { familyOfAddress, NO_FLAGS, routeFromBytes, routeFromWire, routeToBytes, routeToWireParsed, type RouteWire } from './mapping.js';
import {
  REALMS_KEYS,
  ROUTE_KEYS,
  ROUTE_METRIC_KEYS,
  ROUTE_NEXTHOP_KEYS,
  ROUTE_SCOPES,
  RT_TABLE,
  type IpFamily,
  type IpProto,
  type Realms,
  type Route,
  type RouteFlag,
  type RouteMetricName,
  type RouteMetrics,
  type RouteNexthop,
  type RouteNexthopFlag,
  type RouteProtocol,
  type RouteScope,
  type RouteSpec,
  type RouteTable,
  type RouteType,
} from './model.js';
import { FAMILY_MESSAGE_TYPES } from '../schemas/types.js';

export {
  RT_TABLE,
  ROUTE_SCOPES,
  routeKey,
  routeBaseKey,
  type IpFamily,
  type IpProto,
  type Realms,
  type Route,
  type RouteFlag,
  type RouteMetricName,
  type RouteMetrics,
  type RouteNexthop,
  type RouteNexthopFlag,
  type RouteNexthopSpec,
  type RoutePref,
  type RouteProtocol,
  type RouteScope,
  type RouteSpec,
  type RouteTable,
  type RouteType,
  type RouteTypeName,
} from './model.js';

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

const IP_PROTOS: Readonly<Record<string, number>> = { icmp: 1, tcp: 6, udp: 17, 'ipv6-icmp': 58, sctp: 132 };
const IP_PROTO_NAMES: ReadonlyMap<number, IpProto> = new Map(Object.entries(IP_PROTOS).map(([name, n]) => [n, name as IpProto]));

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

/** An IP protocol number by its common name when it has one. */
export function ipProtoName(n: number): IpProto {
  return IP_PROTO_NAMES.get(n) ?? n;
}

const SCOPE_NAMES: Readonly<Record<string, number>> = { ...ROUTE_SCOPES, universe: 0 };

/** The number of a scope by name (`global` or `universe` for 0) or number. */
function scopeNumber(field: string, scope: RouteScope | 'universe'): number {
  return enumNumber(field, scope, SCOPE_NAMES);
}

/** Checks a list of flags (names of `bits`, or bit values) and keeps those a request may set. */
function settableFlags<F extends string | number>(field: string, flags: readonly F[] | undefined, bits: Readonly<Record<string, number>>, settable: readonly F[]): readonly F[] {
  if (flags === undefined || (Array.isArray(flags) && flags.length === 0)) return NO_FLAGS;
  if (!Array.isArray(flags)) throw new InvalidArgumentError(field, `expected an array of flag names such as ['onlink']`);
  const out: F[] = [];
  for (const [i, f] of flags.entries()) {
    const ok = typeof f === 'string' ? Object.hasOwn(bits, f) : typeof f === 'number' && Number.isInteger(f) && f > 0 && f <= 0x80000000 && (f & (f - 1)) === 0;
    if (!ok) throw new InvalidArgumentError(`${field}.${i}`, `unknown flag ${JSON.stringify(f)}; expected one of ${Object.keys(bits).join(', ')} or the value of one bit`);
    if (settable.includes(f) && !out.includes(f)) out.push(f);
  }
  return out;
}

function checkRealms(field: string, r: Realms): Realms {
  checkObject(r as unknown, field, '{ from, to }');
  checkKeys(r, REALMS_KEYS, `${field}.`);
  if (r.from === undefined || r.to === undefined) throw new InvalidArgumentError(field, 'expected { from, to }');
  checkInteger(`${field}.from`, r.from, 0, 0xffff);
  checkInteger(`${field}.to`, r.to, 0, 0xffff);
  return { from: r.from, to: r.to };
}

const METRIC_LIMITS: Readonly<Partial<Record<RouteMetricName, number>>> = { rtt: 0xffffffff / 8000, rttvar: 0xffffffff / 4000, rtoMin: 0xffffffff / 1000 };

function checkMetrics(m: RouteMetrics): RouteMetrics {
  checkObject(m as unknown, 'metrics', 'an object such as { mtu: 1400 }');
  checkKeys(m, ROUTE_METRIC_KEYS, 'metrics.');
  const out: RouteMetrics = {};
  for (const [k, v] of Object.entries(m) as [keyof RouteMetrics, unknown][]) {
    if (v === undefined) continue;
    const field = `metrics.${k}`;
    if (k === 'lock') {
      if (!Array.isArray(v)) throw new InvalidArgumentError(field, "expected an array of metric names such as ['mtu']");
      for (const [i, name] of v.entries()) {
        const ok = typeof name === 'number' ? Number.isInteger(name) && name >= 0 && name < 32 : typeof name === 'string' && ROUTE_METRIC_KEYS.has(name) && name !== 'lock';
        if (!ok) throw new InvalidArgumentError(`${field}.${i}`, `${JSON.stringify(name)} is not a metric name (or an RTAX_* number below 32)`);
      }
      out.lock = [...(v as (RouteMetricName | number)[])];
    } else if (k === 'ccAlgo') {
      if (typeof v !== 'string' || v === '') throw new InvalidArgumentError(field, 'expected the name of a congestion control algorithm');
      out.ccAlgo = v;
    } else {
      const limit = METRIC_LIMITS[k];
      if (limit !== undefined) {
        if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > limit) throw new InvalidArgumentError(field, `${String(v)} is not a time in seconds from 0 to ${Math.floor(limit)}`);
      } else {
        checkInteger(field, v as number, 0, 0xffffffff);
      }
      out[k] = v as number;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

// A route filter as a dump request and the numbers to filter by.
interface FilterQuery {
  table: number;
  protocol: number;
  type: number;
  oif: number;
  query: Partial<RouteWire>;
}

/** A listing's family: the one asked for, or else IPv4 and IPv6 (not MPLS). */
function familyKept(r: Route, family: RouteFilter['family']): boolean {
  return family === undefined ? r.family === 'inet' || r.family === 'inet6' : r.family === family;
}

/**
 * What the kernel filters on in strict mode (NLM_F_DUMP_FILTERED): table, protocol, type and
 * output interface; checked here too, so that the answer is the same whether it did or not.
 */
function matchesQuery(r: Route, q: FilterQuery): boolean {
  return (
    (q.table === 0 || r.table === q.table) &&
    (q.protocol === 0 || enumNumber('protocol', r.protocol, RtProtocol) === q.protocol) &&
    (q.type === 0 || enumNumber('type', r.type, RtmType) === q.type) &&
    (q.oif === 0 || r.oif === q.oif || (r.nexthops ?? []).some((nh) => nh.oif === q.oif))
  );
}

/** The routes of one network namespace. */
export class Routes {
  constructor(
    private readonly conn: Connection,
    private readonly links: Links,
  ) {
    conn.nameAttributes(routeMessage, ...FAMILY_MESSAGE_TYPES.route);
  }

  /**
   * Adds a route, like `ip route add`. A route from {@link Routes.list} is accepted as it is: it
   * creates that route again. IPv6 refuses a second route of the same prefix, table and metric
   * through another interface (EEXIST) although the kernel makes such routes itself (`fe80::/64`
   * on every link): {@link Routes.append} adds it, like `ip -6 route append`.
   * @throws {@link InvalidArgumentError} for an unknown key, a malformed prefix, address or option, before sending.
   * @throws {@link NetlinkError} `EEXIST` when the table has that route already, `ENETUNREACH`
   * for a gateway that is not reachable, and whatever else the kernel refuses.
   */
  add(route: RouteSpec, opts?: RequestOptions): Promise<void> {
    return this.send(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, route, false, opts);
  }

  /** Adds a route or replaces the one with the same destination, table, tos and priority, like `ip route replace`. */
  replace(route: RouteSpec, opts?: RequestOptions): Promise<void> {
    return this.send(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, route, false, opts);
  }

  /**
   * Adds a route even if one with the same destination exists, like `ip route append` (for IPv6
   * the new route's path joins the existing route's paths).
   */
  append(route: RouteSpec, opts?: RequestOptions): Promise<void> {
    return this.send(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_APPEND, route, false, opts);
  }

  /**
   * Changes an existing route, like `ip route change`.
   * @throws {@link NetlinkError} `ENOENT` when there is no such route.
   */
  change(route: RouteSpec, opts?: RequestOptions): Promise<void> {
    return this.send(RTM_NEWROUTE, NLM_F_REPLACE, route, false, opts);
  }

  /**
   * Deletes a route, like `ip route del`: what the spec leaves out matches any route. A route from
   * {@link Routes.list} names everything, so exactly that route is deleted.
   * @throws {@link NetlinkError} `ESRCH` when no route matches.
   */
  delete(route: RouteSpec, opts?: RequestOptions): Promise<void> {
    return this.send(RTM_DELROUTE, 0, route, true, opts);
  }

  // Checks a filter and makes the dump request's query (the kernel filters by it in strict mode).
  private async filterQuery(filter: RouteFilter): Promise<FilterQuery> {
    if (filter.family !== undefined && filter.family !== 'inet' && filter.family !== 'inet6') {
      throw new InvalidArgumentError('family', `expected inet or inet6, got ${JSON.stringify(filter.family)}`);
    }
    const table = routeTableId('table', filter.table ?? 'main');
    const protocol = filter.protocol === undefined ? 0 : enumNumber('protocol', filter.protocol, RtProtocol);
    const type = filter.type === undefined ? 0 : enumNumber('type', filter.type, RtmType);
    const oif = filter.oif === undefined ? 0 : await this.links.resolve(filter.oif, RTM_GETROUTE);
    const query = { family: filter.family ?? 'unspec', dstLen: 0, srcLen: 0, tos: 0, rtmTable: 0, protocol, scope: 0, type, flags: [] } as Partial<RouteWire>;
    if (table !== 0) query.table = table;
    if (oif !== 0) query.oif = oif;
    return { table, protocol, type, oif, query };
  }

  /**
   * Lists routes, like `ip route show` (by default the main table of both families).
   * A table that does not exist has no routes: the result is empty rather than an error.
   */
  async list(filter: RouteFilter = {}, opts?: RequestOptions): Promise<Route[]> {
    const q = await this.filterQuery(filter);
    const { table, query } = q;
    const family = filter.family;
    let res: DumpResult<Route>;
    try {
      res = await dumpDecoded(
        this.conn,
        RTM_GETROUTE,
        RTM_NEWROUTE,
        routeMessage,
        query,
        (r, off, end, ctx) => {
          const route = routeFromBytes(r, off, end, ctx);
          return familyKept(route, family) ? route : undefined;
        },
        opts,
      );
    } catch (err) {
      // A table the kernel has never created: asked for one family, the kernel says ENOENT.
      if (table !== 0 && err instanceof NetlinkError && err.code === 'ENOENT') return [];
      throw err;
    }
    return res.kernelFiltered ? res.items : res.items.filter((r) => matchesQuery(r, q));
  }

  /**
   * Whether routing table `table` of `family` exists. The kernel makes a table with its first
   * route and keeps it, and answers a dump of a table it never made with ENOENT; {@link Routes.list}
   * turns that into an empty list, since a network manager asking for a table's routes wants
   * none either way. A tool that must tell the two apart (`ip route show table 999` fails) asks
   * here: the table's routes are read but not decoded.
   * @throws {@link InvalidArgumentError} for a bad table or family, before sending.
   */
  async tableExists(table: RouteTable, family: IpFamily, opts?: RequestOptions): Promise<boolean> {
    if (family !== 'inet' && family !== 'inet6') throw new InvalidArgumentError('family', `expected inet or inet6, got ${JSON.stringify(family)}`);
    const id = routeTableId('table', table);
    const query = { family, dstLen: 0, srcLen: 0, tos: 0, rtmTable: 0, protocol: 0, scope: 0, type: 0, flags: [], table: id } as Partial<RouteWire>;
    try {
      await this.conn.dump({ type: RTM_GETROUTE, body: (w) => routeMessage.encode(w, query) }, () => ({ onMessage: () => undefined, result: () => undefined }), opts);
      return true;
    } catch (err) {
      if (err instanceof NetlinkError && err.code === 'ENOENT') return false;
      throw err;
    }
  }

  /**
   * Streams routes, like {@link Routes.list} with the same filter, without holding them all: only
   * one datagram's worth (a few hundred routes) is in memory at a time, so a table of millions can
   * be read in constant space. The dump is requested when iteration starts; until the loop ends
   * (or breaks) the handle's other requests wait.
   *
   * `batches()` reads the same stream a datagram's routes at a time (arrays of a few hundred):
   * one promise per datagram instead of one per route, the fastest way through a large table.
   *
   * @example
   * ```ts
   * for await (const route of rtnl.routes.stream({ table: 'all', family: 'inet' })) count++;
   * for await (const batch of rtnl.routes.stream({ table: 'all' }).batches()) count += batch.length;
   * ```
   */
  stream(filter: RouteFilter = {}, opts?: RequestOptions): ObjectStream<Route> {
    return lazyStream(async () => this.openStream(filter, opts, await this.filterQuery(filter)));
  }

  // The stream itself; stream() only resolves the filter first (an interface name is a request).
  private openStream(filter: RouteFilter, opts: RequestOptions | undefined, q: FilterQuery): DumpStream<Route> {
    const { table, query } = q;
    const family = filter.family;
    // Filtered here whether or not the kernel did (a stream cannot wait for the flag of its end).
    return streamDecoded(
      this.conn,
      RTM_GETROUTE,
      RTM_NEWROUTE,
      routeMessage,
      query,
      (bytes, off, end, ctx) => {
        const r = routeFromBytes(bytes, off, end, ctx);
        return familyKept(r, family) && matchesQuery(r, q) ? r : undefined;
      },
      opts,
      // A table the kernel has never created: asked for one family, the kernel says ENOENT.
      (err) => table !== 0 && err instanceof NetlinkError && err.code === 'ENOENT',
    );
  }

  /**
   * Asks the kernel which route a packet would take, like `ip route get`: the answer is a
   * {@link Route} with the gateway, output interface, preferred source and the table the route was
   * found in (IPv4 answers are cached routes: `dst` is the address asked about, `/32`, and
   * `flags` has `cloned`).
   * @throws {@link NetlinkError} `ENETUNREACH` / `EHOSTUNREACH` when there is no route, `EINVAL`
   * for an impossible question (such as `iif` without `from`).
   */
  async get(lookup: RouteLookup, opts?: RequestOptions): Promise<Route> {
    if (lookup === null || typeof lookup !== 'object') throw new InvalidArgumentError('to', 'expected { to, from?, iif?, oif?, mark? }');
    const to = parseAddress(lookup.to, 'to');
    const bits = to.family === 'inet' ? 32 : 128;
    // Like ip route get: IPv4 reports the table the route was found in (RTM_F_LOOKUP_TABLE, which IPv6 refuses and does anyway).
    const flags: (keyof typeof RtmFlags)[] = to.family === 'inet' ? ['lookup-table'] : [];
    if (lookup.fibMatch) flags.push('fib-match');
    const query = { family: to.family, dstLen: bits, srcLen: 0, tos: 0, rtmTable: 0, protocol: 0, scope: 0, type: 0, flags, dst: to.address } as Partial<RouteWire>;
    if (lookup.from !== undefined) {
      const from = parseAddress(lookup.from, 'from');
      if (from.family !== to.family) throw new InvalidArgumentError('from', 'the source is of another address family than the destination');
      query.srcLen = bits;
      query.src = from.address;
    }
    if (lookup.iif !== undefined) query.iif = await this.links.resolve(lookup.iif, RTM_GETROUTE);
    if (lookup.oif !== undefined) query.oif = await this.links.resolve(lookup.oif, RTM_GETROUTE);
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
    return routeFromWire(route);
  }

  /**
   * Checks a spec and makes the route it describes, with interfaces as indexes and the defaults of
   * `ip route add` (del = false) or `ip route del` (del = true: match anything left out), without
   * what a request does not carry: read-only fields, flags the kernel sets, and the kernel's copy
   * of a nexthop object's paths.
   */
  private resolve(spec: RouteSpec, del: boolean, names: LinkNames): { route: Route; dst: Prefix | undefined; src: Prefix | undefined } {
    checkObject(spec as unknown, 'route', 'a route { dst, ... }');
    checkKeys(spec, ROUTE_KEYS);
    if (spec.family !== undefined && spec.family !== 'inet' && spec.family !== 'inet6') {
      throw new InvalidArgumentError('family', `expected inet or inet6, got ${JSON.stringify(spec.family)}`);
    }
    if (spec.dst === undefined) throw new InvalidArgumentError('dst', "a route needs a destination: a prefix such as '198.51.100.0/24', or 'default'");
    let family: IpFamily;
    let dst: Prefix | undefined;
    if (spec.dst === 'default') {
      family = spec.family ?? textFamily(spec.gateway) ?? textFamily(spec.prefsrc) ?? textFamily(spec.nexthops?.[0]?.gateway) ?? 'inet';
    } else {
      dst = parsePrefix(spec.dst, 'dst');
      family = dst.family;
      if (spec.family !== undefined && spec.family !== family) throw new InvalidArgumentError('family', `${spec.dst} is not an ${spec.family} prefix`);
    }
    let src: Prefix | undefined;
    if (spec.src !== undefined) {
      src = parsePrefix(spec.src, 'src');
      if (src.family !== family) throw new InvalidArgumentError('src', `${spec.src} is not an ${family} prefix`);
    }
    const type = spec.type === undefined ? (del ? 0 : RtmType.unicast) : enumNumber('type', spec.type, RtmType);
    if (type === 0 && spec.type !== undefined) throw new InvalidArgumentError('type', 'unspec is not a route type');
    const viaNexthop = spec.nexthopId !== undefined;
    const hasPath = viaNexthop || spec.gateway !== undefined || spec.via !== undefined || spec.nexthops !== undefined;
    let scope: number;
    if (spec.scope !== undefined) scope = scopeNumber('scope', spec.scope);
    else if (del) scope = ROUTE_SCOPES.nowhere; // matches any scope
    else if (family === 'inet6') scope = ROUTE_SCOPES.global;
    else if (type === RtmType.local || type === RtmType.nat) scope = ROUTE_SCOPES.host;
    else if (type === RtmType.broadcast || type === RtmType.multicast || type === RtmType.anycast) scope = ROUTE_SCOPES.link;
    else if (type === RtmType.unicast) scope = hasPath ? ROUTE_SCOPES.global : ROUTE_SCOPES.link;
    else scope = ROUTE_SCOPES.global;
    const protocol = spec.protocol === undefined ? (del ? 0 : RtProtocol.boot) : enumNumber('protocol', spec.protocol, RtProtocol);
    const table = spec.table === undefined ? RT_TABLE.main : routeTableId('table', spec.table);
    const route: Route = {
      family,
      dst: dst === undefined ? 'default' : spec.dst,
      table,
      type,
      protocol,
      scope,
      flags: settableFlags<RouteFlag>('flags', spec.flags, RtmFlags, ['onlink']),
    };
    if (src !== undefined) route.src = spec.src;
    checkInteger('tos', spec.tos, 0, 255);
    if (spec.tos) route.tos = spec.tos;
    checkInteger('priority', spec.priority, 0, 0xffffffff);
    if (spec.priority !== undefined) route.priority = spec.priority;
    if (spec.prefsrc !== undefined) {
      const p = parseAddress(spec.prefsrc, 'prefsrc');
      if (p.family !== family) throw new InvalidArgumentError('prefsrc', `${spec.prefsrc} is not an ${family} address`);
      route.prefsrc = p.address;
    }
    // The path: a gateway and/or interface, several paths, or a nexthop object. With a nexthop
    // object, the kernel lists its paths too (read-only): they are checked but not sent.
    const gateway = spec.gateway === undefined ? undefined : gatewayOf(spec.gateway, family, 'gateway');
    if (spec.via !== undefined && spec.gateway !== undefined) throw new InvalidArgumentError('via', 'give either gateway or via');
    const via = spec.via === undefined ? undefined : parseAddress(spec.via, 'via').address;
    if (!viaNexthop && spec.nexthops !== undefined && (spec.gateway !== undefined || spec.via !== undefined)) {
      throw new InvalidArgumentError('nexthops', 'a multipath route takes its gateways in nexthops, not in gateway/via');
    }
    const nexthops = spec.nexthops === undefined ? undefined : this.nexthops(spec.nexthops, family, viaNexthop, names);
    if (viaNexthop) {
      checkInteger('nexthopId', spec.nexthopId, 1, 0xffffffff);
      route.nexthopId = spec.nexthopId;
    } else {
      if (gateway !== undefined) route.gateway = gateway;
      if (via !== undefined) route.via = via;
      if (spec.oif !== undefined) route.oif = linkIndex(spec.oif, names);
      if (nexthops !== undefined) route.nexthops = nexthops;
    }
    if (spec.metrics !== undefined) route.metrics = checkMetrics(spec.metrics);
    if (spec.pref !== undefined) {
      if (family !== 'inet6') throw new InvalidArgumentError('pref', 'router preference is for IPv6 routes');
      if (typeof spec.pref === 'number') checkInteger('pref', spec.pref, 0, 255);
      else if (spec.pref !== 'low' && spec.pref !== 'medium' && spec.pref !== 'high') throw new InvalidArgumentError('pref', `expected low, medium or high, got ${JSON.stringify(spec.pref)}`);
      route.pref = spec.pref;
    }
    if (spec.expires !== undefined) {
      if (family !== 'inet6') throw new InvalidArgumentError('expires', 'only IPv6 routes expire');
      checkInteger('expires', spec.expires, 0, 0x7fffffff);
      route.expires = spec.expires;
    }
    if (spec.realms !== undefined) route.realms = checkRealms('realms', spec.realms);
    // The parsed prefixes come along, so that the request is made without parsing them again.
    return { route, dst, src };
  }

  /** The paths of a multipath route, checked, with their interfaces as indexes (not resolved when `readOnly`). */
  private nexthops(specs: RouteSpec['nexthops'], family: IpFamily, readOnly: boolean, names: LinkNames): RouteNexthop[] {
    if (!Array.isArray(specs) || specs.length === 0) throw new InvalidArgumentError('nexthops', 'expected a non-empty array of { gateway?, oif?, weight? }');
    const paths: RouteNexthop[] = [];
    for (const [i, nh] of specs.entries()) {
      const f = `nexthops.${i}`;
      checkObject(nh as unknown, f, '{ gateway?, via?, oif?, weight? }');
      checkKeys(nh, ROUTE_NEXTHOP_KEYS, `${f}.`);
      checkInteger(`${f}.weight`, nh.weight, 1, 256);
      const path: RouteNexthop = {
        oif: nh.oif === undefined || readOnly ? 0 : linkIndex(nh.oif, names),
        weight: nh.weight ?? 1,
        flags: settableFlags<RouteNexthopFlag>(`${f}.flags`, nh.flags, RtnhFlags, ['onlink']),
      };
      if (nh.gateway !== undefined) path.gateway = gatewayOf(nh.gateway, family, `${f}.gateway`);
      if (nh.via !== undefined) {
        if (nh.gateway !== undefined) throw new InvalidArgumentError(`${f}.via`, 'give either gateway or via');
        path.via = parseAddress(nh.via, `${f}.via`).address;
      }
      if (nh.realms !== undefined) path.realms = checkRealms(`${f}.realms`, nh.realms);
      paths.push(path);
    }
    return paths;
  }

  // Sends add/replace/append/change (del = false) or delete (del = true). A spec whose interfaces
  // are all indexes is checked and encoded in this turn, with no promise but the engine's: changes
  // made together (Promise.all) share writes and keep little alive. Interface names are looked up
  // first, after the rest of the spec has been checked.
  private send(type: number, flags: number, spec: RouteSpec, del: boolean, opts: RequestOptions | undefined): Promise<void> {
    const names: LinkNames = new Map();
    let body: (w: Writer) => void;
    try {
      body = this.body(spec, del, names);
    } catch (err) {
      return Promise.reject(err);
    }
    if (names.size > 0) return this.sendNamed(type, flags, spec, del, names, opts);
    return this.conn.ack({ type, flags, body }, opts);
  }

  private async sendNamed(type: number, flags: number, spec: RouteSpec, del: boolean, names: LinkNames, opts: RequestOptions | undefined): Promise<void> {
    // A missing interface fails as the user's request (type), naming it: not as an RTM_GETLINK.
    for (const name of names.keys()) names.set(name, await this.links.resolve(name, type));
    await this.conn.ack({ type, flags, body: this.body(spec, del, names) }, opts);
  }

  // The writer of the request's payload for a spec; interface names not in `names` yet are added
  // to it (to look up). The route is written straight from the model (routeToBytes), through the
  // wire schema only for what that leaves to it: the same bytes either way.
  private body(spec: RouteSpec, del: boolean, names: LinkNames): (w: Writer) => void {
    const { route, dst, src } = this.resolve(spec, del, names);
    return (w) => {
      if (!routeToBytes(w, route, dst, src)) routeMessage.encode(w, routeToWireParsed(route, dst, src));
    };
  }
}

// Interface names of a spec and their indexes (-1 until looked up).
type LinkNames = Map<string, number>;

// The index of an interface reference: an index as given, or the looked-up index of a name (0,
// and the name noted in `names`, while it has not been looked up).
function linkIndex(link: LinkRef, names: LinkNames): number {
  if (typeof link === 'number' && Number.isInteger(link) && link > 0) return link; // what normalizeRef gives
  const r = normalizeRef(link);
  if ('index' in r) return r.index;
  const index = names.get(r.name);
  if (index !== undefined && index >= 0) return index;
  names.set(r.name, -1);
  return 0;
}

/** The family of an address given as text, or undefined if it is not one. */
function textFamily(text: string | undefined): IpFamily | undefined {
  return typeof text === 'string' ? familyOfAddress(text) : undefined;
}

function gatewayOf(text: string, family: IpFamily, field: string): string {
  const g = parseAddress(text, field);
  if (g.family !== family) {
    throw new InvalidArgumentError(field, `${text} is not an ${family} address (give a gateway of the other family as \`via\`)`);
  }
  return g.address;
}

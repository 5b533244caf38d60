// The library's objects in the shape `ip -j` prints them: the same field names and values wherever
// iproute2 prints the same thing. Used by the `rtnl` command line and to cross-check with `ip`.

import { RtmFlags } from '../rtnl/generated/route.js';
import type { Address } from '../index.js';
import type { Link } from '../index.js';
import type { FdbEntry, Neighbour } from '../index.js';
import type { Nexthop } from '../index.js';
import type { Route } from '../index.js';
import type { Rule } from '../index.js';
import { infoDataJson, infoSlaveDataJson } from './ipjson-linkinfo.js';
import { ROUTE_TYPES, dsfields, ipProtocols, linkGroups, protodownReasons, routeProtocols, routeRealms, routeScopes, routeTables } from './names.js';

/** A JSON value as `ip -j` prints it. */
export type IpJson = string | number | boolean | null | IpJson[] | { [key: string]: IpJson };

/** An object as `ip -j` prints it. */
export type IpJsonObject = { [key: string]: IpJson };

// iproute2's print order of interface flags (print_link_flags), and the names it prints.
const LINK_FLAG_ORDER: [string, string][] = [
  ['loopback', 'LOOPBACK'],
  ['broadcast', 'BROADCAST'],
  ['point-to-point', 'POINTOPOINT'],
  ['multicast', 'MULTICAST'],
  ['no-arp', 'NOARP'],
  ['all-multi', 'ALLMULTI'],
  ['promisc', 'PROMISC'],
  ['master', 'MASTER'],
  ['slave', 'SLAVE'],
  ['debug', 'DEBUG'],
  ['dynamic', 'DYNAMIC'],
  ['auto-media', 'AUTOMEDIA'],
  ['portsel', 'PORTSEL'],
  ['no-trailers', 'NOTRAILERS'],
  ['up', 'UP'],
  ['lower-up', 'LOWER_UP'],
  ['dormant', 'DORMANT'],
  ['echo', 'ECHO'],
];

/** Interface flags as `ip` prints them: its order, RUNNING hidden, NO-CARRIER when up without carrier. */
export function ipLinkFlags(flags: readonly (string | number)[] | undefined): string[] {
  const out: string[] = [];
  if (flags === undefined) return out;
  // A link has a few flags: looked up in its array, with an indexed loop (a Set per link and a
  // destructuring for-of cost more while V8 still interprets it, listing thousands of links).
  if (flags.includes('up') && !flags.includes('running')) out.push('NO-CARRIER');
  for (let i = 0; i < LINK_FLAG_ORDER.length; i++) if (flags.includes(LINK_FLAG_ORDER[i][0])) out.push(LINK_FLAG_ORDER[i][1]);
  return out;
}

/** A route/address scope as `ip` names it (`global` for RT_SCOPE_UNIVERSE). */
export function ipScope(scope: string | number | undefined): string | number | undefined {
  return scope === 'universe' ? 'global' : scope;
}

/** The name of link `index` as `ip` prints it: from `byIndex`, else `if<index>`. */
export function linkName(byIndex: ReadonlyMap<number, Link>, index: number): string {
  return byIndex.get(index)?.name ?? `if${index}`;
}

function put(obj: IpJsonObject, key: string, value: IpJson | bigint | undefined): void {
  if (value === undefined) return;
  obj[key] = typeof value === 'bigint' ? Number(value) : value;
}

/** Bytes as hexstring_n2a prints them: two lower-case hex digits each, nothing between. */
function hexString(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * A link as `ip -j [-d] link show` prints it. `byIndex` resolves the indexes of masters and
 * lower links to names, as `ip` does for links in the same namespace.
 */
export function linkToIpJson(link: Link, byIndex: ReadonlyMap<number, Link>, details = false): IpJsonObject {
  const o: IpJsonObject = {};
  put(o, 'ifindex', link.index);
  if (link.link === 0) {
    // ip prints `@NONE` for a tunnel without a lower device.
    o.link = null;
  } else if (link.link !== undefined) {
    // A lower link in another namespace is known by index only; here, by name (`ifN` if unknown).
    if (link.linkNetnsid !== undefined) put(o, 'link_index', link.link);
    else put(o, 'link', linkName(byIndex, link.link));
  }
  put(o, 'ifname', link.name);
  const flags = ipLinkFlags(link.flags);
  // M-DOWN: the lower link (in this namespace) is down, or unknown, as print_name_and_link finds it.
  if (link.link && link.linkNetnsid === undefined && !(byIndex.get(link.link)?.flags ?? []).includes('up')) flags.push('M-DOWN');
  put(o, 'flags', flags);
  put(o, 'mtu', link.mtu);
  put(o, 'qdisc', link.qdisc);
  if (link.master !== undefined) put(o, 'master', linkName(byIndex, link.master));
  put(o, 'operstate', typeof link.operstate === 'string' ? link.operstate.toUpperCase() : link.operstate);
  put(o, 'linkmode', typeof link.linkmode === 'string' ? link.linkmode.toUpperCase() : link.linkmode);
  if (link.group !== undefined) put(o, 'group', linkGroups().name(link.group));
  put(o, 'txqlen', link.txqlen);
  put(o, 'link_type', link.linkType);
  put(o, 'address', link.address);
  put(o, 'permaddr', link.permAddress);
  if (link.broadcast !== undefined && (link.flags ?? []).includes('point-to-point')) put(o, 'link_pointtopoint', true);
  put(o, 'broadcast', link.broadcast);
  if (link.linkNetnsid !== undefined) put(o, 'link_netnsid', link.linkNetnsid);
  if (link.protoDown) put(o, 'proto_down', true);
  // print_proto_down: the reason bits by name, from the low 8 bits of the value (ip reads a u8).
  // ip 6.1 checks IFLA_BROADCAST where it means the reason's value, so it prints the reasons only
  // of links with a broadcast address: the same here.
  const reasons = (link.protoDownReason?.value ?? 0) & 0xff;
  if (reasons !== 0 && link.broadcast !== undefined) {
    const names: string[] = [];
    for (let bit = 0; bit < 8; bit++) if ((reasons >>> bit) & 1) names.push(protodownReasons().name(bit));
    o.proto_down_reason = names;
  }
  if (details) {
    put(o, 'promiscuity', link.promiscuity);
    put(o, 'allmulti', link.allmulti);
    put(o, 'min_mtu', link.minMtu);
    put(o, 'max_mtu', link.maxMtu);
    if (link.kind !== undefined || link.port !== undefined) {
      const li: IpJsonObject = {};
      put(li, 'info_kind', link.kind);
      const nameOf = (index: number): string => linkName(byIndex, index);
      put(li, 'info_data', infoDataJson(link.kind, link.data, nameOf));
      put(li, 'info_slave_kind', link.port?.kind);
      put(li, 'info_slave_data', infoSlaveDataJson(link.port?.kind, link.port?.data, nameOf));
      o.linkinfo = li;
    }
    const af = link.afSpec as { inet6?: { addrGenMode?: string | number } } | undefined;
    const genMode = af !== undefined && 'inet6' in af ? af.inet6?.addrGenMode : undefined;
    if (genMode !== undefined) o.inet6_addr_gen_mode = typeof genMode === 'number' ? String(genMode) : genMode;
    put(o, 'num_tx_queues', link.numTxQueues);
    put(o, 'num_rx_queues', link.numRxQueues);
    put(o, 'gso_max_size', link.gsoMaxSize);
    put(o, 'gso_max_segs', link.gsoMaxSegs);
    put(o, 'tso_max_size', link.tsoMaxSize);
    put(o, 'tso_max_segs', link.tsoMaxSegs);
    put(o, 'gro_max_size', link.groMaxSize);
    put(o, 'phys_port_name', link.physPortName);
    if (link.physPortId !== undefined) o.phys_port_id = hexString(link.physPortId);
    if (link.physSwitchId !== undefined) o.phys_switch_id = hexString(link.physSwitchId);
    put(o, 'parentbus', link.parentDevBusName);
    put(o, 'parentdev', link.parentDevName);
  }
  put(o, 'ifalias', link.alias);
  const alt = link.altNames;
  if (alt !== undefined && alt.length > 0) put(o, 'altnames', [...alt]);
  return o;
}

// print_ifa_flags: the address flags `ip` prints as booleans in addr_info, in its order, by our
// flag name; `permanent` is printed as `dynamic` when absent.
const ADDR_FLAG_KEYS: readonly [ours: string, theirs: string][] = [
  ['secondary', 'secondary'],
  ['nodad', 'nodad'],
  ['optimistic', 'optimistic'],
  ['dadfailed', 'dadfailed'],
  ['homeaddress', 'home'],
  ['deprecated', 'deprecated'],
  ['tentative', 'tentative'],
  ['permanent', 'dynamic'],
  ['managetempaddr', 'mngtmpaddr'],
  ['noprefixroute', 'noprefixroute'],
  ['mcautojoin', 'autojoin'],
  ['stable-privacy', 'stable-privacy'],
];

/** `192.0.2.1/24` -> [`192.0.2.1`, 24]. */
function splitPrefix(text: string): [string, number] {
  const slash = text.indexOf('/');
  return slash < 0 ? [text, text.includes(':') ? 128 : 32] : [text.slice(0, slash), Number(text.slice(slash + 1))];
}

/** IFA_CACHEINFO's "forever", as ip prints it. */
const FOREVER = 4294967295;

/** One address as an entry of `ip -j addr show`'s `addr_info`. */
export function addressToIpJson(a: Address): IpJsonObject {
  const o: IpJsonObject = {};
  const flags = new Set<string | number>(a.flags);
  put(o, 'family', a.family);
  if (a.peer === undefined) {
    const [local, length] = splitPrefix(a.address);
    put(o, 'local', local);
    put(o, 'prefixlen', length);
  } else {
    const [peer, length] = splitPrefix(a.peer);
    put(o, 'local', a.address);
    put(o, 'address', peer);
    put(o, 'prefixlen', length);
  }
  put(o, 'metric', a.metric);
  put(o, 'broadcast', a.broadcast);
  put(o, 'scope', a.scope);
  for (const [ours, theirs] of ADDR_FLAG_KEYS) {
    if (ours === 'permanent') {
      if (!flags.has(ours)) o.dynamic = true;
    } else if (flags.has(ours)) {
      o[ours === 'secondary' && a.family === 'inet6' ? 'temporary' : theirs] = true;
    }
  }
  // Bits ip has no name for, as `%02x`.
  const unknown = a.flags.reduce<number>((n, f) => (typeof f === 'number' ? (n | f) >>> 0 : n), 0);
  if (unknown !== 0) o.ifa_flags = unknown.toString(16).padStart(2, '0');
  put(o, 'label', a.label);
  put(o, 'valid_life_time', a.validLifetime ?? FOREVER);
  put(o, 'preferred_life_time', a.preferredLifetime ?? FOREVER);
  return o;
}

/** Options of {@link linkAddressesToIpJson}. */
export interface AddrShowOptions {
  /** The family `ip addr show` was limited to (`-4` / `-6`): ip then leaves out the link-layer part. */
  family?: 'inet' | 'inet6';
  /** `-d`: the link's details too. */
  details?: boolean;
  /** One device was asked for (`dev X`): ip then reads that link with a GET, not a family dump. */
  devFiltered?: boolean;
}

/** What `ip -6 addr show` prints of a link it read with an AF_INET6 dump. */
const INET6_DUMP_KEYS: ReadonlySet<string> = new Set(['ifindex', 'link', 'link_index', 'ifname', 'flags', 'mtu', 'operstate', 'txqlen', 'link_type', 'address']);

/**
 * A link and its addresses as one element of `ip -j addr show`: the link as `ip link show` prints
 * it (without `linkmode`, and without the link-layer part when a family was given), then
 * `addr_info`.
 */
export function linkAddressesToIpJson(link: Link, addresses: readonly Address[], byIndex: ReadonlyMap<number, Link>, options: AddrShowOptions = {}): IpJsonObject {
  const o = linkToIpJson(link, byIndex, options.details ?? false);
  delete o.linkmode;
  // ip prints the IPv6 address generation mode only in `ip link`, and the alias there or with -d.
  delete o.inet6_addr_gen_mode;
  if (!options.details) delete o.ifalias;
  if (options.family !== undefined && !options.details) {
    for (const k of ['link_type', 'address', 'permaddr', 'broadcast', 'link_pointtopoint', 'link_netnsid']) delete o[k];
  }
  // ip -6 reads the links with an AF_INET6 dump, whose answer (inet6_fill_ifinfo) has only the
  // name, flags, MTU, lower link, operstate, queue length and address: with -d too.
  if (options.family === 'inet6' && !options.devFiltered) for (const k of Object.keys(o)) if (!INET6_DUMP_KEYS.has(k)) delete o[k];
  o.addr_info = addresses.map(addressToIpJson);
  return o;
}

// ---------------------------------------------------------------------------------------------
// Routes

/** An enum value decoded by name (or number when unknown) back to its number. */
function enumValue(v: string | number | undefined, entries: Readonly<Record<string, number>>): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  return entries[v] ?? 0;
}

/** A flags list decoded by names (and numbers for unknown bits) back to the bit mask. */
function flagBits(flags: readonly (string | number)[] | undefined, bits: Readonly<Record<string, number>>): number {
  let n = 0;
  for (const f of flags ?? []) n = (n | (typeof f === 'number' ? f : (bits[f] ?? 0))) >>> 0;
  return n;
}

const RTM_FLAG_BITS: Readonly<Record<string, number>> = RtmFlags;
const RTM_F_CLONED = RtmFlags.cloned;

// print_rt_flags: the order and names ip prints route and nexthop flags in.
const RT_FLAG_ORDER: readonly [number, string][] = [
  [0x1, 'dead'],
  [0x4, 'onlink'],
  [0x2, 'pervasive'],
  [0x8, 'offload'],
  [0x40, 'trap'],
  [0x100, 'notify'],
  [0x10, 'linkdown'],
  [0x20, 'unresolved'],
  [0x4000, 'rt_offload'],
  [0x8000, 'rt_trap'],
  [0x20000000, 'rt_offload_failed'],
];

function rtFlags(bits: number): string[] {
  return RT_FLAG_ORDER.filter(([b]) => (bits & b) !== 0).map(([, name]) => name);
}

// print_cache_flags: the RTCF_* bits (high 16 bits of rtm_flags) of a cached IPv4 route.
const RTCF_ORDER: readonly [number, string][] = [
  [0x80000000, 'local'],
  [0x40000000, 'reject'],
  [0x20000000, 'mc'],
  [0x10000000, 'brd'],
  [0x08000000, 'dst-nat'],
  [0x00800000, 'src-nat'],
  [0x00400000, 'masq'],
  [0x00020000, 'dst-direct'],
  [0x04000000, 'src-direct'],
  [0x00040000, 'redirected'],
  [0x01000000, 'redirect'],
  [0x00200000, 'fastroute'],
  [0x00010000, 'notify'],
  [0x00080000, 'proxy'],
];

function cacheFlags(bits: number): IpJson[] {
  let rest = (bits & ~0xffff) >>> 0;
  const out: IpJson[] = [];
  for (const [b, name] of RTCF_ORDER) {
    if ((rest & b) !== 0) {
      out.push(name);
      rest = (rest & ~b) >>> 0;
    }
  }
  if (rest !== 0) out.push(`${rest.toString(16)}>`);
  return out;
}

const ROUTE_SCOPE_NUMBERS: Readonly<Record<string, number>> = { universe: 0, global: 0, site: 200, link: 253, host: 254, nowhere: 255 };
const ROUTE_PROTOCOL_NUMBERS: Readonly<Record<string, number>> = {
  unspec: 0, redirect: 1, kernel: 2, boot: 3, static: 4, gated: 8, ra: 9, mrt: 10, zebra: 11, bird: 12, dnrouted: 13, xorp: 14, ntk: 15, dhcp: 16,
  mrouted: 17, keepalived: 18, babel: 42, openr: 99, bgp: 186, isis: 187, ospf: 188, rip: 189, eigrp: 192,
};
// The library names RTN_UNSPEC `unspec`, ip `none`.
const ROUTE_TYPE_NUMBERS: Readonly<Record<string, number>> = { ...Object.fromEntries(Object.entries(ROUTE_TYPES).map(([n, name]) => [name, Number(n)])), unspec: 0 };

/** A scope (by name or number) as ip names it: `global`, `link`, `host`, ... */
export function scopeName(scope: string | number | undefined): string {
  return routeScopes().name(enumValue(scope, ROUTE_SCOPE_NUMBERS));
}

/** A protocol (RTPROT_*, by name or number) as ip names it. */
export function protocolName(protocol: string | number | undefined): string {
  return routeProtocols().name(enumValue(protocol, ROUTE_PROTOCOL_NUMBERS));
}

/** A route type (RTN_*, by name or number) as ip names it. */
export function routeTypeName(type: string | number | undefined): string {
  const n = enumValue(type, ROUTE_TYPE_NUMBERS);
  return ROUTE_TYPES[n] ?? String(n);
}

/** The metrics ip prints, in RTAX_* order (the order it prints them in), by the library's key, with ip's JSON name. */
const METRIC_NAMES: readonly [ours: string, theirs: string][] = [
  ['mtu', 'mtu'],
  ['window', 'window'],
  ['rtt', 'rtt'],
  ['rttvar', 'rttvar'],
  ['ssthresh', 'ssthresh'],
  ['cwnd', 'cwnd'],
  ['advmss', 'advmss'],
  ['reordering', 'reordering'],
  ['hoplimit', 'hoplimit'],
  ['initcwnd', 'initcwnd'],
  ['features', 'features'],
  ['rtoMin', 'rto_min'],
  ['initrwnd', 'initrwnd'],
  ['quickack', 'quickack'],
  ['ccAlgo', 'congestion'],
  ['fastopenNoCookie', 'fastopen_no_cookie'],
];

/** RTAX_FEATURE_ECN: the one feature bit ip names. */
const RTAX_FEATURE_ECN = 1;

/**
 * print_rta_metrics: one object in an array. A locked metric the route has no value for prints as
 * 0; the lock itself only shows in ip's text output; a hop limit of -1 (the default) is left out.
 */
function metricsJson(metrics: NonNullable<Route['metrics']>): IpJsonObject {
  const m: IpJsonObject = {};
  const values = metrics as Record<string, number | string | undefined>;
  const locked = new Set<string | number>(metrics.lock ?? []);
  for (const [key, name] of METRIC_NAMES) {
    const v = values[key];
    if (v === undefined && !locked.has(key)) continue;
    if (key === 'hoplimit' && v === 0xffffffff) continue;
    if (key === 'features') {
      const bits = typeof v === 'number' ? v : 0;
      if (bits & RTAX_FEATURE_ECN) m.ecn = null;
      // ip prints the whole mask as hex when any bit but ECN is set.
      if (bits & ~RTAX_FEATURE_ECN) m.features = `0x${bits.toString(16)}`;
      continue;
    }
    m[name] = v === undefined ? 0 : metricJson(key, v);
  }
  return m;
}

/** What `ip route show` was told, which decides what it leaves out (it does not repeat a filter). */
export interface RouteJsonOptions {
  /** `-d`: print type, table, protocol and scope even when they are the defaults. */
  details?: boolean;
  /** A table was asked for (`ip route show` asks for main by default; `table all` asks for none): no `table`. */
  tableFiltered?: boolean;
  /** Routes of one device were asked for (`dev X`): no `dev`. */
  devFiltered?: boolean;
  /** One protocol was asked for (`proto P`): no `protocol`. */
  protocolFiltered?: boolean;
  /** One scope was asked for (`scope S`): no `scope`. */
  scopeFiltered?: boolean;
  /** One tos was asked for (`tos T`): no `tos`. */
  tosFiltered?: boolean;
  /** One metric was asked for (`metric M`): no `metric`. */
  metricFiltered?: boolean;
  /** One gateway was asked for (`via ADDR`, a whole address): no `gateway`. */
  gatewayFiltered?: boolean;
  /** One preferred source was asked for (`src ADDR`, a whole address): no `prefsrc`. */
  prefsrcFiltered?: boolean;
  /** With `details`: the nexthop objects by id, for the `nh_info` of routes through one (ip looks them up). */
  nexthops?: ReadonlyMap<number, Nexthop>;
}

/** A prefix of the model (`192.0.2.0/24`, `192.0.2.7/32`, `default`) as ip prints it: host prefixes without their length. */
export function ipPrefixText(prefix: string, family: string): string {
  const host = family === 'inet6' ? '/128' : '/32';
  return prefix.endsWith(host) ? prefix.slice(0, -host.length) : prefix;
}

/** The family of an address by its text, as ip names it in a `via`. */
function viaFamily(addr: string): string {
  return addr.includes(':') ? 'inet6' : 'inet';
}

/** A metric of the model in the unit `ip -j` prints: RTT and RTT variance in milliseconds as the kernel scales them, RTO_MIN in milliseconds. */
function metricJson(key: string, v: number | string): IpJson {
  if (typeof v !== 'number') return v;
  if (key === 'rtt') return Math.trunc(Math.round(v * 8000) / 8);
  if (key === 'rttvar') return Math.trunc(Math.round(v * 4000) / 4);
  if (key === 'rtoMin') return Math.round(v * 1000);
  return v;
}

/** print_rta_flow: route realms by name (rt_realms), the source one only when not 0. */
function realmsJson(realms: NonNullable<Route['realms']>): IpJsonObject {
  const o: IpJsonObject = {};
  if (realms.from) o.from = routeRealms().name(realms.from);
  o.to = routeRealms().name(realms.to);
  return o;
}

/** A route (or the answer of a route lookup) as `ip -j route show` (`ip -j route get`) prints it. */
export function routeToIpJson(
  r: Route,
  byIndex: ReadonlyMap<number, Link>,
  options: RouteJsonOptions = {},
): IpJsonObject {
  const o: IpJsonObject = {};
  const details = options.details ?? false;
  const type = routeTypeName(r.type);
  if (type !== 'unicast' || details) o.type = type;
  o.dst = ipPrefixText(r.dst, r.family);
  if (r.src !== undefined) o.from = ipPrefixText(r.src, r.family);
  put(o, 'nhid', r.nexthopId);
  if (r.tos && !options.tosFiltered) o.tos = dsfields().name(r.tos);
  if (!options.gatewayFiltered) put(o, 'gateway', r.gateway);
  if (r.via !== undefined) o.via = { family: viaFamily(r.via), host: r.via };
  if (r.oif !== undefined && !options.devFiltered) o.dev = linkName(byIndex, r.oif);
  const table = r.table;
  if (table !== 0 && (table !== 254 || details) && !options.tableFiltered) o.table = routeTables().name(table);
  const flags = flagBits(r.flags, RTM_FLAG_BITS);
  if ((flags & RTM_F_CLONED) === 0) {
    const protocol = protocolName(r.protocol);
    if ((protocol !== 'boot' || details) && !options.protocolFiltered) o.protocol = protocol;
    const scope = scopeName(r.scope);
    if ((scope !== 'global' || details) && !options.scopeFiltered) o.scope = scope;
  }
  if (!options.prefsrcFiltered) put(o, 'prefsrc', r.prefsrc);
  if (!options.metricFiltered) put(o, 'metric', r.priority);
  o.flags = rtFlags(flags);
  if (r.mark) o.mark = r.mark;
  if (r.realms !== undefined) o.flow = realmsJson(r.realms);
  put(o, 'uid', r.uid);
  if (r.family === 'inet' && (flags & RTM_F_CLONED) !== 0) o.cache = cacheFlags(flags);
  put(o, 'expires', r.expires);
  if (r.error !== undefined) o.error = r.error >>> 0;
  if (r.metrics !== undefined) o.metrics = [metricsJson(r.metrics)];
  if (r.iif !== undefined) o.iif = linkName(byIndex, r.iif);
  if (r.pref !== undefined) o.pref = String(r.pref);
  if (details && r.nexthopId !== undefined) {
    const nh = options.nexthops?.get(r.nexthopId);
    if (nh !== undefined) o.nh_info = nexthopToIpJson(nh, byIndex, true);
  }
  if (r.nexthops !== undefined) {
    o.nexthops = r.nexthops.map((nh) => {
      const p: IpJsonObject = {};
      put(p, 'gateway', nh.gateway);
      if (nh.via !== undefined) p.via = { family: viaFamily(nh.via), host: nh.via };
      if (nh.realms !== undefined) p.flow = realmsJson(nh.realms);
      if (nh.oif) p.dev = linkName(byIndex, nh.oif);
      p.weight = nh.weight;
      p.flags = rtFlags(flagBits(nh.flags, RTM_FLAG_BITS));
      return p;
    });
  }
  return o;
}

// ---------------------------------------------------------------------------------------------
// Neighbours

const NUD_ORDER = ['incomplete', 'reachable', 'stale', 'delay', 'probe', 'failed', 'noarp', 'permanent'];

/**
 * Whether `ip neigh show` (without `nud`) prints a neighbour: it hides entries that are only
 * NOARP or have no state, unless they are proxy or externally learned entries.
 */
export function ipNeighShows(n: Pick<Neighbour, 'state' | 'flags' | 'proxy'>): boolean {
  return (n.state !== 'noarp' && n.state !== 'none') || n.proxy === true || n.flags.includes('extern_learn');
}

/** Options of {@link neighbourToIpJson}. */
export interface NeighJsonOptions {
  /** `-d`: the protocol even when unspec. */
  details?: boolean;
  /** Neighbours of one device were asked for (`dev X`): no `dev`. */
  devFiltered?: boolean;
}

/** The NUD_* names ip prints for a state, in its order; unknown bits in hex. */
function nudNames(state: Neighbour['state']): IpJson[] {
  if (state === 'none') return [];
  if (typeof state === 'string') return [state.toUpperCase()];
  const out: IpJson[] = [];
  let rest = state;
  NUD_ORDER.forEach((name, bit) => {
    if (state & (1 << bit)) {
      out.push(name.toUpperCase());
      rest &= ~(1 << bit);
    }
  });
  if (rest !== 0) out.push(`0x${rest.toString(16)}`);
  return out;
}

/** A neighbour as `ip -j neigh show` prints it. */
export function neighbourToIpJson(
  n: Neighbour,
  byIndex: ReadonlyMap<number, Link>,
  options: NeighJsonOptions = {},
): IpJsonObject {
  const o: IpJsonObject = {};
  put(o, 'dst', n.address);
  if (n.link && !options.devFiltered) o.dev = linkName(byIndex, n.link);
  put(o, 'lladdr', n.lladdr);
  if (n.flags.includes('router')) o.router = null;
  if (n.proxy) o.proxy = null;
  if (n.flags.includes('extern_learn')) o.extern_learn = null;
  if (n.flags.includes('offload')) o.offload = null;
  if (n.flags.includes('managed')) o.managed = null;
  const state = nudNames(n.state);
  if (state.length > 0) o.state = state;
  if (n.protocol !== undefined) {
    const p = enumValue(n.protocol, ROUTE_PROTOCOL_NUMBERS);
    if (p !== 0 || options.details) o.protocol = routeProtocols().name(p);
  }
  return o;
}

// The flags `bridge -j fdb show` prints, in its order.
const FDB_FLAGS = ['self', 'router', 'extern_learn', 'offload', 'master', 'sticky'];

/** An FDB entry as `bridge -j fdb show` prints it. */
export function fdbEntryToIpJson(e: FdbEntry, byIndex: ReadonlyMap<number, Link>): IpJsonObject {
  const o: IpJsonObject = { mac: e.lladdr, ifname: linkName(byIndex, e.link) };
  put(o, 'vlan', e.vlan);
  put(o, 'dst', e.dst);
  put(o, 'port', e.dstPort);
  put(o, 'vni', e.vni);
  put(o, 'src_vni', e.srcVni);
  if (e.via !== undefined) o.viaIf = linkName(byIndex, e.via);
  put(o, 'nhid', e.nexthopId);
  o.flags = FDB_FLAGS.filter((f) => e.flags.includes(f as FdbEntry['flags'][number]));
  if (e.master !== undefined) o.master = linkName(byIndex, e.master);
  o.state = e.state === 'dynamic' ? '' : typeof e.state === 'number' ? `0x${e.state.toString(16)}` : e.state;
  return o;
}

// ---------------------------------------------------------------------------------------------
// Rules

const FR_ACT: Readonly<Record<string, number>> = { unspec: 0, 'to-tbl': 1, goto: 2, nop: 3, blackhole: 6, unreachable: 7, prohibit: 8 };

const IP_PROTO_NUMBERS: Readonly<Record<string, number>> = { icmp: 1, tcp: 6, udp: 17, 'ipv6-icmp': 58, sctp: 132 };

/** A rule as `ip -j rule show` prints it (`-d`: `details`). */
export function ruleToIpJson(
  r: Rule,
  details = false,
): IpJsonObject {
  const o: IpJsonObject = {};
  o.priority = r.priority;
  const flags = r.flags;
  if (flags.includes('invert')) o.not = null;
  const host = r.family === 'inet6' ? 128 : 32;
  // ip prints a prefix as its address, and its length apart unless it is a host prefix.
  const prefix = (key: 'src' | 'dst', text: string): void => {
    const slash = text.lastIndexOf('/');
    const len = slash < 0 ? host : Number(text.slice(slash + 1));
    o[key] = slash < 0 ? text : text.slice(0, slash);
    if (len !== host) o[`${key}len`] = len;
  };
  if (r.from !== undefined) prefix('src', r.from);
  else o.src = 'all';
  if (r.to !== undefined) prefix('dst', r.to);
  if (r.tos) o.tos = dsfields().name(r.tos);
  if (r.fwmark !== undefined || r.fwmask !== undefined) {
    o.fwmark = `0x${(r.fwmark ?? 0).toString(16)}`;
    if (r.fwmask !== undefined && r.fwmask !== 0xffffffff) o.fwmask = `0x${r.fwmask.toString(16)}`;
  }
  if (r.iif !== undefined) {
    o.iif = r.iif;
    if (flags.includes('iif-detached')) o.iif_detached = null;
  }
  if (r.oif !== undefined) {
    o.oif = r.oif;
    if (flags.includes('oif-detached')) o.oif_detached = null;
  }
  if (r.l3mdev) o.l3mdev = null;
  if (r.uidRange !== undefined) {
    o.uid_start = r.uidRange.start;
    o.uid_end = r.uidRange.end;
  }
  if (r.ipProto !== undefined) o.ipproto = ipProtocols().name(typeof r.ipProto === 'number' ? r.ipProto : IP_PROTO_NUMBERS[r.ipProto]);
  for (const [key, range] of [['sport', r.sport], ['dport', r.dport]] as const) {
    if (range === undefined) continue;
    if (range.start === range.end) o[key] = range.start;
    else {
      o[`${key}_start`] = range.start;
      o[`${key}_end`] = range.end;
    }
  }
  const table = r.table ?? 0;
  if (table !== 0) {
    o.table = routeTables().name(table);
    if (r.suppressPrefixlength !== undefined && r.suppressPrefixlength !== -1) o.suppress_prefixlen = r.suppressPrefixlength;
    if (r.suppressIfgroup !== undefined && r.suppressIfgroup !== -1) o.suppress_ifgroup = linkGroups().name(r.suppressIfgroup);
  }
  if (r.realms !== undefined) {
    // Realms by name (rt_realms), as ip prints them; the source realm only when not 0.
    if (r.realms.from) o.flow_from = routeRealms().name(r.realms.from);
    o.flow_to = routeRealms().name(r.realms.to);
  }
  const action = enumValue(r.action, FR_ACT);
  if (action === FR_ACT.goto) {
    o.goto = r.goto ?? 'none';
    if (flags.includes('unresolved')) o.unresolved = null;
  } else if (action === FR_ACT.nop) {
    o.nop = null;
  } else if (action !== FR_ACT['to-tbl']) {
    o.action = ROUTE_TYPES[action] ?? String(action);
  }
  const p = enumValue(r.protocol, ROUTE_PROTOCOL_NUMBERS);
  if ((p !== 0 && p !== 2) || details) o.protocol = routeProtocols().name(p);
  return o;
}

// ---------------------------------------------------------------------------------------------
// Nexthops

/** A nexthop object as `ip -j nexthop show` prints it (`-d`: `details`). */
export function nexthopToIpJson(
  n: Nexthop,
  byIndex: ReadonlyMap<number, Link>,
  details = false,
): IpJsonObject {
  const o: IpJsonObject = {};
  put(o, 'id', n.id);
  if (n.group !== undefined) o.group = n.group.map((m): IpJsonObject => (m.weight === 1 ? { id: m.id } : { id: m.id, weight: m.weight }));
  if (n.type !== undefined && n.type !== 'mpath' && n.type !== 0) o.type = String(n.type);
  if (n.resilient !== undefined) {
    const r = n.resilient;
    const args: IpJsonObject = { buckets: r.buckets, idle_timer: r.idleTimer, unbalanced_timer: r.unbalancedTimer };
    put(args, 'unbalanced_time', r.unbalancedTime);
    o.resilient_args = args;
  }
  put(o, 'gateway', n.gateway);
  if (n.oif !== undefined) o.dev = linkName(byIndex, n.oif);
  const scope = scopeName(n.scope);
  if (scope !== 'global' || details) o.scope = scope;
  if (n.blackhole) o.blackhole = null;
  const protocol = enumValue(n.protocol, ROUTE_PROTOCOL_NUMBERS);
  if (protocol !== 0 || details) o.protocol = routeProtocols().name(protocol);
  o.flags = rtFlags(flagBits([...(n.onlink ? ['onlink'] : []), ...n.flags], RTM_FLAG_BITS));
  if (n.fdb) o.fdb = null;
  return o;
}

// ---------------------------------------------------------------------------------------------
// Namespaces

/** An nsid as `ip -j netns list-id` prints it. */
export function nsidToIpJson(e: { nsid: number; name?: string }): IpJsonObject {
  const o: IpJsonObject = { nsid: e.nsid };
  put(o, 'name', e.name);
  return o;
}

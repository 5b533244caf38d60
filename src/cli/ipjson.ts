// The library's objects in the shape `ip -j` prints them: the same field names and values wherever
// iproute2 prints the same thing. Used by the `rtnl` command line and to cross-check with `ip`.

import type { Address } from '../rtnl/addresses.js';
import type { Link } from '../rtnl/links.js';

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
  const set = new Set(flags ?? []);
  const out: string[] = [];
  if (set.has('up') && !set.has('running')) out.push('NO-CARRIER');
  for (const [name, text] of LINK_FLAG_ORDER) if (set.has(name)) out.push(text);
  return out;
}

/** A route/address scope as `ip` names it (`global` for RT_SCOPE_UNIVERSE). */
export function ipScope(scope: string | number | undefined): string | number | undefined {
  return scope === 'universe' ? 'global' : scope;
}

function put(obj: IpJsonObject, key: string, value: IpJson | bigint | undefined): void {
  if (value === undefined) return;
  obj[key] = typeof value === 'bigint' ? Number(value) : value;
}

function isMulticast(ip: string): boolean {
  if (ip.includes(':')) return ip.toLowerCase().startsWith('ff');
  const first = Number(ip.split('.')[0]);
  return first >= 224 && first <= 239;
}

const bool = (v: number | boolean | undefined): boolean | undefined => (v === undefined ? undefined : Boolean(v));

// The kind-specific part of `ip -d`'s linkinfo, for the fields iproute2 prints the same way.
function infoData(kind: string | undefined, data: unknown, byIndex: ReadonlyMap<number, Link>): IpJsonObject | undefined {
  if (data === undefined || data instanceof Uint8Array || typeof data !== 'object' || data === null) return undefined;
  const d = data as Record<string, unknown>;
  const o: IpJsonObject = {};
  switch (kind) {
    case 'vxlan':
      put(o, 'id', d.id as number);
      // ip calls the destination `group` when it is multicast, `remote` otherwise.
      for (const g of [d.group, d.group6] as (string | undefined)[]) {
        if (g !== undefined) put(o, isMulticast(g) ? 'group' : 'remote', g);
      }
      put(o, 'local', d.local as string | undefined);
      if (typeof d.link === 'number') put(o, 'link', byIndex.get(d.link)?.name ?? d.link);
      put(o, 'port', d.port as number);
      put(o, 'learning', bool(d.learning as number));
      put(o, 'ttl', d.ttl as number);
      put(o, 'df', d.df as string);
      put(o, 'ageing', d.ageing as number);
      return o;
    case 'macvlan':
    case 'macvtap':
      put(o, 'mode', d.mode as string);
      put(o, 'bcqueuelen', d.bcQueueLen as number);
      put(o, 'usedbcqueuelen', d.bcQueueLenUsed as number);
      return o;
    case 'bridge':
      for (const [ours, theirs] of [
        ['forwardDelay', 'forward_delay'],
        ['helloTime', 'hello_time'],
        ['maxAge', 'max_age'],
        ['ageingTime', 'ageing_time'],
        ['stpState', 'stp_state'],
        ['priority', 'priority'],
        ['vlanFiltering', 'vlan_filtering'],
        ['groupAddr', 'group_addr'],
        ['mcastSnooping', 'mcast_snooping'],
        ['mcastRouter', 'mcast_router'],
      ] as const) {
        put(o, theirs, d[ours] as number | string | undefined);
      }
      return o;
    default:
      return undefined;
  }
}

function slaveData(kind: string | undefined, data: unknown): IpJsonObject | undefined {
  if (kind !== 'bridge' || data === undefined || data instanceof Uint8Array || typeof data !== 'object' || data === null) return undefined;
  const d = data as Record<string, number | undefined>;
  const o: IpJsonObject = {};
  const states = ['disabled', 'listening', 'learning', 'forwarding', 'blocking'];
  if (d.state !== undefined) put(o, 'state', states[d.state] ?? d.state);
  put(o, 'priority', d.priority);
  put(o, 'cost', d.cost);
  put(o, 'learning', bool(d.learning));
  put(o, 'flood', bool(d.unicastFlood));
  return o;
}

/**
 * A link as `ip -j [-d] link show` prints it. `byIndex` resolves the indexes of masters and
 * lower links to names, as `ip` does for links in the same namespace.
 */
export function linkToIpJson(link: Link, byIndex: ReadonlyMap<number, Link>, details = false): IpJsonObject {
  const o: IpJsonObject = {};
  put(o, 'ifindex', link.index);
  if (link.link !== undefined) {
    if (link.linkNetnsid !== undefined) {
      put(o, 'link_index', link.link);
      put(o, 'link_netnsid', link.linkNetnsid);
    } else {
      const lower = byIndex.get(link.link);
      put(o, lower ? 'link' : 'link_index', lower?.name ?? link.link);
    }
  }
  put(o, 'ifname', link.name);
  put(o, 'flags', ipLinkFlags(link.flags));
  put(o, 'mtu', link.mtu);
  put(o, 'qdisc', link.qdisc);
  if (link.master !== undefined) put(o, 'master', byIndex.get(link.master)?.name ?? link.master);
  put(o, 'operstate', typeof link.operstate === 'string' ? link.operstate.toUpperCase() : link.operstate);
  put(o, 'linkmode', typeof link.linkmode === 'string' ? link.linkmode.toUpperCase() : link.linkmode);
  put(o, 'group', link.group === 0 ? 'default' : link.group);
  put(o, 'txqlen', link.txqlen);
  put(o, 'link_type', link.type as string | number);
  put(o, 'address', link.address);
  put(o, 'broadcast', link.broadcast);
  if (details) {
    put(o, 'promiscuity', link.promiscuity);
    put(o, 'allmulti', link.allmulti);
    put(o, 'min_mtu', link.minMtu);
    put(o, 'max_mtu', link.maxMtu);
    const info = link.linkinfo;
    if (info) {
      const li: IpJsonObject = {};
      put(li, 'info_kind', info.kind);
      put(li, 'info_data', infoData(info.kind, info.data, byIndex));
      put(li, 'info_slave_kind', info.slaveKind);
      put(li, 'info_slave_data', slaveData(info.slaveKind, info.slaveData));
      o.linkinfo = li;
    }
    put(o, 'num_tx_queues', link.numTxQueues);
    put(o, 'num_rx_queues', link.numRxQueues);
    put(o, 'gso_max_size', link.gsoMaxSize);
    put(o, 'gso_max_segs', link.gsoMaxSegs);
    put(o, 'tso_max_size', link.tsoMaxSize);
    put(o, 'tso_max_segs', link.tsoMaxSegs);
    put(o, 'gro_max_size', link.groMaxSize);
  }
  return o;
}

// Address flags `ip` prints as booleans in addr_info, by our flag name.
const ADDR_FLAG_KEYS: [string, string][] = [
  ['nodad', 'nodad'],
  ['optimistic', 'optimistic'],
  ['dadfailed', 'dadfailed'],
  ['homeaddress', 'home'],
  ['deprecated', 'deprecated'],
  ['tentative', 'tentative'],
  ['managetempaddr', 'mngtmpaddr'],
  ['noprefixroute', 'noprefixroute'],
  ['mcautojoin', 'autojoin'],
  ['stable-privacy', 'stable-privacy'],
];

/** One address as an entry of `ip -j addr show`'s `addr_info`. */
export function addressToIpJson(a: Address): IpJsonObject {
  const o: IpJsonObject = {};
  const flags = new Set<string | number>(a.flags ?? a.ifaFlags ?? []);
  put(o, 'family', a.family as string | number);
  put(o, 'local', a.local ?? a.address);
  if (a.local !== undefined && a.address !== undefined && a.address !== a.local) put(o, 'address', a.address);
  put(o, 'prefixlen', a.prefixlen);
  put(o, 'broadcast', a.broadcast);
  put(o, 'scope', ipScope(a.scope));
  if (flags.has('secondary')) put(o, a.family === 'inet6' ? 'temporary' : 'secondary', true);
  if (!flags.has('permanent')) put(o, 'dynamic', true);
  for (const [ours, theirs] of ADDR_FLAG_KEYS) if (flags.has(ours)) put(o, theirs, true);
  put(o, 'label', a.label);
  put(o, 'valid_life_time', a.cacheinfo?.ifaValid);
  put(o, 'preferred_life_time', a.cacheinfo?.ifaPrefered);
  return o;
}

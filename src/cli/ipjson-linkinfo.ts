// The kind-specific part of `ip -j -d link show` (linkinfo's `info_data` and `info_slave_data`),
// from the model's kind data, field for field and in the order iproute2 6.1 prints them
// (ip/iplink_bridge.c, iplink_bridge_slave.c, iplink_vxlan.c, iplink_macvlan.c, iptuntap.c).

import { readFileSync } from 'node:fs';
import type { Link, LinkKindData, LinkPortData } from '../index.js';

/** A JSON value as `ip -j` prints it. */
type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** What `linkName` gives: the name of a link by index, as ip prints it. */
type NameOf = (index: number) => string;

function put(o: JsonObject, key: string, value: Json | bigint | undefined): void {
  if (value === undefined) return;
  o[key] = typeof value === 'bigint' ? Number(value) : value;
}

const num = (v: number | bigint | string | undefined): number | undefined => (v === undefined ? undefined : Number(v));

/** print_on_off in JSON: a boolean. */
const onOff = (v: number | boolean | undefined): boolean | undefined => (v === undefined ? undefined : Boolean(v));

/** print_0xhex in JSON: `%#llx`, so 0 is `"0"` and 8 is `"0x8"`. */
const hex = (v: number | undefined): string | undefined => (v === undefined ? undefined : v === 0 ? '0' : `0x${v.toString(16)}`);

/**
 * A bridge timer (1/100 s, as the model keeps it) as ip prints it: `%i.%.2i` seconds, which JSON
 * readers take as a number (`164.40` -> 164.4).
 */
function timer(v: number | bigint | string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const cs = BigInt(v);
  return Number(`${cs / 100n}.${String(cs % 100n).padStart(2, '0')}`);
}

/** A bridge id (priority and MAC) as br_dump_bridge_id prints it: `8000.2:0:0:0:0:10` (ether_ntoa: no leading zeros). */
function bridgeId(id: { prio: number; addr: string } | undefined): string | undefined {
  if (id === undefined) return undefined;
  const mac = id.addr
    .split(':')
    .map((b) => parseInt(b, 16).toString(16))
    .join(':');
  return `${id.prio.toString(16).padStart(4, '0')}.${mac}`;
}

const VLAN_PROTOCOL_NAMES: Readonly<Record<string, string>> = { '8021q': '802.1Q', '8021ad': '802.1ad' };

/** BR_BOOLOPT_* bits of IFLA_BR_MULTI_BOOLOPT that ip prints, with its names. */
const BR_BOOLOPTS: readonly [bit: number, name: string][] = [
  [0, 'no_linklocal_learn'],
  [1, 'mcast_vlan_snooping'],
];

function bridgeData(d: LinkKindData['bridge']): JsonObject {
  const o: JsonObject = {};
  put(o, 'forward_delay', d.forwardDelay);
  put(o, 'hello_time', d.helloTime);
  put(o, 'max_age', d.maxAge);
  put(o, 'ageing_time', d.ageingTime);
  put(o, 'stp_state', d.stpState);
  put(o, 'priority', d.priority);
  put(o, 'vlan_filtering', d.vlanFiltering);
  if (d.vlanProtocol !== undefined) o.vlan_protocol = typeof d.vlanProtocol === 'number' ? `[${d.vlanProtocol}]` : (VLAN_PROTOCOL_NAMES[d.vlanProtocol] ?? d.vlanProtocol);
  put(o, 'bridge_id', bridgeId(d.bridgeId));
  // ip 6.1 prints the bridge id under `root_id` too (it reads IFLA_BR_BRIDGE_ID for both): the
  // model's root id is what the kernel says; the two differ only on a bridge that is not the root.
  if (d.rootId !== undefined) put(o, 'root_id', bridgeId(d.rootId));
  put(o, 'root_port', d.rootPort);
  put(o, 'root_path_cost', d.rootPathCost);
  put(o, 'topology_change', d.topologyChange);
  put(o, 'topology_change_detected', d.topologyChangeDetected);
  put(o, 'hello_timer', timer(d.helloTimer));
  put(o, 'tcn_timer', timer(d.tcnTimer));
  put(o, 'topology_change_timer', timer(d.topologyChangeTimer));
  put(o, 'gc_timer', timer(d.gcTimer));
  put(o, 'vlan_default_pvid', d.vlanDefaultPvid);
  put(o, 'vlan_stats_enabled', d.vlanStatsEnabled);
  put(o, 'vlan_stats_per_port', d.vlanStatsPerPort);
  put(o, 'group_fwd_mask', hex(d.groupFwdMask));
  put(o, 'group_addr', d.groupAddr);
  put(o, 'mcast_snooping', d.mcastSnooping);
  const b = d.multiBoolopt;
  if (b !== undefined) for (const [bit, name] of BR_BOOLOPTS) if ((b.optmask >>> bit) & 1) o[name] = (b.optval >>> bit) & 1;
  put(o, 'mcast_router', d.mcastRouter);
  put(o, 'mcast_query_use_ifaddr', d.mcastQueryUseIfaddr);
  put(o, 'mcast_querier', d.mcastQuerier);
  put(o, 'mcast_hash_elasticity', d.mcastHashElasticity);
  put(o, 'mcast_hash_max', d.mcastHashMax);
  put(o, 'mcast_last_member_cnt', d.mcastLastMemberCnt);
  put(o, 'mcast_startup_query_cnt', d.mcastStartupQueryCnt);
  put(o, 'mcast_last_member_intvl', num(d.mcastLastMemberIntvl));
  put(o, 'mcast_membership_intvl', num(d.mcastMembershipIntvl));
  put(o, 'mcast_querier_intvl', num(d.mcastQuerierIntvl));
  put(o, 'mcast_query_intvl', num(d.mcastQueryIntvl));
  put(o, 'mcast_query_response_intvl', num(d.mcastQueryResponseIntvl));
  put(o, 'mcast_startup_query_intvl', num(d.mcastStartupQueryIntvl));
  put(o, 'mcast_stats_enabled', d.mcastStatsEnabled);
  put(o, 'mcast_igmp_version', d.mcastIgmpVersion);
  put(o, 'mcast_mld_version', d.mcastMldVersion);
  put(o, 'nf_call_iptables', d.nfCallIptables);
  put(o, 'nf_call_ip6tables', d.nfCallIp6tables);
  put(o, 'nf_call_arptables', d.nfCallArptables);
  return o;
}

const UNSPECIFIED = new Set(['0.0.0.0', '::']);

function isMulticast(ip: string): boolean {
  if (ip.includes(':')) return ip.toLowerCase().startsWith('ff');
  const first = Number(ip.split('.')[0]);
  return first >= 224 && first <= 239;
}

function vxlanData(d: LinkKindData['vxlan'], nameOf: NameOf): JsonObject {
  const o: JsonObject = {};
  if (d.collectMetadata) o.external = true;
  if (d.vnifilter) o.vnifilter = true;
  put(o, 'id', d.id);
  // The destination is `group` when multicast, `remote` otherwise (`group6`/`remote6` for IPv6);
  // the IPv4 one wins when both are given, and an unspecified address is not printed.
  if (d.group !== undefined) {
    if (!UNSPECIFIED.has(d.group)) o[isMulticast(d.group) ? 'group' : 'remote'] = d.group;
  } else if (d.group6 !== undefined && !UNSPECIFIED.has(d.group6)) {
    o[isMulticast(d.group6) ? 'group6' : 'remote6'] = d.group6;
  }
  if (d.local !== undefined) {
    if (!UNSPECIFIED.has(d.local)) o.local = d.local;
  } else if (d.local6 !== undefined && !UNSPECIFIED.has(d.local6)) {
    o.local6 = d.local6;
  }
  if (d.link) o.link = nameOf(d.link);
  if (d.portRange !== undefined) o.port_range = { low: d.portRange.low, high: d.portRange.high };
  put(o, 'port', d.port);
  put(o, 'learning', onOff(d.learning));
  if (d.proxy) o.proxy = true;
  if (d.rsc) o.rsc = true;
  if (d.l2miss) o.l2miss = true;
  if (d.l3miss) o.l3miss = true;
  if (d.tos) o.tos = hex(d.tos) as string;
  // With `ttl inherit` ip prints no ttl in JSON.
  if (!d.ttlInherit) put(o, 'ttl', d.ttl);
  if (d.df !== undefined && typeof d.df === 'string') o.df = d.df;
  if (d.label) o.label = hex(d.label) as string;
  put(o, 'ageing', d.ageing);
  if (d.limit) o.limit = d.limit;
  put(o, 'udp_csum', onOff(d.udpCsum));
  put(o, 'udp_zero_csum6_tx', onOff(d.udpZeroCsum6Tx));
  put(o, 'udp_zero_csum6_rx', onOff(d.udpZeroCsum6Rx));
  if (d.remcsumTx) o.remcsum_tx = true;
  if (d.remcsumRx) o.remcsum_rx = true;
  if (d.gbp) o.gbp = true;
  if (d.gpe) o.gpe = true;
  return o;
}

const MACVLAN_FLAGS: readonly string[] = ['nopromisc', 'nodst'];

function macvlanData(d: LinkKindData['macvlan']): JsonObject | undefined {
  // ip prints nothing of a macvlan without its mode.
  if (d.mode === undefined) return {};
  const o: JsonObject = { mode: typeof d.mode === 'string' ? d.mode : 'unknown' };
  const flags = new Set<string | number>(d.flags ?? []);
  for (const f of MACVLAN_FLAGS) if (flags.has(f)) o[f] = true;
  put(o, 'bcqueuelen', d.bcQueueLen);
  put(o, 'usedbcqueuelen', d.bcQueueLenUsed);
  if (d.mode !== 'source' || d.macaddrCount === undefined) return o;
  o.macaddr_count = d.macaddrCount;
  if (d.macaddrData !== undefined) o.macaddr_data = [...(d.macaddrData.macaddr ?? [])];
  return o;
}

function tunData(d: LinkKindData['tun']): JsonObject {
  const o: JsonObject = {};
  if (d.type !== undefined) o.type = typeof d.type === 'string' ? d.type : `UNKNOWN:${d.type}`;
  put(o, 'pi', onOff(d.pi));
  put(o, 'vnet_hdr', onOff(d.vnetHdr));
  o.multi_queue = Boolean(d.multiQueue);
  if (d.multiQueue) {
    put(o, 'numqueues', d.numQueues);
    put(o, 'numdisabled', d.numDisabledQueues);
  }
  put(o, 'persist', onOff(d.persist));
  if (d.owner !== undefined) o.user = accountName('/etc/passwd', d.owner) ?? d.owner;
  if (d.group !== undefined) o.group = accountName('/etc/group', d.group) ?? d.group;
  return o;
}

/**
 * The name of user or group `id` in /etc/passwd or /etc/group (`name:x:id:...`), as ip prints a
 * tun device's owner (getpwuid/getgrgid; other NSS sources are not read).
 */
function accountName(file: string, id: number): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const [name, , n] = line.split(':');
    if (name && n !== undefined && Number(n) === id && /^\d+$/.test(n)) return name;
  }
  return undefined;
}

/** The `info_data` of `ip -j -d link show` for a link of `kind`, or undefined when ip prints none. */
export function infoDataJson(kind: string | undefined, data: Link['data'], nameOf: NameOf): JsonObject | undefined {
  if (data === undefined || data instanceof Uint8Array || typeof data !== 'object' || data === null) return undefined;
  switch (kind) {
    case 'vxlan':
      return vxlanData(data as LinkKindData['vxlan'], nameOf);
    case 'macvlan':
    case 'macvtap':
      return macvlanData(data as LinkKindData['macvlan']);
    case 'bridge':
      return bridgeData(data as LinkKindData['bridge']);
    case 'tun':
      return tunData(data as LinkKindData['tun']);
    default:
      return undefined;
  }
}

const PORT_STATES = ['disabled', 'listening', 'learning', 'forwarding', 'blocking'];

// iproute2's names of the group_fwd_mask bits (fwd_mask_tbl).
const FWD_MASK_NAMES: Readonly<Record<number, string>> = { 0: 'stp', 2: 'lacp', 14: 'lldp' };

/** _bitmask2str: the bits of a group forward mask by name, `0x...` for unnamed bits, `0x0` for none. */
function fwdMaskText(mask: number): string {
  const parts: string[] = [];
  for (let i = 0; i < 16; i++) if ((mask >>> i) & 1) parts.push(FWD_MASK_NAMES[i] ?? `0x${(1 << i).toString(16)}`);
  return parts.length === 0 ? '0x0' : parts.join(',');
}

function bridgePortData(d: LinkPortData['bridge'], nameOf: NameOf): JsonObject {
  const o: JsonObject = {};
  if (d.state !== undefined) {
    if (d.state < PORT_STATES.length) o.state = PORT_STATES[d.state];
    else o.state_index = d.state;
  }
  put(o, 'priority', d.priority);
  put(o, 'cost', d.cost);
  put(o, 'hairpin', onOff(d.mode));
  put(o, 'guard', onOff(d.guard));
  put(o, 'root_block', onOff(d.protect));
  put(o, 'fastleave', onOff(d.fastLeave));
  put(o, 'learning', onOff(d.learning));
  put(o, 'flood', onOff(d.unicastFlood));
  put(o, 'id', hex(d.id));
  put(o, 'no', hex(d.no));
  put(o, 'designated_port', d.designatedPort);
  put(o, 'designated_cost', d.designatedCost);
  put(o, 'bridge_id', bridgeId(d.bridgeId));
  put(o, 'root_id', bridgeId(d.rootId));
  put(o, 'hold_timer', timer(d.holdTimer));
  put(o, 'message_age_timer', timer(d.messageAgeTimer));
  put(o, 'forward_delay_timer', timer(d.forwardDelayTimer));
  put(o, 'topology_change_ack', d.topologyChangeAck);
  put(o, 'config_pending', d.configPending);
  put(o, 'proxy_arp', onOff(d.proxyarp));
  put(o, 'proxy_arp_wifi', onOff(d.proxyarpWifi));
  put(o, 'multicast_router', d.multicastRouter);
  put(o, 'mcast_flood', onOff(d.mcastFlood));
  put(o, 'bcast_flood', onOff(d.bcastFlood));
  put(o, 'mcast_to_unicast', onOff(d.mcastToUcast));
  put(o, 'neigh_suppress', onOff(d.neighSuppress));
  if (d.groupFwdMask !== undefined) {
    o.group_fwd_mask = hex(d.groupFwdMask) as string;
    o.group_fwd_mask_str = fwdMaskText(d.groupFwdMask);
  }
  put(o, 'vlan_tunnel', onOff(d.vlanTunnel));
  put(o, 'isolated', onOff(d.isolated));
  put(o, 'locked', onOff(d.locked));
  if (d.backupPort !== undefined) o.backup_port = nameOf(d.backupPort);
  return o;
}

/** The `info_slave_data` of `ip -j -d link show` for a port of a `kind` master, or undefined when ip prints none. */
export function infoSlaveDataJson(kind: string | undefined, data: unknown, nameOf: NameOf): JsonObject | undefined {
  if (kind !== 'bridge' || data === undefined || data instanceof Uint8Array || typeof data !== 'object' || data === null) return undefined;
  return bridgePortData(data as LinkPortData['bridge'], nameOf);
}

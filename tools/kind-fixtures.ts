// Writes the byte fixtures of link kinds this kernel cannot create (test/fixtures/kinds/*.json):
// the IFLA_LINKINFO nest each kind's driver would dump, built by a tiny TLV writer that knows
// nothing of the library. Attribute numbers are read from the installed kernel headers
// (/usr/include/linux/if_link.h and if_tunnel.h: their C enums are parsed here); the few newer
// than those headers are listed in NEWER_THAN_HEADERS with where they come from. Attribute order,
// types and presence follow each driver's fill_info / fill_slave_info, named in each fixture.
// The `expected` objects are written by hand, in the same (kernel) order.
//
//   npx tsx tools/kind-fixtures.ts [--check]
//
// --check: compare with the files on disk instead of writing them (exit 1 on a difference).

import { readFileSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// ---------------------------------------------------------------------------------------------
// Attribute numbers from the kernel headers

const HEADERS = ['/usr/include/linux/if_link.h', '/usr/include/linux/if_tunnel.h'];

/** Parses the anonymous and named C enums of a header: NAME -> value. */
function parseEnums(text: string): Map<string, number> {
  const out = new Map<string, number>();
  const clean = text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\/\/.*$/gm, '')
    .replace(/^\s*#.*$/gm, '');
  for (const m of clean.matchAll(/enum\s*\w*\s*\{([^}]*)\}/g)) {
    let next = 0;
    for (const raw of m[1].split(',')) {
      const entry = raw.trim();
      if (entry === '') continue;
      const [name, expr] = entry.split('=').map((x) => x.trim());
      let value = next;
      if (expr !== undefined) {
        if (/^(0x[0-9a-f]+|\d+)$/i.test(expr)) value = Number(expr);
        else if (out.has(expr)) value = out.get(expr) as number;
        else continue; // an expression this parser does not evaluate (not needed here)
      }
      if (!out.has(name)) out.set(name, value);
      next = value + 1;
    }
  }
  return out;
}

const headerEnums = new Map<string, number>();
for (const h of HEADERS) for (const [k, v] of parseEnums(readFileSync(h, 'utf8'))) if (!headerEnums.has(k)) headerEnums.set(k, v);

/**
 * Attributes newer than the installed headers (linux-libc-dev 6.1), with where their number comes
 * from: each is the next entry of its enum in the kernel's include/uapi/linux/if_link.h.
 */
const NEWER_THAN_HEADERS: Record<string, { value: number; from: string }> = {
  IFLA_MACVLAN_BC_CUTOFF: { value: 9, from: 'uapi if_link.h: after IFLA_MACVLAN_BC_QUEUE_LEN_USED (8); macvlan_fill_info puts it with nla_put_s32' },
  IFLA_GENEVE_PORT_RANGE: { value: 15, from: 'uapi if_link.h: after IFLA_GENEVE_INNER_PROTO_INHERIT (14); struct ifla_geneve_port_range { __be16 low, high }' },
  IFLA_BOND_BROADCAST_NEIGH: { value: 33, from: 'uapi if_link.h: after IFLA_BOND_COUPLED_CONTROL (32); bond_fill_info puts it with nla_put_u8' },
};

const used = new Set<string>();

/** The number of attribute `name`, from the headers (or NEWER_THAN_HEADERS). */
function n(name: string): number {
  used.add(name);
  const v = headerEnums.get(name);
  if (v !== undefined) {
    if (NEWER_THAN_HEADERS[name] && NEWER_THAN_HEADERS[name].value !== v) throw new Error(`${name}: header says ${v}, table ${NEWER_THAN_HEADERS[name].value}`);
    return v;
  }
  const newer = NEWER_THAN_HEADERS[name];
  if (!newer) throw new Error(`${name} is in neither ${HEADERS.join(' nor ')} nor NEWER_THAN_HEADERS`);
  return newer.value;
}

// ---------------------------------------------------------------------------------------------
// A minimal netlink attribute writer (struct nlattr: u16 nla_len, u16 nla_type, payload, padding to 4)

const NLA_F_NESTED = 0x8000; // <linux/netlink.h>

function attr(type: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const len = 4 + payload.length;
  const out = Buffer.alloc((len + 3) & ~3); // NLA_ALIGN: zero padding
  out.writeUInt16LE(len, 0);
  out.writeUInt16LE(type, 2);
  payload.copy(out, 4);
  return out;
}
/** A nest: the children (each already padded); nla_nest_start_noflag unless `flagged`. */
const nest = (type: number, children: Buffer[], flagged = false): Buffer => attr(type | (flagged ? NLA_F_NESTED : 0), Buffer.concat(children));
const u8 = (v: number): Buffer => Buffer.from([v]);
const u16 = (v: number): Buffer => { const b = Buffer.alloc(2); b.writeUInt16LE(v); return b; };
const u32 = (v: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32LE(v); return b; };
const s32 = (v: number): Buffer => { const b = Buffer.alloc(4); b.writeInt32LE(v); return b; };
const be16 = (v: number): Buffer => { const b = Buffer.alloc(2); b.writeUInt16BE(v); return b; };
const be32 = (v: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32BE(v); return b; };
const str = (s: string): Buffer => Buffer.concat([Buffer.from(s, 'utf8'), Buffer.from([0])]); // nla_put_string
const mac = (s: string): Buffer => Buffer.from(s.split(':').map((x) => parseInt(x, 16)));
const in4 = (s: string): Buffer => Buffer.from(s.split('.').map(Number)); // nla_put_in_addr: network order
/** nla_put_in6_addr: 16 bytes; takes a full (uncompressed) IPv6 address of 8 groups. */
const in6 = (groups: number[]): Buffer => {
  if (groups.length !== 8) throw new Error('in6 takes 8 groups');
  return Buffer.concat(groups.map(be16));
};

// IFLA_LINKINFO and IFLA_INFO_* (<linux/if_link.h>).
const linkinfo = (children: Buffer[]): Buffer => nest(n('IFLA_LINKINFO'), children);
const kind = (k: string): Buffer => attr(n('IFLA_INFO_KIND'), str(k));
const data = (children: Buffer[]): Buffer => nest(n('IFLA_INFO_DATA'), children);
const slaveKind = (k: string): Buffer => attr(n('IFLA_INFO_SLAVE_KIND'), str(k));
const slaveData = (children: Buffer[]): Buffer => nest(n('IFLA_INFO_SLAVE_DATA'), children);

// ---------------------------------------------------------------------------------------------
// The fixtures

interface Fixture {
  /** IFLA_INFO_KIND (or the master kind, for a port fixture). */
  kind: string;
  /** The situation, as an iproute2 command on a kernel that has the kind. */
  situation: string;
  /** The kernel code and headers the bytes follow. */
  comment: string;
  /** The IFLA_LINKINFO attribute (header included), as the kernel would dump it. */
  bytes: Buffer;
  /** The decoded `linkinfo` object, keys in the kernel's order. */
  expected: Record<string, unknown>;
}

const SOURCE =
  'Bytes written by the hand TLV builder of tools/kind-fixtures.ts (no library code): attribute numbers parsed from ' +
  '/usr/include/linux/if_link.h and if_tunnel.h (or its NEWER_THAN_HEADERS table), order and types from the kernel function in `comment`. ' +
  '`expected` written by hand.';

const fixtures: Fixture[] = [];

// --- vlan: net/8021q/vlan_netlink.c vlan_fill_info
fixtures.push({
  kind: 'vlan',
  situation: 'ip link add link eth0 name eth0.5 type vlan id 5 ingress-qos-map 1:2 egress-qos-map 3:4',
  comment:
    'vlan_fill_info (net/8021q/vlan_netlink.c): IFLA_VLAN_PROTOCOL (nla_put_be16 ETH_P_8021Q), IFLA_VLAN_ID (u16), IFLA_VLAN_FLAGS ' +
    '(struct ifla_vlan_flags, flags = VLAN_FLAG_REORDER_HDR, mask = ~0), IFLA_VLAN_INGRESS_QOS then IFLA_VLAN_EGRESS_QOS ' +
    '(nla_nest_start_noflag, one IFLA_VLAN_QOS_MAPPING struct ifla_vlan_qos_mapping {from, to} each).',
  bytes: linkinfo([
    kind('vlan'),
    data([
      attr(n('IFLA_VLAN_PROTOCOL'), be16(0x8100)),
      attr(n('IFLA_VLAN_ID'), u16(5)),
      attr(n('IFLA_VLAN_FLAGS'), Buffer.concat([u32(0x1), u32(0xffffffff)])),
      nest(n('IFLA_VLAN_INGRESS_QOS'), [attr(n('IFLA_VLAN_QOS_MAPPING'), Buffer.concat([u32(1), u32(2)]))]),
      nest(n('IFLA_VLAN_EGRESS_QOS'), [attr(n('IFLA_VLAN_QOS_MAPPING'), Buffer.concat([u32(3), u32(4)]))]),
    ]),
  ]),
  expected: {
    kind: 'vlan',
    data: {
      protocol: '8021q',
      id: 5,
      flags: { flags: ['reorder-hdr'], mask: 0xffffffff },
      ingressQos: { mapping: [{ from: 1, to: 2 }] },
      egressQos: { mapping: [{ from: 3, to: 4 }] },
    },
  },
});

// --- kinds without IFLA_INFO_DATA: rtnl_link_info_fill puts only IFLA_INFO_KIND when ops->fill_info is NULL.
for (const [k, where, cmd] of [
  ['dummy', 'drivers/net/dummy.c (dummy_link_ops has no fill_info)', 'ip link add dummy0 type dummy'],
  ['wireguard', 'drivers/net/wireguard/device.c (link_ops has no fill_info; configuration is generic netlink)', 'ip link add wg0 type wireguard'],
  ['nlmon', 'drivers/net/nlmon.c (nlmon_link_ops has no fill_info)', 'ip link add nlmon0 type nlmon'],
  ['team', 'drivers/net/team/team_core.c (team_link_ops has no fill_info; configuration is generic netlink)', 'ip link add team0 type team'],
] as const) {
  fixtures.push({
    kind: k,
    situation: cmd,
    comment: `rtnl_link_info_fill (net/core/rtnetlink.c) puts IFLA_INFO_KIND only: ${where}.`,
    bytes: linkinfo([kind(k)]),
    expected: { kind: k },
  });
}

// --- bond: drivers/net/bonding/bond_netlink.c bond_fill_info
fixtures.push({
  kind: 'bond',
  situation: 'ip link add bond0 type bond mode active-backup miimon 100 arp_ip_target 192.0.2.1,192.0.2.2 ns_ip6_target 2001:db8::1',
  comment:
    'bond_fill_info (drivers/net/bonding/bond_netlink.c, 6.18 order): MODE u8, (ACTIVE_SLAVE only with an active port), MIIMON, UPDELAY, ' +
    'DOWNDELAY, PEER_NOTIF_DELAY u32, USE_CARRIER u8, ARP_INTERVAL u32, ARP_IP_TARGET (nla_nest_start_noflag, one nla_put_be32 per ' +
    'target with the target index as type), ARP_VALIDATE, ARP_ALL_TARGETS u32, NS_IP6_TARGET (nla_nest_start: NLA_F_NESTED; ' +
    'nla_put_in6_addr per index), (PRIMARY only when set), PRIMARY_RESELECT, FAIL_OVER_MAC, XMIT_HASH_POLICY u8, RESEND_IGMP u32, ' +
    'NUM_PEER_NOTIF, ALL_SLAVES_ACTIVE u8, MIN_LINKS, LP_INTERVAL, PACKETS_PER_SLAVE u32, AD_LACP_ACTIVE, AD_LACP_RATE, AD_SELECT, ' +
    'TLB_DYNAMIC_LB, MISSED_MAX, COUPLED_CONTROL, BROADCAST_NEIGH u8 (802.3ad attributes only in mode 4).',
  bytes: linkinfo([
    kind('bond'),
    data([
      attr(n('IFLA_BOND_MODE'), u8(1)),
      attr(n('IFLA_BOND_MIIMON'), u32(100)),
      attr(n('IFLA_BOND_UPDELAY'), u32(0)),
      attr(n('IFLA_BOND_DOWNDELAY'), u32(0)),
      attr(n('IFLA_BOND_PEER_NOTIF_DELAY'), u32(0)),
      attr(n('IFLA_BOND_USE_CARRIER'), u8(1)),
      attr(n('IFLA_BOND_ARP_INTERVAL'), u32(0)),
      nest(n('IFLA_BOND_ARP_IP_TARGET'), [attr(0, in4('192.0.2.1')), attr(1, in4('192.0.2.2'))]),
      attr(n('IFLA_BOND_ARP_VALIDATE'), u32(0)),
      attr(n('IFLA_BOND_ARP_ALL_TARGETS'), u32(0)),
      nest(n('IFLA_BOND_NS_IP6_TARGET'), [attr(0, in6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]))], true),
      attr(n('IFLA_BOND_PRIMARY_RESELECT'), u8(0)),
      attr(n('IFLA_BOND_FAIL_OVER_MAC'), u8(0)),
      attr(n('IFLA_BOND_XMIT_HASH_POLICY'), u8(0)),
      attr(n('IFLA_BOND_RESEND_IGMP'), u32(1)),
      attr(n('IFLA_BOND_NUM_PEER_NOTIF'), u8(1)),
      attr(n('IFLA_BOND_ALL_SLAVES_ACTIVE'), u8(0)),
      attr(n('IFLA_BOND_MIN_LINKS'), u32(0)),
      attr(n('IFLA_BOND_LP_INTERVAL'), u32(1)),
      attr(n('IFLA_BOND_PACKETS_PER_SLAVE'), u32(1)),
      attr(n('IFLA_BOND_AD_LACP_ACTIVE'), u8(1)),
      attr(n('IFLA_BOND_AD_LACP_RATE'), u8(0)),
      attr(n('IFLA_BOND_AD_SELECT'), u8(0)),
      attr(n('IFLA_BOND_TLB_DYNAMIC_LB'), u8(1)),
      attr(n('IFLA_BOND_MISSED_MAX'), u8(2)),
      attr(n('IFLA_BOND_COUPLED_CONTROL'), u8(1)),
      attr(n('IFLA_BOND_BROADCAST_NEIGH'), u8(0)),
    ]),
  ]),
  expected: {
    kind: 'bond',
    data: {
      mode: 1,
      miimon: 100,
      updelay: 0,
      downdelay: 0,
      peerNotifDelay: 0,
      useCarrier: 1,
      arpInterval: 0,
      arpIpTarget: ['192.0.2.1', '192.0.2.2'],
      arpValidate: 0,
      arpAllTargets: 0,
      nsIp6Target: ['2001:db8::1'],
      primaryReselect: 0,
      failOverMac: 0,
      xmitHashPolicy: 0,
      resendIgmp: 1,
      numPeerNotif: 1,
      allSlavesActive: 0,
      minLinks: 0,
      lpInterval: 1,
      packetsPerSlave: 1,
      adLacpActive: 1,
      adLacpRate: 0,
      adSelect: 0,
      tlbDynamicLb: 1,
      missedMax: 2,
      coupledControl: 1,
      broadcastNeigh: 0,
    },
  },
});

// --- bond port: bond_fill_slave_info, a dummy enslaved to an active-backup bond
fixtures.push({
  kind: 'bond-port',
  situation: 'ip link add dummy1 address 02:00:00:00:00:41 type dummy; ip link set dummy1 master bond0; ip link set dummy1 type bond_slave prio -10',
  comment:
    'rtnl_link_fill (net/core/rtnetlink.c): IFLA_INFO_KIND of the port itself (dummy: no data), then rtnl_link_slave_info_fill: ' +
    'IFLA_INFO_SLAVE_KIND "bond" and IFLA_INFO_SLAVE_DATA from bond_fill_slave_info (drivers/net/bonding/bond_netlink.c): STATE u8 ' +
    '(BOND_STATE_ACTIVE 0), MII_STATUS u8 (BOND_LINK_UP 0), LINK_FAILURE_COUNT u32, PERM_HWADDR (addr_len bytes), QUEUE_ID u16, ' +
    'PRIO nla_put_s32 (802.3ad attributes only in mode 4).',
  bytes: linkinfo([
    kind('dummy'),
    slaveKind('bond'),
    slaveData([
      attr(n('IFLA_BOND_SLAVE_STATE'), u8(0)),
      attr(n('IFLA_BOND_SLAVE_MII_STATUS'), u8(0)),
      attr(n('IFLA_BOND_SLAVE_LINK_FAILURE_COUNT'), u32(0)),
      attr(n('IFLA_BOND_SLAVE_PERM_HWADDR'), mac('02:00:00:00:00:41')),
      attr(n('IFLA_BOND_SLAVE_QUEUE_ID'), u16(0)),
      attr(n('IFLA_BOND_SLAVE_PRIO'), s32(-10)),
    ]),
  ]),
  expected: {
    kind: 'dummy',
    slaveKind: 'bond',
    slaveData: { state: 0, miiStatus: 0, linkFailureCount: 0, permHwaddr: '02:00:00:00:00:41', queueId: 0, prio: -10 },
  },
});

// --- bond port in 802.3ad mode: the aggregator and LACP state attributes too
fixtures.push({
  kind: 'bond-port-8023ad',
  situation: 'a dummy port of a mode 802.3ad bond, in aggregator 1',
  comment:
    'bond_fill_slave_info (drivers/net/bonding/bond_netlink.c) in BOND_MODE_8023AD with an aggregator: after PRIO, AD_AGGREGATOR_ID u16, AD_ACTOR_OPER_PORT_STATE u8, ' +
    'AD_PARTNER_OPER_PORT_STATE u16, AD_CHURN_ACTOR_STATE u8, AD_CHURN_PARTNER_STATE u8, then ACTOR_PORT_PRIO u16 (the port priority).',
  bytes: linkinfo([
    kind('dummy'),
    slaveKind('bond'),
    slaveData([
      attr(n('IFLA_BOND_SLAVE_STATE'), u8(0)),
      attr(n('IFLA_BOND_SLAVE_MII_STATUS'), u8(0)),
      attr(n('IFLA_BOND_SLAVE_LINK_FAILURE_COUNT'), u32(1)),
      attr(n('IFLA_BOND_SLAVE_PERM_HWADDR'), mac('02:00:00:00:00:42')),
      attr(n('IFLA_BOND_SLAVE_QUEUE_ID'), u16(0)),
      attr(n('IFLA_BOND_SLAVE_PRIO'), s32(0)),
      attr(n('IFLA_BOND_SLAVE_AD_AGGREGATOR_ID'), u16(1)),
      attr(n('IFLA_BOND_SLAVE_AD_ACTOR_OPER_PORT_STATE'), u8(0x4f)),
      attr(n('IFLA_BOND_SLAVE_AD_PARTNER_OPER_PORT_STATE'), u16(0x01)),
      attr(n('IFLA_BOND_SLAVE_AD_CHURN_ACTOR_STATE'), u8(0)),
      attr(n('IFLA_BOND_SLAVE_AD_CHURN_PARTNER_STATE'), u8(1)),
      attr(n('IFLA_BOND_SLAVE_ACTOR_PORT_PRIO'), u16(255)),
    ]),
  ]),
  expected: {
    kind: 'dummy',
    slaveKind: 'bond',
    slaveData: {
      state: 0,
      miiStatus: 0,
      linkFailureCount: 1,
      permHwaddr: '02:00:00:00:00:42',
      queueId: 0,
      prio: 0,
      adAggregatorId: 1,
      adActorOperPortState: 0x4f,
      adPartnerOperPortState: 0x01,
      adChurnActorState: 0,
      adChurnPartnerState: 1,
      actorPortPrio: 255,
    },
  },
});

// --- vrf and vrf port: drivers/net/vrf.c
fixtures.push({
  kind: 'vrf',
  situation: 'ip link add vrf-blue type vrf table 1001',
  comment: 'vrf_fillinfo (drivers/net/vrf.c): IFLA_VRF_TABLE nla_put_u32(vrf->tb_id).',
  bytes: linkinfo([kind('vrf'), data([attr(n('IFLA_VRF_TABLE'), u32(1001))])]),
  expected: { kind: 'vrf', data: { table: 1001 } },
});
fixtures.push({
  kind: 'vrf-port',
  situation: 'ip link add dummy2 type dummy; ip link set dummy2 master vrf-blue',
  comment:
    'rtnl_link_fill: IFLA_INFO_KIND of the port (dummy), then IFLA_INFO_SLAVE_KIND "vrf" and IFLA_INFO_SLAVE_DATA from ' +
    'vrf_fill_slave_info (drivers/net/vrf.c): IFLA_VRF_PORT_TABLE nla_put_u32(vrf->tb_id).',
  bytes: linkinfo([kind('dummy'), slaveKind('vrf'), slaveData([attr(n('IFLA_VRF_PORT_TABLE'), u32(1001))])]),
  expected: { kind: 'dummy', slaveKind: 'vrf', slaveData: { table: 1001 } },
});

// --- ipvlan / ipvtap: drivers/net/ipvlan/ipvlan_main.c ipvlan_nl_fillinfo
fixtures.push({
  kind: 'ipvlan',
  situation: 'ip link add ipvl0 link eth0 type ipvlan mode l3 private',
  comment: 'ipvlan_nl_fillinfo (drivers/net/ipvlan/ipvlan_main.c): IFLA_IPVLAN_MODE nla_put_u16 (IPVLAN_MODE_L3 = 1), IFLA_IPVLAN_FLAGS nla_put_u16 (IPVLAN_F_PRIVATE = 0x01).',
  bytes: linkinfo([kind('ipvlan'), data([attr(n('IFLA_IPVLAN_MODE'), u16(1)), attr(n('IFLA_IPVLAN_FLAGS'), u16(0x01))])]),
  expected: { kind: 'ipvlan', data: { mode: 'l3', flags: ['private'] } },
});
fixtures.push({
  kind: 'ipvtap',
  situation: 'ip link add ipvt0 link eth0 type ipvtap mode l2 bridge',
  comment: 'ipvtap registers through ipvlan_link_register (drivers/net/ipvlan/ipvtap.c): ipvlan_nl_fillinfo, IFLA_IPVLAN_MODE u16 (IPVLAN_MODE_L2 = 0), IFLA_IPVLAN_FLAGS u16 0 (bridge: no flag).',
  bytes: linkinfo([kind('ipvtap'), data([attr(n('IFLA_IPVLAN_MODE'), u16(0)), attr(n('IFLA_IPVLAN_FLAGS'), u16(0))])]),
  expected: { kind: 'ipvtap', data: { mode: 'l2', flags: [] } },
});

// --- macvlan in source mode (the kernel here has macvlan; this covers the MAC list and bc_cutoff)
fixtures.push({
  kind: 'macvlan-source',
  situation: 'ip link add mvs0 link eth0 type macvlan mode source nodst macaddr add 02:00:00:00:00:51 macaddr add 02:00:00:00:00:52 bc_cutoff -1',
  comment:
    'macvlan_fill_info (drivers/net/macvlan.c): MODE u32 (MACVLAN_MODE_SOURCE 16), FLAGS u16 (MACVLAN_FLAG_NODST 2), MACADDR_COUNT u32, ' +
    'MACADDR_DATA (nla_nest_start_noflag, one IFLA_MACVLAN_MACADDR of ETH_ALEN bytes per source address), BC_QUEUE_LEN u32, ' +
    'BC_QUEUE_LEN_USED u32, BC_CUTOFF nla_put_s32 (only when not 1).',
  bytes: linkinfo([
    kind('macvlan'),
    data([
      attr(n('IFLA_MACVLAN_MODE'), u32(16)),
      attr(n('IFLA_MACVLAN_FLAGS'), u16(2)),
      attr(n('IFLA_MACVLAN_MACADDR_COUNT'), u32(2)),
      nest(n('IFLA_MACVLAN_MACADDR_DATA'), [attr(n('IFLA_MACVLAN_MACADDR'), mac('02:00:00:00:00:51')), attr(n('IFLA_MACVLAN_MACADDR'), mac('02:00:00:00:00:52'))]),
      attr(n('IFLA_MACVLAN_BC_QUEUE_LEN'), u32(1000)),
      attr(n('IFLA_MACVLAN_BC_QUEUE_LEN_USED'), u32(1000)),
      attr(n('IFLA_MACVLAN_BC_CUTOFF'), s32(-1)),
    ]),
  ]),
  expected: {
    kind: 'macvlan',
    data: {
      mode: 'source',
      flags: ['nodst'],
      macaddrCount: 2,
      macaddrData: { macaddr: ['02:00:00:00:00:51', '02:00:00:00:00:52'] },
      bcQueueLen: 1000,
      bcQueueLenUsed: 1000,
      bcCutoff: -1,
    },
  },
});

// --- geneve: drivers/net/geneve.c geneve_fill_info
fixtures.push({
  kind: 'geneve',
  situation: 'ip link add gnv0 type geneve id 1000 remote 198.51.100.1 ttl 64 dstport 6081',
  comment:
    'geneve_fill_info (drivers/net/geneve.c): ID u32, REMOTE (nla_put_in_addr) and UDP_CSUM u8 for an IPv4 remote, TTL u8, TOS u8, ' +
    'LABEL be32, DF u8 (GENEVE_DF_UNSET), PORT be16, (COLLECT_METADATA flag only when external), UDP_ZERO_CSUM6_RX u8, ' +
    'TTL_INHERIT u8, (INNER_PROTO_INHERIT flag only when set), PORT_RANGE struct ifla_geneve_port_range {__be16 low, high}.',
  bytes: linkinfo([
    kind('geneve'),
    data([
      attr(n('IFLA_GENEVE_ID'), u32(1000)),
      attr(n('IFLA_GENEVE_REMOTE'), in4('198.51.100.1')),
      attr(n('IFLA_GENEVE_UDP_CSUM'), u8(0)),
      attr(n('IFLA_GENEVE_TTL'), u8(64)),
      attr(n('IFLA_GENEVE_TOS'), u8(0)),
      attr(n('IFLA_GENEVE_LABEL'), be32(0)),
      attr(n('IFLA_GENEVE_DF'), u8(0)),
      attr(n('IFLA_GENEVE_PORT'), be16(6081)),
      attr(n('IFLA_GENEVE_UDP_ZERO_CSUM6_RX'), u8(0)),
      attr(n('IFLA_GENEVE_TTL_INHERIT'), u8(0)),
      attr(n('IFLA_GENEVE_PORT_RANGE'), Buffer.concat([be16(1), be16(65535)])),
    ]),
  ]),
  expected: {
    kind: 'geneve',
    data: {
      id: 1000,
      remote: '198.51.100.1',
      udpCsum: 0,
      ttl: 64,
      tos: 0,
      label: 0,
      df: 'unset',
      port: 6081,
      udpZeroCsum6Rx: 0,
      ttlInherit: 0,
      portRange: { low: 1, high: 65535 },
    },
  },
});

// --- gre / gretap: net/ipv4/ip_gre.c ipgre_fill_info
const greCommon = (opts: { key: number; local: string; remote: string; ttl: number; flagsKey: boolean }): Buffer[] => [
  attr(n('IFLA_GRE_LINK'), u32(0)),
  attr(n('IFLA_GRE_IFLAGS'), be16(opts.flagsKey ? 0x2000 : 0)), // GRE_KEY is __cpu_to_be16(0x2000) (<linux/if_tunnel.h>)
  attr(n('IFLA_GRE_OFLAGS'), be16(opts.flagsKey ? 0x2000 : 0)),
  attr(n('IFLA_GRE_IKEY'), be32(opts.key)),
  attr(n('IFLA_GRE_OKEY'), be32(opts.key)),
  attr(n('IFLA_GRE_LOCAL'), in4(opts.local)),
  attr(n('IFLA_GRE_REMOTE'), in4(opts.remote)),
  attr(n('IFLA_GRE_TTL'), u8(opts.ttl)),
  attr(n('IFLA_GRE_TOS'), u8(0)),
  attr(n('IFLA_GRE_PMTUDISC'), u8(1)),
  attr(n('IFLA_GRE_FWMARK'), u32(0)),
  attr(n('IFLA_GRE_ENCAP_TYPE'), u16(0)),
  attr(n('IFLA_GRE_ENCAP_SPORT'), be16(0)),
  attr(n('IFLA_GRE_ENCAP_DPORT'), be16(0)),
  attr(n('IFLA_GRE_ENCAP_FLAGS'), u16(0)),
  attr(n('IFLA_GRE_IGNORE_DF'), u8(0)),
];
const greComment =
  'ipgre_fill_info (net/ipv4/ip_gre.c, gre and gretap): LINK u32, IFLAGS/OFLAGS be16 (gre_tnl_flags_to_gre_flags), IKEY/OKEY be32, ' +
  'LOCAL/REMOTE nla_put_in_addr, TTL, TOS, PMTUDISC u8, FWMARK u32, ENCAP_TYPE u16, ENCAP_SPORT/DPORT be16, ENCAP_FLAGS u16, ' +
  'IGNORE_DF u8, COLLECT_METADATA flag only when external.';
fixtures.push({
  kind: 'gre',
  situation: 'ip link add gre1 type gre local 192.0.2.1 remote 192.0.2.2 ttl 64 key 42',
  comment: greComment,
  bytes: linkinfo([kind('gre'), data(greCommon({ key: 42, local: '192.0.2.1', remote: '192.0.2.2', ttl: 64, flagsKey: true }))]),
  expected: {
    kind: 'gre',
    data: {
      link: 0,
      iflags: 0x2000,
      oflags: 0x2000,
      ikey: 42,
      okey: 42,
      local: '192.0.2.1',
      remote: '192.0.2.2',
      ttl: 64,
      tos: 0,
      pmtudisc: 1,
      fwmark: 0,
      encapType: 0,
      encapSport: 0,
      encapDport: 0,
      encapFlags: 0,
      ignoreDf: 0,
    },
  },
});
fixtures.push({
  kind: 'gretap',
  situation: 'ip link add gretap1 type gretap external',
  comment: greComment,
  bytes: linkinfo([
    kind('gretap'),
    data([...greCommon({ key: 0, local: '0.0.0.0', remote: '0.0.0.0', ttl: 0, flagsKey: false }), attr(n('IFLA_GRE_COLLECT_METADATA'))]),
  ]),
  expected: {
    kind: 'gretap',
    data: {
      link: 0,
      iflags: 0,
      oflags: 0,
      ikey: 0,
      okey: 0,
      local: '0.0.0.0',
      remote: '0.0.0.0',
      ttl: 0,
      tos: 0,
      pmtudisc: 1,
      fwmark: 0,
      encapType: 0,
      encapSport: 0,
      encapDport: 0,
      encapFlags: 0,
      ignoreDf: 0,
      collectMetadata: true,
    },
  },
});

// --- ip6gre / ip6gretap: net/ipv6/ip6_gre.c ip6gre_fill_info
const ip6greData = (): Buffer[] => [
  attr(n('IFLA_GRE_LINK'), u32(0)),
  attr(n('IFLA_GRE_IFLAGS'), be16(0)),
  attr(n('IFLA_GRE_OFLAGS'), be16(0)),
  attr(n('IFLA_GRE_IKEY'), be32(0)),
  attr(n('IFLA_GRE_OKEY'), be32(0)),
  attr(n('IFLA_GRE_LOCAL'), in6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1])),
  attr(n('IFLA_GRE_REMOTE'), in6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 2])),
  attr(n('IFLA_GRE_TTL'), u8(64)),
  attr(n('IFLA_GRE_ENCAP_LIMIT'), u8(4)),
  attr(n('IFLA_GRE_FLOWINFO'), be32(0)),
  attr(n('IFLA_GRE_FLAGS'), u32(0)),
  attr(n('IFLA_GRE_FWMARK'), u32(0)),
  attr(n('IFLA_GRE_ENCAP_TYPE'), u16(0)),
  attr(n('IFLA_GRE_ENCAP_SPORT'), be16(0)),
  attr(n('IFLA_GRE_ENCAP_DPORT'), be16(0)),
  attr(n('IFLA_GRE_ENCAP_FLAGS'), u16(0)),
];
const ip6greExpected = {
  link: 0,
  iflags: 0,
  oflags: 0,
  ikey: 0,
  okey: 0,
  local: '2001:db8::1',
  remote: '2001:db8::2',
  ttl: 64,
  encapLimit: 4,
  flowinfo: 0,
  flags: 0,
  fwmark: 0,
  encapType: 0,
  encapSport: 0,
  encapDport: 0,
  encapFlags: 0,
};
const ip6greComment =
  'ip6gre_fill_info (net/ipv6/ip6_gre.c, ip6gre and ip6gretap): LINK u32, IFLAGS/OFLAGS be16, IKEY/OKEY be32, LOCAL/REMOTE ' +
  'nla_put_in6_addr, TTL (hop limit) u8, ENCAP_LIMIT u8, FLOWINFO be32, FLAGS u32 (IP6_TNL_F_*), FWMARK u32, ENCAP_TYPE u16, ' +
  'ENCAP_SPORT/DPORT be16, ENCAP_FLAGS u16, COLLECT_METADATA flag only when external.';
for (const k of ['ip6gre', 'ip6gretap']) {
  fixtures.push({
    kind: k,
    situation: `ip link add ${k}1 type ${k} local 2001:db8::1 remote 2001:db8::2 hoplimit 64 encaplimit 4`,
    comment: ip6greComment,
    bytes: linkinfo([kind(k), data(ip6greData())]),
    expected: { kind: k, data: { ...ip6greExpected } },
  });
}

// --- ipip: net/ipv4/ipip.c ipip_fill_info
fixtures.push({
  kind: 'ipip',
  situation: 'ip link add ipip1 type ipip local 192.0.2.1 remote 192.0.2.2 ttl 64',
  comment:
    'ipip_fill_info (net/ipv4/ipip.c): LINK u32, LOCAL/REMOTE nla_put_in_addr, TTL, TOS, PROTO (IPPROTO_IPIP 4), PMTUDISC u8, ' +
    'FWMARK u32, ENCAP_TYPE u16, ENCAP_SPORT/DPORT be16, ENCAP_FLAGS u16, COLLECT_METADATA flag only when external.',
  bytes: linkinfo([
    kind('ipip'),
    data([
      attr(n('IFLA_IPTUN_LINK'), u32(0)),
      attr(n('IFLA_IPTUN_LOCAL'), in4('192.0.2.1')),
      attr(n('IFLA_IPTUN_REMOTE'), in4('192.0.2.2')),
      attr(n('IFLA_IPTUN_TTL'), u8(64)),
      attr(n('IFLA_IPTUN_TOS'), u8(0)),
      attr(n('IFLA_IPTUN_PROTO'), u8(4)),
      attr(n('IFLA_IPTUN_PMTUDISC'), u8(1)),
      attr(n('IFLA_IPTUN_FWMARK'), u32(0)),
      attr(n('IFLA_IPTUN_ENCAP_TYPE'), u16(0)),
      attr(n('IFLA_IPTUN_ENCAP_SPORT'), be16(0)),
      attr(n('IFLA_IPTUN_ENCAP_DPORT'), be16(0)),
      attr(n('IFLA_IPTUN_ENCAP_FLAGS'), u16(0)),
    ]),
  ]),
  expected: {
    kind: 'ipip',
    data: {
      link: 0,
      local: '192.0.2.1',
      remote: '192.0.2.2',
      ttl: 64,
      tos: 0,
      proto: 4,
      pmtudisc: 1,
      fwmark: 0,
      encapType: 0,
      encapSport: 0,
      encapDport: 0,
      encapFlags: 0,
    },
  },
});

// --- sit: net/ipv6/sit.c ipip6_fill_info
fixtures.push({
  kind: 'sit',
  situation: 'ip link add isatap0 type sit local 192.0.2.1 ttl 64 mode ip6ip isatap',
  comment:
    'ipip6_fill_info (net/ipv6/sit.c): LINK u32, LOCAL/REMOTE nla_put_in_addr, TTL, TOS, PMTUDISC, PROTO (IPPROTO_IPV6 41) u8, ' +
    'FLAGS 16 bits holding SIT_ISATAP (0x0001, <linux/if_tunnel.h>) in host order as iproute2 reads it (rta_getattr_u16), FWMARK u32, ' +
    'then with CONFIG_IPV6_SIT_6RD 6RD_PREFIX (in6, default 2002::/16), 6RD_RELAY_PREFIX (in_addr), 6RD_PREFIXLEN u16, ' +
    '6RD_RELAY_PREFIXLEN u16, then ENCAP_TYPE u16, ENCAP_SPORT/DPORT be16, ENCAP_FLAGS u16.',
  bytes: linkinfo([
    kind('sit'),
    data([
      attr(n('IFLA_IPTUN_LINK'), u32(0)),
      attr(n('IFLA_IPTUN_LOCAL'), in4('192.0.2.1')),
      attr(n('IFLA_IPTUN_REMOTE'), in4('0.0.0.0')),
      attr(n('IFLA_IPTUN_TTL'), u8(64)),
      attr(n('IFLA_IPTUN_TOS'), u8(0)),
      attr(n('IFLA_IPTUN_PMTUDISC'), u8(1)),
      attr(n('IFLA_IPTUN_PROTO'), u8(41)),
      attr(n('IFLA_IPTUN_FLAGS'), u16(0x0001)),
      attr(n('IFLA_IPTUN_FWMARK'), u32(0)),
      attr(n('IFLA_IPTUN_6RD_PREFIX'), in6([0x2002, 0, 0, 0, 0, 0, 0, 0])),
      attr(n('IFLA_IPTUN_6RD_RELAY_PREFIX'), in4('0.0.0.0')),
      attr(n('IFLA_IPTUN_6RD_PREFIXLEN'), u16(16)),
      attr(n('IFLA_IPTUN_6RD_RELAY_PREFIXLEN'), u16(0)),
      attr(n('IFLA_IPTUN_ENCAP_TYPE'), u16(0)),
      attr(n('IFLA_IPTUN_ENCAP_SPORT'), be16(0)),
      attr(n('IFLA_IPTUN_ENCAP_DPORT'), be16(0)),
      attr(n('IFLA_IPTUN_ENCAP_FLAGS'), u16(0)),
    ]),
  ]),
  expected: {
    kind: 'sit',
    data: {
      link: 0,
      local: '192.0.2.1',
      remote: '0.0.0.0',
      ttl: 64,
      tos: 0,
      pmtudisc: 1,
      proto: 41,
      flags: 1,
      fwmark: 0,
      '6rdPrefix': '2002::',
      '6rdRelayPrefix': '0.0.0.0',
      '6rdPrefixlen': 16,
      '6rdRelayPrefixlen': 0,
      encapType: 0,
      encapSport: 0,
      encapDport: 0,
      encapFlags: 0,
    },
  },
});

// --- ip6tnl: net/ipv6/ip6_tunnel.c ip6_tnl_fill_info
fixtures.push({
  kind: 'ip6tnl',
  situation: 'ip link add ip6tnl1 type ip6tnl local 2001:db8::1 remote 2001:db8::2 hoplimit 64 encaplimit none mode any',
  comment:
    'ip6_tnl_fill_info (net/ipv6/ip6_tunnel.c): LINK u32, LOCAL/REMOTE nla_put_in6_addr, TTL (hop limit) u8, ENCAP_LIMIT u8, ' +
    'FLOWINFO be32, FLAGS nla_put_u32 (IP6_TNL_F_IGN_ENCAP_LIMIT 0x1, <linux/ip6_tunnel.h>), PROTO u8 (0: any), FWMARK u32, ' +
    'ENCAP_TYPE u16, ENCAP_SPORT/DPORT be16, ENCAP_FLAGS u16, COLLECT_METADATA flag only when external.',
  bytes: linkinfo([
    kind('ip6tnl'),
    data([
      attr(n('IFLA_IPTUN_LINK'), u32(0)),
      attr(n('IFLA_IPTUN_LOCAL'), in6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1])),
      attr(n('IFLA_IPTUN_REMOTE'), in6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 2])),
      attr(n('IFLA_IPTUN_TTL'), u8(64)),
      attr(n('IFLA_IPTUN_ENCAP_LIMIT'), u8(4)),
      attr(n('IFLA_IPTUN_FLOWINFO'), be32(0)),
      attr(n('IFLA_IPTUN_FLAGS'), u32(0x1)),
      attr(n('IFLA_IPTUN_PROTO'), u8(0)),
      attr(n('IFLA_IPTUN_FWMARK'), u32(0)),
      attr(n('IFLA_IPTUN_ENCAP_TYPE'), u16(0)),
      attr(n('IFLA_IPTUN_ENCAP_SPORT'), be16(0)),
      attr(n('IFLA_IPTUN_ENCAP_DPORT'), be16(0)),
      attr(n('IFLA_IPTUN_ENCAP_FLAGS'), u16(0)),
    ]),
  ]),
  expected: {
    kind: 'ip6tnl',
    data: {
      link: 0,
      local: '2001:db8::1',
      remote: '2001:db8::2',
      ttl: 64,
      encapLimit: 4,
      flowinfo: 0,
      flags: 1,
      proto: 0,
      fwmark: 0,
      encapType: 0,
      encapSport: 0,
      encapDport: 0,
      encapFlags: 0,
    },
  },
});

// --- tun: drivers/net/tun.c tun_fill_info (a tap made through /dev/net/tun, owned, multi-queue)
fixtures.push({
  kind: 'tun',
  situation: 'ip tuntap add dev tap1 mode tap user 1000 group 1000 multi_queue',
  comment:
    'tun_fill_info (drivers/net/tun.c): TYPE u8 (flags & TUN_TYPE_MASK: IFF_TAP 2, <linux/if_tun.h>), OWNER u32 and GROUP u32 only ' +
    'when set, PI u8 (!IFF_NO_PI), VNET_HDR, PERSIST, MULTI_QUEUE u8, then with IFF_MULTI_QUEUE NUM_QUEUES and NUM_DISABLED_QUEUES u32.',
  bytes: linkinfo([
    kind('tun'),
    data([
      attr(n('IFLA_TUN_TYPE'), u8(2)),
      attr(n('IFLA_TUN_OWNER'), u32(1000)),
      attr(n('IFLA_TUN_GROUP'), u32(1000)),
      attr(n('IFLA_TUN_PI'), u8(0)),
      attr(n('IFLA_TUN_VNET_HDR'), u8(0)),
      attr(n('IFLA_TUN_PERSIST'), u8(1)),
      attr(n('IFLA_TUN_MULTI_QUEUE'), u8(1)),
      attr(n('IFLA_TUN_NUM_QUEUES'), u32(0)),
      attr(n('IFLA_TUN_NUM_DISABLED_QUEUES'), u32(0)),
    ]),
  ]),
  expected: {
    kind: 'tun',
    data: { type: 'tap', owner: 1000, group: 1000, pi: 0, vnetHdr: 0, persist: 1, multiQueue: 1, numQueues: 0, numDisabledQueues: 0 },
  },
});

// ---------------------------------------------------------------------------------------------
// Output

function fileName(f: Fixture): string {
  return `${f.kind}.json`;
}

function render(f: Fixture): string {
  const doc = {
    kind: f.kind,
    situation: f.situation,
    comment: f.comment,
    source: SOURCE,
    hex: f.bytes.toString('hex'),
    expected: f.expected,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

function main(argv: string[]): void {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const dir = join(root, 'test/fixtures/kinds');
  const check = argv.includes('--check');
  mkdirSync(dir, { recursive: true });
  const names = new Set<string>();
  let bad = 0;
  for (const f of fixtures) {
    const name = fileName(f);
    if (names.has(name)) throw new Error(`two fixtures named ${name}`);
    names.add(name);
    const text = render(f);
    const path = join(dir, name);
    if (check) {
      let old = '';
      try {
        old = readFileSync(path, 'utf8');
      } catch {
        // missing
      }
      if (old !== text) {
        console.error(`differs: ${path}`);
        bad++;
      }
    } else {
      writeFileSync(path, text);
    }
  }
  if (check) {
    for (const f of readdirSync(dir)) if (f.endsWith('.json') && !names.has(f)) { console.error(`not generated: ${f}`); bad++; }
    if (bad) process.exit(1);
  }
  const fromTable = [...used].filter((x) => !headerEnums.has(x));
  console.log(`${check ? 'checked' : 'wrote'} ${fixtures.length} fixtures in ${dir}; ${used.size} attribute numbers, from the headers but ${fromTable.join(', ') || 'none'}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));

// `rtnl -j -d X show` against `ip -j -d X show` (iproute2 6.1) as whole objects, for every family,
// on a topology with every link kind this kernel can make (veth, bridge and bridge ports, vxlan
// over IPv4 and IPv6, unicast, multicast and external, macvlan in each mode incl. source with its
// MACs, macvtap, ifb, tun and tap) and the options `ip` prints for them, addresses with metric,
// lifetimes, peers and flags, routes with realms, metrics (congestion control, locks, ecn),
// multipath (realms, IPv6 gateways), nhid and expiry, neighbours incl. proxies, rules with realms
// and the other selectors, nexthops incl. groups, resilient groups and fdb nexthops.
//
// Each object is compared whole (deep equal). The only exceptions are the explicit lists below:
// values that move between the two calls, compared loosely, and fields `ip` prints that rtnl
// leaves out or prints otherwise, each with its reason. (There is no `rtnl bridge fdb`: FDB
// entries are formatted for `rtnl monitor` only, so `bridge -j fdb show` has no counterpart here.)

import { isDeepStrictEqual } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { IpJson, IpJsonObject } from '../../src/cli/ipjson.js';
import { useTestNetns } from '../harness/netns.js';

const ns = useTestNetns();

/** How a field that moves between the two calls is compared, and why. */
interface Loose {
  reason: string;
  same: (ours: IpJson, theirs: IpJson) => boolean;
}

/** Bridge and bridge-port timers (1/100 s ticks, printed as seconds): both a non-negative time. */
const TIMER: Loose = {
  reason: 'a bridge timer: it runs (and wraps: gc_timer restarts at 0) between the two calls',
  same: (ours, theirs) => typeof ours === 'number' && typeof theirs === 'number' && ours >= 0 && theirs >= 0,
};

/** Remaining lifetimes and expiry: equal to within 30 s (forever, 4294967295, exactly). */
const COUNTDOWN: Loose = {
  reason: 'a remaining lifetime or expiry in seconds: it counts down between the two calls',
  same: (ours, theirs) =>
    ours === theirs || (typeof ours === 'number' && typeof theirs === 'number' && ours !== 4294967295 && theirs !== 4294967295 && Math.abs(ours - theirs) <= 30),
};

/**
 * Values that move between the `ip` call and the `rtnl` call: compared loosely, by the test given,
 * wherever the field occurs. Everything else is compared exactly.
 */
const LOOSE: Readonly<Record<string, Loose>> = {
  hello_timer: TIMER,
  tcn_timer: TIMER,
  topology_change_timer: TIMER,
  gc_timer: TIMER,
  hold_timer: TIMER,
  message_age_timer: TIMER,
  forward_delay_timer: TIMER,
  valid_life_time: COUNTDOWN,
  preferred_life_time: COUNTDOWN,
  expires: COUNTDOWN,
};

/**
 * Fields `ip -j -d` prints that rtnl deliberately leaves out or prints otherwise, with the reason.
 * None of them occurs on this kernel's topology (the test checks that ip prints none of the
 * left-out ones here, so that the list stays honest); they are listed so that a reader knows.
 */
const LEFT_OUT: Readonly<Record<string, string>> = {
  vfinfo_list: 'SR-IOV virtual functions (IFLA_VFINFO_LIST): not in the link model; no such device in a namespace',
  xdp: 'attached XDP programs: ip looks the programs up through bpf(2); not formatted',
  info_xstats: 'kind statistics: ip prints them only with -s',
};

/**
 * Fields rtnl prints differently from `ip` 6.1 on purpose, with the reason. Neither shows on this
 * topology; the last test checks the premises (each bridge is its own STP root; the tun owner is
 * a local account).
 */
const DIFFERS: Readonly<Record<string, string>> = {
  'linkinfo.info_data.root_id':
    "ip 6.1 prints the bridge's own id as root_id (it reads IFLA_BR_BRIDGE_ID twice); rtnl prints IFLA_BR_ROOT_ID, which differs on a bridge that is not the STP root",
  'linkinfo.info_data.user': 'the owner of a tun/tap device: ip names it through NSS (getpwuid); rtnl reads /etc/passwd, else prints the number (and /etc/group for `group`)',
};

/** Runs `rtnl -n <ns> -j ARGS` in process. */
async function rtnlJson(args: string): Promise<IpJsonObject[]> {
  let stdout = '';
  let stderr = '';
  const code = await main(['-n', ns.name, '-j', ...args.split(/\s+/)], { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  expect({ args, code, stderr }).toEqual({ args, code: 0, stderr: '' });
  return JSON.parse(stdout) as IpJsonObject[];
}

/** Where two values differ, as `path: ours != theirs` lines; the LOOSE fields by their test. */
function differences(ours: IpJson | undefined, theirs: IpJson | undefined, path: string, out: string[]): void {
  const key = path.slice(path.lastIndexOf('.') + 1);
  const loose = Object.hasOwn(LOOSE, key) ? LOOSE[key] : undefined;
  if (loose !== undefined && ours !== undefined && theirs !== undefined) {
    if (!loose.same(ours, theirs)) out.push(`${path}: ${JSON.stringify(ours)} != ${JSON.stringify(theirs)} (${loose.reason})`);
    return;
  }
  if (ours !== null && theirs !== null && typeof ours === 'object' && typeof theirs === 'object' && Array.isArray(ours) === Array.isArray(theirs)) {
    const keys = new Set([...Object.keys(ours), ...Object.keys(theirs)]);
    for (const k of keys) differences((ours as Record<string, IpJson>)[k], (theirs as Record<string, IpJson>)[k], `${path}.${k}`, out);
    return;
  }
  if (!isDeepStrictEqual(ours, theirs)) out.push(`${path}: rtnl ${JSON.stringify(ours)} != ip ${JSON.stringify(theirs)}`);
}

/** Every key path (`linkinfo.info_data.port_range`) of a JSON value, for the coverage checks. */
function keyPaths(v: IpJson, prefix: string, out: Set<string>): Set<string> {
  if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      const p = Array.isArray(v) ? prefix : prefix === '' ? k : `${prefix}.${k}`;
      if (!Array.isArray(v)) out.add(p);
      keyPaths(x, p, out);
    }
  }
  return out;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * `rtnl -j ARGS` and `ip -j ARGS`, object by object (same count, same order): the differences,
 * which must be none. States settle by themselves (STP port states, DAD, neighbour states, the
 * carrier): look again until both agree. Returns ip's objects.
 */
async function compare(args: string): Promise<IpJsonObject[]> {
  let diffs: string[] = [];
  let theirs: IpJsonObject[] = [];
  for (let attempt = 0; attempt < 20; attempt++) {
    theirs = ns.ipJson<IpJsonObject[]>(args);
    const ours = await rtnlJson(args);
    diffs = [];
    if (ours.length !== theirs.length) diffs.push(`${ours.length} objects != ${theirs.length} from ip`);
    for (let i = 0; i < Math.max(ours.length, theirs.length); i++) {
      const t = theirs[i];
      const name = String(t?.ifname ?? t?.dst ?? t?.priority ?? t?.id ?? i);
      differences(ours[i], t, `[${i} ${name}]`, diffs);
    }
    if (diffs.length === 0) break;
    await sleep(250);
  }
  expect({ args, diffs }).toEqual({ args, diffs: [] });
  // ip prints none of the left-out fields here: the list would hide nothing.
  const printed = new Set(theirs.flatMap((o) => [...keyPaths(o, '', new Set())].map((p) => p.slice(p.lastIndexOf('.') + 1))));
  expect(Object.keys(LEFT_OUT).filter((k) => printed.has(k))).toEqual([]);
  return theirs;
}

/** The key paths ip printed, over all objects. */
const pathsOf = (objs: IpJsonObject[]): Set<string> => objs.reduce((set, o) => keyPaths(o, '', set), new Set<string>());

beforeAll(() => {
  for (const cmd of [
    'link set lo up',
    'link add veth0 address 02:00:00:00:00:01 type veth peer name veth1 address 02:00:00:00:00:02',
    // A bridge with every option ip takes on a kernel without VLAN filtering, and one with STP.
    'link add br0 address 02:00:00:00:00:10 type bridge forward_delay 400 hello_time 300 max_age 2500 ageing_time 20000 stp_state 0 priority 1000 group_fwd_mask 0x8 group_address 01:80:c2:00:00:0e mcast_snooping 1 mcast_router 2 mcast_query_use_ifaddr 1 mcast_querier 1 mcast_hash_elasticity 16 mcast_hash_max 1024 mcast_last_member_count 3 mcast_startup_query_count 3 mcast_last_member_interval 200 mcast_membership_interval 30000 mcast_querier_interval 25000 mcast_query_interval 15000 mcast_query_response_interval 2000 mcast_startup_query_interval 3000 mcast_stats_enabled 1 mcast_igmp_version 3 mcast_mld_version 2 nf_call_iptables 0',
    'link add br1 type bridge stp_state 1',
    'link set veth1 master br0',
    'link set veth1 type bridge_slave cost 7 priority 20 guard on hairpin on root_block on learning off flood off mcast_router 2 mcast_fast_leave on mcast_flood off bcast_flood off mcast_to_unicast on neigh_suppress on group_fwd_mask 0x4000 proxy_arp on proxy_arp_wifi on isolated on locked on',
    'link add veth2 type veth peer name veth3',
    'link set veth2 master br1',
    // A port whose peer stays down (M-DOWN), and a backup port.
    'link add veth4 type veth peer name veth5',
    'link set veth4 master br0',
    'link set veth1 type bridge_slave backup_port veth4',
    'link add vx4 address 02:00:00:00:00:20 type vxlan id 42 dstport 4789 local 192.0.2.1 remote 192.0.2.2 dev veth0 srcport 5000 6000 tos 0x10 ttl 64 maxaddress 100 ageing 200 noudpcsum l2miss l3miss nolearning proxy rsc gbp df set',
    'link add vx6 type vxlan id 43 dstport 4790 local 2001:db8::1 group ff05::100 dev veth0 udp6zerocsumtx udp6zerocsumrx ttl inherit tos inherit flowlabel 5 remcsumtx remcsumrx',
    'link add vxr6 type vxlan id 47 remote 2001:db8::5 local 2001:db8::1 dstport 4795',
    'link add vxm type vxlan id 44 group 239.1.1.1 dev veth0 dstport 4793 ttl auto',
    'link add vxe type vxlan external dstport 4791 vnifilter',
    'link add vxg type vxlan dstport 4792 gpe external',
    'link add mv0 link veth0 address 02:00:00:00:00:30 type macvlan mode bridge',
    'link add mvs link veth0 type macvlan mode source macaddr add 02:00:00:00:00:41',
    'link set mvs type macvlan macaddr add 02:00:00:00:00:42',
    'link add mvp link veth3 type macvlan mode private',
    'link add mvn link veth5 type macvlan mode passthru nopromisc',
    'link add mvt link veth0 type macvtap mode vepa bcqueuelen 500',
    'link add ifb9 type ifb',
    'tuntap add tap0 mode tap',
    'tuntap add tap1 mode tap user nobody group nogroup',
    'tuntap add tun0 mode tun multi_queue',
    ...['veth0', 'veth1', 'veth2', 'veth3', 'br0', 'br1', 'vx4', 'vx6', 'vxm', 'mv0', 'mvs', 'ifb9', 'tap0'].map((l) => `link set ${l} up`),
    // Held protocol-down for reason bit 3 (vxlan is a kind that supports it).
    'link set vx4 protodown on',
    'link set vx4 protodown_reason 3 on',
    'link set br0 alias bridge-zero',
    'link property add dev br0 altname bridge0',
    'link set veth0 mtu 1400 txqlen 500 group 5',
    'addr add 192.0.2.1/24 dev veth0 broadcast + metric 20',
    'addr add 198.51.100.1/24 label veth0:1 dev veth0',
    'addr add 192.0.2.100/24 dev veth0 valid_lft 3000 preferred_lft 0',
    'addr add 2001:db8::1/64 dev veth0 nodad',
    'addr add 2001:db8:2::1/64 dev veth0 nodad valid_lft 3600 preferred_lft 1800 metric 50 noprefixroute',
    'addr add 2001:db8:3::1/64 dev veth0 nodad mngtmpaddr',
    'addr add 203.0.113.1/32 peer 203.0.113.2 dev ifb9',
    'addr add 2001:db8:9::1 peer 2001:db8:9::2/128 dev ifb9 nodad',
    'route add 203.0.113.64/26 via 192.0.2.2 metric 10 proto static realm 5',
    'route add 203.0.113.65/32 via 192.0.2.2 realms 3/4',
    'route add 203.0.113.5 dev veth0',
    'route add blackhole 203.0.113.128/25',
    'route add unreachable 203.0.113.32/27',
    'route add prohibit 203.0.113.16/28 metric 5',
    'route add 203.0.113.8/29 via 192.0.2.2 table 100',
    'route add default via 192.0.2.254',
    'route add 203.0.113.0/29 nexthop via 192.0.2.2 weight 1 nexthop via 192.0.2.3 weight 3 dev veth0 realm 7',
    'route add 198.51.100.128/26 via 192.0.2.2 mtu lock 1400 advmss 1360 congctl lock reno window 1000 rtt 100ms rttvar 50ms ssthresh 10 cwnd 10 initcwnd 5 initrwnd 5 hoplimit 30 features ecn reordering 3 quickack 1 rto_min 50ms fastopen_no_cookie 1',
    'route add 198.51.100.192/26 via 192.0.2.2 congctl cubic tos 0x10 dev veth0 onlink',
    'route add 203.0.113.96/28 via inet6 2001:db8::2 dev veth0',
    'route add 203.0.113.112/28 nexthop via inet6 2001:db8::2 dev veth0 nexthop via 192.0.2.2 dev veth0',
    '-6 route add 2001:db8:5::/64 via 2001:db8::2 pref high expires 600',
    'route add 2001:db8:6::/64 dev veth0 metric 300 mtu 1300 congctl reno',
    '-6 route add 2001:db8:7::/64 nexthop via 2001:db8::2 dev veth0 weight 2 nexthop via 2001:db8::3 dev veth0',
    '-6 route add 2001:db8:a::/64 from 2001:db8:b::/64 dev veth0',
    'neigh add 192.0.2.9 lladdr 02:00:00:00:00:09 dev veth0',
    'neigh add 2001:db8::9 lladdr 02:00:00:00:00:09 dev veth0 nud stale router',
    'neigh add 192.0.2.11 lladdr 02:00:00:00:00:11 dev veth0 nud reachable extern_learn',
    'neigh add 192.0.2.10 lladdr 02:00:00:00:00:10 dev veth0 nud noarp',
    'neigh add 192.0.2.12 lladdr 02:00:00:00:00:12 dev veth0 nud permanent protocol static',
    'neigh add proxy 192.0.2.50 dev veth0',
    'neigh add proxy 2001:db8::50 dev veth0',
    'rule add from 192.0.2.0/24 table 100 priority 100',
    'rule add fwmark 0x10/0xff table 100 priority 200',
    'rule add not from 198.51.100.0/24 iif veth0 oif veth1 table 100 priority 300',
    'rule add ipproto tcp dport 80-90 sport 1000 table main priority 400 proto static',
    'rule add uidrange 1000-2000 goto 32766 priority 500',
    'rule add priority 600 nop',
    'rule add priority 700 blackhole to 203.0.113.0/24',
    'rule add priority 800 realms 3/4 table 100',
    'rule add priority 801 realms 5 table 100',
    'rule add priority 900 tos 0x10 table 100 suppress_prefixlength 0',
    'rule add priority 901 table 100 suppress_ifgroup 5',
    'rule add priority 902 iif nosuch0 table 100',
    'rule add priority 903 l3mdev',
    '-6 rule add from 2001:db8::/32 table 100 priority 100',
    '-6 rule add to 2001:db8:1::/48 table 100 priority 110',
    'nexthop add id 1 via 192.0.2.2 dev veth0',
    'nexthop add id 2 blackhole',
    'nexthop add id 4 via 192.0.2.3 dev veth0 onlink',
    'nexthop add id 10 group 1/4,3',
    'nexthop add id 5 dev ifb9 proto static',
    'nexthop add id 6 via 2001:db8::2 dev veth0',
    'nexthop add id 11 group 1,20/4,40 type resilient buckets 8 idle_timer 60 unbalanced_timer 120',
    'nexthop add id 7 via 192.0.2.4 fdb',
    'nexthop add id 13 group 7 fdb',
    'route add 203.0.113.200/30 nhid 10',
    'route add 2001:db8:c::/64 nhid 6',
    'route add 203.0.113.204/30 nhid 11',
  ]) {
    ns.ip(cmd);
  }
});

describe('rtnl -j -d X show equals ip -j -d X show, object by object', () => {
  it('link show: every kind and its options, bridge ports, M-DOWN', async () => {
    const ip = await compare('-d link show');
    expect(ip.map((l) => l.ifname)).toEqual(expect.arrayContaining(['veth0', 'br0', 'br1', 'vx4', 'vx6', 'vxr6', 'vxm', 'vxe', 'vxg', 'mv0', 'mvs', 'mvp', 'mvn', 'mvt', 'ifb9', 'tap0', 'tap1', 'tun0']));
    const paths = pathsOf(ip);
    for (const p of [
      'linkinfo.info_data.port_range',
      'linkinfo.info_data.tos',
      'linkinfo.info_data.limit',
      'linkinfo.info_data.udp_csum',
      'linkinfo.info_data.udp_zero_csum6_tx',
      'linkinfo.info_data.remcsum_rx',
      'linkinfo.info_data.l2miss',
      'linkinfo.info_data.l3miss',
      'linkinfo.info_data.external',
      'linkinfo.info_data.vnifilter',
      'linkinfo.info_data.gpe',
      'linkinfo.info_data.gbp',
      'linkinfo.info_data.label',
      'linkinfo.info_data.local6',
      'linkinfo.info_data.group6',
      'linkinfo.info_data.remote6',
      'linkinfo.info_data.macaddr_data',
      'linkinfo.info_data.nopromisc',
      'linkinfo.info_data.gc_timer',
      'linkinfo.info_data.mcast_startup_query_intvl',
      'linkinfo.info_data.no_linklocal_learn',
      'linkinfo.info_data.nf_call_arptables',
      'linkinfo.info_data.multi_queue',
      'linkinfo.info_data.user',
      'linkinfo.info_slave_data.group_fwd_mask_str',
      'linkinfo.info_slave_data.backup_port',
      'linkinfo.info_slave_data.forward_delay_timer',
      'linkinfo.info_slave_data.locked',
      'inet6_addr_gen_mode',
      'ifalias',
      'proto_down',
      'proto_down_reason',
    ]) {
      expect({ p, printed: paths.has(p) }).toEqual({ p, printed: true });
    }
    expect(ip.find((l) => l.ifname === 'mvs')).toMatchObject({ linkinfo: { info_data: { macaddr_count: 2, macaddr_data: expect.arrayContaining(['02:00:00:00:00:41', '02:00:00:00:00:42']) } } });
    expect(ip.find((l) => l.ifname === 'veth5')?.flags).toContain('M-DOWN');
  });

  it('addr show: all, -4, -6 (the AF_INET6 link dump), one device; ifalias and the address metric', async () => {
    const ip = await compare('-d addr show');
    expect(ip.find((l) => l.ifname === 'br0')).toMatchObject({ ifalias: 'bridge-zero' });
    expect(ip.some((l) => 'inet6_addr_gen_mode' in l)).toBe(false);
    const veth0 = (ip.find((l) => l.ifname === 'veth0')?.addr_info ?? []) as IpJsonObject[];
    expect(veth0).toEqual(expect.arrayContaining([expect.objectContaining({ local: '192.0.2.1', metric: 20 }), expect.objectContaining({ local: '2001:db8:2::1', metric: 50, noprefixroute: true })]));
    await compare('-d -4 addr show');
    await compare('-d -6 addr show');
    await compare('-d addr show dev br0');
    await compare('-d -6 addr show dev veth0');
  });

  it('route show: IPv4 and IPv6, main and every table; realms, metrics, multipath, nhid with nh_info, expiry', async () => {
    const v4 = await compare('-d route show table all');
    const paths = pathsOf(v4);
    for (const p of ['flow.to', 'flow.from', 'nexthops.flow.to', 'nexthops.via', 'metrics.congestion', 'metrics.ecn', 'metrics.rto_min', 'metrics.fastopen_no_cookie', 'nh_info', 'tos']) {
      expect({ p, printed: paths.has(p) }).toEqual({ p, printed: true });
    }
    await compare('-d route show');
    const v6 = await compare('-d -6 route show table all');
    expect(v6).toEqual(expect.arrayContaining([expect.objectContaining({ dst: '2001:db8:5::/64', pref: 'high', expires: expect.any(Number) }), expect.objectContaining({ metrics: [{ mtu: 1300, congestion: 'reno' }] })]));
    await compare('-d -6 route show');
  });

  it('neigh show: all, proxies, every state', async () => {
    await compare('-d neigh show');
    expect(await compare('-d neigh show proxy')).toHaveLength(2);
    await compare('-d neigh show nud all');
  });

  it('rule show: IPv4 and IPv6; realms as flow_from/flow_to', async () => {
    const v4 = await compare('-d rule show');
    expect(v4).toEqual(expect.arrayContaining([expect.objectContaining({ priority: 800, flow_from: '3', flow_to: '4' }), expect.objectContaining({ priority: 801, flow_to: '5' })]));
    await compare('-d -6 rule show');
  });

  it('nexthop show: plain, groups, resilient groups, fdb', async () => {
    const nhs = await compare('-d nexthop show');
    expect(nhs).toEqual(expect.arrayContaining([expect.objectContaining({ id: 11, resilient_args: expect.any(Object) }), expect.objectContaining({ id: 13, fdb: null })]));
  });

  it('the deliberate differences cannot show on this topology', () => {
    const links = ns.ipJson<IpJsonObject[]>('-d link show');
    const info = (name: string): IpJsonObject => ((links.find((l) => l.ifname === name)?.linkinfo as IpJsonObject | undefined)?.info_data ?? {}) as IpJsonObject;
    expect(Object.keys(DIFFERS)).toEqual(['linkinfo.info_data.root_id', 'linkinfo.info_data.user']);
    for (const br of ['br0', 'br1']) expect(info(br).root_id).toBe(info(br).bridge_id);
    expect(info('tap1')).toMatchObject({ user: 'nobody', group: 'nogroup' });
  });
});

// The model used both ways, against the real kernel in throwaway namespaces: objects created with
// `ip` / `bridge` are listed with the library, deleted by that very object (ip then no longer shows
// them), re-added from the same object, and listed again: equal. The CLI's formatters print the
// listed objects as `ip -j` / `bridge -j` do. Addresses with lifetimes, peers, labels and flags;
// neighbours, permanent and proxy ones; FDB entries of a bridge (static, permanent, dynamic,
// sticky, extern_learn, the bridge's own), of a port (self) and of a vxlan device (remotes);
// nexthops, groups with weights above 255 (made with the library: ip 6.1 caps them at 255) and
// resilient groups; an nsid given to another namespace.

import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressToIpJson, fdbEntryToIpJson, neighbourToIpJson, nexthopToIpJson, type IpJsonObject } from '../../src/cli/ipjson.js';
import { addressKey, type Address } from '../../src/rtnl/address/addresses.js';
import type { Link } from '../../src/rtnl/link/links.js';
import { fdbKey, neighbourKey, type FdbEntry, type Neighbour } from '../../src/rtnl/neigh/neighbours.js';
import { nexthopKey, type Nexthop } from '../../src/rtnl/nexthop/nexthops.js';
import { Rtnl } from '../../src/rtnl/rtnl.js';
import { useTestNetns } from '../harness/netns.js';

const ns = useTestNetns();
let rtnl: Rtnl;
let byIndex: Map<number, Link>;

const bridge = (args: string): IpJsonObject[] => {
  const out = execFileSync('bridge', ['-n', ns.name, '-j', ...args.split(' ')], { encoding: 'utf8' }).trim();
  return out === '' ? [] : (JSON.parse(out) as IpJsonObject[]);
};
const bridgeDo = (args: string): void => {
  execFileSync('bridge', ['-n', ns.name, ...args.split(' ')], { stdio: 'ignore' });
};

/** `xs` by key, sorted: the same objects compare equal whatever the kernel's listing order. */
function byKey<T>(xs: readonly T[], key: (x: T) => string): [string, T][] {
  return xs.map((x): [string, T] => [key(x), x]).sort(([a], [b]) => a.localeCompare(b));
}

beforeAll(async () => {
  ns.ip('link set lo up');
  ns.ip('link add veth0 address 02:00:00:00:00:01 type veth peer name veth1 address 02:00:00:00:00:02');
  ns.ip('link add br0 address 02:00:00:00:00:10 type bridge');
  ns.ip('link add vb0 address 02:00:00:00:00:11 type veth peer name vb1 address 02:00:00:00:00:12');
  ns.ip('link set vb0 master br0');
  // No learning: the bridge's FDB changes only when the test changes it.
  ns.ip('link set vb0 type bridge_slave learning off');
  ns.ip('link add vxlan0 address 02:00:00:00:00:20 type vxlan id 42 dstport 4789 local 192.0.2.1 dev veth0');
  for (const l of ['veth0', 'veth1', 'br0', 'vb0', 'vb1', 'vxlan0']) ns.ip(`link set ${l} up`);
  rtnl = await Rtnl.open({ netns: ns.name });
  byIndex = new Map((await rtnl.links.list()).map((l) => [l.index as number, l]));
});

afterAll(() => rtnl?.close());

describe('addresses', () => {
  beforeAll(() => {
    ns.ip('addr add 192.0.2.1/24 dev veth0');
    ns.ip('addr add 192.0.2.2/24 dev veth0'); // secondary
    ns.ip('addr add 198.51.100.1/24 broadcast 198.51.100.255 label veth0:7 metric 50 noprefixroute valid_lft 3600 preferred_lft 1800 dev veth0');
    ns.ip('addr add 203.0.113.1 peer 203.0.113.2/30 dev veth0');
    ns.ip('addr add 2001:db8::1/64 nodad mngtmpaddr dev veth0');
    ns.ip('addr add 2001:db8:5::1 peer 2001:db8:5::2/64 nodad dev veth0');
    ns.ip('addr add 2001:db8:6::1/64 nodad valid_lft 600 preferred_lft 0 dev veth0');
    ns.ip('addr add 2001:db8:7::1/64 nodad noprefixroute metric 300 dev veth0');
  });

  // Remaining lifetimes count down between two looks: compare them to the second.
  const steady = (a: Address): Address => ({
    ...a,
    ...(a.validLifetime !== undefined ? { validLifetime: Math.round(a.validLifetime / 10) } : {}),
    ...(a.preferredLifetime !== undefined ? { preferredLifetime: Math.round(a.preferredLifetime / 10) } : {}),
  });
  const ipAddrs = (): IpJsonObject[] => ns.ipJson<IpJsonObject[]>('addr show dev veth0')[0].addr_info as IpJsonObject[];
  const steadyIp = (xs: IpJsonObject[]): IpJsonObject[] =>
    xs
      .map((a): IpJsonObject => ({ ...a, valid_life_time: Math.round(Number(a.valid_life_time) / 10), preferred_life_time: Math.round(Number(a.preferred_life_time) / 10) }))
      .sort((x, y) => `${String(x.local)} ${String(x.address)}`.localeCompare(`${String(y.local)} ${String(y.address)}`));

  it('list -> delete each by the listed object -> re-add it -> list: equal, and ip -j agrees', async () => {
    // Not the link-local address: the kernel makes it again on its own when the link is reset.
    const listed = (await rtnl.addresses.list({ link: 'veth0' })).filter((a) => a.scope !== 'link');
    expect(listed).toHaveLength(8);
    expect(steadyIp(listed.map(addressToIpJson))).toEqual(steadyIp(ipAddrs().filter((a) => a.scope !== 'link')));
    expect(listed.find((a) => a.label === 'veth0:7')).toEqual({
      family: 'inet',
      link: await rtnl.links.indexOf('veth0'),
      address: '198.51.100.1/24',
      broadcast: '198.51.100.255',
      label: 'veth0:7',
      scope: 'global',
      flags: ['noprefixroute'],
      validLifetime: expect.any(Number),
      preferredLifetime: expect.any(Number),
      metric: 50,
    });
    expect(listed.filter((a) => a.peer !== undefined).map((a) => [a.address, a.peer])).toEqual(
      expect.arrayContaining([
        ['203.0.113.1', '203.0.113.2/30'],
        ['2001:db8:5::1', '2001:db8:5::2/64'],
      ]),
    );
    // Secondaries first: deleting a primary address takes its secondaries with it.
    for (const a of [...listed].reverse()) {
      await rtnl.addresses.delete(a);
      const local = a.peer === undefined ? a.address.replace(/\/.*$/, '') : a.address;
      expect(ipAddrs().map((x) => x.local), a.address).not.toContain(local);
    }
    expect((await rtnl.addresses.list({ link: 'veth0' })).filter((a) => a.scope !== 'link')).toEqual([]);
    for (const a of listed) await rtnl.addresses.add(a);
    const again = (await rtnl.addresses.list({ link: 'veth0' })).filter((a) => a.scope !== 'link');
    expect(byKey(again.map(steady), addressKey)).toEqual(byKey(listed.map(steady), addressKey));
    expect(steadyIp(again.map(addressToIpJson))).toEqual(steadyIp(ipAddrs().filter((a) => a.scope !== 'link')));
  });

  it('replace(listed) changes nothing; a changed copy changes exactly that', async () => {
    const [a] = (await rtnl.addresses.list({ link: 'veth0', family: 'inet' })).filter((x) => x.label === 'veth0:7');
    await rtnl.addresses.replace(a);
    await rtnl.addresses.replace({ ...a, metric: 60 });
    const [b] = (await rtnl.addresses.list({ link: 'veth0', family: 'inet' })).filter((x) => x.label === 'veth0:7');
    expect(steady(b)).toEqual(steady({ ...a, metric: 60 }));
  });
});

describe('neighbours', () => {
  beforeAll(() => {
    ns.ip('neigh add 192.0.2.20 lladdr 02:00:00:00:00:20 dev veth0 nud permanent');
    ns.ip('neigh add 192.0.2.21 lladdr 02:00:00:00:00:21 dev veth0 nud noarp');
    ns.ip('neigh add 192.0.2.22 lladdr 02:00:00:00:00:22 dev veth0 nud stale router extern_learn proto zebra');
    ns.ip('neigh add 2001:db8::20 lladdr 02:00:00:00:00:20 dev veth0 nud permanent router');
    ns.ip('neigh add 2001:db8::21 lladdr 02:00:00:00:00:21 dev veth0 nud stale');
    ns.ip('neigh add proxy 192.0.2.60 dev veth0');
    ns.ip('neigh add proxy 2001:db8::60 dev veth0');
  });

  const mine = (xs: Neighbour[]): Neighbour[] => xs.filter((n) => /^(192\.0\.2\.(2\d|60)|2001:db8::(2\d|60))$/.test(n.address));

  it('list -> delete each by the listed object -> re-add it -> list: equal, and ip -j agrees (proxy entries too)', async () => {
    const cache = mine(await rtnl.neighbours.list({ link: 'veth0' }));
    const proxies = mine(await rtnl.neighbours.list({ link: 'veth0', proxy: true }));
    expect(cache).toHaveLength(5);
    expect(proxies).toEqual([
      { family: 'inet', link: await rtnl.links.indexOf('veth0'), address: '192.0.2.60', state: 'none', flags: [], proxy: true },
      { family: 'inet6', link: await rtnl.links.indexOf('veth0'), address: '2001:db8::60', state: 'none', flags: [], proxy: true },
    ]);
    expect(cache.find((n) => n.address === '192.0.2.22')).toEqual({
      family: 'inet',
      link: await rtnl.links.indexOf('veth0'),
      address: '192.0.2.22',
      lladdr: '02:00:00:00:00:22',
      state: 'stale',
      flags: ['extern_learn', 'router'],
      protocol: 'zebra',
    });
    for (const n of [...cache, ...proxies]) {
      await rtnl.neighbours.delete(n);
      const shown = ns.ipJson<IpJsonObject[]>(`${n.family === 'inet' ? '-4' : '-6'} neigh show ${n.proxy ? 'proxy' : 'nud all'} dev veth0`);
      expect(shown.map((x) => x.dst), n.address).not.toContain(n.address);
    }
    for (const n of [...cache, ...proxies]) await rtnl.neighbours.add(n);
    const again = mine(await rtnl.neighbours.list({ link: 'veth0' }));
    const proxiesAgain = mine(await rtnl.neighbours.list({ link: 'veth0', proxy: true }));
    expect(byKey(again, neighbourKey)).toEqual(byKey(cache, neighbourKey));
    expect(byKey(proxiesAgain, neighbourKey)).toEqual(byKey(proxies, neighbourKey));
    const theirs = (args: string): IpJsonObject[] =>
      [...ns.ipJson<IpJsonObject[]>(`-4 -d neigh show ${args}`), ...ns.ipJson<IpJsonObject[]>(`-6 -d neigh show ${args}`)].filter((x) => mine([{ address: String(x.dst) } as Neighbour]).length > 0);
    const sort = (xs: IpJsonObject[]): IpJsonObject[] => [...xs].sort((a, b) => String(a.dst).localeCompare(String(b.dst)));
    expect(sort(again.map((n) => neighbourToIpJson(n, byIndex, { details: true, devFiltered: true })))).toEqual(sort(theirs('nud all dev veth0')));
    expect(sort(proxiesAgain.map((n) => neighbourToIpJson(n, byIndex, { details: true, devFiltered: true })))).toEqual(sort(theirs('proxy dev veth0')));
  });
});

describe('FDB entries', () => {
  beforeAll(() => {
    bridgeDo('fdb add 02:00:00:00:01:01 dev vb0 master static');
    bridgeDo('fdb add 02:00:00:00:01:02 dev vb0 master permanent');
    bridgeDo('fdb add 02:00:00:00:01:03 dev vb0 master dynamic');
    bridgeDo('fdb add 02:00:00:00:01:04 dev vb0 master dynamic extern_learn');
    bridgeDo('fdb add 02:00:00:00:01:05 dev vb0 master static sticky');
    bridgeDo('fdb add 02:00:00:00:01:06 dev vb0 self permanent');
    bridgeDo('fdb add 00:00:00:00:00:00 dev vxlan0 dst 192.0.2.2');
    bridgeDo('fdb append 00:00:00:00:00:00 dev vxlan0 dst 192.0.2.3 static');
    bridgeDo('fdb add 02:00:00:00:02:01 dev vxlan0 dst 192.0.2.4 port 4790 vni 43 via veth0');
  });

  // What the test made, and the bridge's own address (an entry of the bridge device itself).
  const mine = (xs: FdbEntry[]): FdbEntry[] => xs.filter((e) => /^02:00:00:00:0[12]:|^00:00:00:00:00:00$|^02:00:00:00:00:10$/.test(e.lladdr));

  it('list -> delete each by the listed object -> re-add it -> list: equal, and bridge -j fdb show agrees', async () => {
    const listed = mine(await rtnl.neighbours.fdb.list());
    expect(listed).toHaveLength(10);
    const vb0 = await rtnl.links.indexOf('vb0');
    const br0 = await rtnl.links.indexOf('br0');
    const by = (mac: string): FdbEntry[] => listed.filter((e) => e.lladdr === mac);
    expect(by('02:00:00:00:01:01')).toEqual([{ family: 'bridge', link: vb0, lladdr: '02:00:00:00:01:01', master: br0, state: 'static', flags: [] }]);
    expect(by('02:00:00:00:01:02')).toEqual([expect.objectContaining({ state: 'permanent', flags: [] })]);
    expect(by('02:00:00:00:01:03')).toEqual([expect.objectContaining({ state: 'dynamic', flags: [] })]);
    expect(by('02:00:00:00:01:04')).toEqual([expect.objectContaining({ state: 'dynamic', flags: ['extern_learn'] })]);
    expect(by('02:00:00:00:01:05')).toEqual([expect.objectContaining({ state: 'static', flags: ['sticky'] })]);
    expect(by('02:00:00:00:01:06')).toEqual([{ family: 'bridge', link: vb0, lladdr: '02:00:00:00:01:06', state: 'permanent', flags: ['self'] }]);
    expect(by('02:00:00:00:00:10')).toEqual([{ family: 'bridge', link: br0, lladdr: '02:00:00:00:00:10', master: br0, state: 'permanent', flags: [] }]);
    expect(by('02:00:00:00:02:01')).toEqual([
      { family: 'bridge', link: await rtnl.links.indexOf('vxlan0'), lladdr: '02:00:00:00:02:01', state: 'permanent', flags: ['self'], dst: '192.0.2.4', dstPort: 4790, vni: 43, via: await rtnl.links.indexOf('veth0') },
    ]);
    expect(by('00:00:00:00:00:00').map((e) => e.dst)).toEqual(['192.0.2.2', '192.0.2.3']);

    for (const e of listed) {
      await rtnl.neighbours.fdb.delete(e);
      const left = bridge('fdb show').filter((x) => x.mac === e.lladdr && x.ifname === byIndex.get(e.link)?.name && x.dst === e.dst && (x.flags as string[]).includes('self') === e.flags.includes('self'));
      expect(left, JSON.stringify(e)).toEqual([]);
    }
    // A vxlan device's default destination (the all-zeros MAC) has two remotes: the second is appended.
    for (const e of listed) await (e.lladdr === '00:00:00:00:00:00' ? rtnl.neighbours.fdb.append(e) : rtnl.neighbours.fdb.add(e));
    const again = mine(await rtnl.neighbours.fdb.list());
    expect(byKey(again, fdbKey)).toEqual(byKey(listed, fdbKey));
    const theirs = bridge('fdb show').filter((x) => mine([{ lladdr: String(x.mac) } as FdbEntry]).length > 0);
    const sort = (xs: IpJsonObject[]): IpJsonObject[] => [...xs].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    expect(sort(again.map((e) => fdbEntryToIpJson(e, byIndex)))).toEqual(sort(theirs));
  });
});

describe('nexthops', () => {
  beforeAll(async () => {
    ns.ip('addr replace 192.0.2.1/24 dev veth0');
    ns.ip('nexthop add id 1 via 192.0.2.2 dev veth0');
    ns.ip('nexthop add id 2 via 192.0.2.3 dev veth0 onlink proto zebra');
    ns.ip('nexthop add id 3 dev veth1');
    ns.ip('-6 nexthop add id 4 blackhole');
    ns.ip('nexthop add id 5 blackhole');
    ns.ip('nexthop add id 6 via 192.0.2.6 fdb');
    ns.ip('nexthop add id 7 via 192.0.2.7 fdb');
    ns.ip('nexthop add id 10 group 1,200/2,3');
    ns.ip('nexthop add id 11 group 1/2 type resilient buckets 16 idle_timer 30 unbalanced_timer 60');
    ns.ip('nexthop add id 12 group 6/7 fdb');
    // Weights above 255: through the library (iproute2 6.1 takes at most 255).
    await rtnl.nexthops.add({ id: 13, group: [{ id: 1, weight: 300 }, { id: 2, weight: 65535 }] });
    await rtnl.nexthops.add({ id: 14, group: [{ id: 1, weight: 256 }, { id: 3, weight: 1000 }], type: 'resilient', resilient: { buckets: 32, idleTimer: 1.5, unbalancedTimer: 0 } });
  });

  // How long a resilient group has been unbalanced counts up by itself.
  const steady = (n: Nexthop): Nexthop => (n.resilient ? { ...n, resilient: { ...n.resilient, unbalancedTime: 0 } } : n);

  it('list -> delete each by the listed object -> re-add it -> list: equal, and ip -j -d agrees', async () => {
    const listed = await rtnl.nexthops.list();
    expect(listed.map((n) => n.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14]);
    const at = (id: number): Nexthop | undefined => listed.find((n) => n.id === id);
    expect(at(13)?.group).toEqual([
      { id: 1, weight: 300 },
      { id: 2, weight: 65535 },
    ]);
    expect(at(14)).toMatchObject({ type: 'resilient', group: [{ id: 1, weight: 256 }, { id: 3, weight: 1000 }], resilient: { buckets: 32, idleTimer: 1.5, unbalancedTimer: 0 } });
    expect(at(11)).toMatchObject({ type: 'resilient', resilient: { buckets: 16, idleTimer: 30, unbalancedTimer: 60 } });
    expect(at(2)).toMatchObject({ onlink: true, protocol: 'zebra', scope: 'link' });
    expect(at(4)).toMatchObject({ family: 'inet6', blackhole: true });
    // Groups first (a member in use cannot go before its group), then re-added members first.
    for (const n of [...listed].reverse()) {
      await rtnl.nexthops.delete(n);
      expect(ns.ipJson<IpJsonObject[]>('nexthop show').map((x) => x.id), String(n.id)).not.toContain(n.id);
    }
    for (const n of listed) expect(steady(await rtnl.nexthops.add(n))).toEqual(steady(n));
    const again = await rtnl.nexthops.list();
    expect(byKey(again.map(steady), nexthopKey)).toEqual(byKey(listed.map(steady), nexthopKey));
    // iproute2 6.1 reads only the low 8 bits of a weight: compare the groups it can show.
    const ipShows = (n: Nexthop): boolean => (n.group ?? []).every((m) => m.weight <= 256);
    const theirs = ns.ipJson<IpJsonObject[]>('-d nexthop show').filter((x) => x.id !== 13 && x.id !== 14);
    expect(again.filter(ipShows).map((n) => nexthopToIpJson(n, byIndex, true))).toEqual(theirs.map((x) => (x.resilient_args ? { ...x, resilient_args: { ...(x.resilient_args as IpJsonObject), unbalanced_time: expect.any(Number) } } : x)));
  });
});

describe('nsids', () => {
  const peer = useTestNetns();
  const other = useTestNetns();

  it('an nsid listed in one namespace, given with add() to the same peer from another: equal', async () => {
    ns.ip(['netns', 'set', peer.name, '7']);
    const listed = (await rtnl.nsids.list()).filter((n) => n.name === peer.name);
    expect(listed).toEqual([{ nsid: 7, name: peer.name }]);
    const there = await Rtnl.open({ netns: other.name });
    try {
      for (const n of listed) expect(await there.nsids.add(n)).toBe(7);
      expect((await there.nsids.list()).filter((n) => n.name === peer.name)).toEqual(listed);
      expect(other.ipJson<IpJsonObject[]>('netns list-id')).toContainEqual({ nsid: 7, name: peer.name });
      await expect(there.nsids.add({ name: peer.name, nsid: 8 })).rejects.toMatchObject({ name: 'NetlinkError', code: 'EEXIST' });
    } finally {
      there.close();
    }
  });
});

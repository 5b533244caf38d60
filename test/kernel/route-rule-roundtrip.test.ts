// The model used both ways, against the real kernel in a throwaway namespace: routes and rules
// made with `ip` are listed with the library, each deleted by the very object listed (exactly that
// one goes), added back from that object, and listed again: the same objects, and `ip -j -d` shows
// the same as before. The rules go through JSON first, as a plain-JS "save, delete, restore"
// program would keep them.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeBaseKey, routeKey, type Route } from '../../src/rtnl/route/routes.js';
import { ruleKey, type Rule } from '../../src/rtnl/rule/rules.js';
import { Rtnl } from '../../src/rtnl/rtnl.js';
import { useTestNetns } from '../harness/netns.js';

type IpJson = Record<string, unknown>;

const ns = useTestNetns();
let rtnl: Rtnl;

beforeAll(async () => {
  ns.ip('link set lo up');
  ns.ip('link add veth0 type veth peer name veth1');
  ns.ip('link set veth0 up');
  ns.ip('link set veth1 up');
  ns.ip('addr add 192.0.2.1/24 dev veth0');
  ns.ip('addr add 2001:db8::1/64 dev veth0 nodad');
  rtnl = await Rtnl.open({ netns: ns.name });
});

afterAll(() => rtnl?.close());

/** Sorted by key, without what counts down between two listings. */
function steadyRoutes(routes: readonly Route[]): Route[] {
  return routes.map(({ expires: _e, ...r }) => r).sort((a, b) => routeKey(a).localeCompare(routeKey(b)));
}

function steadyIp(objs: IpJson[]): string[] {
  return objs.map(({ expires: _e, ...o }) => JSON.stringify(o)).sort();
}

describe('routes: list, delete by the listed object, re-add that object, list again', () => {
  const ipRoutes = (): IpJson[] => [...ns.ipJson<IpJson[]>('-4 -d route show table all'), ...ns.ipJson<IpJson[]>('-6 -d route show table all')];

  beforeAll(() => {
    ns.ip('nexthop add id 40 via 192.0.2.2 dev veth0');
    ns.ip('nexthop add id 41 via 192.0.2.3 dev veth0');
    ns.ip('nexthop add id 42 group 40,3/41');
    for (const cmd of [
      'route add 198.51.100.0/24 table 4000 nexthop via 192.0.2.2 dev veth0 weight 3 nexthop via 192.0.2.3 dev veth0 weight 1',
      '-6 route add 2001:db8:42::/64 table 4000 nexthop via 2001:db8::2 dev veth0 weight 3 nexthop via 2001:db8::3 dev veth0 weight 1',
      '-6 route add 2001:db8:40::/64 via 2001:db8::2 dev veth0 expires 600 table 4000',
      '-6 route add 2001:db8:43::/64 via 2001:db8::2 dev veth0 pref high table 4000',
      '-6 route add 2001:db8:44::/64 from 2001:db8:99::/48 via 2001:db8::2 dev veth0 table 4000',
      'route add 203.0.113.0/24 via 192.0.2.2 dev veth0 table 70000 metric 5 proto static',
      'route add blackhole 203.0.113.64/26 table 4000',
      'route add unreachable 203.0.113.128/26 table 4000',
      'route add prohibit 203.0.113.192/26 table 4000',
      '-6 route add blackhole 2001:db8:dead::/48 table 4000',
      '-6 route add prohibit 2001:db8:beef::/48 table 4000',
      'route add 198.18.40.0/24 nhid 40 table 4000',
      'route add 198.18.41.0/24 nhid 42 table 4000',
      'route add 198.18.42.0/24 dev veth0 table 4000 mtu lock 1300 advmss 1200 rtt 100ms rttvar 20ms rto_min 200ms congctl reno',
      'route add 198.18.43.0/24 via 198.18.255.1 dev veth0 onlink table 4000',
      'route add 198.18.44.0/24 via inet6 fe80::3 dev veth0 table 4000',
      'route add 198.18.45.0/24 via 192.0.2.2 dev veth0 realms 3/4 table 4000',
      'route add 198.18.46.0/24 tos 0x10 via 192.0.2.2 table 4000',
      'route add 198.18.47.7 dev veth0 src 192.0.2.1 table 4000',
      'route add default via 192.0.2.254',
    ]) {
      ns.ip(cmd);
    }
  });

  it('covers the cases it means to: weights 3 and 1, expiry, a table above 255, reject types, nhid, metrics, realms', async () => {
    const routes = await rtnl.routes.list({ table: 'all' });
    const find = (dst: string, family = 'inet'): Route | undefined => routes.find((r) => r.dst === dst && r.family === family);
    expect(find('198.51.100.0/24')?.nexthops?.map((nh) => nh.weight)).toEqual([3, 1]);
    expect(find('2001:db8:42::/64', 'inet6')?.nexthops?.map((nh) => nh.weight)).toEqual([3, 1]);
    expect(find('2001:db8:40::/64', 'inet6')?.expires).toBeGreaterThan(500);
    expect(find('2001:db8:44::/64', 'inet6')?.src).toBe('2001:db8:99::/48');
    expect(find('203.0.113.0/24')).toMatchObject({ table: 70000, priority: 5, protocol: 'static' });
    expect(['blackhole', 'unreachable', 'prohibit'].map((t) => routes.some((r) => r.type === t && r.table === 4000))).toEqual([true, true, true]);
    expect(find('198.18.40.0/24')).toMatchObject({ nexthopId: 40, gateway: '192.0.2.2' });
    expect(find('198.18.41.0/24')).toMatchObject({ nexthopId: 42, nexthops: [{ gateway: '192.0.2.2', weight: 3 }, { gateway: '192.0.2.3', weight: 1 }] });
    expect(find('198.18.42.0/24')?.metrics).toEqual({ lock: ['mtu', 'rtoMin'], mtu: 1300, rtt: 0.1, rttvar: 0.02, advmss: 1200, rtoMin: 0.2, ccAlgo: 'reno' });
    expect(find('198.18.43.0/24')?.flags).toEqual(['onlink']);
    expect(find('198.18.44.0/24')?.via).toBe('fe80::3');
    expect(find('198.18.45.0/24')?.realms).toEqual({ from: 3, to: 4 });
    expect(find('198.18.46.0/24')?.tos).toBe(0x10);
    expect(find('198.18.47.7/32')?.prefsrc).toBe('192.0.2.1');
    expect(find('default')).toMatchObject({ gateway: '192.0.2.254', table: 254 });
  });

  it('every route of every table: deleting the listed object removes exactly it; adding it back restores it; ip -j -d agrees', async () => {
    // The kernel's own IPv6 routes of metric 0 (its local addresses) cannot be made from user space
    // (the kernel gives metric 1024 to a request for 0): they stay.
    const kept = (r: Route): boolean => r.family === 'inet6' && r.priority === 0;
    const all = await rtnl.routes.list({ table: 'all' });
    const before = all.filter((r) => !kept(r));
    const ipBefore = ipRoutes();
    expect(before.length).toBeGreaterThan(30);
    // ::1, 2001:db8::1 and the link-local addresses.
    expect(all.filter(kept).map((r) => [r.type, r.protocol, r.table])).toEqual(all.filter(kept).map(() => ['local', 'kernel', 255]));
    expect(all.filter(kept).map((r) => r.dst)).toEqual(expect.arrayContaining(['::1/128', '2001:db8::1/128']));
    let left = before;
    for (const r of before) {
      await rtnl.routes.delete(r);
      const now = (await rtnl.routes.list({ table: 'all' })).filter((x) => !kept(x));
      expect(steadyRoutes(now), `deleting ${routeKey(r)}`).toEqual(steadyRoutes(left.filter((x) => x !== r)));
      left = left.filter((x) => x !== r);
    }
    expect((await rtnl.routes.list({ table: 'all' })).filter((x) => !kept(x))).toEqual([]);
    // Back in an order the kernel accepts: a preferred source must be a local address (the local
    // route of the address itself comes first), and a gateway must be reachable through a route
    // already there.
    const rank = (r: Route): number =>
      r.type === 'local' && r.prefsrc !== undefined && r.dst.startsWith(`${r.prefsrc}/`) ? 0
      : r.type === 'local' ? 1
      : r.gateway === undefined && r.nexthops === undefined && r.via === undefined ? 2
      : 3;
    // IPv6 takes a second route of the same prefix and metric (fe80::/64 of another link) only as
    // an append, like `ip -6 route append`: the kernel made them so.
    const added: Route[] = [];
    for (const r of [...before].sort((a, b) => rank(a) - rank(b))) {
      if (r.family === 'inet6' && added.some((x) => routeBaseKey(x) === routeBaseKey(r))) await rtnl.routes.append(r);
      else await rtnl.routes.add(r);
      added.push(r);
    }
    expect(added.filter((r) => r.dst === 'fe80::/64')).toHaveLength(2);
    const after = await rtnl.routes.list({ table: 'all' });
    expect(steadyRoutes(after)).toEqual(steadyRoutes(all));
    const expires = (rs: Route[]): number | undefined => rs.find((r) => r.dst === '2001:db8:40::/64')?.expires;
    expect(Math.abs((expires(after) ?? 0) - (expires(before) ?? 0))).toBeLessThanOrEqual(2);
    expect(steadyIp(ipRoutes())).toEqual(steadyIp(ipBefore));
  });

  it('a listed route given back to add() while it exists is EEXIST (the same route), not a new one', async () => {
    const [r] = (await rtnl.routes.list({ table: 70000 })).filter((x) => x.dst === '203.0.113.0/24');
    await expect(rtnl.routes.add(r)).rejects.toMatchObject({ name: 'NetlinkError', code: 'EEXIST' });
  });
});

describe('rules: list, save as JSON, delete each listed rule, restore from the JSON, list again', () => {
  const ipRules = (): IpJson[] => [...ns.ipJson<IpJson[]>('-4 -d rule show'), ...ns.ipJson<IpJson[]>('-6 -d rule show')];
  const steadyRules = (rules: readonly Rule[]): string[] => rules.map(ruleKey).sort();

  beforeAll(() => {
    for (const cmd of [
      'rule add pref 100 from 192.0.2.0/24 lookup 100',
      'rule add pref 110 to 198.51.100.0/24 iif veth0 oif veth1 lookup 70000',
      'rule add pref 120 fwmark 0x10/0xff lookup 100',
      'rule add pref 121 fwmark 0/0xff lookup 100',
      'rule add pref 122 fwmark 7 lookup 100',
      'rule add pref 130 ipproto tcp sport 1000-2000 dport 443 lookup main',
      'rule add pref 140 uidrange 100-200 suppress_prefixlength 0 lookup main',
      'rule add pref 141 suppress_ifgroup 5 lookup main',
      'rule add pref 150 not from 203.0.113.0/24 goto 160',
      'rule add pref 160 blackhole',
      'rule add pref 170 unreachable',
      'rule add pref 180 prohibit',
      'rule add pref 190 nop',
      'rule add pref 200 l3mdev protocol static',
      'rule add pref 210 realms 3/4 lookup 100',
      'rule add pref 220 tos 0x10 lookup 100',
      '-6 rule add pref 100 from 2001:db8::/32 to 2001:db8:1::/48 lookup 100',
      '-6 rule add pref 110 ipproto udp dport 53-54 lookup 300',
    ]) {
      ns.ip(cmd);
    }
  });

  it('covers the cases it means to: selectors, ranges, a table above 255, priority 0', async () => {
    const rules = await rtnl.rules.list();
    const at = (p: number, family = 'inet'): Rule | undefined => rules.find((r) => r.priority === p && r.family === family);
    expect(at(0)).toEqual({ family: 'inet', priority: 0, table: 255, action: 'to-tbl', flags: [], protocol: 'kernel' });
    expect(at(100)).toEqual({ family: 'inet', priority: 100, from: '192.0.2.0/24', table: 100, action: 'to-tbl', flags: [], protocol: 'unspec' });
    expect(at(110)).toMatchObject({ to: '198.51.100.0/24', iif: 'veth0', oif: 'veth1', table: 70000 });
    expect(at(121)).toMatchObject({ fwmark: 0, fwmask: 0xff });
    expect(at(130)).toMatchObject({ ipProto: 'tcp', sport: { start: 1000, end: 2000 }, dport: { start: 443, end: 443 } });
    expect(at(140)).toMatchObject({ uidRange: { start: 100, end: 200 }, suppressPrefixlength: 0 });
    expect(at(150)).toMatchObject({ flags: ['invert'], action: 'goto', goto: 160 });
    expect(at(200)).toMatchObject({ l3mdev: true, protocol: 'static' });
    expect(at(210)).toMatchObject({ realms: { from: 3, to: 4 } });
    expect(at(110, 'inet6')).toMatchObject({ ipProto: 'udp', dport: { start: 53, end: 54 }, table: 300 });
  });

  it('every rule of both families, pref 0 included, goes and comes back unchanged; ip -j -d agrees', async () => {
    const before = await rtnl.rules.list();
    const ipBefore = ipRules();
    // A plain-JS program keeps what it saved as JSON: no types, no class instances.
    const saved = JSON.parse(JSON.stringify(before)) as Rule[];
    let left = before;
    for (const [i, r] of saved.entries()) {
      await rtnl.rules.delete(r);
      const now = await rtnl.rules.list();
      expect(steadyRules(now), `deleting ${ruleKey(r)}`).toEqual(steadyRules(left.filter((x) => x !== before[i])));
      left = left.filter((x) => x !== before[i]);
    }
    expect(await rtnl.rules.list()).toEqual([]);
    for (const r of saved) await rtnl.rules.add(r);
    expect(steadyRules(await rtnl.rules.list())).toEqual(steadyRules(before));
    expect(ipRules().map((o) => JSON.stringify(o)).sort()).toEqual(ipBefore.map((o) => JSON.stringify(o)).sort());
    // The rule of model.md's report: `from 192.0.2.0/24 lookup 100` stays a /24, with its priority.
    expect(ns.ipJson<IpJson[]>('rule show priority 100')).toEqual([{ priority: 100, src: '192.0.2.0', srclen: 24, table: '100' }]);
  });
});

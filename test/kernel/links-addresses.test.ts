// The vertical slice against the real kernel: links and addresses listed by the library equal what
// `ip -j -d link show` and `ip -j addr show` print in the same namespace, field by field.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressToIpJson, linkToIpJson, type IpJsonObject } from '../../src/cli/ipjson.js';
import { NetlinkError } from '../../src/netlink/errors.js';
import type { Link } from '../../src/rtnl/link/links.js';
import { Rtnl } from '../../src/rtnl/rtnl.js';
import { useTestNetns } from '../harness/netns.js';

const ns = useTestNetns();
let rtnl: Rtnl;

beforeAll(async () => {
  ns.ip('link set lo up');
  ns.ip('link add veth0 address 02:00:00:00:00:01 type veth peer name veth1 address 02:00:00:00:00:02');
  ns.ip('link add br0 address 02:00:00:00:00:10 type bridge');
  ns.ip('link set veth1 master br0');
  ns.ip('addr add 192.0.2.1/24 dev veth0');
  ns.ip('addr add 198.51.100.1/24 broadcast 198.51.100.255 label veth0:1 dev veth0');
  ns.ip('addr add 2001:db8::1/64 nodad dev veth0');
  ns.ip('addr add 2001:db8:2::1/64 nodad valid_lft 3600 preferred_lft 1800 dev veth0');
  ns.ip('link add vx0 address 02:00:00:00:00:20 type vxlan id 42 dstport 4789 local 192.0.2.1 remote 192.0.2.2 dev veth0');
  ns.ip('link add mv0 link veth0 address 02:00:00:00:00:30 type macvlan mode bridge');
  ns.ip('link add mt0 link veth0 address 02:00:00:00:00:31 type macvtap mode vepa');
  for (const l of ['veth0', 'veth1', 'br0', 'vx0', 'mv0', 'mt0']) ns.ip(`link set ${l} up`);
  rtnl = await Rtnl.open({ netns: ns.name });
});

afterAll(() => rtnl?.close());

// Fields ip prints that change by themselves between two looks (timers, counters) or that this
// mapping does not claim to reproduce.
const IGNORED_TOP = new Set(['inet6_addr_gen_mode', 'parentbus', 'parentdev', 'stats64', 'altnames', 'addr_info']);

function pickComparable(ours: IpJsonObject, theirs: IpJsonObject): { ours: IpJsonObject; theirs: IpJsonObject } {
  const a: IpJsonObject = {};
  const b: IpJsonObject = {};
  for (const key of Object.keys(theirs)) {
    if (IGNORED_TOP.has(key)) continue;
    if (key === 'linkinfo') continue;
    a[key] = ours[key] ?? '(missing)';
    b[key] = theirs[key];
  }
  return { ours: a, theirs: b };
}

async function compareLinks(): Promise<{ ours: IpJsonObject[]; theirs: IpJsonObject[] }> {
  const links = await rtnl.links.list();
  const byIndex = new Map<number, Link>(links.map((l) => [l.index as number, l]));
  const ipLinks = ns.ipJson<IpJsonObject[]>('-d link show');
  const ours: IpJsonObject[] = [];
  const theirs: IpJsonObject[] = [];
  expect(links.map((l) => l.index)).toEqual(ipLinks.map((l) => l.ifindex));
  for (const ipLink of ipLinks) {
    const mine = linkToIpJson(byIndex.get(ipLink.ifindex as number) as Link, byIndex, true);
    const p = pickComparable(mine, ipLink);
    // linkinfo: every field the mapping produces must equal ip's.
    const li = (ipLink.linkinfo ?? undefined) as IpJsonObject | undefined;
    const myLi = mine.linkinfo as IpJsonObject | undefined;
    if (li) {
      p.theirs.info_kind = li.info_kind ?? null;
      p.ours.info_kind = myLi?.info_kind ?? null;
      p.theirs.info_slave_kind = li.info_slave_kind ?? null;
      p.ours.info_slave_kind = myLi?.info_slave_kind ?? null;
      for (const part of ['info_data', 'info_slave_data'] as const) {
        const mineData = myLi?.[part] as IpJsonObject | undefined;
        const ipData = li[part] as IpJsonObject | undefined;
        if (mineData) for (const k of Object.keys(mineData)) {
          // Bridge timers run between the two looks (cli-details.test.ts compares them loosely).
          if (k.endsWith('_timer')) continue;
          p.ours[`${part}.${k}`] = mineData[k];
          p.theirs[`${part}.${k}`] = ipData?.[k] ?? '(absent in ip)';
        }
      }
    }
    ours.push(p.ours);
    theirs.push(p.theirs);
  }
  return { ours, theirs };
}

describe('links', () => {
  it('lists the same links as ip -j -d link show, field by field', async () => {
    // Carrier and operstate settle shortly after links go up: compare again until both agree.
    let last: { ours: IpJsonObject[]; theirs: IpJsonObject[] } | undefined;
    for (let attempt = 0; attempt < 10; attempt++) {
      last = await compareLinks();
      if (JSON.stringify(last.ours) === JSON.stringify(last.theirs)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(last?.ours).toEqual(last?.theirs);
    // The comparison covered every kind asked for, and their kind-specific data.
    const kinds = last?.theirs.map((l) => l.info_kind ?? null);
    expect(kinds).toEqual(expect.arrayContaining(['veth', 'bridge', 'vxlan', 'macvlan', 'macvtap']));
    const keys = new Set(last?.ours.flatMap((l) => Object.keys(l)));
    for (const k of ['info_data.id', 'info_data.port', 'info_data.local', 'info_data.mode', 'info_data.forward_delay', 'info_slave_data.state', 'master', 'link', 'mtu', 'address', 'operstate']) {
      expect(keys).toContain(k);
    }
  });

  it('decodes typed info data and stats64 without loss', async () => {
    const vx = await rtnl.links.get({ name: 'vx0' });
    expect(vx.kind).toBe('vxlan');
    expect(vx.data).toMatchObject({ id: 42, port: 4789, local: '192.0.2.1', group: '192.0.2.2' });
    expect(typeof vx.stats?.rxBytes).toBe('bigint');
    const veth1 = await rtnl.links.get({ name: 'veth1' });
    expect(veth1).toMatchObject({ kind: 'veth', port: { kind: 'bridge' } });
    const br0 = await rtnl.links.get('br0');
    expect(veth1.master).toBe(br0.index);
    expect(br0.address).toBe('02:00:00:00:00:10');
  });

  it('gets a link by index and by name, and filters by kind and master', async () => {
    const byName = await rtnl.links.get({ name: 'mv0' });
    const byIndex = await rtnl.links.get({ index: byName.index as number });
    expect(byIndex.name).toBe('mv0');
    const bridges = await rtnl.links.list({ kind: 'bridge' });
    expect(bridges.map((l) => l.name)).toEqual(['br0']);
    const ports = await rtnl.links.list({ master: 'br0' });
    expect(ports.map((l) => l.name)).toEqual(['veth1']);
  });

  it('a missing link is a NetlinkError ENODEV', async () => {
    const err = await rtnl.links.get({ name: 'nosuch0' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetlinkError);
    expect(err).toMatchObject({ code: 'ENODEV', errno: 19 });
    expect((err as NetlinkError).request.typeName).toBe('RTM_GETLINK');
    expect(await rtnl.links.find('nosuch0')).toBeUndefined();
  });
});

describe('addresses', () => {
  it('lists the same addresses as ip -j addr show, field by field', async () => {
    const key = (a: IpJsonObject): string => `${String(a.ifindex)} ${String(a.family)} ${String(a.local)}`;
    const sort = (xs: IpJsonObject[]): IpJsonObject[] => [...xs].sort((x, y) => key(x).localeCompare(key(y)));
    // Remaining lifetimes count down between the two looks: compare them within a few seconds.
    const strip = (xs: IpJsonObject[]): IpJsonObject[] =>
      sort(xs).map((a) => ({ ...a, valid_life_time: Math.round(Number(a.valid_life_time) / 10), preferred_life_time: Math.round(Number(a.preferred_life_time) / 10) }));
    const look = async (): Promise<{ ours: IpJsonObject[]; theirs: IpJsonObject[] }> => {
      const addrs = await rtnl.addresses.list();
      const ipLinks = ns.ipJson<IpJsonObject[]>('addr show');
      const theirs = ipLinks.flatMap((l) => (l.addr_info as IpJsonObject[]).map((a) => ({ ifindex: l.ifindex, ...a })));
      return { ours: strip(addrs.map((a) => ({ ifindex: a.link, ...addressToIpJson(a) }))), theirs: strip(theirs) };
    };
    // Link-local addresses of links just set up are tentative until duplicate address detection
    // ends: look again until both looks agree.
    let last = await look();
    for (let attempt = 0; attempt < 10 && JSON.stringify(last.ours) !== JSON.stringify(last.theirs); attempt++) {
      await new Promise((r) => setTimeout(r, 200));
      last = await look();
    }
    expect(last.ours).toEqual(last.theirs);
    expect(last.ours.length).toBeGreaterThanOrEqual(7);
  });

  it('filters by family and by link', async () => {
    const v4 = await rtnl.addresses.list({ family: 'inet' });
    expect(new Set(v4.map((a) => a.family))).toEqual(new Set(['inet']));
    const onVeth0 = await rtnl.addresses.list({ link: 'veth0', family: 'inet6' });
    expect(onVeth0.map((a) => a.address).sort()).toEqual(['2001:db8:2::1/64', '2001:db8::1/64', expect.stringMatching(/^fe80::.*\/64$/)].sort());
    const labelled = v4.find((a) => a.label === 'veth0:1');
    expect(labelled).toEqual({ family: 'inet', link: await rtnl.links.indexOf('veth0'), address: '198.51.100.1/24', broadcast: '198.51.100.255', label: 'veth0:1', scope: 'global', flags: ['permanent'] });
  });
});

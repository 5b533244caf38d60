// The link model against the real kernel: links of every kind this kernel has are made with `ip`,
// listed with the library, deleted by the very object listed, re-added from that object (and from
// its JSON), and listed again: the same link, as the library and as `ip -j -d` see it.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Link } from '../../src/rtnl/link/links.js';
import { Rtnl } from '../../src/rtnl/rtnl.js';
import { useTestNetns } from '../harness/netns.js';

const ns = useTestNetns();
let rtnl: Rtnl;

beforeAll(async () => {
  for (const cmd of [
    'link set lo up',
    // A veth pair with settings on both ends.
    'link add xa address 02:00:00:00:01:01 mtu 1400 txqueuelen 500 type veth peer name xb address 02:00:00:00:01:02 mtu 1300',
    'link set xa alias side-a group 5 up',
    'link set xb alias side-b up',
    'link property add dev xa altname veth-xa-long-name',
    // A bridge with options, and a veth end as its port with port settings.
    'link add br0 address 02:00:00:00:02:00 type bridge forward_delay 500 hello_time 300 max_age 2500 ageing_time 20000 priority 4096 mcast_snooping 0',
    'link set br0 up',
    'link add vp address 02:00:00:00:03:01 type veth peer name vq address 02:00:00:00:03:02',
    'link set vp master br0',
    'link set dev vp type bridge_slave cost 7 priority 40 learning off',
    'link set vp up',
    'link set vq up',
    // The lower link of the tunnels and macvlans.
    'link add pa address 02:00:00:00:04:01 type veth peer name pb address 02:00:00:00:04:02',
    'link set pa up',
    'link set pb up',
    'link add vx4 address 02:00:00:00:05:04 type vxlan id 42 dstport 4789 local 192.0.2.1 remote 192.0.2.2 dev pa ttl 10 ageing 200 nolearning',
    'link add vx6 address 02:00:00:00:05:06 type vxlan id 43 dstport 4790 local 2001:db8::1 group ff05::5 dev pa srcport 2000 3000 tos 8',
    'link add mvp link pa address 02:00:00:00:06:01 type macvlan mode private',
    'link add mvv link pa address 02:00:00:00:06:02 type macvlan mode vepa',
    'link add mvb link pa address 02:00:00:00:06:03 type macvlan mode bridge bcqueuelen 500',
    'link add mvs link pa address 02:00:00:00:06:04 type macvlan mode source macaddr add 02:00:00:00:00:51',
    'link set mvs type macvlan macaddr add 02:00:00:00:00:52',
    'link add mt0 link pa address 02:00:00:00:07:01 type macvtap mode bridge',
    'link set mvb up',
    // passthru needs a lower link of its own.
    'link add qa address 02:00:00:00:08:01 type veth peer name qb address 02:00:00:00:08:02',
    'link add mvt link qa type macvlan mode passthru',
    'link add ifb5 address 02:00:00:00:09:01 type ifb',
    'link set ifb5 up',
  ]) {
    ns.ip(cmd);
  }
  rtnl = await Rtnl.open({ netns: ns.name });
});

afterAll(() => rtnl?.close());

// What differs between two looks at the same link, or between a link and its re-creation:
// its index, counters, per-family state, and timers.
const VOLATILE_TOP = new Set(['index', 'stats', 'afSpec', 'carrierChanges', 'carrierUpCount', 'carrierDownCount']);
// Timers, and the bridge's count of learned addresses (the port re-attached after the bridge is
// re-added learns again: its `learning off` went with the old bridge).
const VOLATILE_DATA = new Set(['helloTimer', 'tcnTimer', 'topologyChangeTimer', 'gcTimer', 'messageAgeTimer', 'forwardDelayTimer', 'holdTimer', 'fdbNLearned']);

/** A link without what changes by itself, as comparable JSON; `peerOf` names a veth's peer by name. */
function comparable(link: Link, names: ReadonlyMap<number, string>): unknown {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(link)) {
    if (VOLATILE_TOP.has(k) || v === undefined) continue;
    if (k === 'link' || k === 'master') out[k] = names.get(v as number) ?? `if${String(v)}`;
    else if (k === 'data' || k === 'port') out[k] = JSON.parse(JSON.stringify(v, (key, x: unknown) => (VOLATILE_DATA.has(key) ? undefined : typeof x === 'bigint' ? `${x}n` : x)));
    else out[k] = v;
  }
  return out;
}

/** `ip -j -d link show dev NAME` without the index and timers. */
function ipView(name: string): unknown {
  const [l] = ns.ipJson<Record<string, unknown>[]>(['-d', 'link', 'show', 'dev', name]);
  return JSON.parse(JSON.stringify(l, (key, v: unknown) => (key === 'ifindex' || key === 'link_index' || /timer$/.test(key) ? undefined : v)));
}

async function byName(): Promise<Map<string, Link>> {
  return new Map((await rtnl.links.list()).map((l) => [l.name, l]));
}

/** Waits until `fn` passes (carrier and operstate settle shortly after links come up). */
async function eventually(fn: () => Promise<void>): Promise<void> {
  let last: unknown;
  for (let i = 0; i < 25; i++) {
    try {
      await fn();
      return;
    } catch (e) {
      last = e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw last;
}

/**
 * Deletes the links `names` by their listed objects, re-adds them with `readd`, and checks that
 * the library and ip see the same links as before.
 */
async function roundTrip(names: string[], readd: (listed: Map<string, Link>) => Promise<void>): Promise<Map<string, Link>> {
  const before = await byName();
  const ipBefore = names.map(ipView);
  const indexNames = new Map([...before.values()].map((l) => [l.index, l.name]));
  const listed = new Map(names.map((n) => [n, before.get(n) as Link]));
  // Delete by the very object listed (a veth's peer goes with it).
  for (const n of names) if ((await rtnl.links.find(n)) !== undefined) await rtnl.links.delete(listed.get(n) as Link);
  for (const n of names) expect(await rtnl.links.find(n), n).toBeUndefined();
  await readd(listed);
  let after = new Map<string, Link>();
  await eventually(async () => {
    after = await byName();
    const afterNames = new Map([...after.values()].map((l) => [l.index, l.name]));
    for (const n of names) {
      expect(after.get(n), n).toBeDefined();
      expect(comparable(after.get(n) as Link, afterNames), n).toEqual(comparable(listed.get(n) as Link, indexNames));
    }
    expect(names.map(ipView)).toEqual(ipBefore);
  });
  return after;
}

describe('list -> delete by the listed object -> re-add it -> list: the same link', () => {
  it('veth pair with mtu, MACs, txqlen, alias, group, up, alternative name: re-added with its listed peer', async () => {
    const after = await roundTrip(['xa', 'xb'], async (l) => {
      const made = await rtnl.links.add({ ...(l.get('xa') as Link), peer: l.get('xb') });
      expect(made).toMatchObject({ name: 'xa', kind: 'veth', alias: 'side-a', altNames: ['veth-xa-long-name'] });
    });
    // Each end's `link` is the other's new index.
    expect(after.get('xa')?.link).toBe(after.get('xb')?.index);
    expect(after.get('xb')?.link).toBe(after.get('xa')?.index);
  });

  it('bridge port: a veth whose peer is a bridge port with port settings (applied once it exists)', async () => {
    await roundTrip(['vq', 'vp'], async (l) => {
      await rtnl.links.add({ ...(l.get('vq') as Link), peer: l.get('vp') });
    });
    const vp = (await byName()).get('vp');
    expect(vp?.port).toMatchObject({ kind: 'bridge', data: { cost: 7, priority: 40, learning: 0 } });
  });

  it('bridge with options, re-added from its JSON (64-bit values as decimal text)', async () => {
    await roundTrip(['br0'], async (l) => {
      const json = JSON.parse(JSON.stringify(l.get('br0'))) as Link;
      expect(typeof (json.data as Record<string, unknown>).mcastMembershipIntvl).toBe('string');
      await rtnl.links.add(json);
      // Its port left it when it went: back again, or the bridge would be without carrier.
      await rtnl.links.set('vp', { master: 'br0' });
    });
  });

  it('vxlan over IPv4 and over IPv6', async () => {
    await roundTrip(['vx4', 'vx6'], async (l) => {
      for (const n of ['vx4', 'vx6']) await rtnl.links.add(l.get(n) as Link);
    });
  });

  it('macvlan in private, vepa, bridge, source (with its MAC list) and passthru mode, and macvtap', async () => {
    await roundTrip(['mvp', 'mvv', 'mvb', 'mvs', 'mvt', 'mt0'], async (l) => {
      for (const link of l.values()) await rtnl.links.add(link);
    });
  });

  it('ifb', async () => {
    await roundTrip(['ifb5'], async (l) => {
      await rtnl.links.add(l.get('ifb5') as Link);
    });
  });

  it('set(listed, changes) changes what it is told and nothing else', async () => {
    const before = (await byName()).get('xa') as Link;
    await rtnl.links.set(before, { mtu: 1280, alias: 'renamed-alias' });
    const after = await rtnl.links.get(before);
    expect(after).toMatchObject({ index: before.index, mtu: 1280, alias: 'renamed-alias', txqlen: before.txqlen, flags: before.flags });
    // A listed link given as the changes re-applies its settings (and ignores its read-only facts).
    await rtnl.links.set(after, { ...before });
    expect(await rtnl.links.get(before)).toMatchObject({ mtu: before.mtu, alias: 'side-a', address: before.address });
  });
});

// Nexthop objects against the real kernel, in a throwaway namespace: nexthops and groups the
// library adds read back with `ip -j -d nexthop show` field by field, those ip adds read back with
// the library; filters give the same answer either way; the nexthop-dump fixture decodes and
// re-encodes byte for byte; requests are the messages iproute2 sends.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReplayTransport } from '../../src/netlink/capture/index.js';
import { NLM_F_ECHO } from '../../src/netlink/constants.js';
import { InvalidArgumentError, NetlinkError } from '../../src/netlink/errors.js';
import type { Nexthop, NexthopFilter, NexthopSpec } from '../../src/rtnl/nexthop/nexthops.js';
import { Rtnl } from '../../src/rtnl/rtnl.js';
import { nexthopMessage, RTM_NEWNEXTHOP } from '../../src/rtnl/nexthop/wire.js';
import { capturedDatagrams, decodeAndReencode, expectSameRequest, linkNames, loadKernelFixture, openLooseRtnl, receivedMessages, requestBytes } from '../harness/kernel-fixture.js';
import { useTestNetns } from '../harness/netns.js';

type IpJson = Record<string, unknown>;

const IP_FLAGS = new Set(['dead', 'onlink', 'pervasive', 'offload', 'linkdown', 'unresolved', 'trap']);

/** A nexthop as `ip -j -d nexthop show` prints it (iproute2 6.1: 8-bit weights). */
function nexthopToIpJson(n: Nexthop, names: ReadonlyMap<number, string>): IpJson {
  const o: IpJson = { id: n.id };
  if (n.group !== undefined) {
    o.group = n.group.map((m) => (m.weight === 1 ? { id: m.id } : { id: m.id, weight: m.weight }));
    if (n.type === 'resilient') {
      o.type = 'resilient';
      const r = n.resilient;
      const args: IpJson = {};
      if (r !== undefined) {
        args.buckets = r.buckets;
        args.idle_timer = r.idleTimer;
        args.unbalanced_timer = r.unbalancedTimer;
        if (r.unbalancedTime !== undefined) args.unbalanced_time = r.unbalancedTime;
      }
      o.resilient_args = args;
    }
  }
  if (n.gateway !== undefined) o.gateway = n.gateway;
  if (n.oif !== undefined) o.dev = names.get(n.oif);
  o.scope = String(n.scope);
  if (n.blackhole) o.blackhole = null;
  o.protocol = String(n.protocol);
  o.flags = [...(n.onlink ? ['onlink'] : []), ...n.flags.filter((f) => IP_FLAGS.has(String(f)))];
  if (n.fdb) o.fdb = null;
  return o;
}

describe('kernel fixture nexthop-dump', () => {
  const fx = loadKernelFixture('nexthop-dump');
  const names = linkNames(fx);

  it('decodes every RTM_NEWNEXTHOP and re-encodes it byte for byte', () => {
    const nhs = decodeAndReencode(nexthopMessage, receivedMessages(fx, RTM_NEWNEXTHOP, 3));
    expect(nhs).toHaveLength(5);
    expect(nhs.find((n) => n.id === 11)?.group).toEqual([
      { id: 1, weight: 0, weightHigh: 0, resvd2: 0 },
      { id: 2, weight: 2, weightHigh: 0, resvd2: 0 },
    ]);
    expect(nhs.find((n) => n.id === 3)).toMatchObject({ blackhole: true, family: 'inet' });
  });

  it('replays through nexthops.list(): the request iproute2 sent, the nexthops ip -j -d nexthop show printed', async () => {
    const rtnl = await Rtnl.open({ transport: new ReplayTransport(capturedDatagrams(fx), { fd: 3 }) });
    try {
      const nhs = await rtnl.nexthops.list();
      expect(nhs.map((n) => nexthopToIpJson(n, names))).toEqual(fx.ipJson);
    } finally {
      rtnl.close();
    }
  });
});

// What iproute2 6.1 sent (strace hex, nlmsg_seq zeroed) on kernel 6.18; veth0 was ifindex 3. The
// library also asks for an echo (NLM_F_ECHO) to return the nexthop as made: that flag aside.
const IPROUTE2_REQUESTS: [string, (rtnl: Rtnl) => Promise<unknown>, string][] = [
  [
    'ip nexthop add id 60 group 1/2,3 type resilient buckets 16 idle_timer 30 unbalanced_timer 60',
    (r) => r.nexthops.add({ id: 60, group: [{ id: 1 }, { id: 2, weight: 3 }], type: 'resilient', resilient: { buckets: 16, idleTimer: 30, unbalancedTimer: 60 } }),
    '580000006800050600000000000000000000000000000000080001003c00000014000200010000000000000002000000020000001c000c80060001001000000008000200b80b000008000300701700000600030001000000',
  ],
  [
    'ip nexthop add id 61 via 192.0.2.2 dev veth0 onlink',
    (r) => r.nexthops.add({ id: 61, gateway: '192.0.2.2', oif: 3, onlink: true }),
    '300000006800050600000000000000000200000004000000080001003d00000008000600c00002020800050003000000',
  ],
  [
    'ip nexthop add id 62 blackhole',
    (r) => r.nexthops.add({ id: 62, blackhole: true }),
    '240000006800050600000000000000000200000000000000080001003e00000004000400',
  ],
];

describe('requests: the same messages iproute2 sends', () => {
  it.each(IPROUTE2_REQUESTS)('%s', async (_command, call, hex) => {
    expectSameRequest(nexthopMessage, await requestBytes(call), hex, NLM_F_ECHO);
  });
});

describe('nexthops in a namespace', () => {
  const ns = useTestNetns();
  let rtnl: Rtnl;
  let names: Map<number, string>;

  beforeAll(async () => {
    ns.ip('link set lo up');
    ns.ip('link add veth0 type veth peer name veth1');
    ns.ip('link add br0 type bridge');
    ns.ip('link add vb0 type veth peer name vb1');
    ns.ip('link set vb0 master br0');
    for (const l of ['veth0', 'veth1', 'br0', 'vb0', 'vb1']) ns.ip(`link set ${l} up`);
    ns.ip('addr add 192.0.2.1/24 dev veth0');
    ns.ip('addr add 2001:db8::1/64 dev veth0 nodad');
    rtnl = await Rtnl.open({ netns: ns.name });
    names = new Map((await rtnl.links.list()).map((l) => [l.index as number, l.name as string]));
  });

  afterAll(() => rtnl?.close());

  const ipNexthops = (args = ''): IpJson[] => {
    const m = /^(-[46])\s*(.*)$/.exec(args);
    return ns.ipJson<IpJson[]>(m ? `${m[1]} -d nexthop show ${m[2]}` : `-d nexthop show ${args}`);
  };
  const ours = async (filter: NexthopFilter = {}): Promise<IpJson[]> => (await rtnl.nexthops.list(filter)).map((n) => nexthopToIpJson(n, names));

  describe('created by the library, read by ip', () => {
    const specs: NexthopSpec[] = [
      { id: 1, gateway: '192.0.2.2', oif: 'veth0' },
      { id: 2, gateway: '192.0.2.3', oif: 'veth0', protocol: 'static' },
      { id: 3, gateway: '198.18.0.1', oif: 'veth0', onlink: true },
      { id: 4, gateway: '2001:db8::2', oif: 'veth0' },
      { id: 5, oif: 'veth1' },
      { id: 6, blackhole: true },
      { id: 7, blackhole: true, family: 'inet6' },
      { id: 8, gateway: '192.0.2.8', fdb: true },
      { id: 9, gateway: '192.0.2.9', fdb: true },
      { id: 10, oif: 'vb0' },
      { id: 100, group: [{ id: 1 }, { id: 2, weight: 3 }] },
      { id: 101, group: [{ id: 1, weight: 2 }, { id: 2, weight: 2 }], type: 'resilient', resilient: { buckets: 32, idleTimer: 30, unbalancedTimer: 60 } },
      { id: 102, group: [{ id: 8 }, { id: 9 }], fdb: true },
      { id: 103, group: [{ id: 4 }] },
    ];

    beforeAll(async () => {
      for (const s of specs) await rtnl.nexthops.add(s);
      await rtnl.routes.add({ dst: '198.51.100.0/24', nexthopId: 100 });
    });

    it('every nexthop equals ip -j -d nexthop show, field by field', async () => {
      const theirs = ipNexthops();
      expect(await ours()).toEqual(theirs);
      const by = (id: number): IpJson | undefined => theirs.find((n) => n.id === id);
      expect(by(1)).toEqual({ id: 1, gateway: '192.0.2.2', dev: 'veth0', scope: 'link', protocol: 'unspec', flags: [] });
      expect(by(2)).toMatchObject({ protocol: 'static' });
      expect(by(3)).toMatchObject({ flags: ['onlink'] });
      expect(by(4)).toMatchObject({ gateway: '2001:db8::2' });
      expect(by(5)).toMatchObject({ dev: 'veth1', scope: 'host' });
      expect(by(6)).toMatchObject({ blackhole: null });
      expect(by(8)).toMatchObject({ fdb: null, gateway: '192.0.2.8' });
      expect(by(100)).toMatchObject({ group: [{ id: 1 }, { id: 2, weight: 3 }] });
      expect(by(101)).toMatchObject({ type: 'resilient', resilient_args: { buckets: 32, idle_timer: 30, unbalanced_timer: 60 } });
      expect(by(102)).toMatchObject({ fdb: null });
      // The route through the group: ip and the library agree it uses nhid 100.
      expect(ns.ipJson<IpJson[]>('route show 198.51.100.0/24')).toEqual([expect.objectContaining({ nhid: 100 })]);
      const [route] = (await rtnl.routes.list({ family: 'inet' })).filter((r) => r.dst === '198.51.100.0/24');
      expect(route.nexthopId).toBe(100);
    });

    it('add returns the nexthop as made; without an id the kernel picks one', async () => {
      const made = await rtnl.nexthops.add({ gateway: '192.0.2.20', oif: 'veth0' });
      expect(made.id).toBeGreaterThan(0);
      expect(made).toMatchObject({ family: 'inet', gateway: '192.0.2.20', scope: 'link' });
      expect(await rtnl.nexthops.get(made.id as number)).toEqual(made);
      await rtnl.nexthops.delete(made.id as number);
    });

    it('weights above 256 (weight_high), which iproute2 6.1 cannot say', async () => {
      const g = await rtnl.nexthops.add({ id: 104, group: [{ id: 1, weight: 300 }, { id: 2, weight: 65535 }] });
      expect(g.group).toEqual([
        { id: 1, weight: 300 },
        { id: 2, weight: 65535 },
      ]);
      expect(await rtnl.nexthops.get(104)).toEqual(g);
      await rtnl.nexthops.delete(104);
    });

    it('get one by id', async () => {
      const n = await rtnl.nexthops.get(101);
      expect(n).toEqual({
        id: 101,
        protocol: 'unspec',
        scope: 'global',
        flags: [],
        group: [
          { id: 1, weight: 2 },
          { id: 2, weight: 2 },
        ],
        type: 'resilient',
        resilient: { buckets: 32, idleTimer: 30, unbalancedTimer: 60, unbalancedTime: expect.any(Number) },
      });
    });

    it('replace changes a nexthop and a group in place; routes keep using them', async () => {
      await rtnl.nexthops.replace({ id: 2, gateway: '192.0.2.4', oif: 'veth0' });
      await rtnl.nexthops.replace({ id: 100, group: [{ id: 1, weight: 5 }, { id: 2 }] });
      expect(ipNexthops('id 2')).toEqual([expect.objectContaining({ gateway: '192.0.2.4' })]);
      expect(ipNexthops('id 100')).toEqual([expect.objectContaining({ group: [{ id: 1, weight: 5 }, { id: 2 }] })]);
      expect(ns.ipJson<IpJson[]>('route show 198.51.100.0/24')).toEqual([expect.objectContaining({ nhid: 100 })]);
    });

    it('delete: the nexthop and the routes through it are gone', async () => {
      await rtnl.routes.add({ dst: '198.51.100.128/25', nexthopId: 3 });
      await rtnl.nexthops.delete(3);
      expect(ipNexthops().map((n) => n.id)).not.toContain(3);
      expect(ns.ipJson<IpJson[]>('route show 198.51.100.128/25')).toEqual([]);
    });
  });

  describe('created by ip, read by the library', () => {
    beforeAll(() => {
      ns.ip('nexthop add id 200 via 192.0.2.30 dev veth0 proto zebra');
      ns.ip('nexthop add id 201 via 2001:db8::30 dev veth0');
      ns.ip('nexthop add id 202 dev veth1');
      ns.ip('nexthop add id 203 blackhole');
      ns.ip('nexthop add id 210 group 200,4/202');
      ns.ip('nexthop add id 211 group 200/202 type resilient buckets 8 idle_timer 10 unbalanced_timer 20');
    });

    it('reads them as ip -j -d nexthop show does, field by field', async () => {
      expect(await ours()).toEqual(ipNexthops());
      const at = async (id: number): Promise<Nexthop> => rtnl.nexthops.get(id);
      expect(await at(200)).toMatchObject({ family: 'inet', gateway: '192.0.2.30', protocol: 'zebra', oif: await rtnl.links.indexOf('veth0') });
      expect(await at(201)).toMatchObject({ family: 'inet6', gateway: '2001:db8::30' });
      expect(await at(202)).toMatchObject({ scope: 'host', oif: await rtnl.links.indexOf('veth1') });
      expect(await at(203)).toMatchObject({ blackhole: true });
      expect((await at(210)).group).toEqual([
        { id: 200, weight: 4 },
        { id: 202, weight: 1 },
      ]);
      expect(await at(211)).toMatchObject({ type: 'resilient', resilient: { buckets: 8, idleTimer: 10, unbalancedTimer: 20 } });
    });
  });

  describe('filters: the answer is the same whether the kernel or the library applies them', () => {
    let loose: Rtnl;
    beforeAll(() => {
      loose = openLooseRtnl(ns.name);
    });
    afterAll(() => loose?.close());

    it.each([
      [{ oif: 'veth1' }, 'dev veth1'],
      [{ groups: true }, 'groups'],
      [{ family: 'inet6' }, '-6'],
      [{ family: 'inet' }, '-4'],
      [{ master: 'br0' }, 'master br0'],
      // iproute2 6.1 lists everything for `nexthop show fdb`: pick its fdb ones.
      [{ fdb: true }, ''],
      [{ id: 101 }, 'id 101'],
    ] as [NexthopFilter, string][])('%j equals ip nexthop show %s', async (filter, ipArgs) => {
      const strict = await rtnl.nexthops.list(filter);
      expect(await loose.nexthops.list(filter)).toEqual(strict);
      const theirs = ipNexthops(ipArgs).filter((n) => !filter.fdb || 'fdb' in n);
      expect(strict.map((n) => nexthopToIpJson(n, names))).toEqual(theirs);
      expect(strict.length).toBeGreaterThan(0);
    });

    it('a missing id is an empty list', async () => {
      expect(await rtnl.nexthops.list({ id: 4242 })).toEqual([]);
    });
  });

  describe('errors', () => {
    it('a duplicate id is EEXIST; get and delete of a missing id ENOENT', async () => {
      const err = await rtnl.nexthops.add({ id: 1, gateway: '192.0.2.2', oif: 'veth0' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NetlinkError);
      expect(err).toMatchObject({ code: 'EEXIST', errno: 17 });
      expect((err as NetlinkError).request.typeName).toBe('RTM_NEWNEXTHOP');
      await expect(rtnl.nexthops.get(4242)).rejects.toMatchObject({ name: 'NetlinkError', code: 'ENOENT' });
      await expect(rtnl.nexthops.delete(4242)).rejects.toMatchObject({ name: 'NetlinkError', code: 'ENOENT' });
    });

    it('the kernel\'s text comes with its refusal, and nothing is left half-made', async () => {
      const err = (await rtnl.nexthops.add({ id: 300, group: [{ id: 1 }, { id: 4242 }] }).catch((e: unknown) => e)) as NetlinkError;
      expect(err).toBeInstanceOf(NetlinkError);
      expect(err.code).toBe('EINVAL');
      expect(err.extack.message).toBe('Invalid nexthop id');
      const gw = (await rtnl.nexthops.add({ id: 301, gateway: '203.0.113.1', oif: 'veth0' }).catch((e: unknown) => e)) as NetlinkError;
      expect(gw).toBeInstanceOf(NetlinkError);
      expect(gw.extack.message).toBe('Nexthop has invalid gateway');
      const mixed = (await rtnl.nexthops.add({ id: 302, group: [{ id: 1 }, { id: 8 }] }).catch((e: unknown) => e)) as NetlinkError;
      expect(mixed).toBeInstanceOf(NetlinkError);
      expect(mixed.code).toBe('EINVAL');
      expect(mixed.extack.message).toMatch(/fdb/i);
      expect(ipNexthops().map((n) => n.id)).not.toContain(300);
      expect(await rtnl.nexthops.list({ id: 301 })).toEqual([]);
      expect(await rtnl.nexthops.list({ id: 302 })).toEqual([]);
    });

    it('bad input is refused before anything is sent, naming the field', async () => {
      const offline = await Rtnl.open({ transport: new ReplayTransport([]) });
      try {
        const bad: [NexthopSpec, string][] = [
          [{ id: 0, blackhole: true }, 'id'],
          [{ id: 1 }, 'gateway'],
          [{ id: 1, gateway: '192.0.2.300', oif: 3 }, 'gateway'],
          [{ id: 1, gateway: '192.0.2.0/24', oif: 3 }, 'gateway'],
          [{ id: 1, family: 'inet6', gateway: '192.0.2.1' }, 'gateway'],
          [{ id: 1, blackhole: true, oif: 3 }, 'blackhole'],
          [{ id: 1, group: [{ id: 2 }], gateway: '192.0.2.1' }, 'gateway'],
          [{ id: 1, group: [] }, 'group'],
          [{ id: 1, group: [{ id: 2, weight: 0 }] }, 'group.0.weight'],
          [{ id: 1, group: [{ id: 2 }, { id: 3, weight: 65536 }] }, 'group.1.weight'],
          [{ id: 1, group: [{ id: 0 }] }, 'group.0.id'],
          [{ id: 1, group: [{ id: 2 }], type: 'wrr' as 'mpath' }, 'type'],
          [{ id: 1, group: [{ id: 2 }], type: 'resilient', resilient: { buckets: 0 } }, 'resilient.buckets'],
          [{ id: 1, group: [{ id: 2 }], type: 'resilient', resilient: { idleTimer: -1 } }, 'resilient.idleTimer'],
          [{ id: 1, group: [{ id: 2 }], resilient: { buckets: 8 } }, 'resilient'],
          [{ id: 1, gateway: '192.0.2.1', oif: 3, type: 'resilient' }, 'type'],
          [{ id: 1, blackhole: true, protocol: 'nope' as 'static' }, 'protocol'],
        ];
        for (const [spec, field] of bad) {
          const err = await offline.nexthops.add(spec).catch((e: unknown) => e);
          expect(err, JSON.stringify(spec)).toBeInstanceOf(InvalidArgumentError);
          expect((err as InvalidArgumentError).field, JSON.stringify(spec)).toBe(field);
        }
        await expect(offline.nexthops.get(0)).rejects.toMatchObject({ name: 'InvalidArgumentError', field: 'id' });
        await expect(offline.nexthops.delete(-3)).rejects.toMatchObject({ name: 'InvalidArgumentError', field: 'id' });
      } finally {
        offline.close();
      }
    });
  });
});

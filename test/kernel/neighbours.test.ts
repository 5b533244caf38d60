// Neighbours and the bridge FDB against the real kernel, in a throwaway namespace: entries the
// library adds read back with `ip -j -d neigh show` / `bridge -j fdb show` field by field, entries
// ip adds read back with the library; filters give the same answer whether the kernel or the
// library applies them; the neigh-dump fixture decodes and re-encodes byte for byte; requests are
// the messages iproute2 sends.

import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReplayTransport } from '../../src/netlink/capture/index.js';
import { InvalidArgumentError, NetlinkError } from '../../src/netlink/errors.js';
import { neighMessage, RTM_NEWNEIGH } from '../../src/rtnl/generated/neigh.js';
import type { FdbEntry, FdbEntrySpec, FdbFilter, Neighbour, NeighbourFilter, NeighbourSpec } from '../../src/rtnl/neigh/neighbours.js';
import { Rtnl } from '../../src/rtnl/rtnl.js';
import { capturedDatagrams, decodeAndReencode, expectSameRequest, linkNames, loadKernelFixture, openLooseRtnl, receivedMessages, requestBytes } from '../harness/kernel-fixture.js';
import { useTestNetns } from '../harness/netns.js';

type IpJson = Record<string, unknown>;

/** A neighbour as `ip -j -d neigh show` prints it. */
function neighbourToIpJson(n: Neighbour, names: ReadonlyMap<number, string>): IpJson {
  const o: IpJson = { dst: n.address, dev: names.get(n.link) };
  if (n.lladdr !== undefined) o.lladdr = n.lladdr;
  if (n.flags.includes('router')) o.router = null;
  if (n.proxy) o.proxy = null;
  if (n.flags.includes('extern_learn')) o.extern_learn = null;
  if (n.flags.includes('offload')) o.offload = null;
  if (n.protocol !== undefined) o.protocol = String(n.protocol);
  if (n.state !== 'none') o.state = [String(n.state).toUpperCase()];
  return o;
}

/** An FDB entry as `bridge -j fdb show` prints it. */
function fdbToIpJson(n: FdbEntry, names: ReadonlyMap<number, string>): IpJson {
  const o: IpJson = { mac: n.lladdr, ifname: names.get(n.link) };
  if (n.vlan !== undefined) o.vlan = n.vlan;
  if (n.dst !== undefined) o.dst = n.dst;
  o.flags = n.flags.filter((f) => ['self', 'router', 'extern_learn', 'offload', 'sticky'].includes(String(f)));
  if (n.master !== undefined) o.master = names.get(n.master);
  o.state = n.state === 'dynamic' ? '' : n.state;
  return o;
}

/** Our objects and ip's, without the keys ip leaves out (listed in `optional`) where it did, sorted alike. */
function comparable(ours: IpJson[], theirs: IpJson[], optional: readonly string[] = []): { ours: IpJson[]; theirs: IpJson[] } {
  const key = (o: IpJson): string => JSON.stringify(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
  const drop = (o: IpJson): IpJson => Object.fromEntries(Object.entries(o).filter(([k, v]) => v !== undefined && !(optional.includes(k) && !(theirs[0] && k in theirs[0]))));
  return {
    ours: ours.map(drop).sort((a, b) => key(a).localeCompare(key(b))),
    theirs: theirs.map((o) => ({ ...o })).sort((a, b) => key(a).localeCompare(key(b))),
  };
}

/**
 * Entries the kernel makes by itself for multicast destinations as IPv6 sends MLD reports and DAD
 * probes (ff02::16, ff02::1:ffXX:XXXX, state NOARP): they come and go between two looks.
 */
const kernelMulticast = (dst: unknown): boolean => typeof dst === 'string' && (dst.startsWith('ff') || /^2(2[4-9]|3\d)\./.test(dst));
const settled = <T extends { dst?: unknown } | { address: string }>(xs: T[]): T[] => xs.filter((x) => !kernelMulticast('address' in x ? x.address : x.dst));

describe('kernel fixture neigh-dump', () => {
  const fx = loadKernelFixture('neigh-dump');
  const names = linkNames(fx);

  it('decodes every RTM_NEWNEIGH and re-encodes it byte for byte', () => {
    const ns = decodeAndReencode(neighMessage, receivedMessages(fx, RTM_NEWNEIGH, 3));
    expect(ns).toHaveLength(9);
    expect(ns.find((n) => n.dst === '192.0.2.2')).toMatchObject({ family: 'inet', state: ['permanent'], lladdr: '02:00:00:00:00:02' });
  });

  it('replays through neighbours.list(): the request iproute2 sent, and the entries ip -j -d neigh show printed (it hides NOARP ones)', async () => {
    const rtnl = await Rtnl.open({ transport: new ReplayTransport(capturedDatagrams(fx), { fd: 3 }) });
    try {
      const all = await rtnl.neighbours.list();
      expect(all).toHaveLength(9);
      const shown = all.filter((n) => n.state !== 'noarp');
      const c = comparable(
        shown.map((n) => neighbourToIpJson(n, names)),
        fx.ipJson as IpJson[],
      );
      expect(c.ours).toEqual(c.theirs);
    } finally {
      rtnl.close();
    }
  });
});

// What iproute2 6.1 sent (strace hex, nlmsg_seq zeroed) on kernel 6.18; veth0 was ifindex 3, vb0 6.
const IPROUTE2_REQUESTS: [string, (rtnl: Rtnl) => Promise<unknown>, string][] = [
  [
    'ip neigh add 192.0.2.20 lladdr 02:00:00:00:00:20 dev veth0 nud stale router extern_learn',
    (r) => r.neighbours.add({ link: 3, address: '192.0.2.20', lladdr: '02:00:00:00:00:20', state: 'stale', flags: ['router', 'extern_learn'] }),
    '300000001c000506000000000000000002000000030000000400900008000100c00002140a0002000200000000200000',
  ],
  [
    'ip neigh add proxy 192.0.2.61 dev veth0',
    (r) => r.neighbours.add({ link: 3, address: '192.0.2.61', proxy: true }),
    '240000001c000506000000000000000002000000030000008000080008000100c000023d',
  ],
  [
    'bridge fdb add 02:00:00:00:01:01 dev vb0 master static vlan 1',
    (r) => r.neighbours.fdb.add({ link: 6, lladdr: '02:00:00:00:01:01', flags: ['master'], state: 'static', vlan: 1 }),
    '300000001c00050600000000000000000700000006000000420004000a00020002000000010100000600050001000000',
  ],
  [
    'bridge fdb del 02:00:00:00:01:07 dev vb0 master',
    (r) => r.neighbours.fdb.delete({ link: 6, lladdr: '02:00:00:00:01:07', flags: ['master'] }),
    '280000001d00050000000000000000000700000006000000c00004000a0002000200000001070000',
  ],
  [
    'ip neigh del 192.0.2.20 dev veth0',
    (r) => r.neighbours.delete({ link: 3, address: '192.0.2.20' }),
    '240000001d000500000000000000000002000000030000008000000008000100c0000214',
  ],
  [
    'bridge fdb add 02:00:00:00:01:05 dev vb0 self',
    (r) => r.neighbours.fdb.add({ link: 6, lladdr: '02:00:00:00:01:05', flags: ['self'] }),
    '280000001c00050600000000000000000700000006000000c00002000a0002000200000001050000',
  ],
];

describe('requests: the same messages iproute2 sends', () => {
  it.each(IPROUTE2_REQUESTS)('%s', async (_command, call, hex) => {
    expectSameRequest(neighMessage, await requestBytes(call), hex);
  });
});

describe('neighbours in a namespace', () => {
  const ns = useTestNetns();
  let rtnl: Rtnl;
  let names: Map<number, string>;
  const bridge = (args: string): IpJson[] => {
    const out = execFileSync('ip', ['netns', 'exec', ns.name, 'bridge', '-j', ...args.split(' ').filter((a) => a)], { encoding: 'utf8' }).trim();
    return out === '' ? [] : (JSON.parse(out) as IpJson[]);
  };

  beforeAll(async () => {
    ns.ip('link set lo up');
    ns.ip('link add veth0 type veth peer name veth1');
    ns.ip('link set veth0 up');
    ns.ip('link set veth1 up');
    ns.ip('addr add 192.0.2.1/24 dev veth0');
    ns.ip('addr add 2001:db8::1/64 dev veth0 nodad');
    // The bridge and its ports without IPv6 (no multicast joins coming and going) and without
    // learning: their FDBs change only when the test changes them.
    execFileSync('ip', ['netns', 'exec', ns.name, 'sysctl', '-qw', 'net.ipv6.conf.default.disable_ipv6=1']);
    ns.ip('link add br0 type bridge');
    ns.ip('link add vb0 type veth peer name vb1');
    ns.ip('link set vb0 master br0');
    ns.ip('link set vb0 type bridge_slave learning off');
    for (const l of ['br0', 'vb0', 'vb1']) ns.ip(`link set ${l} up`);
    rtnl = await Rtnl.open({ netns: ns.name });
    names = new Map((await rtnl.links.list()).map((l) => [l.index as number, l.name as string]));
  });

  afterAll(() => rtnl?.close());

  const ipNeigh = (args: string): IpJson[] => {
    const m = /^(-[46])\s*(.*)$/.exec(args);
    return ns.ipJson<IpJson[]>(m ? `${m[1]} -d neigh show ${m[2]}` : `-d neigh show ${args}`);
  };
  const ours = async (filter: NeighbourFilter = {}): Promise<IpJson[]> => (await rtnl.neighbours.list(filter)).map((n) => neighbourToIpJson(n, names));

  describe('created by the library, read by ip', () => {
    const specs: NeighbourSpec[] = [
      { link: 'veth0', address: '192.0.2.2', lladdr: '02:00:00:00:00:02' },
      { link: 'veth0', address: '192.0.2.3', lladdr: '02:00:00:00:00:03', state: 'stale', flags: ['router', 'extern_learn'] },
      { link: 'veth0', address: '192.0.2.4', lladdr: '02:00:00:00:00:04', state: 'noarp' },
      { link: 'veth0', address: '2001:db8::2', lladdr: '02:00:00:00:00:02', flags: ['router'] },
      { link: 'veth0', address: '2001:db8::3', lladdr: '02:00:00:00:00:03', state: 'stale', protocol: 'zebra' },
      { link: 'veth0', address: '192.0.2.50', proxy: true },
      { link: 'veth1', address: '2001:db8::50', proxy: true },
    ];

    beforeAll(async () => {
      for (const s of specs) await rtnl.neighbours.add(s);
    });

    it('the cache equals ip -j -d neigh show nud all (IPv4 and IPv6), field by field', async () => {
      const c = comparable(settled(await ours()), settled([...ipNeigh('-4 nud all'), ...ipNeigh('-6 nud all')]));
      expect(c.ours).toEqual(c.theirs);
      const by = (dst: string): IpJson | undefined => c.theirs.find((n) => n.dst === dst);
      expect(by('192.0.2.2')).toEqual({ dst: '192.0.2.2', dev: 'veth0', lladdr: '02:00:00:00:00:02', state: ['PERMANENT'] });
      expect(by('192.0.2.3')).toMatchObject({ router: null, extern_learn: null, state: ['STALE'] });
      expect(by('192.0.2.4')).toMatchObject({ state: ['NOARP'] });
      expect(by('2001:db8::2')).toMatchObject({ router: null, state: ['PERMANENT'] });
      expect(by('2001:db8::3')).toMatchObject({ protocol: 'zebra' });
    });

    it('the proxy entries equal ip -j -d neigh show proxy', async () => {
      const c = comparable(await ours({ proxy: true }), [...ipNeigh('-4 proxy'), ...ipNeigh('-6 proxy')]);
      expect(c.ours).toEqual(c.theirs);
      expect(c.theirs.map((n) => n.dst).sort()).toEqual(['192.0.2.50', '2001:db8::50']);
      expect(c.theirs.every((n) => n.proxy === null)).toBe(true);
    });

    it('replace updates an entry (and creates one), delete removes it', async () => {
      await rtnl.neighbours.replace({ link: 'veth0', address: '192.0.2.2', lladdr: '02:00:00:00:00:22', state: 'reachable' });
      expect(ipNeigh('192.0.2.2 dev veth0')).toEqual([{ dst: '192.0.2.2', lladdr: '02:00:00:00:00:22', state: ['REACHABLE'] }]);
      await rtnl.neighbours.replace({ link: 'veth0', address: '192.0.2.5', lladdr: '02:00:00:00:00:05' });
      expect(ipNeigh('192.0.2.5 dev veth0')).toEqual([{ dst: '192.0.2.5', lladdr: '02:00:00:00:00:05', state: ['PERMANENT'] }]);
      await rtnl.neighbours.delete({ link: 'veth0', address: '192.0.2.5' });
      expect(ipNeigh('192.0.2.5 dev veth0 nud all')).toEqual([]);
      await rtnl.neighbours.delete({ link: 'veth1', address: '2001:db8::50', proxy: true });
      expect(ipNeigh('-6 proxy')).toEqual([]);
    });
  });

  describe('created by ip, read by the library', () => {
    beforeAll(() => {
      ns.ip('neigh add 192.0.2.30 lladdr 02:00:00:00:00:30 dev veth1 nud reachable');
      ns.ip('neigh add 192.0.2.31 lladdr 02:00:00:00:00:31 dev veth1 nud permanent extern_learn');
      ns.ip('-6 neigh add 2001:db8::31 lladdr 02:00:00:00:00:31 dev veth1 router nud stale');
      ns.ip('neigh add proxy 192.0.2.60 dev veth1');
    });

    it('reads them as ip -j -d neigh show dev veth1 does', async () => {
      const c = comparable(settled(await ours({ link: 'veth1' })), settled([...ipNeigh('-4 dev veth1 nud all'), ...ipNeigh('-6 dev veth1 nud all')]), ['dev']);
      expect(c.ours).toEqual(c.theirs);
      const list = await rtnl.neighbours.list({ link: 'veth1', family: 'inet' });
      const veth1 = await rtnl.links.indexOf('veth1');
      expect(list.find((x) => x.address === '192.0.2.31')).toEqual({ family: 'inet', link: veth1, address: '192.0.2.31', lladdr: '02:00:00:00:00:31', state: 'permanent', flags: ['extern_learn'] });
      const v6 = (await rtnl.neighbours.list({ family: 'inet6', link: 'veth1' })).find((x) => x.address === '2001:db8::31');
      expect(v6).toMatchObject({ state: 'stale', flags: ['router'] });
      const proxies = await rtnl.neighbours.list({ proxy: true, link: 'veth1' });
      expect(proxies).toEqual([{ family: 'inet', link: veth1, address: '192.0.2.60', state: 'none', flags: [], proxy: true }]);
    });
  });

  describe('filters: the kernel applies them (strict dumps), the library where it did not; the answer is the same', () => {
    let loose: Rtnl;
    beforeAll(() => {
      loose = openLooseRtnl(ns.name);
    });
    afterAll(() => loose?.close());

    const steady = (ns: Neighbour[]): unknown[] => settled(ns);
    it.each([
      [{}, ['-4 nud all', '-6 nud all'], []],
      [{ family: 'inet6' }, ['-6 nud all'], []],
      [{ link: 'veth0' }, ['-4 dev veth0 nud all', '-6 dev veth0 nud all'], ['dev']],
      [{ link: 'veth0', family: 'inet' }, ['-4 dev veth0 nud all'], ['dev']],
      [{ proxy: true }, ['-4 proxy', '-6 proxy'], []],
      [{ proxy: true, link: 'veth1' }, ['-4 proxy dev veth1', '-6 proxy dev veth1'], ['dev']],
    ] as [NeighbourFilter, string[], string[]][])('%j equals ip neigh show %j', async (filter, ipArgs, optional) => {
      const strict = await rtnl.neighbours.list(filter);
      expect(steady(await loose.neighbours.list(filter))).toEqual(steady(strict));
      const c = comparable(settled(strict).map((n) => neighbourToIpJson(n, names)), settled(ipArgs.flatMap((a) => ipNeigh(a))), optional);
      expect(c.ours).toEqual(c.theirs);
      expect(settled(strict).length).toBeGreaterThan(0);
    });
  });

  describe('bridge FDB', () => {
    const specs: FdbEntrySpec[] = [
      { link: 'vb0', lladdr: '02:00:00:00:01:01', flags: ['master'] },
      { link: 'vb0', lladdr: '02:00:00:00:01:02', flags: ['master'], state: 'static' },
      { link: 'vb0', lladdr: '02:00:00:00:01:03', flags: ['master', 'extern_learn'], state: 'dynamic' },
      { link: 'vb0', lladdr: '02:00:00:00:01:04', flags: ['master', 'sticky'], state: 'static' },
      { link: 'vb0', lladdr: '02:00:00:00:01:05', flags: ['self'] },
      { link: 'br0', lladdr: '02:00:00:00:01:06', flags: ['self'] },
    ];

    beforeAll(async () => {
      for (const s of specs) await rtnl.neighbours.fdb.add(s);
      execFileSync('ip', ['netns', 'exec', ns.name, 'bridge', 'fdb', 'add', '02:00:00:00:02:01', 'dev', 'vb0', 'master', 'static']);
      execFileSync('ip', ['netns', 'exec', ns.name, 'bridge', 'fdb', 'add', '02:00:00:00:02:02', 'dev', 'vb0', 'self', 'permanent']);
    });

    it('every entry equals bridge -j fdb show, field by field (library-made and bridge-made alike)', async () => {
      const c = comparable((await rtnl.neighbours.fdb.list()).map((n) => fdbToIpJson(n, names)), bridge('fdb show'));
      expect(c.ours).toEqual(c.theirs);
      const by = (mac: string, ifname = 'vb0'): IpJson | undefined => c.theirs.find((n) => n.mac === mac && n.ifname === ifname);
      expect(by('02:00:00:00:01:01')).toMatchObject({ master: 'br0', state: 'permanent', flags: [] });
      expect(by('02:00:00:00:01:02')).toMatchObject({ master: 'br0', state: 'static' });
      expect(by('02:00:00:00:01:03')).toMatchObject({ master: 'br0', state: '', flags: ['extern_learn'] });
      expect(by('02:00:00:00:01:04')).toMatchObject({ flags: ['sticky'] });
      expect(by('02:00:00:00:01:05')).toMatchObject({ flags: ['self'], state: 'permanent' });
      // NTF_SELF on the bridge itself adds to the bridge's FDB, as a local entry of the bridge.
      expect(by('02:00:00:00:01:06', 'br0')).toMatchObject({ flags: [], state: 'permanent' });
      expect(by('02:00:00:00:02:01')).toMatchObject({ master: 'br0', state: 'static' });
      expect(by('02:00:00:00:02:02')).toMatchObject({ flags: ['self'], state: 'permanent' });
    });

    it('filters by port and by bridge as bridge fdb show dev / br do, with or without the kernel', async () => {
      const loose = openLooseRtnl(ns.name);
      try {
        for (const [filter, args, optional] of [
          [{ link: 'vb0' }, 'fdb show dev vb0', ['ifname']],
          [{ bridge: 'br0' }, 'fdb show br br0', []],
          [{ link: 'vb1' }, 'fdb show dev vb1', ['ifname']],
        ] as [FdbFilter, string, string[]][]) {
          const strict = await rtnl.neighbours.fdb.list(filter);
          expect(await loose.neighbours.fdb.list(filter)).toEqual(strict);
          const c = comparable(strict.map((n) => fdbToIpJson(n, names)), bridge(args), optional);
          expect(c.ours, JSON.stringify(filter)).toEqual(c.theirs);
        }
        expect((await rtnl.neighbours.fdb.list({ bridge: 'br0' })).length).toBeLessThan((await rtnl.neighbours.fdb.list()).length);
      } finally {
        loose.close();
      }
    });

    it('replace and delete', async () => {
      await rtnl.neighbours.fdb.replace({ link: 'vb0', lladdr: '02:00:00:00:01:02', flags: ['master'], state: 'permanent' });
      expect(bridge('fdb show dev vb0').find((n) => n.mac === '02:00:00:00:01:02')).toMatchObject({ state: 'permanent' });
      await rtnl.neighbours.fdb.delete({ link: 'vb0', lladdr: '02:00:00:00:01:02', flags: ['master'] });
      await rtnl.neighbours.fdb.delete({ link: 'vb0', lladdr: '02:00:00:00:01:05', flags: ['self'] });
      const left = bridge('fdb show dev vb0').map((n) => n.mac);
      expect(left).not.toContain('02:00:00:00:01:02');
      expect(left).not.toContain('02:00:00:00:01:05');
    });

    it('errors: duplicate EEXIST, missing ENOENT, a VLAN the bridge lacks EINVAL', async () => {
      await expect(rtnl.neighbours.fdb.add({ link: 'vb0', lladdr: '02:00:00:00:01:01', flags: ['master'] })).rejects.toMatchObject({ name: 'NetlinkError', code: 'EEXIST' });
      await expect(rtnl.neighbours.fdb.delete({ link: 'vb0', lladdr: '02:00:00:00:09:09', flags: ['master'] })).rejects.toMatchObject({ name: 'NetlinkError', code: 'ENOENT' });
      // This kernel's bridge has no VLAN filtering: the kernel refuses a VLAN it does not have.
      await expect(rtnl.neighbours.fdb.add({ link: 'vb0', lladdr: '02:00:00:00:09:0a', flags: ['master'], vlan: 5 })).rejects.toMatchObject({ name: 'NetlinkError', code: 'EINVAL' });
      expect(bridge('fdb show dev vb0').map((n) => n.mac)).not.toContain('02:00:00:00:09:0a');
    });
  });

  describe('errors', () => {
    it('a duplicate add is EEXIST; deleting a missing entry ENOENT; a missing link ENODEV', async () => {
      await rtnl.neighbours.add({ link: 'veth0', address: '192.0.2.40', lladdr: '02:00:00:00:00:40' });
      const err = await rtnl.neighbours.add({ link: 'veth0', address: '192.0.2.40', lladdr: '02:00:00:00:00:40' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NetlinkError);
      expect(err).toMatchObject({ code: 'EEXIST', errno: 17 });
      expect((err as NetlinkError).request.typeName).toBe('RTM_NEWNEIGH');
      await expect(rtnl.neighbours.delete({ link: 'veth0', address: '192.0.2.41' })).rejects.toMatchObject({ name: 'NetlinkError', code: 'ENOENT' });
      await expect(rtnl.neighbours.delete({ link: 'veth0', address: '192.0.2.41', proxy: true })).rejects.toMatchObject({ name: 'NetlinkError', code: 'ENOENT' });
      await expect(rtnl.neighbours.add({ link: 9999, address: '192.0.2.42', lladdr: '02:00:00:00:00:42' })).rejects.toMatchObject({ name: 'NetlinkError', code: 'ENODEV' });
      await expect(rtnl.neighbours.add({ link: 'nosuch0', address: '192.0.2.42' })).rejects.toMatchObject({ name: 'NetlinkError', code: 'ENODEV' });
    });

    it('the kernel\'s text comes with its refusal', async () => {
      // An lladdr shorter than the device's (6 bytes for a veth).
      const err = (await rtnl.neighbours.add({ link: 'veth0', address: '192.0.2.43', lladdr: '02:00' }).catch((e: unknown) => e)) as NetlinkError;
      expect(err).toBeInstanceOf(NetlinkError);
      expect(err.code).toBe('EINVAL');
      expect(err.extack.message).toBe('Invalid link address');
    });

    it('bad input is refused before anything is sent, naming the field', async () => {
      const offline = await Rtnl.open({ transport: new ReplayTransport([]) });
      try {
        const bad: [NeighbourSpec, string][] = [
          [{ link: 3, address: '192.0.2.300' }, 'address'],
          [{ link: 3, address: '192.0.2.0/24' }, 'address'],
          [{ link: 3, address: '192.0.2.9', lladdr: 'zz:00:00:00:00:01' }, 'lladdr'],
          [{ link: 3, address: '192.0.2.9', state: 'fresh' as 'stale' }, 'state'],
          [{ link: 3, address: '192.0.2.9', flags: ['router', 'fast' as 'router'] }, 'flags.1'],
          [{ link: 3, address: '192.0.2.9', protocol: 'bogus' as 'static' }, 'protocol'],
          [{ link: -1, address: '192.0.2.9' }, 'link.index'],
          [{ link: 3, address: '192.0.2.9', proxy: 'yes' as unknown as boolean }, 'proxy'],
          [{ link: 3, address: '192.0.2.9', family: 'inet6' }, 'family'],
        ];
        for (const [spec, field] of bad) {
          const err = await offline.neighbours.add(spec).catch((e: unknown) => e);
          expect(err, JSON.stringify(spec)).toBeInstanceOf(InvalidArgumentError);
          expect((err as InvalidArgumentError).field, JSON.stringify(spec)).toBe(field);
        }
        const badFdb: [FdbEntrySpec, string][] = [
          [{ link: 6, lladdr: '02:00:00:00:00' }, 'lladdr'],
          [{ link: 6, lladdr: '02:00:00:00:00:01', vlan: 4095 }, 'vlan'],
          [{ link: 6, lladdr: '02:00:00:00:00:01', state: 'sticky' as 'static' }, 'state'],
          [{ link: 6, lladdr: '02:00:00:00:00:01', dst: 'nowhere' }, 'dst'],
          [{ link: 6, lladdr: '02:00:00:00:00:01', flags: ['self', 'proxy' as 'self'] }, 'flags.1'],
          [{ link: 6, lladdr: '02:00:00:00:00:01', vni: 1 << 24 }, 'vni'],
          [{ link: 6, lladdr: '02:00:00:00:00:01', family: 'inet' as 'bridge' }, 'family'],
        ];
        for (const [spec, field] of badFdb) {
          const err = await offline.neighbours.fdb.add(spec).catch((e: unknown) => e);
          expect(err, JSON.stringify(spec)).toBeInstanceOf(InvalidArgumentError);
          expect((err as InvalidArgumentError).field, JSON.stringify(spec)).toBe(field);
        }
        await expect(offline.neighbours.list({ family: 'bridge' as 'inet' })).rejects.toMatchObject({ name: 'InvalidArgumentError', field: 'family' });
      } finally {
        offline.close();
      }
    });
  });
});

// Link kinds: the IFLA_INFO_DATA / IFLA_INFO_SLAVE_DATA of every kind the generated schema knows.
// - Kinds this kernel can create (veth, bridge and its ports, vxlan, macvlan, macvtap, ifb, and a
//   tap through /dev/net/tun): real dumps in a throw-away namespace, decoded data compared with
//   `ip -j -d link show`, and every dumped message re-encoded byte for byte.
// - Kinds it lacks: the hand-built byte fixtures of test/fixtures/kinds (tools/kind-fixtures.ts),
//   decoded and encoded both ways.
// - Creating a kind it lacks: the kernel's EOPNOTSUPP "Unknown device type", through our encoder.
// - The type map of src/rtnl/link/kinds.ts against the generated sub-messages.

import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Reader, Writer } from '../../src/netlink/bytes.js';
import { NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL } from '../../src/netlink/constants.js';
import { NetlinkError } from '../../src/netlink/errors.js';
import { decodeWith, encodeWith, unknownAttributes, type SetValue } from '../../src/netlink/schema/index.js';
import {
  bondSlaveAttrs,
  linkAttrs,
  linkinfoAttrs,
  linkinfoBondAttrs,
  linkinfoBridgeAttrs,
  linkinfoBrportAttrs,
  linkinfoGeneveAttrs,
  linkinfoGre6Attrs,
  linkinfoGreAttrs,
  linkinfoHsrAttrs,
  linkinfoIp6tnlAttrs,
  linkinfoIptunAttrs,
  linkinfoIpvlanAttrs,
  linkinfoMacvlanAttrs,
  linkinfoNetkitAttrs,
  linkinfoOvpnAttrs,
  linkinfoTunAttrs,
  linkinfoVethAttrs,
  linkinfoVlanAttrs,
  linkinfoVrfAttrs,
  linkinfoVrfPortAttrs,
  linkinfoVti6Attrs,
  linkinfoVtiAttrs,
  linkinfoVxlanAttrs,
  linkMessage,
  RTM_GETLINK,
  RTM_NEWLINK,
} from '../../src/rtnl/generated/link.js';
import { isKind, isPortKind, type Link } from '../../src/rtnl/link/links.js';
import { linkFromWire } from '../../src/rtnl/link/mapping.js';
import { Rtnl } from '../../src/rtnl/rtnl.js';
import {
  LINK_KINDS,
  LINK_KINDS_WITHOUT_DATA,
  LINK_PORT_KINDS,
  type LinkInfoValue,
  type LinkKind,
  type LinkKindData,
  type LinkKindWithoutData,
  type LinkPortData,
  type LinkPortKind,
} from '../../src/rtnl/link/kinds.js';
import { useTestNetns } from '../harness/netns.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const fixtureDir = join(root, 'test/fixtures/kinds');

// ---------------------------------------------------------------------------------------------
// The type map

/** The set each kind's data is decoded with, by kind: the pairing kinds.ts relies on. */
const dataSets = {
  veth: linkinfoVethAttrs,
  bridge: linkinfoBridgeAttrs,
  vxlan: linkinfoVxlanAttrs,
  macvlan: linkinfoMacvlanAttrs,
  macvtap: linkinfoMacvlanAttrs,
  ipvlan: linkinfoIpvlanAttrs,
  ipvtap: linkinfoIpvlanAttrs,
  vlan: linkinfoVlanAttrs,
  bond: linkinfoBondAttrs,
  vrf: linkinfoVrfAttrs,
  geneve: linkinfoGeneveAttrs,
  gre: linkinfoGreAttrs,
  gretap: linkinfoGreAttrs,
  erspan: linkinfoGreAttrs,
  ip6gre: linkinfoGre6Attrs,
  ip6gretap: linkinfoGre6Attrs,
  ipip: linkinfoIptunAttrs,
  sit: linkinfoIptunAttrs,
  ip6tnl: linkinfoIp6tnlAttrs,
  vti: linkinfoVtiAttrs,
  vti6: linkinfoVti6Attrs,
  tun: linkinfoTunAttrs,
  hsr: linkinfoHsrAttrs,
  netkit: linkinfoNetkitAttrs,
  ovpn: linkinfoOvpnAttrs,
} as const satisfies Record<Exclude<LinkKind, LinkKindWithoutData>, unknown>;

const portSets = { bridge: linkinfoBrportAttrs, bond: bondSlaveAttrs, vrf: linkinfoVrfPortAttrs } as const satisfies Record<LinkPortKind, unknown>;

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
// Compile-time: LinkKindData / LinkPortData are exactly the decoded values of these sets.
const dataTypesMatch: { [K in keyof typeof dataSets]: Equal<LinkKindData[K], SetValue<(typeof dataSets)[K]>> } = Object.fromEntries(
  Object.keys(dataSets).map((k) => [k, true]),
) as { [K in keyof typeof dataSets]: true };
const portTypesMatch: { [K in LinkPortKind]: Equal<LinkPortData[K], SetValue<(typeof portSets)[K]>> } = { bridge: true, bond: true, vrf: true };
const noDataIsNever: { [K in LinkKindWithoutData]: Equal<LinkKindData[K], never> } = { dummy: true, ifb: true, nlmon: true, wireguard: true, team: true };

/** IFLA_LINKINFO payload bytes: kind (and a data nest holding `data`), written with the sets themselves. */
function infoBytes(kind: string, dataKey: 'data' | 'slaveData', kindKey: 'kind' | 'slaveKind', dataPayload: Uint8Array): Uint8Array {
  const w = new Writer(64);
  let at = w.beginAttr(linkinfoAttrs.entry(kindKey)?.type as number);
  w.bytes(Buffer.from(`${kind}\0`));
  w.endAttr(at);
  at = w.beginAttr(linkinfoAttrs.entry(dataKey)?.type as number);
  w.bytes(dataPayload);
  w.endAttr(at);
  return w.take();
}

/** Decodes an IFLA_LINKINFO payload and tells which set instance the sub-message handed the data to. */
function setUsedFor(candidates: readonly object[], bytes: Uint8Array): object | undefined {
  let used: object | undefined;
  const spied = new Set(candidates);
  for (const set of spied) {
    const s = set as { decode: (...args: unknown[]) => unknown };
    const original = s.decode;
    s.decode = function spy(this: unknown, ...args: unknown[]) {
      used ??= set;
      return original.apply(this, args);
    };
  }
  try {
    decodeWith(linkinfoAttrs, bytes);
  } finally {
    for (const set of spied) delete (set as { decode?: unknown }).decode; // back to the prototype's method
  }
  return used;
}

describe('kinds.ts type map', () => {
  it('is checked at compile time against the generated sets', () => {
    expect(Object.values(dataTypesMatch).every((v) => v)).toBe(true);
    expect(portTypesMatch).toEqual({ bridge: true, bond: true, vrf: true });
    expect(Object.keys(noDataIsNever).sort()).toEqual([...LINK_KINDS_WITHOUT_DATA].sort());
  });

  it('lists every kind, with data or without', () => {
    expect([...LINK_KINDS].sort()).toEqual([...Object.keys(dataSets), ...LINK_KINDS_WITHOUT_DATA].sort());
    expect([...LINK_PORT_KINDS].sort()).toEqual(Object.keys(portSets).sort());
  });

  it('pairs each kind with the set the generated sub-message decodes its data with', () => {
    const all = [...Object.values(dataSets), ...Object.values(portSets)];
    for (const [kind, set] of Object.entries(dataSets)) {
      expect(setUsedFor(all, infoBytes(kind, 'data', 'kind', new Uint8Array(0))) === set, kind).toBe(true);
    }
    for (const [kind, set] of Object.entries(portSets)) {
      expect(setUsedFor(all, infoBytes(kind, 'slaveData', 'slaveKind', new Uint8Array(0))) === set, kind).toBe(true);
    }
  });

  it('has no format for the kinds without data: their data stays raw and cannot be encoded from an object', () => {
    for (const kind of LINK_KINDS_WITHOUT_DATA) {
      const info = decodeWith(linkinfoAttrs, infoBytes(kind, 'data', 'kind', new Uint8Array([4, 0, 1, 0]))) as Record<string, unknown>;
      expect(info.data, kind).toBeInstanceOf(Uint8Array);
      expect(() => encodeWith(linkinfoAttrs, { kind, data: {} } as LinkInfoValue), kind).toThrow(/no format known/);
    }
  });

  it('narrows with isKind / isPortKind', () => {
    const info = decodeWith(linkinfoAttrs, encodeWith(linkinfoAttrs, { kind: 'vxlan', data: { id: 7 }, slaveKind: 'bridge', slaveData: { cost: 5 } }));
    expect(isKind(info, 'vxlan')).toBe(true);
    expect(isKind(info, 'vlan')).toBe(false);
    expect(isKind(undefined, 'vxlan')).toBe(false);
    if (isKind(info, 'vxlan')) {
      const id: number | undefined = info.data?.id;
      expect(id).toBe(7);
      // @ts-expect-error a vlan attribute is not in vxlan data
      expect(info.data?.protocol).toBeUndefined();
    }
    // On the model: a link's `port`.
    const link = linkFromWire({ family: 'unspec', type: 'ether', index: 3, flags: [], change: [], name: 'p0', linkinfo: info });
    expect(isKind(link, 'vxlan')).toBe(true);
    expect(isPortKind(link.port, 'bridge')).toBe(true);
    expect(isPortKind(link.port, 'bond')).toBe(false);
    expect(isPortKind(undefined, 'bridge')).toBe(false);
    if (isPortKind(link.port, 'bridge')) {
      const cost: number | undefined = link.port.data?.cost;
      expect(cost).toBe(5);
    }
    // The kind map types a request: no data for a kind without any.
    const add = <K extends LinkKind>(req: { kind: K; data?: LinkKindData[K] }): string => req.kind;
    expect(add({ kind: 'vlan', data: { id: 5, protocol: '8021ad' } })).toBe('vlan');
    expect(add({ kind: 'dummy' })).toBe('dummy');
    // @ts-expect-error dummy links carry no data
    add({ kind: 'dummy', data: {} });
    // @ts-expect-error vxlan data for a vlan
    add({ kind: 'vlan', data: { learning: 1 } });
  });
});

// ---------------------------------------------------------------------------------------------
// Byte fixtures of the kinds this kernel lacks

interface KindFixture {
  kind: string;
  situation: string;
  comment: string;
  source: string;
  hex: string;
  expected: LinkInfoValue;
}

const fixtures = readdirSync(fixtureDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(fixtureDir, f), 'utf8')) as KindFixture);

describe('hand-built fixtures (test/fixtures/kinds, tools/kind-fixtures.ts)', () => {
  it('cover the kinds this kernel cannot create', () => {
    const kinds = new Set(fixtures.map((f) => f.kind));
    for (const k of ['vlan', 'dummy', 'bond', 'bond-port', 'vrf', 'vrf-port', 'ipvlan', 'geneve', 'gre', 'gretap', 'ip6gre', 'ipip', 'sit', 'ip6tnl', 'wireguard', 'tun']) {
      expect(kinds.has(k), k).toBe(true);
    }
    for (const f of fixtures) {
      expect(f.comment, f.kind).toMatch(/\(\S+\.c[,)]/); // names the kernel source file
      expect(f.source, f.kind).toMatch(/hand TLV builder/);
    }
  });

  it('are what tools/kind-fixtures.ts writes', () => {
    execFileSync(join(root, 'node_modules/.bin/tsx'), [join(root, 'tools/kind-fixtures.ts'), '--check'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  });

  for (const f of fixtures) {
    describe(f.kind, () => {
      const bytes = Buffer.from(f.hex, 'hex');

      it('decodes to the expected object, every attribute known', () => {
        const decoded = decodeWith(linkAttrs, bytes);
        expect(decoded).toEqual({ linkinfo: f.expected });
        const info = decoded.linkinfo as Record<string, unknown>;
        expect(unknownAttributes(info)).toEqual([]);
        for (const key of ['data', 'slaveData']) {
          const d = info[key];
          if (d !== undefined) {
            expect(d, key).not.toBeInstanceOf(Uint8Array);
            expect(unknownAttributes(d as object), key).toEqual([]);
          }
        }
      });

      it('encodes the expected object to the same bytes', () => {
        expect(hex(encodeWith(linkAttrs, { linkinfo: f.expected }))).toBe(f.hex);
      });

      it('re-encodes the decoded object to the same bytes', () => {
        expect(hex(encodeWith(linkAttrs, decodeWith(linkAttrs, bytes)))).toBe(f.hex);
      });
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Real kernel: kinds this kernel has

/** The part of `ip -j -d link show` this test reads. */
interface IpLink {
  ifname: string;
  linkinfo?: {
    info_kind?: string;
    info_data?: Record<string, unknown>;
    info_slave_kind?: string;
    info_slave_data?: Record<string, unknown>;
  };
}

/** BR_STATE_* (<linux/if_bridge.h>) as iproute2 names them. */
const BR_STATE = ['disabled', 'listening', 'learning', 'forwarding', 'blocking'];

describe('real kernel: kinds this kernel has', () => {
  const ns = useTestNetns();
  let rtnl: Rtnl;
  let links: Map<string, Link>;
  let ipLinks: Map<string, IpLink>;
  /** The payload (ifinfomsg + attributes) of every RTM_NEWLINK of a raw dump. */
  const raw: Buffer[] = [];

  beforeAll(async () => {
    for (const cmd of [
      'link add veth0 address 02:00:00:00:00:01 type veth peer name veth1 address 02:00:00:00:00:02',
      'link add br0 address 02:00:00:00:00:10 type bridge forward_delay 1000 hello_time 300 max_age 2500 ageing_time 20000 stp_state 0 priority 4096',
      'link set veth1 master br0',
      'link set dev veth1 type bridge_slave priority 40 cost 7',
      'link add vxlan0 address 02:00:00:00:00:20 type vxlan id 42 dstport 4789 local 192.0.2.1 remote 192.0.2.2 dev veth0 ttl 10 ageing 200 nolearning',
      'link add macvlan0 link veth0 address 02:00:00:00:00:30 type macvlan mode bridge',
      'link add macvlan1 link veth0 address 02:00:00:00:00:32 type macvlan mode private bcqueuelen 500',
      'link add macvlan2 link veth0 address 02:00:00:00:00:33 type macvlan mode source nodst macaddr add 02:00:00:00:00:51',
      'link set macvlan2 type macvlan macaddr add 02:00:00:00:00:52',
      'link add macvtap0 link veth0 address 02:00:00:00:00:31 type macvtap mode vepa',
      'link add ifb9 type ifb',
      'tuntap add dev tap9 mode tap',
      'link set veth0 up',
      'link set veth1 up',
      'link set br0 up',
    ]) {
      ns.ip(cmd);
    }
    rtnl = await Rtnl.open({ netns: ns.name });
    links = new Map((await rtnl.links.list()).map((l) => [l.name as string, l]));
    ipLinks = new Map(ns.ipJson<IpLink[]>('-d link show').map((l) => [l.ifname, l]));
    await rtnl.connection.request(
      {
        type: RTM_GETLINK,
        flags: NLM_F_DUMP,
        body: (w) => linkMessage.encode(w, { family: 'unspec', type: 0, index: 0, flags: [], change: [] }),
      },
      (r, m) => {
        if (m.type === RTM_NEWLINK) raw.push(Buffer.from(r.buf.subarray(m.payloadOffset, m.end)));
      },
    );
  });

  afterAll(() => {
    rtnl?.close();
  });

  const data = (name: string): Record<string, unknown> => links.get(name)?.data as Record<string, unknown>;
  const ipData = (name: string): Record<string, unknown> => ipLinks.get(name)?.linkinfo?.info_data ?? {};

  it('decodes every link of the dump with the kind iproute2 reports, and data where the kernel sends some', () => {
    expect([...links.keys()].sort()).toEqual([...ipLinks.keys()].sort());
    for (const [name, ip] of ipLinks) {
      const link = links.get(name);
      expect(link?.kind, name).toBe(ip.linkinfo?.info_kind);
      expect(link?.port?.kind, name).toBe(ip.linkinfo?.info_slave_kind);
      if (link?.data !== undefined) expect(link.data, name).not.toBeInstanceOf(Uint8Array);
      if (link?.port?.data !== undefined) expect(link.port.data, name).not.toBeInstanceOf(Uint8Array);
      for (const d of [link?.data, link?.port?.data]) if (d && typeof d === 'object') expect(unknownAttributes(d), name).toEqual([]);
    }
  });

  it('veth and ifb: kind only', () => {
    expect(links.get('veth0')).toMatchObject({ kind: 'veth' });
    expect(links.get('veth0')?.data).toBeUndefined();
    expect(links.get('ifb9')).toMatchObject({ kind: 'ifb' });
    expect(links.get('ifb9')?.data).toBeUndefined();
    expect(ipLinks.get('ifb9')?.linkinfo).toEqual({ info_kind: 'ifb' });
  });

  it('bridge: timers, STP state and priority as ip reports them', () => {
    const info = links.get('br0');
    expect(isKind(info, 'bridge')).toBe(true);
    if (!isKind(info, 'bridge')) return;
    const d = info.data;
    const ip = ipData('br0');
    expect(d?.forwardDelay).toBe(ip.forward_delay);
    expect(d?.helloTime).toBe(ip.hello_time);
    expect(d?.maxAge).toBe(ip.max_age);
    expect(d?.ageingTime).toBe(ip.ageing_time);
    expect(d?.stpState).toBe(ip.stp_state);
    expect(d?.priority).toBe(ip.priority);
    expect({ forwardDelay: d?.forwardDelay, helloTime: d?.helloTime, maxAge: d?.maxAge, ageingTime: d?.ageingTime, priority: d?.priority }).toEqual({
      forwardDelay: 1000,
      helloTime: 300,
      maxAge: 2500,
      ageingTime: 20000,
      priority: 4096,
    });
  });

  it('bridge port: state, priority and cost as ip reports them', () => {
    const port = links.get('veth1')?.port;
    expect(isPortKind(port, 'bridge')).toBe(true);
    if (!isPortKind(port, 'bridge')) return;
    const d = port.data;
    const ip = ipLinks.get('veth1')?.linkinfo?.info_slave_data ?? {};
    expect(BR_STATE[d?.state as number]).toBe(ip.state);
    expect(d?.priority).toBe(ip.priority);
    expect(d?.cost).toBe(ip.cost);
    expect({ priority: d?.priority, cost: d?.cost }).toEqual({ priority: 40, cost: 7 });
  });

  it('vxlan: id, port, local, ttl, learning, ageing as ip reports them', () => {
    const info = links.get('vxlan0');
    expect(isKind(info, 'vxlan')).toBe(true);
    if (!isKind(info, 'vxlan')) return;
    const d = info.data;
    const ip = ipData('vxlan0');
    expect(d?.id).toBe(ip.id);
    expect(d?.port).toBe(ip.port);
    expect(d?.local).toBe(ip.local);
    expect(d?.group).toBe(ip.remote);
    expect(d?.ttl).toBe(ip.ttl);
    expect(d?.learning === 1).toBe(ip.learning);
    expect(d?.ageing).toBe(ip.ageing);
    expect(d?.df).toBe(ip.df);
    expect({ id: d?.id, port: d?.port, ttl: d?.ttl, learning: d?.learning, ageing: d?.ageing }).toEqual({ id: 42, port: 4789, ttl: 10, learning: 0, ageing: 200 });
  });

  it('macvlan and macvtap: mode, broadcast queue and source MACs as ip reports them', () => {
    for (const [name, kind, mode] of [
      ['macvlan0', 'macvlan', 'bridge'],
      ['macvlan1', 'macvlan', 'private'],
      ['macvlan2', 'macvlan', 'source'],
      ['macvtap0', 'macvtap', 'vepa'],
    ] as const) {
      expect(links.get(name)?.kind, name).toBe(kind);
      const d = data(name);
      const ip = ipData(name);
      expect(d.mode, name).toBe(ip.mode);
      expect(d.mode, name).toBe(mode);
      expect(d.bcQueueLen, name).toBe(ip.bcqueuelen);
      expect(d.bcQueueLenUsed, name).toBe(ip.usedbcqueuelen);
    }
    expect(data('macvlan1').bcQueueLen).toBe(500);
    const src = data('macvlan2');
    expect(src.flags).toEqual(['nodst']);
    expect(src.macaddrCount).toBe(ipData('macvlan2').macaddr_count);
    // In the kernel's hash order, which iproute2 prints as it comes.
    const macs = (src.macaddrData as { macaddr: string[] }).macaddr;
    expect(macs).toEqual(ipData('macvlan2').macaddr_data);
    expect([...macs].sort()).toEqual(['02:00:00:00:00:51', '02:00:00:00:00:52']);
  });

  it('tap (kind tun, made through /dev/net/tun): type and flags as ip reports them', () => {
    const info = links.get('tap9');
    expect(isKind(info, 'tun')).toBe(true);
    if (!isKind(info, 'tun')) return;
    const d = info.data;
    const ip = ipData('tap9');
    expect(d?.type).toBe(ip.type);
    expect(d?.pi === 1).toBe(ip.pi);
    expect(d?.vnetHdr === 1).toBe(ip.vnet_hdr);
    expect(d?.multiQueue === 1).toBe(ip.multi_queue);
    expect(d?.persist === 1).toBe(ip.persist);
  });

  it('re-encodes every dumped RTM_NEWLINK byte for byte', () => {
    expect(raw.length).toBe(ipLinks.size);
    for (const payload of raw) {
      const msg = linkMessage.decode(new Reader(payload), 0, payload.length);
      const w = new Writer(payload.length);
      linkMessage.encode(w, msg);
      expect(hex(w.take()), String(msg.name)).toBe(hex(payload));
    }
  });

  it('refuses to create a kind it lacks with EOPNOTSUPP "Unknown device type"', async () => {
    for (const [name, linkinfo] of [
      ['vlan9', { kind: 'vlan', data: { id: 5 } }],
      ['dummy9', { kind: 'dummy' }],
    ] as const) {
      const index = links.get('veth0')?.index as number;
      const err = await rtnl.connection
        .request({
          type: RTM_NEWLINK,
          flags: NLM_F_CREATE | NLM_F_EXCL,
          body: (w) => linkMessage.encode(w, { family: 'unspec', type: 0, index: 0, flags: [], change: [], name, link: index, linkinfo }),
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(err, name).toBeInstanceOf(NetlinkError);
      expect((err as NetlinkError).code, name).toBe('EOPNOTSUPP');
      expect((err as NetlinkError).extack.message, name).toBe('Unknown device type');
    }
    expect(ns.ipJson<IpLink[]>('link show').map((l) => l.ifname)).not.toContain('vlan9');
  });
});

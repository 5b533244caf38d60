// The schemas generated from the kernel's YNL specs (src/rtnl/generated, by tools/ynl-gen.ts) and
// the hand-written ones (src/rtnl/schemas): the generator reproduces the committed files, and
// hand-built values survive an encode/decode round trip. Type-level checks (the @ts-expect-error
// lines) are verified by `tsc -p tsconfig.check.json`.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Reader, Writer } from '../../src/netlink/bytes.js';
import type { MessageSchema } from '../../src/netlink/message.js';
import {
  decodeWith,
  encodeWith,
  type AttrSpecs,
  type Codec,
  type SetValue,
  type StructMembers,
  type ValueOf,
} from '../../src/netlink/schema/index.js';
import { addrMessage, RTM_GETMULTICAST, RTM_NEWADDR } from '../../src/rtnl/generated/addr.js';
import { AddressFamily, RtScope } from '../../src/rtnl/generated/common.js';
import {
  ifinfomsg,
  linkAttrs,
  linkMessage,
  linkinfoVxlanAttrs,
  RTM_GETLINK,
  RTM_NEWLINK,
  type NestedLinkMessage,
} from '../../src/rtnl/generated/link.js';
import { neighMessage } from '../../src/rtnl/generated/neigh.js';
import { routeAttrs, routeMessage, RTM_NEWROUTE, rtmsg } from '../../src/rtnl/generated/route.js';
import { ruleMessage } from '../../src/rtnl/generated/rule.js';
import { nexthopAttrs, nexthopMessage } from '../../src/rtnl/nexthop/wire.js';
import { nsidMessage } from '../../src/rtnl/nsid/wire.js';
import { FAMILY_MESSAGE_TYPES, RTM_TYPE_NAMES } from '../../src/rtnl/schemas/types.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const generatedDir = join(root, 'src/rtnl/generated');
const specDir = join(root, 'tools/ynl-specs');

const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** A message schema as a plain codec over its payload (header struct + attributes). */
function asCodec<H extends StructMembers, A extends AttrSpecs>(schema: MessageSchema<H, A>): Codec<Partial<ReturnType<MessageSchema<H, A>['decode']>>> {
  return {
    kind: `message(${schema.name})`,
    decode: (r, off, len, ctx) => schema.decode(r, off, off + len, ctx),
    encode: (w, value, ctx) => schema.encode(w, value, ctx),
  };
}

/** Encodes then decodes `value`, expecting it back unchanged; returns the bytes. */
function roundTrip<T>(codec: Codec<T>, value: T): Uint8Array {
  const bytes = encodeWith(codec, value);
  expect(decodeWith(codec, bytes)).toEqual(value);
  // And the bytes are stable: re-encoding the decoded value gives the same bytes.
  expect(toHex(encodeWith(codec, decodeWith(codec, bytes)))).toBe(toHex(bytes));
  return bytes;
}

describe('generator', () => {
  it('reproduces the committed files byte for byte', () => {
    const out = mkdtempSync(join(tmpdir(), 'ynl-gen-'));
    try {
      execFileSync(join(root, 'node_modules/.bin/tsx'), [join(root, 'tools/ynl-gen.ts'), '--specs', specDir, '--out', out, '--quiet'], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const committed = readdirSync(generatedDir).sort();
      expect(readdirSync(out).sort()).toEqual(committed);
      for (const f of committed) {
        expect(readFileSync(join(out, f), 'utf8'), f).toBe(readFileSync(join(generatedDir, f), 'utf8'));
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);

  it('names message types after <linux/rtnetlink.h>', () => {
    expect([RTM_NEWLINK, RTM_GETLINK, RTM_NEWADDR, RTM_GETMULTICAST, RTM_NEWROUTE]).toEqual([16, 18, 20, 58, 24]);
    expect(RTM_TYPE_NAMES[16]).toBe('RTM_NEWLINK');
    expect(RTM_TYPE_NAMES[104]).toBe('RTM_NEWNEXTHOP');
    expect(Object.keys(RTM_TYPE_NAMES)).toHaveLength(71);
  });

  it("lists each family's message types by the names of its kind (hand-written numbers, as RTM_TYPE_NAMES)", () => {
    const names = Object.fromEntries(Object.entries(FAMILY_MESSAGE_TYPES).map(([family, types]) => [family, types.map((t) => RTM_TYPE_NAMES[t])]));
    expect(names).toEqual({
      link: ['RTM_NEWLINK', 'RTM_DELLINK', 'RTM_GETLINK', 'RTM_SETLINK', 'RTM_NEWLINKPROP', 'RTM_DELLINKPROP'],
      address: ['RTM_NEWADDR', 'RTM_DELADDR', 'RTM_GETADDR'],
      route: ['RTM_NEWROUTE', 'RTM_DELROUTE', 'RTM_GETROUTE'],
      neigh: ['RTM_NEWNEIGH', 'RTM_DELNEIGH', 'RTM_GETNEIGH'],
      rule: ['RTM_NEWRULE', 'RTM_DELRULE', 'RTM_GETRULE'],
      nsid: ['RTM_NEWNSID', 'RTM_DELNSID', 'RTM_GETNSID'],
      nexthop: ['RTM_NEWNEXTHOP', 'RTM_DELNEXTHOP', 'RTM_GETNEXTHOP'],
    });
    expect(FAMILY_MESSAGE_TYPES.route).toEqual([RTM_NEWROUTE, 25, 26]);
    expect(FAMILY_MESSAGE_TYPES.link[0]).toBe(RTM_NEWLINK);
  });

  it('gives colliding header members their un-stripped names', () => {
    expect(rtmsg.keys).toContain('rtmTable');
    expect(routeAttrs.entry('table')?.type).toBe(15);
    expect(addrMessage.header.keys).toContain('ifaFlags');
    expect(neighMessage.header.keys).toContain('ifindex');
    expect(neighMessage.attrs.entry('ndaIfindex')?.type).toBe(8);
    expect(ruleMessage.header.keys).toContain('frhTable');
  });

  it('maps enums with their YNL names and values', () => {
    expect(AddressFamily.inet6).toBe(10);
    expect(RtScope.link).toBe(253);
    expect(linkinfoVxlanAttrs.entry('port')?.codec.kind).toBe('be16');
  });
});

describe('round trips', () => {
  const link = asCodec(linkMessage);

  it('a vxlan link with linkinfo data', () => {
    const v = {
      family: 'unspec',
      type: 'ether',
      index: 7,
      flags: ['up', 'broadcast', 'running', 'multicast', 'lower-up'],
      change: [],
      name: 'vx0',
      mtu: 1450,
      address: '02:11:22:33:44:55',
      operstate: 'unknown',
      linkinfo: {
        kind: 'vxlan',
        data: {
          id: 42,
          group: '239.1.1.1',
          link: 2,
          local: '10.0.0.1',
          ttl: 64,
          learning: 1,
          portRange: { low: 32768, high: 61000 },
          port: 4789,
          local6: '2001:db8::1',
          gbp: true,
          label: 0x12345,
          df: 'inherit',
          reservedBits: Uint8Array.from([0, 0xff, 0xff, 0xff, 0, 0, 0, 0xff]),
        },
      },
    } satisfies Parameters<typeof link.encode>[1];
    const bytes = roundTrip(link, v);
    // struct ifinfomsg: family 0, pad, type 1 (ARPHRD_ETHER), index 7, flags, change 0.
    expect(toHex(bytes.subarray(0, 8))).toBe('0000010007000000');
    // IFLA_VXLAN_PORT is big-endian: 4789 = 0x12b5, attribute type 15.
    expect(toHex(bytes)).toContain('06000f0012b5');
  });

  it('a bridge, and a bridge port in an AF_BRIDGE message', () => {
    roundTrip(link, {
      family: 'unspec',
      type: 'ether',
      index: 3,
      flags: ['broadcast', 'multicast'],
      change: [],
      name: 'br0',
      linkinfo: {
        kind: 'bridge',
        data: {
          forwardDelay: 1500,
          stpState: 1,
          priority: 32768,
          vlanFiltering: 1,
          vlanProtocol: '8021ad',
          rootId: { prio: 32768, addr: '02:00:00:00:00:01' },
          groupAddr: '01:80:c2:00:00:00',
          helloTimer: 123n,
          multiBoolopt: { optval: 1, optmask: 1 },
        },
      },
    });
    // `bridge link` / `bridge vlan`: IFLA_PROTINFO holds IFLA_BRPORT_*, IFLA_AF_SPEC holds IFLA_BRIDGE_*.
    const bytes = roundTrip(link, {
      family: 'bridge',
      type: 'ether',
      index: 4,
      flags: ['up'],
      change: [],
      name: 'eth1',
      master: 3,
      protinfo: { state: 3, priority: 32, cost: 100, learning: 1, unicastFlood: 1, rootId: { prio: 4096, addr: 'aa:bb:cc:dd:ee:ff' } },
      afSpec: { flags: ['self'], vlanInfo: [{ flags: ['pvid', 'untagged'], vid: 1 }, { flags: [], vid: 10 }] },
    });
    // IFLA_BRIDGE_FLAGS is attribute 0 inside IFLA_AF_SPEC (26).
    expect(toHex(bytes)).toContain('1a00060000000200');
    // Numeric families pick the same format.
    const asNumber = decodeWith(link, encodeWith(link, { family: 7, afSpec: { mode: 'vepa' } }));
    expect(asNumber).toEqual({ family: 'bridge', type: 'netrom', index: 0, flags: [], change: [], afSpec: { mode: 'vepa' } });
  });

  it('AF_UNSPEC af-spec and AF_INET6 protinfo', () => {
    roundTrip(link, {
      family: 'unspec',
      type: 'loopback',
      index: 1,
      flags: ['up', 'loopback', 'running', 'lower-up'],
      change: [],
      name: 'lo',
      afSpec: {
        inet: { conf: [1, 0, 0, -1] },
        inet6: { flags: 0x80000000, conf: [0, 64, -1], token: '::', addrGenMode: 'eui64', cacheinfo: { maxReasmLen: 65535, tstamp: 1, reachableTime: 30000, retransTime: 1000 } },
      },
    });
    roundTrip(link, { family: 'inet6', type: 'ether', index: 2, flags: [], change: [], name: 'eth0', protinfo: { flags: 0x80000000, stats: [1n, 2n] } });
  });

  it('a veth with its peer (struct ifinfomsg + link attributes)', () => {
    const peer: NestedLinkMessage = { family: 'unspec', type: 'ether', index: 0, flags: [], change: [], name: 'veth1', mtu: 9000, address: '02:00:00:00:00:02' };
    const bytes = roundTrip(link, {
      family: 'unspec',
      type: 'ether',
      index: 0,
      flags: [],
      change: [],
      name: 'veth0',
      linkinfo: { kind: 'veth', data: { peer } },
    });
    // VETH_INFO_PEER (1): 4-byte header, then a 16-byte ifinfomsg, then IFLA_IFNAME "veth1".
    expect(toHex(bytes)).toContain(`00000100${'00'.repeat(12)}0a0003007665746831000000`);
    // A netkit peer uses the same layout.
    roundTrip(link, { family: 'unspec', type: 'none', index: 9, flags: [], change: [], name: 'nk0', linkinfo: { kind: 'netkit', data: { peerInfo: { family: 'unspec', type: 'none', index: 0, flags: [], change: [], name: 'nk1' }, mode: 'l3', policy: 'blackhole' } } });
  });

  it('link attributes alone', () => {
    roundTrip(linkAttrs, {
      name: 'eth0',
      mtu: 1500,
      txqlen: 1000,
      operstate: 'up',
      linkmode: 'default',
      stats64: Object.fromEntries(
        ['rxPackets', 'txPackets', 'rxBytes', 'txBytes', 'rxErrors', 'txErrors', 'rxDropped', 'txDropped', 'multicast', 'collisions', 'rxLengthErrors', 'rxOverErrors', 'rxCrcErrors', 'rxFrameErrors', 'rxFifoErrors', 'rxMissedErrors', 'txAbortedErrors', 'txCarrierErrors', 'txFifoErrors', 'txHeartbeatErrors', 'txWindowErrors', 'rxCompressed', 'txCompressed', 'rxNohandler', 'rxOtherhostDropped'].map((k, i) => [k, BigInt(i)]),
      ) as SetValue<typeof linkAttrs>['stats64'],
      map: { memStart: 0n, memEnd: 0n, baseAddr: 0n, irq: 0, dma: 0, port: 0 },
      propList: { altIfname: ['a', 'b'] },
      protoDownReason: { value: 4 },
      vfinfoList: { info: [{ mac: { vf: 0, mac: new Uint8Array(32) }, ibNodeGuid: { vf: 0, guid: 1n }, vlanList: { info: [{ vf: 0, vlan: 5, qos: 0, vlanProto: '8021q' }] } }] },
      xdp: { fd: -1, attached: 0 },
      linkNetnsid: -1,
      extMask: ['vf', 'skip-stats'],
    });
    // struct rtnl_link_ifmap is 32 bytes: attribute length 36.
    expect(toHex(encodeWith(linkAttrs, { map: { memStart: 0n, memEnd: 0n, baseAddr: 0n, irq: 0, dma: 0, port: 0 } })).slice(0, 8)).toBe('24000e00');
  });

  it('an address', () => {
    const addr = asCodec(addrMessage);
    roundTrip(addr, {
      family: 'inet6',
      prefixlen: 64,
      ifaFlags: ['permanent'],
      scope: 'universe',
      index: 2,
      address: '2001:db8::10',
      cacheinfo: { ifaPrefered: 0xffffffff, ifaValid: 0xffffffff, cstamp: 100, tstamp: 200 },
      flags: ['permanent', 'noprefixroute'],
      proto: 'kernel_ll',
      targetNetnsid: -1,
    });
    roundTrip(addr, { family: 'inet', prefixlen: 24, ifaFlags: [], scope: 'host', index: 1, local: '127.0.0.1', address: '127.0.0.1', broadcast: '127.0.0.255', label: 'lo' });
  });

  it('a route with multipath', () => {
    const route = asCodec(routeMessage);
    const bytes = roundTrip(route, {
      family: 'inet',
      dstLen: 24,
      srcLen: 0,
      tos: 0,
      rtmTable: 254,
      protocol: 'static',
      scope: 'universe',
      type: 'unicast',
      flags: [],
      table: 254,
      dst: '10.1.0.0',
      priority: 100,
      metrics: { mtu: 1400, ccAlgo: 'cubic' },
      multipath: [
        { flags: ['onlink'], hops: 0, ifindex: 2, attrs: { gateway: '10.0.0.1' } },
        { flags: [], hops: 1, ifindex: 3, attrs: { gateway: '10.0.1.1', flow: 5 } },
        { flags: ['dead', 'linkdown'], hops: 0, ifindex: 4 },
      ],
    });
    // The first rtnexthop: length 16 (8 + RTA_GATEWAY of 8), flags RTNH_F_ONLINK, hops 0, ifindex 2.
    expect(toHex(bytes)).toContain('1000040002000000080005000a000001');
    roundTrip(route, {
      family: 'inet6',
      dstLen: 64,
      srcLen: 0,
      tos: 0,
      rtmTable: 254,
      protocol: 'kernel',
      scope: 'universe',
      type: 'unicast',
      flags: ['rt-offload'],
      dst: '2001:db8:1::',
      pref: 'medium',
      cacheinfo: { clntref: 0, lastuse: 0, expires: -1, error: 0, used: 0, id: 0, ts: 0, tsage: 0 },
      multipath: [{ flags: [], hops: 0, ifindex: 2, attrs: { via: { family: 'inet6', addr: 'fe80::1' } } }],
      encapType: 'mpls',
      sport: 1234,
    });
  });

  it('a nexthop group', () => {
    const nh = asCodec(nexthopMessage);
    const bytes = roundTrip(nh, {
      family: 'unspec',
      scope: 'universe',
      protocol: 'static',
      flags: [],
      id: 10,
      group: [
        { id: 1, weight: 0, weightHigh: 0, resvd2: 0 },
        { id: 2, weight: 255, weightHigh: 1, resvd2: 0 },
      ],
      groupType: 'resilient',
      resGroup: { buckets: 64, idleTimer: 120, unbalancedTime: 5n },
      opFlags: ['dump-stats'],
      groupStats: { entry: [{ id: 1, packets: 10 }, { id: 2, packets: 2 ** 40 }] },
    });
    // NHA_GROUP (2): 4-byte header + two 8-byte struct nexthop_grp.
    expect(toHex(bytes)).toContain('14000200' + '0100000000000000' + '02000000ff010000');
    roundTrip(asCodec(nexthopMessage), { family: 'inet', scope: 'link', protocol: 'boot', flags: ['onlink'], id: 1, oif: 2, gateway: '192.0.2.1' });
    roundTrip(nexthopAttrs, { id: 3, blackhole: true, fdb: true });
  });

  it('an nsid message', () => {
    const nsid = asCodec(nsidMessage);
    const bytes = roundTrip(nsid, { family: 'unspec', nsid: 3, fd: 7 });
    expect(toHex(bytes)).toBe('00000000' + '0800010003000000' + '0800030007000000');
    roundTrip(nsid, { family: 'unspec', nsid: -1, targetNsid: 0, currentNsid: -1 });
  });

  it('a neighbour and a rule', () => {
    roundTrip(asCodec(neighMessage), {
      family: 'bridge',
      ifindex: 5,
      state: ['reachable', 'noarp'],
      flags: ['self', 'ext-learned'],
      type: 'unicast',
      lladdr: '02:00:00:00:00:09',
      dst: '192.0.2.7',
      port: 4789,
      vni: 100,
      protocol: 'zebra',
      fdbExtAttrs: { activityNotify: 1, dontRefresh: true },
      flagsExt: ['managed'],
    });
    roundTrip(asCodec(ruleMessage), {
      family: 'inet6',
      dstLen: 0,
      srcLen: 48,
      tos: 0,
      frhTable: 0,
      action: 'to-tbl',
      flags: ['invert'],
      table: 1000,
      priority: 100,
      src: '2001:db8::',
      tunId: 0x0102030405060708n,
      protocol: 'boot',
      uidRange: { start: 1000, end: 2000 },
      sportRange: { start: 1, end: 1024 },
      iifname: 'eth0',
    });
  });
});

describe('kernel fixtures', () => {
  const fixtureDir = join(root, 'test/fixtures/kernel');
  const byType = new Map<number, MessageSchema<any, any>>();
  for (const [schema, types] of [
    [linkMessage, [16, 17, 18, 19]],
    [addrMessage, [20, 21, 22]],
    [routeMessage, [24, 25, 26]],
    [neighMessage, [28, 29, 30]],
    [ruleMessage, [32, 33, 34]],
    [nsidMessage, [88, 89, 90]],
    [nexthopMessage, [104, 105, 106]],
  ] as const) {
    for (const t of types) byType.set(t, schema as MessageSchema<any, any>);
  }
  const files = readdirSync(fixtureDir).filter((f) => f.endsWith('.json')).sort();

  it.each(files)('%s: every message decodes and re-encodes byte for byte', (file) => {
    const fx = JSON.parse(readFileSync(join(fixtureDir, file), 'utf8')) as { datagrams: { direction: string; hex: string }[] };
    let seen = 0;
    for (const d of fx.datagrams) {
      const bytes = Buffer.from(d.hex, 'hex');
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      // nlmsghdr framing (iproute2's buffers may end with zeros).
      for (let at = 0; at + 16 <= bytes.length; ) {
        const len = view.getUint32(at, true);
        if (len < 16 || at + len > bytes.length) break;
        const schema = byType.get(view.getUint16(at + 4, true));
        if (schema) {
          const payload = bytes.subarray(at + 16, at + len);
          const value = schema.decode(new Reader(payload), 0, payload.length);
          // A writer big enough not to grow (see the report on Writer growth in integer codecs).
          const w = new Writer(1 << 16);
          schema.encode(w, value);
          expect(toHex(w.take()), `${file} ${d.direction} message at ${at}`).toBe(toHex(payload));
          seen++;
        }
        at += (len + 3) & ~3;
      }
    }
    expect(seen).toBeGreaterThan(0);
  });

  it('iproute2 veth request: the peer decodes as a link', () => {
    const fx = JSON.parse(readFileSync(join(fixtureDir, 'link-create-veth.json'), 'utf8')) as { datagrams: { direction: string; hex: string }[] };
    const sent = fx.datagrams.filter((d) => d.direction === 'sent').map((d) => Buffer.from(d.hex, 'hex'));
    // The create request is the biggest RTM_NEWLINK iproute2 sent (it first probes with an empty one).
    const req = sent.filter((b) => b.readUInt16LE(4) === RTM_NEWLINK).sort((a, b) => b.length - a.length)[0];
    const v = linkMessage.decode(new Reader(req), 16, req.readUInt32LE(0));
    expect(v.linkinfo?.kind).toBe('veth');
    expect(v.linkinfo?.data).toMatchObject({ peer: { name: 'veth3' } });
  });
});

describe('inferred types', () => {
  it('are usable', () => {
    const l: SetValue<typeof linkAttrs> = { name: 'x', mtu: 1500 };
    // @ts-expect-error mtu is a number
    const bad: SetValue<typeof linkAttrs> = { mtu: 'x' };
    // @ts-expect-error no such attribute
    const unknownKey: SetValue<typeof linkAttrs> = { ifname: 'x' };
    const veth: SetValue<typeof linkAttrs> = { linkinfo: { kind: 'veth', data: { peer: { name: 'p', mtu: 1 } } } };
    // @ts-expect-error the peer's mtu is a number too (the recursive reference is typed)
    const badPeer: SetValue<typeof linkAttrs> = { linkinfo: { kind: 'veth', data: { peer: { mtu: 'x' } } } };
    const route: SetValue<typeof routeAttrs> = { multipath: [{ flags: ['onlink'], hops: 0, ifindex: 1, attrs: { gateway: '10.0.0.1', multipath: [] } }] };
    // @ts-expect-error rtnh flags have names
    const badRoute: SetValue<typeof routeAttrs> = { multipath: [{ flags: ['nope'], hops: 0, ifindex: 1 }] };
    const hdr: ValueOf<typeof ifinfomsg> = { family: 'inet6', type: 'ether', index: 1, flags: ['up', 0x100000], change: [] };
    // @ts-expect-error unknown family name
    const badHdr: ValueOf<typeof ifinfomsg> = { family: 'appletalk', type: 1, index: 1, flags: [], change: [] };
    expect([l, bad, unknownKey, veth, badPeer, route, badRoute, hdr, badHdr]).toHaveLength(9);
  });
});

// The link model without a kernel: the mapping both ways on bytes captured from this kernel and on
// the kind fixtures, unknown keys refused with nothing sent, the type-level promise that a listed
// Link is a LinkSpec and a LinkChanges, and JSON of 64-bit counters.

import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Reader, Writer } from '../../src/netlink/bytes.js';
import { InvalidArgumentError } from '../../src/netlink/errors.js';
import { forEachMessage } from '../../src/netlink/message.js';
import { decodeContext } from '../../src/netlink/schema/index.js';
import { RTM_NEWLINK, linkMessage } from '../../src/rtnl/generated/link.js';
import type { LinkInfoValue } from '../../src/rtnl/link/kinds.js';
import { isKind, linkKey, type Link, type LinkChanges, type LinkRef, type LinkSpec, type VethPeer } from '../../src/rtnl/link/links.js';
import { linkFromWire, linkToWire, writableData, type LinkWire } from '../../src/rtnl/link/mapping.js';
import { Rtnl } from '../../src/rtnl/rtnl.js';

const fixture = (name: string): { datagrams: { direction: string; hex: string }[] } =>
  JSON.parse(readFileSync(new URL(`../fixtures/kernel/${name}.json`, import.meta.url), 'utf8')) as { datagrams: { direction: string; hex: string }[] };

/** The links of the RTM_NEWLINK replies of a captured fixture, as the model. */
function capturedLinks(name: string): Link[] {
  const out: Link[] = [];
  for (const d of fixture(name).datagrams.filter((x) => x.direction === 'received')) {
    const r = new Reader(Buffer.from(d.hex, 'hex'));
    forEachMessage(r, (m) => {
      if (m.type === RTM_NEWLINK) out.push(linkFromWire(linkMessage.decode(r, m.payloadOffset, m.end)));
    });
  }
  return out;
}

/** model -> wire -> bytes -> wire -> model. */
function throughBytes(link: Partial<Link> & Pick<Link, 'index' | 'name'>): Link {
  const w = new Writer(1024);
  linkMessage.encode(w, linkToWire(link));
  const bytes = w.take();
  return linkFromWire(linkMessage.decode(new Reader(bytes), 0, bytes.length));
}

describe('fromWire(toWire(link)) equals link', () => {
  it('on every link of the captured dumps (lo, veth, bridge and its port, vxlan, macvlan, macvtap)', () => {
    const links = [...capturedLinks('link-dump'), ...capturedLinks('link-lo')];
    expect(links.length).toBeGreaterThanOrEqual(8);
    expect(new Set(links.map((l) => l.kind))).toEqual(new Set([undefined, 'veth', 'bridge', 'vxlan', 'macvlan', 'macvtap']));
    for (const link of links) {
      expect(throughBytes(link), link.name).toEqual(link);
      // The lazily decoded parts included.
      expect(typeof link.stats?.rxBytes, link.name).toBe('bigint');
      expect(link.afSpec, link.name).toBeDefined();
    }
    const port = links.find((l) => l.port !== undefined);
    expect(port?.port).toMatchObject({ kind: 'bridge', data: { cost: expect.any(Number) } });
  });

  it('on every kind fixture (kinds this kernel lacks, ports of bond and vrf)', () => {
    const dir = new URL('../fixtures/kinds/', import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(20);
    for (const f of files) {
      const { expected } = JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as { expected: LinkInfoValue };
      const wire = { family: 'unspec', type: 'ether', index: 7, flags: ['up'], change: [], name: 'k0', mtu: 1500, linkinfo: expected } as LinkWire;
      const link = linkFromWire(wire);
      expect(link.kind, f).toBe(expected.kind);
      expect(link.data, f).toEqual(expected.data);
      expect(link.port, f).toEqual(expected.slaveKind === undefined ? undefined : { kind: expected.slaveKind, data: expected.slaveData });
      expect(throughBytes(link), f).toEqual(link);
    }
  });

  it('on a link with every renamed or converted field', () => {
    const link: Link = {
      index: 9,
      name: 'eth9',
      kind: 'bridge',
      data: { stpState: 1, helloTimer: 12n, multiBoolopt: { optval: 1, optmask: 1 } },
      port: { kind: 'bond', data: { queueId: 3, prio: -5 } },
      flags: ['up', 'multicast', 0x800000],
      linkType: 'ether',
      alias: 'an alias',
      altNames: ['a-very-long-alternative-name', 'alt2'],
      carrier: true,
      protoDown: false,
      netnsImmutable: true,
      master: 4,
      link: 3,
      linkNetnsid: 2,
      operstate: 'up',
      linkmode: 'dormant',
      stats: { rxPackets: (1n << 64n) - 1n, txPackets: 1n, rxBytes: 0n, txBytes: 2n, rxErrors: 0n, txErrors: 0n, rxDropped: 0n, txDropped: 0n, multicast: 0n, collisions: 0n, rxLengthErrors: 0n, rxOverErrors: 0n, rxCrcErrors: 0n, rxFrameErrors: 0n, rxFifoErrors: 0n, rxMissedErrors: 0n, txAbortedErrors: 0n, txCarrierErrors: 0n, txFifoErrors: 0n, txHeartbeatErrors: 0n, txWindowErrors: 0n, rxCompressed: 0n, txCompressed: 0n, rxNohandler: 0n, rxOtherhostDropped: 0n },
    };
    expect(throughBytes(link)).toEqual(link);
    const w = linkToWire(link);
    expect(w).toMatchObject({ ifalias: 'an alias', type: 'ether', carrier: 1, netnsImmutable: 1, propList: { altIfname: ['a-very-long-alternative-name', 'alt2'] }, linkinfo: { kind: 'bridge', slaveKind: 'bond' } });
    expect(w.stats64?.rxPackets).toBe((1n << 64n) - 1n);
  });

  it('keeps stats and afSpec undecoded until read, then plain data properties', () => {
    const [lo] = capturedLinks('link-lo');
    for (const key of ['stats', 'afSpec'] as const) {
      expect(typeof Object.getOwnPropertyDescriptor(lo, key)?.get, key).toBe('function');
    }
    expect(Object.keys(lo)).toEqual(expect.arrayContaining(['stats', 'afSpec']));
    const rx = lo.stats?.rxBytes;
    expect(typeof rx).toBe('bigint');
    expect(Object.getOwnPropertyDescriptor(lo, 'stats')).toMatchObject({ value: lo.stats, enumerable: true, writable: true });
    expect(typeof Object.getOwnPropertyDescriptor(lo, 'afSpec')?.get).toBe('function');
  });

  it('the identity key is the index', () => {
    const [lo] = capturedLinks('link-lo');
    expect(linkKey(lo)).toBe('1');
    const changed: Link = { ...lo, mtu: 1 };
    expect(linkKey(changed)).toBe(linkKey(lo));
  });
});

describe('JSON', () => {
  it('JSON.stringify of a listed link works and keeps 64-bit counters exact, as decimal text', () => {
    const huge = (1n << 63n) + 12345n;
    const payload = Buffer.alloc(200);
    for (let i = 0; i < 25; i++) payload.writeBigUInt64LE(huge + BigInt(i), i * 8);
    // A link message whose IFLA_STATS64 holds counters above 2^53.
    const w = new Writer(512);
    linkMessage.encode(w, { family: 'unspec', type: 'ether', index: 3, flags: ['up'], change: [], name: 'big0', stats64: linkMessage.attrs.entry('stats64')?.codec.decode(new Reader(payload), 0, 200, decodeContext()) as LinkWire['stats64'] });
    const bytes = w.take();
    const link = linkFromWire(linkMessage.decode(new Reader(bytes), 0, bytes.length));
    const parsed = JSON.parse(JSON.stringify(link)) as { stats: Record<string, string> };
    expect(parsed.stats.rxPackets).toBe(huge.toString());
    for (const [k, v] of Object.entries(link.stats ?? {})) expect(BigInt(parsed.stats[k]), k).toBe(v);
    // Listed links of every kind in the captures, bridges (64-bit timers) included.
    for (const l of capturedLinks('link-dump')) {
      const back = JSON.parse(JSON.stringify(l)) as Record<string, unknown>;
      expect(back.name).toBe(l.name);
      expect((back.stats as Record<string, string>).rxBytes).toBe(String(l.stats?.rxBytes));
    }
    const br = capturedLinks('link-dump').find((l) => l.kind === 'bridge') as Link;
    expect(JSON.parse(JSON.stringify(br.data)).gcTimer).toBe(String((br.data as { gcTimer: bigint }).gcTimer));
    // A spread copy too: the counters carry their toJSON.
    expect(() => JSON.stringify({ ...br })).not.toThrow();
  });
});

describe('what a request carries of a listed link', () => {
  it('leaves out the read-only kind data and takes the quirky values back in the form the kernel takes', () => {
    const br = capturedLinks('link-dump').find((l) => l.kind === 'bridge') as Link;
    const d = writableData('bridge', br.data as NonNullable<Link['data']>) as Record<string, unknown>;
    for (const k of ['helloTimer', 'gcTimer', 'rootId', 'bridgeId', 'fdbNLearned', 'vlanFiltering', 'topologyChange']) expect(d[k], k).toBeUndefined();
    expect(d.multiBoolopt).toBeUndefined(); // no option on: nothing to send
    expect(d).toMatchObject({ forwardDelay: 1500, stpState: 0, priority: 32768, mcastMembershipIntvl: 26000n });
    expect(writableData('bridge', { mcastMembershipIntvl: '26000' } as never)).toEqual({ mcastMembershipIntvl: 26000n });
    expect(writableData('vxlan', { id: 5, ttlInherit: false, remcsumRx: 0 })).toEqual({ id: 5 });
    expect(writableData('macvlan', { mode: 'source', macaddrCount: 1, bcQueueLenUsed: 1000, macaddrData: { macaddr: ['02:00:00:00:00:51'] } })).toEqual({ mode: 'source', macaddrMode: 'set', macaddrData: { macaddr: ['02:00:00:00:00:51'] } });
  });
});

describe('unknown keys are refused, naming the key path, and nothing is sent', () => {
  // A handle whose transport fails the test if anything is sent.
  function refusingRtnl(): Rtnl {
    return Rtnl.openSync({
      transport: {
        portId: 1,
        closed: false,
        send(): void {
          throw new Error('nothing may be sent');
        },
        receive: () => null,
        wait: async () => false,
        close(): void {},
      },
    });
  }
  const field = async (p: Promise<unknown>): Promise<string> => {
    const e = await p.then(
      () => 'resolved',
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(InvalidArgumentError);
    return (e as InvalidArgumentError).field;
  };

  it('in add(), at every level, in JS as in TS', async () => {
    const r = refusingRtnl();
    const add = (spec: unknown): Promise<Link> => r.links.add(spec as LinkSpec);
    expect(await field(add({ name: 'vx0', kind: 'vxlan', data: { id: 1, portt: 4789 } }))).toBe('data.portt');
    expect(await field(add({ name: 'vx0', kind: 'vxlan', data: { id: 1, portRange: { low: 1, hi: 2 } } }))).toBe('data.portRange.hi');
    expect(await field(add({ name: 'mv0', kind: 'macvlan', data: { macaddrData: { macadr: [] } } }))).toBe('data.macaddrData.macadr');
    expect(await field(add({ name: 'v0', kind: 'veth', mtuu: 1500 }))).toBe('mtuu');
    expect(await field(add({ name: 'v0', kind: 'veth', ifalias: 'x' }))).toBe('ifalias');
    expect(await field(add({ name: 'v0', kind: 'veth', linkinfo: { kind: 'veth' } }))).toBe('linkinfo');
    expect(await field(add({ name: 'v0', kind: 'veth', peer: { nmae: 'v1' } }))).toBe('peer.nmae');
    expect(await field(add({ name: 'v0', kind: 'veth', peer: { name: 'v1', port: { kind: 'bridge', data: { costt: 1 } } }, master: 1 }))).toBe('peer.port.data.costt');
    expect(await field(add({ name: 'v0', kind: 'veth', master: 1, port: { kind: 'bridge', data: { costt: 1 } } }))).toBe('port.data.costt');
    expect(await field(add({ name: 'v0', kind: 'veth', master: 1, port: { kind: 'bridge', dat: {} } }))).toBe('port.dat');
    expect(await field(add({ name: 'v0', kind: 'veth', flags: ['up', 'upp'] }))).toBe('flags.1');
    expect(await field(add({ name: 'v0', kind: 'veth', up: 'yes' }))).toBe('up');
    expect(await field(add({ name: 'v0', kind: 'veth', data: { peer: {} } }))).toBe('data');
    expect(await field(add({ name: 'v0', kind: 'veth', port: { kind: 'bridge' } }))).toBe('port');
    expect(await field(add({ name: 'v0', kind: 'veth', address: 'not-a-mac' }))).toBe('address');
    expect(await field(add({ name: 'v0', kind: 'veth', altNames: [''] }))).toBe('altNames.0');
    expect(await field(add({ name: 'v0' }))).toBe('kind');
    expect(await field(add({ name: 'x0', kind: 'nosuchkind', data: { a: 1 } }))).toBe('data');
    // Today's range checks on kind data.
    expect(await field(add({ name: 'vx0', kind: 'vxlan', data: { id: 1 << 24 } }))).toBe('data.id');
    expect(await field(add({ name: 'vl0', kind: 'vlan', link: 1, data: { id: 5000 } }))).toBe('data.id');
    expect(await field(add({ name: 'br0', kind: 'bridge', data: { priority: 70000 } }))).toBe('data.priority');
    r.close();
  });

  it('in set(), list() and delete()', async () => {
    const r = refusingRtnl();
    expect(await field(r.links.set('v0', { alais: 'x' } as unknown as LinkChanges))).toBe('alais');
    expect(await field(r.links.set('v0', { data: { id: 1 } }))).toBe('kind');
    expect(await field(r.links.set('v0', { kind: 'vxlan', data: { idd: 1 } as never }))).toBe('data.idd');
    expect(await field(r.links.set('v0', { port: { kind: 'bridge', data: { cst: 1 } as never } }))).toBe('port.data.cst');
    expect(await field(r.links.list({ kindd: 'veth' } as never))).toBe('filter.kindd');
    expect(await field(r.links.delete({ index: 0 }))).toBe('link.index');
    r.close();
  });
});

describe('types: a listed Link is accepted where a link is taken', () => {
  it('Link is assignable to LinkSpec, LinkChanges, VethPeer and LinkRef', () => {
    const [lo] = capturedLinks('link-lo');
    // Compile-time checks: each assignment must type-check.
    const spec: LinkSpec = lo;
    const changes: LinkChanges = lo;
    const peer: VethPeer = lo;
    const ref: LinkRef = lo;
    const veth: LinkSpec = { ...lo, kind: 'veth', peer: lo };
    expect([spec, changes, peer, ref, veth].every((x) => x !== undefined)).toBe(true);
    // Data stays typed by kind in a literal spec.
    const vx: LinkSpec = { name: 'vx0', kind: 'vxlan', data: { id: 42, port: 4789 } };
    // @ts-expect-error a misspelled key of vxlan data
    const typo: LinkSpec = { name: 'vx0', kind: 'vxlan', data: { id: 42, portt: 4789 } };
    // @ts-expect-error dummy links carry no data
    const dummy: LinkSpec = { name: 'd0', kind: 'dummy', data: { id: 1 } };
    expect([vx, typo, dummy]).toHaveLength(3);
    if (isKind(vx, 'vxlan')) expect(vx.data?.id).toBe(42);
  });
});

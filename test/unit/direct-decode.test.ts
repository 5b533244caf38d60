// The direct decoders (bytes straight into the model, what dumps use) give exactly what the wire
// decoder followed by the kind's mapping gives: the same values, the same keys in the same order,
// and the same DecodeError for bytes that do not decode. Checked on every message of every
// captured fixture, on messages made to reach every branch, and on mutated fixture messages.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Reader, Writer } from '../../src/netlink/bytes.js';
import { splitMessages } from '../../src/netlink/message.js';
import { decodeContext } from '../../src/netlink/schema/index.js';
import { RTM_DELLINK, RTM_NEWLINK, linkMessage } from '../../src/rtnl/generated/link.js';
import { RTM_DELROUTE, RTM_NEWROUTE, routeMessage } from '../../src/rtnl/generated/route.js';
import { decodeDirect, linkFromBytes, linkFromWire } from '../../src/rtnl/link/mapping.js';
import type { Link } from '../../src/rtnl/link/model.js';
import { routeFromBytes, routeFromWire, routeToWire } from '../../src/rtnl/route/mapping.js';
import type { Route } from '../../src/rtnl/route/model.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/kernel', import.meta.url));

/** Every message payload (type, datagram, payload bounds) of every fixture under test/fixtures/kernel, both directions. */
function fixtureMessages(): { file: string; type: number; datagram: Buffer; off: number; end: number }[] {
  const out: { file: string; type: number; datagram: Buffer; off: number; end: number }[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.json')) {
        const fx = JSON.parse(readFileSync(path, 'utf8')) as { datagrams?: { hex: string }[] };
        for (const d of fx.datagrams ?? []) {
          const datagram = Buffer.from(d.hex, 'hex');
          let views;
          try {
            views = splitMessages(datagram);
          } catch {
            continue; // not netlink framing (a raw payload)
          }
          for (const m of views) out.push({ file: name, type: m.type, datagram, off: m.payloadOffset, end: m.end });
        }
      }
    }
  };
  walk(FIXTURES);
  return out;
}

/** A value with its keys in order, for comparing key order too (bigints as text). */
const ordered = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));

type Outcome = { ok: true; value: unknown } | { ok: false; error: string };

function outcome(f: () => unknown): Outcome {
  try {
    return { ok: true, value: f() };
  } catch (err) {
    return { ok: false, error: `${(err as Error).constructor.name}: ${(err as Error).message}` };
  }
}

/** Checks that both decoders agree on the payload; returns the model (or undefined when both failed). */
function sameRoute(datagram: Uint8Array, off: number, end: number, what: string): Route | undefined {
  const r = new Reader(datagram);
  const viaWire = outcome(() => routeFromWire(routeMessage.decode(r, off, end, decodeContext())));
  // A context reused across messages, as a dump does.
  const ctx = decodeContext();
  ctx.path.push('stale');
  ctx.depth = 3;
  const direct = outcome(() => routeFromBytes(r, off, end, ctx));
  if (!viaWire.ok || !direct.ok) {
    expect(direct, what).toEqual(viaWire);
    return undefined;
  }
  expect(direct.value, what).toStrictEqual(viaWire.value);
  expect(ordered(direct.value), what).toBe(ordered(viaWire.value));
  return direct.value as Route;
}

/** Checks that both link decoders agree, the lazily decoded stats and afSpec read (and so compared) too. */
function sameLink(datagram: Uint8Array, off: number, end: number, what: string): Link | undefined {
  const r = new Reader(datagram);
  const read = (l: Link): Link => {
    void l.stats;
    void l.afSpec;
    return l;
  };
  const viaWire = outcome(() => read(linkFromWire(linkMessage.decode(r, off, end, decodeContext()))));
  const ctx = decodeContext();
  ctx.path.push('stale');
  const direct = outcome(() => read(linkFromBytes(r, off, end, ctx)));
  if (!viaWire.ok || !direct.ok) {
    expect(direct, what).toEqual(viaWire);
    return undefined;
  }
  expect(direct.value, what).toStrictEqual(viaWire.value);
  expect(ordered(direct.value), what).toBe(ordered(viaWire.value));
  return direct.value as Link;
}

function routeBytes(value: Record<string, unknown>): Buffer {
  const w = new Writer(256);
  routeMessage.encode(w, value as never);
  return Buffer.from(w.take());
}

describe('routeFromBytes gives what routeFromWire(routeMessage.decode(...)) gives', () => {
  it('on every route message of every captured fixture', () => {
    const msgs = fixtureMessages().filter((m) => m.type === RTM_NEWROUTE || m.type === RTM_DELROUTE);
    expect(msgs.length).toBeGreaterThan(20);
    const routes = msgs.map((m, i) => sameRoute(m.datagram, m.off, m.end, `${m.file} message ${i}`));
    // The fixtures hold both families and the kernel's usual attributes.
    expect(routes.some((r) => r?.family === 'inet6' && r.pref !== undefined)).toBe(true);
    expect(routes.some((r) => r?.family === 'inet' && r.prefsrc !== undefined)).toBe(true);
  });

  it('on routes that reach every attribute it reads', () => {
    const routes: Route[] = [
      { family: 'inet', dst: '198.51.100.0/24', table: 100, type: 'unicast', protocol: 'static', scope: 'global', flags: ['onlink'], gateway: '192.0.2.1', oif: 2, priority: 10, prefsrc: '192.0.2.9', tos: 4, mark: 7, uid: 1000, realms: { from: 1, to: 2 } },
      { family: 'inet', dst: 'default', table: 254, type: 'unicast', protocol: 'boot', scope: 'global', flags: [], nexthops: [{ oif: 2, weight: 1, flags: [], gateway: '192.0.2.1' }, { oif: 3, weight: 256, flags: ['onlink'], realms: { from: 3, to: 4 } }] },
      { family: 'inet', dst: '203.0.113.0/24', table: 1000, type: 'unicast', protocol: 'static', scope: 'global', flags: [], oif: 2, metrics: { mtu: 1400, rtt: 0.5, lock: ['mtu'], ccAlgo: 'cubic' }, src: '192.0.2.0/24' },
      { family: 'inet6', dst: '2001:db8::/32', table: 254, type: 'unicast', protocol: 'ra', scope: 'global', flags: [], via: '192.0.2.1', oif: 2, pref: 'high', expires: 30, nexthopId: 5 },
      { family: 'inet6', dst: '2001:db8:1::1/128', src: '2001:db8::/48', table: 255, type: 'local', protocol: 'kernel', scope: 'host', flags: [], iif: 1, pref: 2 },
      { family: 'inet', dst: '198.18.0.0/15', table: 100, type: 'blackhole', protocol: 'static', scope: 'global', flags: [], error: -113 },
      { family: 'inet', dst: '0.0.0.0/8', table: 100, type: 'unreachable', protocol: 99, scope: 200, flags: [0x10000], oif: 4 },
    ];
    for (const [i, route] of routes.entries()) {
      const bytes = routeBytes(routeToWire(route) as Record<string, unknown>);
      expect(sameRoute(bytes, 0, bytes.length, `route ${i}`)).toBeDefined();
    }
    // Facts only the kernel writes: cacheinfo (expiry in ticks, error), a destination without its
    // attribute, an unknown enum number, MPLS, an attribute the model ignores, an unknown one.
    const wires: Record<string, unknown>[] = [
      { family: 'inet6', dstLen: 64, srcLen: 0, tos: 0, rtmTable: 254, protocol: 'ra', scope: 'universe', type: 'unicast', flags: [], dst: '2001:db8::', oif: 2, cacheinfo: { clntref: 0, lastuse: 0, expires: 2950, error: 0, used: 0, id: 0, ts: 0, tsage: 0 }, pref: 'medium' },
      { family: 'inet6', dstLen: 64, srcLen: 0, tos: 0, rtmTable: 254, protocol: 'ra', scope: 'universe', type: 'unicast', flags: [], dst: '2001:db8::', cacheinfo: { clntref: 0, lastuse: 0, expires: -5, error: 4294967183, used: 0, id: 0, ts: 0, tsage: 0 } },
      { family: 'inet', dstLen: 24, srcLen: 8, tos: 0, rtmTable: 254, protocol: 'boot', scope: 'link', type: 'unicast', flags: [], oif: 2 },
      { family: 'inet6', dstLen: 48, srcLen: 0, tos: 0, rtmTable: 254, protocol: 'boot', scope: 'link', type: 'unspec', flags: [], table: 300 },
      { family: 77, dstLen: 0, srcLen: 0, tos: 0, rtmTable: 254, protocol: 'boot', scope: 'universe', type: 40, flags: [], pref: 'invalid' },
      { family: 'mpls', dstLen: 20, srcLen: 0, tos: 0, rtmTable: 254, protocol: 'boot', scope: 'universe', type: 'unicast', flags: [], dst: [{ label: 300 }], newdst: [{ label: 400 }], via: { family: 'inet', addr: '192.0.2.1' }, oif: 2 },
      { family: 'inet', dstLen: 32, srcLen: 0, tos: 0, rtmTable: 254, protocol: 'boot', scope: 'link', type: 'unicast', flags: [], dst: '192.0.2.1', encapType: 'mpls', ttlPropagate: 1 },
    ];
    for (const [i, wire] of wires.entries()) {
      const bytes = routeBytes(wire);
      expect(sameRoute(bytes, 0, bytes.length, `wire ${i}`)).toBeDefined();
    }
    const unknown = Buffer.concat([routeBytes(wires[2]), Buffer.from([8, 0, 0x7f, 0, 1, 2, 3, 4])]);
    expect(sameRoute(unknown, 0, unknown.length, 'unknown attribute')).toBeDefined();
  });

  it('on mutated fixture messages: the same value, or the same DecodeError', () => {
    const msgs = fixtureMessages().filter((m) => m.type === RTM_NEWROUTE);
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    let failures = 0;
    for (let i = 0; i < 4000; i++) {
      const m = msgs[rand(msgs.length)];
      let p = Buffer.from(m.datagram.subarray(m.off, m.end));
      switch (rand(5)) {
        case 0: // flip bytes
          for (let k = 1 + rand(3); k > 0; k--) p[rand(p.length)] = rand(256);
          break;
        case 1: // truncate
          p = p.subarray(0, rand(p.length + 1));
          break;
        case 2: // repeat an attribute
          p = Buffer.concat([p, p.subarray(12, Math.min(p.length, 12 + 8))]);
          break;
        case 3: // an attribute with type flags set
          if (p.length > 15) p[15] |= 0x80 >> rand(2);
          break;
        default: // a length field changed
          if (p.length > 13) p.writeUInt16LE(rand(64), 12);
      }
      if (sameRoute(p, 0, p.length, `mutation ${i}`) === undefined) failures++;
    }
    // Some mutations decode, others fail: both ways were compared.
    expect(failures).toBeGreaterThan(0);
    expect(failures).toBeLessThan(4000);
  });
});

describe('linkFromBytes gives what linkFromWire(linkMessage.decode(...)) gives', () => {
  it('on every link message of every captured fixture, stats and afSpec included', () => {
    const msgs = fixtureMessages().filter((m) => m.type === RTM_NEWLINK || m.type === RTM_DELLINK);
    expect(msgs.length).toBeGreaterThan(20);
    const links = msgs.map((m, i) => sameLink(m.datagram, m.off, m.end, `${m.file} message ${i}`));
    expect(links.some((l) => l?.kind === 'vxlan' && l.data !== undefined)).toBe(true);
    expect(links.some((l) => l?.port !== undefined)).toBe(true);
    expect(links.some((l) => typeof l?.stats?.rxBytes === 'bigint')).toBe(true);
  });

  it('on links that reach every attribute it reads', () => {
    // Every attribute the direct decoder names (its switch), each once, and a few it checks and drops.
    const full = {
      family: 'bridge', type: 1, index: 7, flags: ['up', 'broadcast'], change: [],
      address: '02:00:00:00:00:07', broadcast: 'ff:ff:ff:ff:ff:ff', name: 'br-port0', mtu: 1500, link: 3, qdisc: 'noqueue',
      stats: { rxPackets: 1, txPackets: 2, rxBytes: 3, txBytes: 4, rxErrors: 0, txErrors: 0, rxDropped: 0, txDropped: 0, multicast: 0, collisions: 0, rxLengthErrors: 0, rxOverErrors: 0, rxCrcErrors: 0, rxFrameErrors: 0, rxFifoErrors: 0, rxMissedErrors: 0, txAbortedErrors: 0, txCarrierErrors: 0, txFifoErrors: 0, txHeartbeatErrors: 0, txWindowErrors: 0, rxCompressed: 0, txCompressed: 0, rxNohandler: 0 },
      master: 9, protinfo: { state: 3, cost: 100 }, txqlen: 1000, operstate: 'up', linkmode: 'dormant',
      linkinfo: { kind: 'veth', slaveKind: 'bridge' }, ifalias: 'uplink', numVf: 0, afSpec: { mode: 'veb' },
      group: 2, promiscuity: 1, numTxQueues: 4, numRxQueues: 4, carrier: 1, physPortId: new Uint8Array([1, 2, 3]), carrierChanges: 5,
      physSwitchId: new Uint8Array([9, 8]), linkNetnsid: -1, physPortName: 'p0', protoDown: 1, gsoMaxSegs: 65535, gsoMaxSize: 65536,
      xdp: { attached: 0 }, carrierUpCount: 3, carrierDownCount: 2, minMtu: 68, maxMtu: 65535, propList: { altIfname: ['port-zero', 'p-0'] },
      permAddress: '02:00:00:00:00:70', protoDownReason: { mask: 1, value: 1 }, parentDevName: '0000:00:03.0', parentDevBusName: 'pci',
      groMaxSize: 65536, tsoMaxSize: 524280, tsoMaxSegs: 65535, allmulti: 0, gsoIpv4MaxSize: 65536, groIpv4MaxSize: 65536,
      maxPacingOffloadHorizon: 10, netnsImmutable: 1, headroom: 32, tailroom: 16,
      // Read by neither decoder's model: checked and dropped.
      weight: 3, cost: 'c', map: { memStart: 0n, memEnd: 0n, baseAddr: 0n, irq: 0, dma: 0, port: 0 },
    };
    const w = new Writer(2048);
    linkMessage.encode(w, full as never);
    const p = Buffer.from(w.take());
    // Taken by the direct decoder itself, not handed to the wire decoder.
    expect(decodeDirect(new Reader(p), 0, p.length, decodeContext())).toBeDefined();
    const l = sameLink(p, 0, p.length, 'every attribute') as Link;
    expect(l).toBeDefined();
    // Each read into its own field (a label on the wrong case would move or lose one).
    expect([l.name, l.mtu, l.link, l.master, l.txqlen, l.group, l.numTxQueues, l.carrierChanges, l.linkNetnsid, l.minMtu, l.maxMtu, l.headroom, l.tailroom]).toEqual(['br-port0', 1500, 3, 9, 1000, 2, 4, 5, -1, 68, 65535, 32, 16]);
    expect([l.address, l.broadcast, l.permAddress, l.qdisc, l.alias, l.physPortName, l.parentDevName, l.parentDevBusName]).toEqual(['02:00:00:00:00:07', 'ff:ff:ff:ff:ff:ff', '02:00:00:00:00:70', 'noqueue', 'uplink', 'p0', '0000:00:03.0', 'pci']);
    expect([l.carrier, l.protoDown, l.netnsImmutable, l.altNames, l.protoDownReason, l.kind, l.port?.kind]).toEqual([true, true, true, ['port-zero', 'p-0'], { mask: 1, value: 1 }, 'veth', 'bridge']);
    expect([l.gsoMaxSegs, l.gsoMaxSize, l.groMaxSize, l.tsoMaxSize, l.tsoMaxSegs, l.gsoIpv4MaxSize, l.groIpv4MaxSize, l.carrierUpCount, l.carrierDownCount, l.promiscuity, l.allmulti, l.numRxQueues, l.numVf]).toEqual([65535, 65536, 65536, 524280, 65535, 65536, 65536, 3, 2, 1, 0, 4, 0]);
    expect(l.stats?.txBytes).toBe(4n);
    expect(l.protinfo).toEqual({ state: 3, cost: 100 });
  });

  it('before its lazily decoded fields are read: the same keys, and the same values once read', () => {
    const m = fixtureMessages().find((x) => x.type === RTM_NEWLINK) as { datagram: Buffer; off: number; end: number };
    const r = new Reader(m.datagram);
    const direct = linkFromBytes(r, m.off, m.end, decodeContext());
    const viaWire = linkFromWire(linkMessage.decode(r, m.off, m.end));
    expect(Object.keys(direct)).toEqual(Object.keys(viaWire));
    // What the lazy fields are read from is hidden: no own key beyond the model's, either way.
    expect(Reflect.ownKeys(direct)).toEqual(Object.keys(direct));
    expect(Reflect.ownKeys(viaWire)).toEqual(Object.keys(viaWire));
    expect(Object.getPrototypeOf(direct)).toBe(Object.prototype);
    // The receive buffer is reused: what is read later comes from a copy.
    m.datagram.fill(0xee);
    expect(ordered(direct)).toBe(ordered(viaWire));
  });

  it('on mutated fixture messages: the same value, or the same DecodeError', () => {
    const msgs = fixtureMessages().filter((m) => m.type === RTM_NEWLINK);
    let seed = 777;
    const rand = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    let failures = 0;
    for (let i = 0; i < 3000; i++) {
      const m = msgs[rand(msgs.length)];
      let p = Buffer.from(m.datagram.subarray(m.off, m.end));
      switch (rand(5)) {
        case 0:
          for (let k = 1 + rand(3); k > 0; k--) p[rand(p.length)] = rand(256);
          break;
        case 1:
          p = p.subarray(0, rand(p.length + 1));
          break;
        case 2:
          p = Buffer.concat([p, p.subarray(16, Math.min(p.length, 16 + 12))]);
          break;
        case 3:
          if (p.length > 19) p[19] |= 0x80 >> rand(2);
          break;
        default:
          if (p.length > 17) p.writeUInt16LE(rand(64), 16);
      }
      if (sameLink(p, 0, p.length, `mutation ${i}`) === undefined) failures++;
    }
    expect(failures).toBeGreaterThan(0);
    expect(failures).toBeLessThan(3000);
  });
});

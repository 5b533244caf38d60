// The direct route encoder (routeToBytes: model -> request bytes, used by add/replace/append/
// change/delete) against the generic path it stands in for (routeToWireParsed, then the generated
// route schema's encoder): the same bytes for every route, over many generated routes of every
// shape (IPv4/IPv6, multipath, metrics, every field, values out of range or of the wrong type);
// where it declines a value, it writes nothing and the generic encoder gives its usual error. Then
// the same at the API: what routes.add(spec) puts on the wire for generated specs, byte for byte,
// and bad specs refused before anything is sent.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from '../../src/netlink/addr.js';
import { Writer } from '../../src/netlink/bytes.js';
import { InvalidArgumentError } from '../../src/netlink/errors.js';
import { NLMSG_ERROR, NLMSG_HDRLEN } from '../../src/netlink/constants.js';
import type { Transport } from '../../src/netlink/transport.js';
import { parsePrefix, type Prefix } from '../../src/rtnl/common/prefix.js';
import { RtmType, RtnhFlags, RtProtocol, RtScope } from '../../src/rtnl/generated/common.js';
import { RtmFlags, routeMessage, RTM_NEWROUTE } from '../../src/rtnl/generated/route.js';
import { routeToBytes, routeToWireParsed } from '../../src/rtnl/route/mapping.js';
import type { Route, RouteMetrics, RouteNexthop, RouteSpec } from '../../src/rtnl/route/model.js';
import type { Routes } from '../../src/rtnl/route/routes.js';
import { Rtnl } from '../../src/rtnl/rtnl.js';

// ---------------------------------------------------------------------------------------------
// Generators

const v4Text = fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => formatIPv4(b, 0));
const v6Text = fc.oneof(
  fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => formatIPv6(b, 0)),
  fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Array.from({ length: 8 }, (_, i) => ((b[2 * i] << 8) | b[2 * i + 1]).toString(16).toUpperCase()).join(':')),
  v4Text.map((t) => `::ffff:${t}`),
  fc.constantFrom('::', '::1', '2001:db8::1', 'fe80::1%eth0'),
);
const addrText = (family: 'inet' | 'inet6'): fc.Arbitrary<string> => (family === 'inet' ? v4Text : v6Text);
const prefixOf = (family: 'inet' | 'inet6'): fc.Arbitrary<Prefix> =>
  fc.tuple(addrText(family), fc.integer({ min: 0, max: family === 'inet' ? 32 : 128 }), fc.boolean()).map(([a, len, bare]) => parsePrefix(bare ? a : `${a}/${len}`, 'dst'));

// Routes are generated clean (every value one the operations class could hand over) or odd (any
// field may also be out of range or of another type: there the generic encoder's errors count).

/** `arbitrary`, and with `odd` sometimes one of `oddValues`. */
const orOdd = <T>(odd: boolean, arbitrary: fc.Arbitrary<T>, ...oddValues: unknown[]): fc.Arbitrary<unknown> =>
  odd ? fc.oneof({ weight: 6, arbitrary }, { weight: 1, arbitrary: fc.constantFrom(...oddValues) }) : arbitrary;

/** A value of a u8/u32 field: mostly in range, sometimes at its bounds (or past them, or not a number). */
const intField = (odd: boolean, max: number): fc.Arbitrary<unknown> =>
  orOdd(
    odd,
    fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max }) }, { weight: 1, arbitrary: fc.constantFrom(0, 1, max, ...[255, 256, 0xffff, 0x10000, 0x7fffffff, 0x80000000].filter((v) => v <= max)) }),
    -1, max + 1, 2 ** 32, 1.5, -0, Number.NaN, Infinity, '7', null,
  );
const enumField = (odd: boolean, entries: Readonly<Record<string, number>>): fc.Arbitrary<unknown> =>
  orOdd(odd, fc.oneof(fc.constantFrom(...Object.keys(entries)), intField(false, 255)), 'nope', 'toString', 'constructor', 256, -1);
const flagsField = (odd: boolean, bits: Readonly<Record<string, number>>, width: number): fc.Arbitrary<unknown> =>
  orOdd(odd, fc.array(fc.oneof(fc.constantFrom(...Object.keys(bits)), fc.integer({ min: 0, max: width - 1 }).map((b) => 2 ** b)), { maxLength: 4 }), undefined, 'onlink', ['bogus'], [1.5], ['toString'], [2 ** width]);
const realmsField = (odd: boolean): fc.Arbitrary<unknown> => orOdd(odd, fc.record({ from: fc.integer({ min: 0, max: 0xffff }), to: fc.integer({ min: 0, max: 0xffff }) }), { from: 1 }, 7);

const METRIC_NAMES = ['mtu', 'window', 'rtt', 'rttvar', 'ssthresh', 'cwnd', 'advmss', 'reordering', 'hoplimit', 'initcwnd', 'features', 'rtoMin', 'initrwnd', 'quickack', 'fastopenNoCookie'] as const;
const metricsField = (odd: boolean): fc.Arbitrary<unknown> =>
  orOdd(
    odd,
    fc
      .array(
        fc.oneof(
          fc.tuple(fc.constantFrom(...METRIC_NAMES), fc.oneof(fc.integer({ min: 0, max: 100000 }), intField(odd, 0xffffffff))),
          // the times in seconds (scaled to ms << 3, ms << 2, ms on the wire)
          fc.tuple(fc.constantFrom('rtt', 'rttvar', 'rtoMin'), fc.double({ min: 0, max: 500, noNaN: true })),
          fc.tuple(fc.constant('lock'), fc.array(fc.oneof(fc.constantFrom(...METRIC_NAMES), fc.integer({ min: 0, max: 31 })), { maxLength: 4 })),
          fc.tuple(fc.constant('ccAlgo'), fc.oneof(fc.constantFrom('cubic', 'bbr', 'dctcp', 'rénö'), fc.string({ minLength: 1, maxLength: 12 }))),
        ),
        { maxLength: 6 },
      )
      .map((entries) => Object.fromEntries(entries) as RouteMetrics),
    { bogus: 1 }, { lock: 'mtu' }, { ccAlgo: 5 }, { mtu: undefined }, {},
  );

const nexthop = (odd: boolean, family: 'inet' | 'inet6'): fc.Arbitrary<RouteNexthop> =>
  fc.record(
    {
      oif: orOdd(odd, fc.oneof(fc.integer({ min: 0, max: 100000 }), fc.constant(0x7fffffff)), 0x80000000, -1, undefined),
      weight: orOdd(odd, fc.integer({ min: 1, max: 256 }), 0, 257, undefined),
      flags: flagsField(odd, RtnhFlags, 8),
      gateway: addrText(family),
      via: addrText(family === 'inet' ? 'inet6' : 'inet'),
      realms: realmsField(odd),
    },
    { requiredKeys: ['oif', 'weight', 'flags'] },
  ) as fc.Arbitrary<RouteNexthop>;

/** A route as the operations class hands it to the encoder (and beyond: every field, odd values). */
const routeCase = fc.tuple(fc.constantFrom('inet' as const, 'inet6' as const), fc.boolean()).chain(([family, odd]) =>
  fc.record(
    {
      family: orOdd(odd, fc.constant(family), 'mpls', 'bridge', 7, undefined),
      dst: fc.option(prefixOf(family), { nil: undefined }),
      src: fc.option(prefixOf(family), { nil: undefined, freq: 3 }),
      table: fc.oneof(fc.constantFrom(254, 255, 253, 100, 256, 1000, 0xffffffff), intField(odd, 0xffffffff)),
      type: enumField(odd, RtmType),
      protocol: enumField(odd, RtProtocol),
      scope: fc.oneof(fc.constantFrom('global', 'universe'), enumField(odd, RtScope)),
      flags: flagsField(odd, RtmFlags, 32),
      tos: intField(odd, 255),
      priority: intField(odd, 0xffffffff),
      prefsrc: orOdd(odd, addrText(family), 'not an address', 5),
      gateway: orOdd(odd, addrText(family), '1.2.3', 5),
      via: orOdd(odd, addrText(family === 'inet' ? 'inet6' : 'inet'), '1:2:3', 5),
      oif: intField(odd, 0xffffffff),
      iif: intField(odd, 0xffffffff),
      nexthops: orOdd(odd, fc.array(nexthop(odd, family), { minLength: 1, maxLength: 4 }), 'x', [null]),
      nexthopId: intField(odd, 0xffffffff),
      metrics: metricsField(odd),
      pref: enumField(odd, { low: 3, medium: 0, high: 1, invalid: 2 }),
      expires: intField(odd, 0x7fffffff),
      realms: realmsField(odd),
      error: fc.oneof(fc.integer({ min: -200, max: 200 }), fc.constant(0x7fffffff)),
      mark: intField(odd, 0xffffffff),
      uid: intField(odd, 0xffffffff),
    },
    { requiredKeys: ['family', 'dst', 'table', 'type', 'protocol', 'scope', 'flags'] },
  ),
);

// ---------------------------------------------------------------------------------------------
// The two encoders

/** A writer whose buffer holds stale bytes, as the engine's reused request buffer does. */
function dirtyWriter(): Writer {
  const w = new Writer(64);
  w.buf.fill(0xa5);
  w.bytes(Uint8Array.of(1, 2, 3, 4)); // something before the payload, as a message header is
  return w;
}

type Outcome = { bytes: string } | { error: Error };

function generic(r: Route, dst: Prefix | undefined, src: Prefix | undefined): Outcome {
  const w = dirtyWriter();
  try {
    routeMessage.encode(w, routeToWireParsed(r, dst, src));
    return { bytes: w.buf.subarray(0, w.length).toString('hex') };
  } catch (error) {
    return { error: error as Error };
  }
}

/** The direct encoder, falling back to the generic one as routes.ts does; also whether it declined. */
function direct(r: Route, dst: Prefix | undefined, src: Prefix | undefined): Outcome & { declined: boolean } {
  const w = dirtyWriter();
  let declined = false;
  try {
    if (!routeToBytes(w, r, dst, src)) {
      declined = true;
      expect(w.length).toBe(4); // nothing written
      routeMessage.encode(w, routeToWireParsed(r, dst, src));
    }
    return { bytes: w.buf.subarray(0, w.length).toString('hex'), declined };
  } catch (error) {
    return { error: error as Error, declined };
  }
}

function describeOutcome(o: Outcome): string {
  return 'bytes' in o ? o.bytes : `${o.error.constructor.name}: ${o.error.message}${o.error instanceof InvalidArgumentError ? ` (${o.error.field})` : ''}`;
}

describe('routeToBytes: the same bytes as routeToWireParsed + the route schema encoder', () => {
  it('for generated routes of every shape (values in and out of range), or declines and leaves the error to it', () => {
    let declined = 0;
    let encoded = 0;
    fc.assert(
      fc.property(routeCase, (c) => {
        const { dst, src, ...rest } = c as typeof c & { dst?: Prefix; src?: Prefix };
        const route = { ...rest, dst: dst === undefined ? 'default' : `${dst.address}/${dst.length}` } as unknown as Route;
        if (src !== undefined) route.src = `${src.address}/${src.length}`;
        const g = generic(route, dst, src);
        const d = direct(route, dst, src);
        expect(describeOutcome(d)).toBe(describeOutcome(g));
        if (d.declined) declined++;
        else encoded++;
      }),
      { numRuns: 5000, seed: 11 },
    );
    // Clean routes take the direct path; odd ones exercise the fallback.
    expect(encoded).toBeGreaterThan(2000);
    expect(declined).toBeGreaterThan(0);
  });

  it('for routes whose values are all valid it never declines', () => {
    const valid: Route[] = [
      { family: 'inet', dst: '198.18.0.1/32', table: 100, type: 1, protocol: 3, scope: 253, flags: [], oif: 3 },
      { family: 'inet6', dst: '2001:db8::/64', table: 1000, type: 'unicast', protocol: 'static', scope: 'global', flags: ['onlink'], priority: 1024, gateway: 'fe80::1', oif: 2, pref: 'high', expires: 60, metrics: { mtu: 1400, lock: ['mtu', 3], ccAlgo: 'cubic', rtt: 0.125 } },
      { family: 'inet', dst: 'default', table: 254, type: 1, protocol: 4, scope: 0, flags: [], nexthops: [{ oif: 2, weight: 1, flags: [], gateway: '192.0.2.1' }, { oif: 3, weight: 256, flags: ['onlink'], via: '2001:db8::1', realms: { from: 1, to: 2 } }], realms: { from: 3, to: 4 }, tos: 16, prefsrc: '192.0.2.9' },
      { family: 'inet', dst: '203.0.113.0/24', src: '198.51.100.0/24', table: 255, type: 2, protocol: 2, scope: 254, flags: [], nexthopId: 7, iif: 5, mark: 1, uid: 1000, error: -101 },
    ];
    for (const r of valid) {
      const dst = r.dst === 'default' ? undefined : parsePrefix(r.dst, 'dst');
      const src = r.src === undefined ? undefined : parsePrefix(r.src, 'src');
      const d = direct(r, dst, src);
      expect(d.declined).toBe(false);
      expect(describeOutcome(d)).toBe(describeOutcome(generic(r, dst, src)));
    }
  });
});

// ---------------------------------------------------------------------------------------------
// At the API: what routes.add(spec) sends

/** A kernel that ACKs every request and keeps what it was sent. */
class AckingTransport implements Transport {
  readonly portId = 4242;
  closed = false;
  readonly replyRoom = 1 << 20;
  readonly sent: Buffer[] = [];
  private reply: Buffer | null = null;
  send(datagram: Uint8Array): void {
    const d = Buffer.from(datagram);
    this.sent.push(d);
    // One ACK for the last message (the engine asks an ACK of the last request of a write only).
    let off = 0;
    let last = 0;
    while (off < d.length) {
      last = off;
      off += (d.readUInt32LE(off) + 3) & ~3;
    }
    const ack = Buffer.alloc(2 * NLMSG_HDRLEN + 4);
    ack.writeUInt32LE(ack.length, 0);
    ack.writeUInt16LE(NLMSG_ERROR, 4);
    ack.writeUInt32LE(d.readUInt32LE(last + 8), 8);
    ack.writeUInt32LE(this.portId, 12);
    d.copy(ack, 20, last, last + NLMSG_HDRLEN);
    this.reply = ack;
  }
  receive(): Uint8Array | null {
    const r = this.reply;
    this.reply = null;
    return r;
  }
  wait(): Promise<boolean> {
    return Promise.resolve(true);
  }
  close(): void {
    this.closed = true;
  }
}

/** The messages of the datagrams sent, one buffer each. */
function messagesOf(datagrams: Buffer[]): Buffer[] {
  const out: Buffer[] = [];
  for (const d of datagrams) for (let off = 0; off < d.length; off += (d.readUInt32LE(off) + 3) & ~3) out.push(d.subarray(off, off + d.readUInt32LE(off)));
  return out;
}

type Resolver = { resolve(spec: RouteSpec, del: boolean, names: Map<string, number>): { route: Route; dst: Prefix | undefined; src: Prefix | undefined } };

/** What the generic path makes of a spec: the payload bytes (hex), or its error. */
function genericPayload(routes: Routes, spec: RouteSpec, del: boolean): Outcome {
  try {
    const { route, dst, src } = (routes as unknown as Resolver).resolve(spec, del, new Map());
    return generic(route, dst, src);
  } catch (error) {
    return { error: error as Error };
  }
}

const specCase: fc.Arbitrary<RouteSpec> = fc.constantFrom('inet' as const, 'inet6' as const).chain((family) => {
  const pfx = fc.tuple(addrText(family), fc.integer({ min: 0, max: family === 'inet' ? 32 : 128 })).map(([a, n]) => `${a}/${n}`);
  return fc.record(
    {
      family: fc.constant(family),
      dst: fc.oneof(pfx, fc.constant('default'), addrText(family)),
      src: pfx,
      table: fc.oneof(fc.constantFrom('main' as const, 'local' as const, 'default' as const), fc.integer({ min: 1, max: 0xffffffff })),
      type: fc.constantFrom('unicast', 'local', 'blackhole', 'unreachable', 'prohibit', 'throw', 'broadcast', 'multicast', 'anycast', 'nat', 7),
      protocol: fc.oneof(fc.constantFrom('boot', 'static', 'kernel', 'bgp', 'ra'), fc.integer({ min: 0, max: 255 })),
      scope: fc.oneof(fc.constantFrom('global', 'universe', 'link', 'host', 'site', 'nowhere'), fc.integer({ min: 0, max: 255 })),
      flags: fc.array(fc.constantFrom('onlink', 'dead', 'linkdown', 'cloned'), { maxLength: 3 }),
      tos: fc.integer({ min: 0, max: 255 }),
      priority: fc.integer({ min: 0, max: 0xffffffff }),
      prefsrc: addrText(family),
      gateway: addrText(family),
      oif: fc.integer({ min: 1, max: 0xffffffff }),
      iif: fc.integer({ min: 1, max: 100 }),
      metrics: fc.record(
        {
          mtu: fc.integer({ min: 0, max: 0xffffffff }),
          advmss: fc.integer({ min: 0, max: 65535 }),
          rtt: fc.double({ min: 0, max: 1000, noNaN: true }),
          rtoMin: fc.double({ min: 0, max: 100, noNaN: true }),
          hoplimit: fc.integer({ min: 0, max: 255 }),
          ccAlgo: fc.constantFrom('cubic', 'bbr'),
          lock: fc.array(fc.constantFrom('mtu', 'advmss', 'rtt', 'hoplimit'), { maxLength: 3 }),
        },
        { requiredKeys: [] },
      ),
      error: fc.integer({ min: -200, max: 0 }),
      mark: fc.nat(),
      uid: fc.nat(),
      ...(family === 'inet' ? { realms: fc.record({ from: fc.integer({ min: 0, max: 0xffff }), to: fc.integer({ min: 0, max: 0xffff }) }) } : { pref: fc.constantFrom('low', 'medium', 'high', 1), expires: fc.integer({ min: 0, max: 0x7fffffff }) }),
    } as Record<string, fc.Arbitrary<unknown>>,
    { requiredKeys: ['dst'] },
  ) as fc.Arbitrary<RouteSpec>;
});

/** A multipath spec, or one through a nexthop object (its paths then read-only and not sent). */
const multipathSpec: fc.Arbitrary<RouteSpec> = fc.constantFrom('inet' as const, 'inet6' as const).chain((family) =>
  fc.record(
    {
      dst: fc.tuple(addrText(family), fc.integer({ min: 0, max: family === 'inet' ? 32 : 128 })).map(([a, n]) => `${a}/${n}`),
      table: fc.integer({ min: 1, max: 5000 }),
      nexthopId: fc.option(fc.integer({ min: 1, max: 0xffffffff }), { nil: undefined, freq: 3 }),
      nexthops: fc.array(
        fc.record(
          {
            gateway: addrText(family),
            via: family === 'inet' ? addrText('inet6') : fc.constant(undefined),
            oif: fc.integer({ min: 1, max: 0x7fffffff }),
            weight: fc.integer({ min: 1, max: 256 }),
            flags: fc.array(fc.constantFrom('onlink', 'dead'), { maxLength: 2 }),
            ...(family === 'inet' ? { realms: fc.record({ from: fc.integer({ min: 0, max: 0xffff }), to: fc.integer({ min: 0, max: 0xffff }) }) } : {}),
          },
          { requiredKeys: [] },
        ),
        { minLength: 1, maxLength: 5 },
      ),
    },
    { requiredKeys: ['dst', 'nexthops'] },
  ).map((s) => {
    // gateway and via are exclusive in a path
    for (const nh of s.nexthops) if (nh.gateway !== undefined && nh.via !== undefined) delete (nh as { via?: string }).via;
    for (const nh of s.nexthops) if (nh.via === undefined) delete (nh as { via?: string }).via;
    if (s.nexthopId === undefined) delete (s as { nexthopId?: number }).nexthopId;
    return s as RouteSpec;
  }),
);

describe('routes.add/delete put the generic path bytes on the wire', () => {
  async function check(spec: RouteSpec, del: boolean): Promise<void> {
    const t = new AckingTransport();
    const rtnl = await Rtnl.open({ transport: t });
    try {
      const expected = genericPayload(rtnl.routes, spec, del);
      const outcome = await (del ? rtnl.routes.delete(spec) : rtnl.routes.add(spec)).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      if ('error' in expected) {
        // Refused before anything was sent, as before.
        expect(outcome).toBeInstanceOf(InvalidArgumentError);
        expect(describeOutcome({ error: outcome as Error })).toBe(describeOutcome(expected));
        expect(t.sent).toEqual([]);
        return;
      }
      expect(outcome).toBeUndefined();
      const [m, ...more] = messagesOf(t.sent);
      expect(more).toEqual([]);
      expect(m.readUInt16LE(4)).toBe(del ? 25 : RTM_NEWROUTE);
      // the payload after nlmsghdr; `expected` starts with the 4 bytes dirtyWriter puts first
      expect(m.subarray(NLMSG_HDRLEN).toString('hex')).toBe(expected.bytes.slice(8));
    } finally {
      rtnl.close();
    }
  }

  it('for generated specs of every field (IPv4 and IPv6)', async () => {
    await fc.assert(fc.asyncProperty(specCase, fc.boolean(), (spec, del) => check(spec, del)), { numRuns: 1500, seed: 12 });
  });

  it('for generated multipath specs and routes through a nexthop object', async () => {
    await fc.assert(fc.asyncProperty(multipathSpec, fc.boolean(), (spec, del) => check(spec, del)), { numRuns: 800, seed: 13 });
  });

  it('the bench floor request is what add() sends for { dst, oif, table }', async () => {
    const t = new AckingTransport();
    const rtnl = await Rtnl.open({ transport: t });
    await rtnl.routes.add({ dst: '198.18.1.2/32', oif: 3, table: 100 });
    rtnl.close();
    const [m] = messagesOf(t.sent);
    // rtmsg: inet, /32, tos 0, table 100, boot, scope link, unicast, no flags; RTA_DST; RTA_OIF 3
    expect(m.subarray(NLMSG_HDRLEN).toString('hex')).toBe('022000006403fd0100000000' + '08000100c6120102' + '0800040003000000');
  });

  it('refuses unknown keys and bad values naming them, with nothing sent', async () => {
    const bad: [RouteSpec, string][] = [
      [{ dst: '198.51.100.0/24', oif: 2, wieght: 1 } as unknown as RouteSpec, 'wieght'],
      [{ dst: '198.51.100.0/24', nexthops: [{ oif: 2, wieght: 1 }] } as unknown as RouteSpec, 'nexthops.0.wieght'],
      [{ dst: '198.51.100.0/24', metrics: { mtu: 1400, mtuu: 1 } } as unknown as RouteSpec, 'metrics.mtuu'],
      [{ dst: '198.51.100.0/33' }, 'dst'],
      [{ dst: '198.51.100.0/24', oif: 2 ** 33 }, 'oif'],
      [{ dst: '2001:db8::/64', nexthops: [{ oif: 2, gateway: 'fe80::1', weight: 0 }] }, 'nexthops.0.weight'],
      [{ dst: '2001:db8::/64', nexthops: [{ oif: 2, gateway: '192.0.2.1' }] }, 'nexthops.0.gateway'],
      [{ dst: '198.51.100.0/24', metrics: { rtt: -1 } }, 'metrics.rtt'],
      [{ dst: '198.51.100.0/24', table: -1 }, 'table'],
      [{ dst: '198.51.100.0/24', priority: 2 ** 32 }, 'priority'],
      [{ dst: '198.51.100.0/24', gateway: '2001:db8::1' }, 'gateway'],
    ];
    for (const [spec, field] of bad) {
      const t = new AckingTransport();
      const rtnl = await Rtnl.open({ transport: t });
      const err = await rtnl.routes.add(spec).then(
        () => undefined,
        (e: unknown) => e,
      );
      rtnl.close();
      expect(err, field).toBeInstanceOf(InvalidArgumentError);
      expect((err as InvalidArgumentError).field).toBe(field);
      expect(t.sent).toEqual([]);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The one-pass address and prefix parsers against the split-and-regex ones they replaced

/** parseIPv6 as it was (split on '::' and ':', a regex per group): the reference. */
function referenceIPv6(text: string): Uint8Array | undefined {
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  let tail: Uint8Array | undefined;
  const lastColon = text.lastIndexOf(':');
  if (lastColon >= 0 && text.indexOf('.', lastColon) > 0) {
    tail = parseIPv4(text.slice(lastColon + 1));
    if (!tail) return undefined;
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (h: string): number[] | undefined => {
    if (h === '') return [];
    const out: number[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = parse(halves[0]);
  const rest = halves.length === 2 ? parse(halves[1]) : [];
  if (!head || !rest) return undefined;
  const missing = 8 - head.length - rest.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const words = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...rest];
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    out[2 * i] = words[i] >> 8;
    out[2 * i + 1] = words[i] & 0xff;
  }
  if (tail) out.set(tail, 12);
  return out;
}

/** parsePrefix's length part as it was (a regex and Number): the reference. */
function referenceLength(text: string, max: number): number | undefined {
  return /^\d{1,3}$/.test(text) && Number(text) <= max ? Number(text) : undefined;
}

const hexish = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF:::.%g/ '.split('')), maxLength: 48 });
const ipv6ish = fc.oneof(
  hexish,
  v6Text,
  // valid text with one character changed, dropped or repeated
  fc.tuple(v6Text, fc.nat(), fc.constantFrom('', ':', '::', '0', 'fffff', '.', '1.2.3.4', 'x')).map(([t, at, ins]) => t.slice(0, at % (t.length + 1)) + ins + t.slice((at % (t.length + 1)) + (ins === '' ? 1 : 0))),
  fc.array(fc.constantFrom('0', '1', 'ffff', 'FfFf', '12345', ''), { maxLength: 10 }).chain((groups) => fc.constantFrom(groups.join(':'), `::${groups.join(':')}`, `${groups.join(':')}::`, groups.join('::'))),
);

/** parsePrefix as it was (split and regex, with the reference IPv6 parser): the reference. */
function referencePrefix(text: string): Prefix | string {
  const slash = text.indexOf('/');
  const addr = slash < 0 ? text : text.slice(0, slash);
  const v6 = addr.includes(':');
  const bytes = v6 ? referenceIPv6(addr) : parseIPv4(addr);
  if (!bytes) return 'bad address';
  const max = v6 ? 128 : 32;
  let length = max;
  if (slash >= 0) {
    const l = referenceLength(text.slice(slash + 1), max);
    if (l === undefined) return 'bad length';
    length = l;
  }
  return { address: addr, family: v6 ? 'inet6' : 'inet', length, bytes };
}

const prefixish = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'0123456789./:a'.split('')), maxLength: 22 }),
  fc.tuple(v4Text, fc.constantFrom('', '/', '/0', '/8', '/32', '/33', '/032', '/1234', '/3/2', '/x', ' ', '.', '.0', ':1')).map(([a, b]) => a + b),
  fc.tuple(v6Text, fc.constantFrom('', '/', '/0', '/64', '/128', '/129', '/0128')).map(([a, b]) => a + b),
);

describe('one-pass parsers: the same answers as the split-and-regex ones they replaced', () => {
  it('parsePrefix', () => {
    fc.assert(
      fc.property(prefixish, (t) => {
        const want = referencePrefix(t);
        if (typeof want === 'string') expect(() => parsePrefix(t, 'dst')).toThrow(InvalidArgumentError);
        else expect(parsePrefix(t, 'dst')).toEqual(want);
      }),
      { numRuns: 30000, seed: 23 },
    );
  });

  it('parseIPv6', () => {
    fc.assert(
      fc.property(ipv6ish, (t) => {
        expect(parseIPv6(t)).toEqual(referenceIPv6(t));
      }),
      { numRuns: 30000, seed: 21 },
    );
    for (const t of ['::', ':', ':::', '::1', '1::', '1:', ':1', '1::2::3', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7::', '::1:2:3:4:5:6:7', '::1:2:3:4:5:6:7:8', '::ffff:1.2.3.4', '::1.2.3.4', '1:2:3:4:5:6:1.2.3.4', ':1.2.3.4', 'fe80::1%eth0', '12345::', 'g::', '']) {
      expect(parseIPv6(t), t).toEqual(referenceIPv6(t));
    }
  });

  it('parsePrefix lengths', () => {
    fc.assert(
      fc.property(fc.constantFrom('192.0.2.0', '2001:db8::'), fc.string({ unit: fc.constantFrom(...'0123456789 x+-./'.split('')), maxLength: 5 }), (addr, len) => {
        const max = addr.includes(':') ? 128 : 32;
        const want = referenceLength(len, max);
        if (want === undefined) expect(() => parsePrefix(`${addr}/${len}`, 'dst')).toThrow(InvalidArgumentError);
        else expect(parsePrefix(`${addr}/${len}`, 'dst').length).toBe(want);
      }),
      { numRuns: 5000, seed: 22 },
    );
  });
});

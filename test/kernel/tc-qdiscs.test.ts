// Qdiscs: handles, rates, sizes and times as tc users write them; requests equal to the bytes tc
// sends for the same command; kernel dumps decoded into the model and compared with `tc -j -s`;
// kinds this kernel lacks through hand-built bytes; and the real kernel in a throwaway namespace.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { qdiscToTcJson } from '../../src/cli/tcjson.js';
import { Reader, Writer } from '../../src/netlink/bytes.js';
import { NLMSG_ERROR } from '../../src/netlink/constants.js';
import { InvalidArgumentError, NetlinkError } from '../../src/netlink/errors.js';
import { decodeErrorPayload, forEachMessage } from '../../src/netlink/message.js';
import { decodeWith, encodeWith, type Codec } from '../../src/netlink/schema/index.js';
import { optionsMsg, RTM_NEWQDISC, tcMessage } from '../../src/rtnl/generated/tc.js';
import { Rtnl } from '../../src/rtnl/rtnl.js';
import { formatHandle, parseHandle } from '../../src/rtnl/tc/common/handle.js';
import { burstBytes, burstTicks, parseRate, parseSize, parseTime, rateTable } from '../../src/rtnl/tc/common/units.js';
import { qdiscFromWire, qdiscToWire, type ResolvedQdiscSpec } from '../../src/rtnl/tc/qdisc/mapping.js';
import type { Qdisc, QdiscSpec } from '../../src/rtnl/tc/qdisc/model.js';
import { useTestNetns } from '../harness/netns.js';
import { concat, hex } from '../harness/bytes.js';

interface Fixture {
  command: string;
  stderr?: string;
  datagrams: { direction: 'sent' | 'received'; hex: string }[];
  ipJson?: Record<string, unknown>[];
}

const load = (name: string): Fixture => JSON.parse(readFileSync(new URL(`../fixtures/kernel/tc/${name}.json`, import.meta.url), 'utf8')) as Fixture;

/** The payloads of the messages of `type` going one way. */
function payloads(fx: Fixture, direction: 'sent' | 'received', type: number): Buffer[] {
  const out: Buffer[] = [];
  for (const d of fx.datagrams.filter((x) => x.direction === direction)) {
    const buf = Buffer.from(d.hex, 'hex');
    forEachMessage(new Reader(buf), (m) => {
      if (m.type === type) out.push(buf.subarray(m.payloadOffset, m.end));
    });
  }
  return out;
}

const encodeTc = (w: ReturnType<typeof qdiscToWire>): Buffer => {
  const out = new Writer(256);
  tcMessage.encode(out, w);
  return Buffer.from(out.take());
};
const decodeTc = (b: Uint8Array) => tcMessage.decode(new Reader(b), 0, b.length);

/** What add() does not send back: the read-only facts. */
function withoutReadOnly(q: Qdisc): Omit<Qdisc, 'stats' | 'xstats' | 'refcount' | 'offloaded'> {
  const { stats: _s, xstats: _x, refcount: _r, offloaded: _o, ...rest } = q;
  return rest;
}

// Type-level: a listed Qdisc is accepted where a QdiscSpec is.
const typeCheck = (q: Qdisc): QdiscSpec => q;
void typeCheck;

describe('handles, rates, sizes and times as tc users write them', () => {
  it('reads and prints handles as tc does', () => {
    expect(parseHandle('1:', 'h')).toBe(0x10000);
    expect(parseHandle('1:10', 'h')).toBe(0x10010);
    expect(parseHandle(':10', 'h')).toBe(0x10);
    expect(parseHandle('ffff:fff1', 'h')).toBe(0xfffffff1);
    expect(parseHandle('root', 'h')).toBe(0xffffffff);
    expect(parseHandle('ingress', 'h')).toBe(0xfffffff1);
    expect(parseHandle('clsact', 'h')).toBe(0xfffffff1);
    expect(parseHandle('ingress', 'h', { filterParent: true })).toBe(0xfffffff2);
    expect(parseHandle('egress', 'h', { filterParent: true })).toBe(0xfffffff3);
    expect(formatHandle(0x10010)).toBe('1:10');
    expect(formatHandle(0xffff0000)).toBe('ffff:');
    expect(formatHandle(0xffffffff)).toBe('root');
    for (const bad of ['1', '1:2:3', '10000:', 'x:', 'fast', '']) {
      expect(() => parseHandle(bad, 'parent')).toThrow(InvalidArgumentError);
    }
    expect(() => parseHandle('1', 'parent')).toThrow(/parent/);
  });

  it('reads rates in bits per second, sizes in bytes, times in seconds, with tc units', () => {
    expect(parseRate('1mbit')).toBe(1_000_000);
    expect(parseRate('32kbit')).toBe(32_000);
    expect(parseRate('8Mbit')).toBe(8_000_000);
    expect(parseRate('10gbit')).toBe(10_000_000_000);
    expect(parseRate('100kbps')).toBe(800_000);
    expect(parseRate('1mibit')).toBe(1_048_576);
    expect(parseRate('1500')).toBe(1500);
    expect(() => parseRate('fast')).toThrow(InvalidArgumentError);
    expect(() => parseRate('-1mbit')).toThrow(InvalidArgumentError);
    expect(parseSize('32kbit')).toBe(4096);
    expect(parseSize('10kb')).toBe(10240);
    expect(parseSize('1mb')).toBe(1048576);
    expect(parseSize('1600')).toBe(1600);
    expect(() => parseSize('big')).toThrow(InvalidArgumentError);
    expect(parseTime('400ms')).toBeCloseTo(0.4);
    expect(parseTime('50us')).toBeCloseTo(50e-6);
    expect(parseTime('2s')).toBe(2);
    expect(() => parseTime('soon')).toThrow(InvalidArgumentError);
  });

  it('turns bursts into the scheduler ticks tc computes, and back', () => {
    // 32kbit of burst at 8mbit: 4096 bytes at 1,000,000 bytes/s = 4096 us = 64000 ticks of 64 ns.
    expect(burstTicks(1_000_000, 4096)).toBe(64000);
    expect(burstBytes(1_000_000, 64000)).toBe(4096);
    // Any listed burst turns back into the same ticks.
    for (const [rate, bytes] of [[1_000_000, 1500], [1_250_000_000, 1048576], [500_000, 1600], [12_345, 777]]) {
      const t = burstTicks(rate, bytes);
      expect(burstTicks(rate, burstBytes(rate, t))).toBe(t);
      expect(burstBytes(rate, t)).toBeLessThanOrEqual(bytes);
    }
    // The rate table of 8mbit with the default mtu (2047: cell log 3).
    const { table, cellLog } = rateTable(1_000_000, 0, 0, 'ethernet');
    expect(cellLog).toBe(3);
    expect(new DataView(table.buffer).getUint32(0, true)).toBe(125); // 8 bytes: 8 us = 125 ticks
  });
});

describe('qdisc requests are the bytes tc sends', () => {
  const cases: [string, ResolvedQdiscSpec][] = [
    ['qdisc-add-tbf', { link: 3, kind: 'tbf', handle: '1:', options: { rate: parseRate('8mbit'), burst: parseSize('32kbit'), latency: parseTime('400ms') } }],
    ['qdisc-add-tbf-peak', { link: 3, kind: 'tbf', handle: '1:', options: { rate: parseRate('10gbit'), burst: parseSize('1mb'), limit: 3000000, peakrate: parseRate('12gbit'), mtu: 9000 } }],
    ['qdisc-add-htb', { link: 3, kind: 'htb', handle: '1:', options: { defaultClass: 0x10 } }],
    ['qdisc-add-pfifo', { link: 3, kind: 'pfifo', handle: '2:', options: { limit: 50 } }],
    ['qdisc-add-ingress', { link: 3, kind: 'ingress' }],
  ];
  for (const [name, spec] of cases) {
    it(`${name}: ${load(name).command}`, () => {
      const fx = load(name);
      const [sent] = payloads(fx, 'sent', RTM_NEWQDISC);
      expect(hex(encodeTc(qdiscToWire(spec)))).toBe(hex(sent));
      // And tc's request read back gives the same wire object as ours.
      expect(encodeTc(decodeTc(sent)).equals(sent)).toBe(true);
    });
  }
});

describe('qdisc dumps from this kernel', () => {
  for (const name of ['qdisc-dump', 'qdisc-dump-more']) {
    it(`${name}: decode into the model, equal to tc -j -s, and map back`, () => {
      const fx = load(name);
      const names = new Map([[1, 'lo'], [2, 'v1'], [3, 'v0'], [4, 'ifb9']]);
      const replies = payloads(fx, 'received', RTM_NEWQDISC);
      const qdiscs = replies.map((p) => {
        // Byte for byte through the codec.
        expect(hex(encodeTc(decodeTc(p)))).toBe(hex(p));
        return qdiscFromWire(decodeTc(p));
      });
      const json = qdiscs.filter((q) => q.link !== 1).map((q) => qdiscToTcJson(q, names.get(q.link) ?? String(q.link)));
      expect(json).toEqual(fx.ipJson);
      // fromWire(toWire(q)) equals q (without the read-only facts a request does not carry).
      for (const q of qdiscs) {
        if (q.handle === '0:') continue; // the kernel's default qdiscs cannot be added
        expect(withoutReadOnly(qdiscFromWire(qdiscToWire(q)))).toEqual(withoutReadOnly(q));
      }
    });
  }

  it('JSON.stringify works on every listed qdisc', () => {
    const q = qdiscFromWire(decodeTc(payloads(load('qdisc-dump'), 'received', RTM_NEWQDISC)[1]));
    expect(JSON.parse(JSON.stringify(q))).toEqual(q);
    expect(q).toMatchObject({ kind: 'tbf', handle: '1:', parent: 'root', options: { rate: 8_000_000, burst: 4096, limit: 404096 } });
  });

  it('the kernel refuses a kind it lacks and a parent that does not exist, with its text', () => {
    for (const [name, errno, text] of [
      ['error-qdisc-kind', -2, 'Specified qdisc kind is unknown'],
      ['error-qdisc-parent', -2, 'Failed to find specified qdisc'],
    ] as const) {
      const fx = load(name);
      const errs: ReturnType<typeof decodeErrorPayload>[] = [];
      for (const d of fx.datagrams.filter((x) => x.direction === 'received')) {
        const r = new Reader(Buffer.from(d.hex, 'hex'));
        forEachMessage(r, (m) => {
          if (m.type === NLMSG_ERROR) errs.push(decodeErrorPayload(r, m.payloadOffset, m.end, m.flags));
        });
      }
      const err = errs.find((e) => e.error !== 0);
      expect(err?.error).toBe(errno);
      expect(err?.extack?.message).toBe(text);
      expect(fx.stderr).toContain(text);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Kinds this kernel lacks: bytes built by hand from <linux/pkt_sched.h>, independently of the codec.

const u32le = (v: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  return b;
};
const u64le = (v: bigint): Uint8Array => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, v, true);
  return b;
};
const u8 = (v: number): Uint8Array => Uint8Array.of(v);
/** One attribute: header, payload, padding. */
function nla(type: number, payload: Uint8Array): Uint8Array {
  const len = 4 + payload.length;
  const b = new Uint8Array((len + 3) & ~3);
  new DataView(b.buffer).setUint16(0, len, true);
  new DataView(b.buffer).setUint16(2, type, true);
  b.set(payload, 4);
  return b;
}
/** A tcmsg (ifindex 3, handle, parent root) followed by TCA_KIND and TCA_OPTIONS. */
function qdiscMessage(kind: string, handle: number, options: Uint8Array): Uint8Array {
  const hdr = concat([u8(0), new Uint8Array(3), u32le(3), u32le(handle), u32le(0xffffffff), u32le(0)]);
  return concat([hdr, nla(1, new TextEncoder().encode(`${kind}\0`)), nla(2, options)]);
}

describe('kinds this kernel lacks, byte for byte', () => {
  const pct = (p: number): number => Math.round((p / 100) * 0xffffffff);
  const cases: [string, Uint8Array, Qdisc['options']][] = [
    [
      // tc qdisc add dev X root handle 1: netem delay 10ms 2ms loss 1% limit 100
      'netem',
      qdiscMessage('netem', 0x10000, concat([
        // struct tc_netem_qopt { latency, limit, loss, gap, duplicate, jitter }
        u32le(0), u32le(100), u32le(pct(1)), u32le(0), u32le(0), u32le(0),
        nla(10, u64le(10_000_000n)), // TCA_NETEM_LATENCY64 (ns)
        nla(11, u64le(2_000_000n)), // TCA_NETEM_JITTER64
      ])),
      { limit: 100, latency: 0.01, jitter: 0.002, loss: 1 },
    ],
    [
      // tc qdisc add dev X root handle 1: fq_codel limit 10240 flows 1024 target 5ms interval 100ms ecn
      'fq_codel',
      qdiscMessage('fq_codel', 0x10000, concat([nla(2, u32le(10240)), nla(5, u32le(1024)), nla(1, u32le(5000)), nla(3, u32le(100000)), nla(4, u32le(1))])),
      { limit: 10240, flows: 1024, target: 0.005, interval: 0.1, ecn: true },
    ],
    [
      // tc qdisc add dev X root handle 1: cake bandwidth 100mbit rtt 100ms nat
      'cake',
      qdiscMessage('cake', 0x10000, concat([nla(2, u64le(12_500_000n)), nla(7, u32le(100000)), nla(11, u32le(1))])),
      { bandwidth: 100_000_000, rtt: 0.1, nat: true },
    ],
    [
      // tc qdisc add dev X root handle 1: fq maxrate 1gbit flow_limit 100
      'fq',
      qdiscMessage('fq', 0x10000, concat([nla(2, u32le(100)), nla(7, u32le(125_000_000))])),
      { maxRate: 1_000_000_000, flowLimit: 100 },
    ],
    [
      // tc qdisc add dev X root handle 1: sfq perturb 10 (struct tc_sfq_qopt_v1, 72 bytes)
      'sfq',
      qdiscMessage('sfq', 0x10000, concat([u32le(1514), u32le(10), u32le(127), u32le(1024), u32le(128), u32le(127), u32le(0), new Uint8Array(4 * 3), new Uint8Array(4), u32le(0), new Uint8Array(24)])),
      { quantum: 1514, perturb: 10, limit: 127, divisor: 1024, flows: 128, depth: 127, headdrop: false, red: { limit: 0, min: 0, max: 0, wlog: 0, plog: 0, scellLog: 0, flags: 0, maxP: 0 } },
    ],
    [
      // tc qdisc add dev X root handle 1: prio bands 3 (struct tc_prio_qopt)
      'prio',
      qdiscMessage('prio', 0x10000, concat([u32le(3), Uint8Array.of(1, 2, 2, 2, 1, 2, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1)])),
      { bands: 3, priomap: [1, 2, 2, 2, 1, 2, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1] },
    ],
    [
      // tc qdisc add dev X root handle 1: red limit 400000 min 30000 max 90000 avpkt 1000 burst 55 probability 0.02 (parms, stab, max_p)
      'red',
      qdiscMessage('red', 0x10000, concat([nla(1, concat([u32le(400000), u32le(30000), u32le(90000), Uint8Array.of(9, 21, 10, 0)])), nla(2, new Uint8Array(256).fill(7)), nla(3, u32le(85899345))])),
      { limit: 400000, min: 30000, max: 90000, wlog: 9, plog: 21, scellLog: 10, flags: 0, stab: new Uint8Array(256).fill(7), maxP: 85899345 },
    ],
  ];
  for (const [kind, bytes, options] of cases) {
    it(kind, () => {
      const q = qdiscFromWire(decodeTc(bytes));
      expect(q).toEqual({ link: 3, kind, handle: '1:', parent: 'root', options, refcount: 0 });
      expect(hex(encodeTc(qdiscToWire(q)))).toBe(hex(bytes));
    });
  }

  it('options of a kind without a model, and unknown attributes of a known kind, are kept byte for byte', () => {
    const raw = qdiscMessage('choke', 0x10000, concat([nla(1, new Uint8Array(16).fill(1)), nla(3, u32le(5))]));
    const q = qdiscFromWire(decodeTc(raw));
    expect(q.options).toBeInstanceOf(Uint8Array);
    expect(hex(encodeTc(qdiscToWire(q)))).toBe(hex(raw));
    // fq_codel with an attribute from a newer kernel (type 42).
    const newer = qdiscMessage('fq_codel', 0x10000, concat([nla(2, u32le(1000)), nla(42, u32le(7))]));
    const f = qdiscFromWire(decodeTc(newer));
    expect(f.options).toEqual({ limit: 1000 });
    expect(hex(encodeTc(qdiscToWire(f)))).toBe(hex(newer));
  });

  it('the generated options codec itself round-trips the netem payload', () => {
    const sel = { kind: 'netem' } as Record<string, unknown>;
    const codec = optionsMsg as unknown as Codec<unknown>;
    const payload = concat([new Uint8Array(24), nla(7, u32le(1))]);
    const r = new Reader(payload);
    const v = codec.decode(r, 0, payload.length, { path: [], nonCanonical: false, depth: 0 }, sel);
    const w = new Writer(64);
    codec.encode(w, v, { path: [] }, sel);
    expect(hex(w.take())).toBe(hex(payload));
    void decodeWith;
    void encodeWith;
  });
});

// ---------------------------------------------------------------------------------------------
// The kernel

describe('qdiscs on the kernel', () => {
  const ns = useTestNetns();
  // No IPv6 in the namespace: no router solicitations or MLD reports moving the counters between
  // a list and tc's show.
  beforeAll(() => {
    execFileSync('ip', ['netns', 'exec', ns.name, 'sysctl', '-qw', 'net.ipv6.conf.default.disable_ipv6=1', 'net.ipv6.conf.all.disable_ipv6=1']);
  });
  const tcJson = (args: string): Record<string, unknown>[] => {
    const out = execFileSync('tc', ['-n', ns.name, '-j', ...args.split(' ')], { encoding: 'utf8' }).trim();
    return out === '' ? [] : (JSON.parse(out) as Record<string, unknown>[]);
  };
  const tc = (args: string): void => void execFileSync('tc', ['-n', ns.name, ...args.split(' ')]);

  it('creates each kind this kernel has, equal to what tc -j -s shows', async () => {
    ns.ip('link add v0 type veth peer name v1');
    ns.ip('link add ifb7 type ifb');
    ns.ip('link add ifb8 type ifb');
    for (const l of ['v0', 'v1', 'ifb7', 'ifb8']) ns.ip(`link set ${l} up`);
    const rtnl = await Rtnl.open({ netns: ns.name });
    try {
      const made: Qdisc[] = [
        await rtnl.qdiscs.add({ link: 'v0', kind: 'tbf', handle: '1:', options: { rate: parseRate('8mbit'), burst: 4096, latency: 0.4 } }),
        await rtnl.qdiscs.add({ link: 'v0', kind: 'ingress' }),
        await rtnl.qdiscs.add({ link: 'v1', kind: 'htb', handle: '1:', options: { defaultClass: 0x10, r2q: 5 } }),
        await rtnl.qdiscs.add({ link: 'ifb7', kind: 'pfifo', handle: '7:', options: { limit: 33 } }),
        await rtnl.qdiscs.add({ link: 'ifb8', kind: 'clsact' }),
      ];
      expect(made.map((q) => [q.kind, q.handle, q.parent])).toEqual([
        ['tbf', '1:', 'root'],
        ['ingress', 'ffff:', 'ffff:fff1'],
        ['htb', '1:', 'root'],
        ['pfifo', '7:', 'root'],
        ['clsact', 'ffff:', 'ffff:fff1'],
      ]);
      const names = new Map((await rtnl.links.list()).map((l) => [l.index as number, l.name as string]));
      const listed = await rtnl.qdiscs.list();
      expect(listed.map((q) => qdiscToTcJson(q, names.get(q.link) as string)).filter((j) => j.dev !== 'lo')).toEqual(tcJson('-s qdisc show'));

      // Replace the pfifo with a bfifo, then a pfifo_head_drop, then pfifo_fast: each as tc shows it.
      // (The kernel refuses another kind under the same handle: each gets its own.)
      for (const spec of [
        { kind: 'bfifo', handle: '8:', options: { limit: 30000 } },
        { kind: 'pfifo_head_drop', handle: '9:', options: { limit: 20 } },
        { kind: 'pfifo_fast', handle: 'a:' },
      ]) {
        const q = await rtnl.qdiscs.replace({ link: 'ifb7', parent: 'root', ...spec });
        expect(q.kind).toBe(spec.kind);
        expect([qdiscToTcJson(q, undefined)]).toEqual(tcJson('-s qdisc show dev ifb7'));
      }
    } finally {
      rtnl.close();
    }
  });

  it('list -> delete by the listed object -> re-add -> equal; tc-made qdiscs list as tc shows them', async () => {
    ns.ip('link add v2 type veth peer name v3');
    ns.ip('link set v2 up');
    ns.ip('link set v3 up');
    tc('qdisc add dev v2 root handle 5: tbf rate 3mbit burst 15k limit 30000');
    tc('qdisc add dev v3 root handle 6: htb default 20 direct_qlen 50');
    const rtnl = await Rtnl.open({ netns: ns.name });
    try {
      const v2 = await rtnl.links.indexOf('v2');
      const v3 = await rtnl.links.indexOf('v3');
      const before = (await rtnl.qdiscs.list()).filter((q) => q.link === v2 || q.link === v3);
      expect(before.filter((q) => q.link === v2).map((q) => qdiscToTcJson(q, undefined))).toEqual(tcJson('-s qdisc show dev v2'));
      expect(before.filter((q) => q.link === v3).map((q) => qdiscToTcJson(q, undefined))).toEqual(tcJson('-s qdisc show dev v3'));
      for (const q of before) {
        await rtnl.qdiscs.delete(q);
        expect((await rtnl.qdiscs.list({ link: q.link })).some((x) => x.handle === q.handle)).toBe(false);
        await rtnl.qdiscs.add(q);
      }
      const after = (await rtnl.qdiscs.list()).filter((q) => q.link === v2 || q.link === v3);
      expect(after.map(withoutReadOnly)).toEqual(before.map(withoutReadOnly));
      // get by handle and by parent.
      const tbfQ = before.find((q) => q.kind === 'tbf') as Qdisc;
      expect(withoutReadOnly(await rtnl.qdiscs.get({ link: 'v2', handle: '5:' }))).toEqual(withoutReadOnly(tbfQ));
      expect((await rtnl.qdiscs.get({ link: 'v3', parent: 'root' })).kind).toBe('htb');
      // change in place.
      const changed = await rtnl.qdiscs.change({ ...tbfQ, options: { rate: parseRate('6mbit'), burst: 15 * 1024, limit: 30000 } });
      expect(changed.options).toEqual({ rate: 6_000_000, burst: 15360, limit: 30000 });
    } finally {
      rtnl.close();
    }
  });

  it('list -> delete by the listed object -> re-add -> equal, for every other kind this kernel has (ingress, clsact, fifos, a qdisc under a class)', async () => {
    const rtnl = await Rtnl.open({ netns: ns.name });
    try {
      for (const name of ['ifb20', 'ifb21', 'ifb22']) await rtnl.links.add({ name, kind: 'ifb', up: true });
      await rtnl.qdiscs.add({ link: 'ifb20', kind: 'ingress' });
      await rtnl.qdiscs.add({ link: 'ifb20', kind: 'pfifo_head_drop', handle: '20:', options: { limit: 17 } });
      await rtnl.qdiscs.add({ link: 'ifb21', kind: 'clsact' });
      await rtnl.qdiscs.add({ link: 'ifb21', kind: 'bfifo', handle: '21:', options: { limit: 12345 } });
      await rtnl.qdiscs.add({ link: 'ifb22', kind: 'htb', handle: '1:', options: { defaultClass: 0x10 } });
      await rtnl.classes.add({ link: 'ifb22', kind: 'htb', handle: '1:10', options: { rate: parseRate('2mbit') } });
      await rtnl.qdiscs.add({ link: 'ifb22', kind: 'pfifo', parent: '1:10', handle: '10:', options: { limit: 9 } });
      const links = new Set([await rtnl.links.indexOf('ifb20'), await rtnl.links.indexOf('ifb21'), await rtnl.links.indexOf('ifb22')]);
      const ours = async (): Promise<Qdisc[]> => (await rtnl.qdiscs.list()).filter((q) => links.has(q.link));
      const before = await ours();
      // Every kind is there; the htb root is left alone (deleting it takes its classes with it).
      const trip = before.filter((q) => q.kind !== 'htb');
      expect(trip.map((q) => [q.kind, q.handle, q.parent]).sort()).toEqual(
        [['ingress', 'ffff:', 'ffff:fff1'], ['pfifo_head_drop', '20:', 'root'], ['clsact', 'ffff:', 'ffff:fff1'], ['bfifo', '21:', 'root'], ['pfifo', '10:', '1:10']].sort(),
      );
      for (const q of trip) {
        await rtnl.qdiscs.delete(q);
        expect((await rtnl.qdiscs.list({ link: q.link })).some((x) => x.handle === q.handle && x.kind === q.kind)).toBe(false);
        await rtnl.qdiscs.add(q);
      }
      const key = (q: Qdisc): string => `${q.link} ${q.parent} ${q.handle} ${q.kind}`;
      const sorted = (qs: Qdisc[]): ReturnType<typeof withoutReadOnly>[] => [...qs].sort((a, b) => key(a).localeCompare(key(b))).map(withoutReadOnly);
      expect(sorted(await ours())).toEqual(sorted(before));
      // The same after a trip through JSON (what a program that saves its setup does).
      const saved = JSON.parse(JSON.stringify(trip)) as Qdisc[];
      for (const q of saved) await rtnl.qdiscs.delete(q);
      for (const q of saved) await rtnl.qdiscs.add(q);
      expect(sorted(await ours())).toEqual(sorted(before));
    } finally {
      rtnl.close();
    }
  });

  it('bad input is refused before sending; the kernel refusals carry its text', async () => {
    const rtnl = await Rtnl.open({ netns: ns.name });
    try {
      await expect(rtnl.qdiscs.add({ link: 'v0', kind: 'pfifo', parent: '1:2:3' })).rejects.toThrow(InvalidArgumentError);
      // Handles in a form that is no handle, refused naming the field, and nothing made.
      const beforeBad = (await rtnl.qdiscs.list()).map(withoutReadOnly);
      await expect(rtnl.qdiscs.add({ link: 'v0', kind: 'pfifo', handle: 'zz' })).rejects.toThrow(/^handle: "zz" is not a handle/);
      await expect(rtnl.qdiscs.add({ link: 'v0', kind: 'pfifo', handle: '1:10' })).rejects.toThrow(/handle: a qdisc handle has no minor number/);
      await expect(rtnl.qdiscs.add({ link: 'v0', kind: 'pfifo', handle: '10000:' })).rejects.toThrow(InvalidArgumentError);
      await expect(rtnl.qdiscs.delete({ link: 'v0', kind: 'pfifo', parent: 'sideways' })).rejects.toThrow(/^parent: "sideways" is not a handle/);
      expect((await rtnl.qdiscs.list()).map(withoutReadOnly)).toEqual(beforeBad);
      await expect(rtnl.qdiscs.add({ link: 'v0', kind: 'tbf', options: { rate: 'fast' as unknown as number, burst: 1, limit: 1 } })).rejects.toThrow(/options\.rate/);
      await expect(rtnl.qdiscs.add({ link: 'v0', kind: 'pfifo', options: { limt: 3 } as never })).rejects.toThrow(/options\.limt/);
      await expect(rtnl.qdiscs.add({ link: 'v0', kind: 'pfifo', handel: '3:' } as never)).rejects.toThrow(/handel/);
      const kind = await rtnl.qdiscs.add({ link: 'v1', kind: 'netem', options: { limit: 10, latency: 0.01 } }).catch((e: unknown) => e);
      expect(kind).toBeInstanceOf(NetlinkError);
      expect((kind as NetlinkError).message).toContain('Specified qdisc kind is unknown');
      const parent = await rtnl.qdiscs.add({ link: 'v1', kind: 'pfifo', parent: '7:1' }).catch((e: unknown) => e);
      expect(parent).toBeInstanceOf(NetlinkError);
      expect((parent as NetlinkError).code).toBe('ENOENT');
      expect((parent as NetlinkError).message).toContain('Failed to find specified qdisc');
    } finally {
      rtnl.close();
    }
  });
});

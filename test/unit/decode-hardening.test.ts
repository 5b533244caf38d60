// Decoding hostile bytes (issue 10, "Decoding in linear time"): no byte decoded twice whatever the
// nesting, nesting bounded by the kernel's own limits, malformed input ends in a DecodeError and
// never another exception, whatever decodes re-encodes to the same bytes, truncated structs keep
// their bytes, and MPLS routes decode their labels. Time is never asserted here (see `npm run
// fuzz` for the worst time per input): linear decoding is checked by counting codec calls.
//
// MPLS fixtures are built by hand from the kernel headers (this kernel has no MPLS): <linux/mpls.h>
// (struct mpls_label: label << 12 | tc << 9 | bos << 8 | ttl, big-endian), <linux/rtnetlink.h>
// (RTA_DST 1, RTA_OIF 4, RTA_MULTIPATH 9, RTA_VIA 18, RTA_NEWDST 19; struct rtmsg, struct rtvia)
// and net/mpls/af_mpls.c's mpls_dump_route (which attributes an MPLS route carries, in order).

import { describe, expect, it } from 'vitest';
import { Reader, Writer } from '../../src/netlink/bytes.js';
import { DecodeError } from '../../src/netlink/errors.js';
import { MAX_NESTING, attr, attrSet, decodeWith, encodeWith, u32, type Codec } from '../../src/netlink/schema/index.js';
import { addrMessage } from '../../src/rtnl/generated/addr.js';
import { linkMessage } from '../../src/rtnl/generated/link.js';
import { routeMessage } from '../../src/rtnl/generated/route.js';
import { lazy, type MplsLabel } from '../../src/rtnl/schemas/codecs.js';
import { concat, hex } from '../harness/bytes.js';

/** An attribute (header + payload, padded). */
function nla(type: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array((4 + payload.length + 3) & ~3);
  const v = new DataView(out.buffer);
  v.setUint16(0, 4 + payload.length, true);
  v.setUint16(2, type, true);
  out.set(payload, 4);
  return out;
}

const u32le = (n: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
};

/** A message payload's decoded value and its re-encoding. */
function roundTrip<T>(schema: { decode(r: Reader, off: number, end: number): T; encode(w: Writer, v: T): void }, payload: Uint8Array): { value: T; bytes: string } {
  const value = schema.decode(new Reader(payload), 0, payload.length);
  const w = new Writer(64);
  schema.encode(w, value);
  return { value, bytes: hex(w.take()) };
}

// A recursive test schema whose leaf codec counts its calls.
let leafCalls = 0;
const countedU32: Codec<number> = {
  kind: 'counted-u32',
  decode(r, off, len, ctx) {
    leafCalls++;
    if (len !== 4) throw new DecodeError(`counted-u32: payload of ${len} bytes`, off, [...ctx.path]);
    return r.view.getUint32(off, true);
  },
  encode: (w, v, ctx) => u32.encode(w, v, ctx),
};
interface Tree {
  leaf?: number;
  child?: Tree;
}
const tree: Codec<Tree> = attrSet('tree', { leaf: attr(1, countedU32), child: attr(2, lazy('tree', (): Codec<Tree> => tree)) });

/** `child` nested `depth` deep around `inner`. */
function nested(depth: number, inner: Uint8Array): Uint8Array {
  let b = inner;
  for (let i = 0; i < depth; i++) b = nla(2, b);
  return b;
}

describe('decoding time is linear in the input, whatever the nesting', () => {
  it('a bad leaf under 9 levels of nests is decoded once, not once per level and path (2^9 times)', () => {
    leafCalls = 0;
    const bytes = nested(9, nla(1, new Uint8Array(3)));
    let err: unknown;
    try {
      decodeWith(tree, bytes);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DecodeError);
    expect(leafCalls).toBe(1);
    // The error still names every level, although the fast path does not track the path.
    expect((err as DecodeError).path).toEqual([...Array(9).fill('child'), 'leaf']);
  });

  it('a nest repeated at every level is decoded once per occurrence', () => {
    // Each level holds its child twice: 2 children, then 2 * 2 ... = 2^(d+1) - 2 nests, and one
    // leaf in each of the 2^d innermost.
    const d = 8;
    let inner = nla(1, u32le(7));
    for (let i = 0; i < d; i++) inner = concat([nla(2, inner), nla(2, inner)]);
    leafCalls = 0;
    const value = decodeWith(tree, inner);
    expect(leafCalls).toBe(2 ** d);
    expect(hex(encodeWith(tree, value))).toBe(hex(inner));
  });

  it(`nests deeper than ${MAX_NESTING} levels (the kernel's MAX_POLICY_RECURSION_DEPTH) are a DecodeError`, () => {
    const leaf = nla(1, u32le(1));
    // decodeWith decodes the outermost set as a nest: it is the first level.
    expect(decodeWith(tree, nested(MAX_NESTING - 1, leaf))).toBeDefined();
    expect(() => decodeWith(tree, nested(MAX_NESTING, leaf))).toThrow(DecodeError);
    // 16,000 levels (64 KiB of headers): a DecodeError, not a stack overflow.
    expect(() => decodeWith(tree, nested(16_000, new Uint8Array(0)))).toThrow(/nested more than 10 levels/);
  });

  const rtmsg = (family: number, dstLen = 0): Uint8Array => new Uint8Array([family, dstLen, 0, 0, 254, 3, 0, 1, 0, 0, 0, 0]);
  function multipath(depth: number): Uint8Array {
    let inner = nla(5, new Uint8Array([192, 0, 2, 1])); // RTA_GATEWAY
    for (let i = 0; i < depth; i++) {
      const rtnh = new Uint8Array(8 + inner.length);
      new DataView(rtnh.buffer).setUint16(0, rtnh.length, true);
      rtnh[3] = 0;
      new DataView(rtnh.buffer).setInt32(4, 2, true);
      rtnh.set(inner, 8);
      inner = nla(9, rtnh);
    }
    return inner;
  }

  it('a route whose multipath nests another multipath (16 deep took > 20 s) is a DecodeError: the kernel never nests them', () => {
    const one = concat([rtmsg(2), multipath(1)]);
    expect(roundTrip(routeMessage, one).bytes).toBe(hex(one));
    for (const depth of [2, 12, 16]) {
      const bytes = concat([rtmsg(2), multipath(depth)]);
      expect(() => routeMessage.decode(new Reader(bytes), 0, bytes.length)).toThrow(/multipath inside a path/);
    }
  });

  it('a veth peer nested 12 deep in a link message is a DecodeError', () => {
    const kind = nla(1, new Uint8Array(Buffer.from('veth\0')));
    let inner = nla(3, new Uint8Array(Buffer.from('p\0')));
    for (let i = 0; i < 12; i++) inner = nla(18, concat([kind, nla(2, nla(1, concat([new Uint8Array(16), inner])))]));
    const bytes = concat([new Uint8Array(16), inner]);
    expect(() => linkMessage.decode(new Reader(bytes), 0, bytes.length)).toThrow(/nested more than 10 levels/);
  });
});

describe('what decodes re-encodes to the same bytes; the rest is a DecodeError', () => {
  it('a link kind repeated after its data (the data was decoded for the first kind) re-encodes byte for byte', () => {
    // IFLA_LINKINFO { kind "vrf", data { IFLA_VRF_TABLE 0x80000000 }, kind "\xe9\x03" }: encoding the
    // data in the second kind's format threw InvalidArgumentError "no format known for kind".
    const linkinfo = nla(18, concat([nla(1, new Uint8Array(Buffer.from('vrf\0'))), nla(2, nla(1, u32le(0x80000000))), nla(1, new Uint8Array([0xe9, 3, 0, 0]))]));
    const bytes = concat([new Uint8Array(16), linkinfo]);
    expect(roundTrip(linkMessage, bytes).bytes).toBe(hex(bytes));
  });

  it('RTA_VIA of family inet with a 6-byte address re-encodes byte for byte', () => {
    // Encoding it threw InvalidArgumentError "expected an address of family inet".
    const bytes = concat([rtmsgOf(2), nla(18, new Uint8Array([2, 0, 192, 0, 2, 1, 0, 0]))]);
    const { value, bytes: again } = roundTrip(routeMessage, bytes);
    expect(value.via?.family).toBe('inet');
    expect(again).toBe(hex(bytes));
  });

  it('a 2-byte IFA_CACHEINFO keeps its bytes (it re-encoded as two zero bytes)', () => {
    const ifaddrmsg = new Uint8Array([2, 24, 0, 0, 1, 0, 0, 0]);
    const bytes = concat([ifaddrmsg, nla(6, new Uint8Array([0xab, 0xcd]))]);
    const { value, bytes: again } = roundTrip(addrMessage, bytes);
    expect(value.cacheinfo).toEqual({});
    expect(again).toBe(hex(bytes));
  });

  it('a 6-byte IFA_CACHEINFO keeps the member it holds and the bytes of the one cut short', () => {
    const ifaddrmsg = new Uint8Array([2, 24, 0, 0, 1, 0, 0, 0]);
    const bytes = concat([ifaddrmsg, nla(6, new Uint8Array([5, 0, 0, 0, 0xab, 0xcd]))]);
    const { value, bytes: again } = roundTrip(addrMessage, bytes);
    expect(value.cacheinfo).toEqual({ ifaPrefered: 5 });
    expect(again).toBe(hex(bytes));
    // Setting a member past the cut writes the whole struct.
    const w = new Writer(64);
    addrMessage.encode(w, { ...value, cacheinfo: Object.assign(value.cacheinfo as object, { ifaValid: 9 }) as never });
    expect(hex(w.take())).toBe(hex(concat([ifaddrmsg, nla(6, concat([u32le(5), u32le(9), u32le(0), u32le(0)]))])));
  });
});

function rtmsgOf(family: number, dstLen = 0): Uint8Array {
  return new Uint8Array([family, dstLen, 0, 0, 254, 3, 0, 1, 0, 0, 0, 0]);
}

/** A big-endian struct mpls_label. */
function label(l: number, bos: boolean, tc = 0, ttl = 0): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, ((l << 12) | (tc << 9) | (bos ? 0x100 : 0) | ttl) >>> 0, false);
  return b;
}

describe('MPLS routes (AF_MPLS = 28): labels, not IPv4 addresses', () => {
  const AF_MPLS = 28;
  // `ip -f mpls route add 300 as 100/200 via inet 192.0.2.1 dev <ifindex 2>` as mpls_dump_route
  // reports it: rtmsg { family 28, dst_len 20, table main, protocol boot, scope universe, type
  // unicast }, RTA_DST (one label, bos), RTA_NEWDST (the stack), RTA_VIA, RTA_OIF.
  const single = concat([
    rtmsgOf(AF_MPLS, 20),
    nla(1, label(300, true)),
    nla(19, concat([label(100, false), label(200, true)])),
    nla(18, new Uint8Array([2, 0, 192, 0, 2, 1])),
    nla(4, u32le(2)),
  ]);

  it('decodes RTA_DST and RTA_NEWDST as label stacks (dst was "0.18.193.0" for label 300)', () => {
    const { value, bytes } = roundTrip(routeMessage, single);
    expect(value.family).toBe('mpls');
    expect(value.dst).toEqual([{ label: 300, tc: 0, bos: true, ttl: 0 }]);
    expect(value.newdst).toEqual([
      { label: 100, tc: 0, bos: false, ttl: 0 },
      { label: 200, tc: 0, bos: true, ttl: 0 },
    ]);
    expect(value.via).toEqual({ family: 'inet', addr: '192.0.2.1' });
    expect(bytes).toBe(hex(single));
  });

  it('encodes label stacks from the labels alone (bos on the last entry, tc and ttl 0)', () => {
    const w = new Writer(64);
    const stack: MplsLabel[] = [{ label: 100 }, { label: 200 }];
    routeMessage.encode(w, { family: 'mpls', dstLen: 20, rtmTable: 254, protocol: 'boot', scope: 'universe', type: 'unicast', dst: [{ label: 300 }], newdst: stack, via: { family: 'inet', addr: '192.0.2.1' }, oif: 2 } as never);
    expect(hex(w.take())).toBe(hex(single));
  });

  it('keeps every bit of a label entry: traffic class, a bos bit off the bottom, ttl', () => {
    const odd = concat([rtmsgOf(AF_MPLS, 20), nla(1, label(1048575, false, 7, 255)), nla(19, concat([label(16, true, 3, 1), label(17, false, 0, 64)]))]);
    const { value, bytes } = roundTrip(routeMessage, odd);
    expect(value.dst).toEqual([{ label: 1048575, tc: 7, bos: false, ttl: 255 }]);
    expect(value.newdst).toEqual([
      { label: 16, tc: 3, bos: true, ttl: 1 },
      { label: 17, tc: 0, bos: false, ttl: 64 },
    ]);
    expect(bytes).toBe(hex(odd));
  });

  it('a multipath MPLS route: RTA_NEWDST and RTA_VIA inside each path', () => {
    const path = (l: number, gw: number, ifindex: number): Uint8Array => {
      const attrs = concat([nla(19, label(l, true)), nla(18, new Uint8Array([2, 0, 192, 0, 2, gw]))]);
      const rtnh = new Uint8Array(8);
      new DataView(rtnh.buffer).setUint16(0, 8 + attrs.length, true);
      new DataView(rtnh.buffer).setInt32(4, ifindex, true);
      return concat([rtnh, attrs]);
    };
    const bytes = concat([rtmsgOf(AF_MPLS, 20), nla(1, label(400, true)), nla(9, concat([path(101, 1, 2), path(102, 2, 3)]))]);
    const { value, bytes: again } = roundTrip(routeMessage, bytes);
    expect(value.multipath?.map((p) => p.attrs?.newdst)).toEqual([[{ label: 101, tc: 0, bos: true, ttl: 0 }], [{ label: 102, tc: 0, bos: true, ttl: 0 }]]);
    expect(again).toBe(hex(bytes));
  });

  it('IPv4 and IPv6 destinations stay addresses', () => {
    const v4 = concat([rtmsgOf(2, 24), nla(1, new Uint8Array([198, 51, 100, 0]))]);
    expect(roundTrip(routeMessage, v4).value.dst).toBe('198.51.100.0');
  });

  it('a stack of more than 30 labels (MAX_NEW_LABELS) is a DecodeError: a 64 KiB RTA_NEWDST made 16,000 objects', () => {
    const stack = (n: number): Uint8Array => concat(Array.from({ length: n }, (_, i) => label(16 + i, i === n - 1)));
    const ok = concat([rtmsgOf(AF_MPLS, 20), nla(19, stack(30))]);
    expect(roundTrip(routeMessage, ok).bytes).toBe(hex(ok));
    const big = concat([rtmsgOf(AF_MPLS, 20), nla(19, stack(31))]);
    expect(() => routeMessage.decode(new Reader(big), 0, big.length)).toThrow(/31 labels: the kernel's limit is 30/);
  });

  it('a label stack whose length is not a multiple of 4 is a DecodeError; a bad label an InvalidArgumentError', () => {
    const bad = concat([rtmsgOf(AF_MPLS, 20), nla(19, new Uint8Array([0, 1, 2]))]);
    expect(() => routeMessage.decode(new Reader(bad), 0, bad.length)).toThrow(DecodeError);
    const w = new Writer(64);
    expect(() => routeMessage.encode(w, { family: 'mpls', newdst: [{ label: 1 << 20 }] } as never)).toThrow(/newdst\.0: label must be an integer from 0 to 1048575/);
  });
});

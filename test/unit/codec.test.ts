import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIPv4, formatIPv4Prefix, formatIPv6, parseIP, parseIPv4, parseIPv6, parseMAC, formatMAC } from '../../src/netlink/addr.js';
import { parsePrefix } from '../../src/rtnl/common/prefix.js';
import { Reader, Writer } from '../../src/netlink/bytes.js';
import { DecodeError, InvalidArgumentError } from '../../src/netlink/errors.js';
import { forEachMessage, message, splitMessages, writeMessage } from '../../src/netlink/message.js';
import {
  attr,
  decodeContext,
  attrSet,
  be16,
  binary,
  decodeWith,
  encodeWith,
  enumOf,
  flag,
  flagsOf,
  indexedArray,
  ip,
  ipv4,
  mac,
  multiAttr,
  s32,
  string,
  struct,
  subMessage,
  u16,
  u32,
  u64,
  u8,
  unknownAttributes,
} from '../../src/netlink/schema/index.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

const inner = attrSet('inner', {
  port: attr(1, be16),
  addr: attr(2, ipv4),
  on: attr(3, flag),
});
const kindA = attrSet('kind-a', { id: attr(1, u16) });
const sample = attrSet('sample', {
  name: attr(1, string),
  mtu: attr(2, u32),
  big: attr(3, u64),
  mac: attr(4, mac),
  dst: attr(5, ip),
  inner: attr(6, inner),
  alt: multiAttr(7, string),
  mode: attr(8, enumOf(u8, { private: 1, vepa: 2, bridge: 4 })),
  flags: attr(9, flagsOf(u32, { up: 1, broadcast: 2, loopback: 8 })),
  nsid: attr(10, s32),
  blob: attr(11, binary),
  list: attr(12, indexedArray(u32)),
  kind: attr(13, string),
  data: attr(14, subMessage('kind', { a: kindA })),
  info: attr(15, struct('info', { a: u8, pad: 3, b: u32 })),
});

describe('addresses as text', () => {
  it('formats IPv6 like inet_ntop', () => {
    const cases: [string, string][] = [
      ['20010db8000000000000000000000001', '2001:db8::1'],
      ['00000000000000000000000000000001', '::1'],
      ['00000000000000000000000000000000', '::'],
      ['fe800000000000000000000000000001', 'fe80::1'],
      ['00000000000000000000ffffc0000201', '::ffff:192.0.2.1'],
      ['000000000000000000000000c0000201', '::192.0.2.1'],
      ['20010db8000000010000000000000001', '2001:db8:0:1::1'],
      ['20010db8000000000001000000000001', '2001:db8::1:0:0:1'],
      ['20010db8000100010001000100010001', '2001:db8:1:1:1:1:1:1'],
    ];
    for (const [h, text] of cases) {
      expect(formatIPv6(hex(h), 0)).toBe(text);
      expect(toHex(parseIPv6(text) as Uint8Array)).toBe(h);
    }
  });

  it('rejects malformed text', () => {
    for (const bad of ['1.2.3', '1.2.3.256', '::1::2', '2001:db8:::1', 'g::1', '1:2:3:4:5:6:7:8:9', '']) {
      expect(parseIP(bad)).toBeUndefined();
    }
    expect(parseMAC('aa:bb:zz')).toBeUndefined();
  });

  it('round-trips random IPv6 addresses', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (b) => {
        expect(toHex(parseIPv6(formatIPv6(b, 0)) as Uint8Array)).toBe(toHex(b));
      }),
    );
  });

  it('formats MAC addresses in lowercase', () => {
    expect(formatMAC(hex('AABBCC010203'), 0, 6)).toBe('aa:bb:cc:01:02:03');
  });

  it('formats IPv4 addresses and prefixes as dotted quads, from the cached pieces or not', () => {
    const dotted = (b: Uint8Array): string => Array.from(b.subarray(0, 4), String).join('.');
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.oneof(fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 999 })), fc.nat(4), (b, len, pad) => {
        const buf = new Uint8Array(pad + 4);
        buf.set(b, pad);
        expect(formatIPv4(buf, pad)).toBe(dotted(b));
        expect(formatIPv4Prefix(buf, pad, len)).toBe(`${dotted(b)}/${len}`);
      }),
      { numRuns: 5000 },
    );
    // Heads that share a cache slot ((key ^ key >>> 12) & 4095) must not be mistaken for each other.
    const a = Uint8Array.of(0, 16, 1, 7);
    const b = Uint8Array.of(0, 0, 0, 7);
    expect([formatIPv4(a, 0), formatIPv4(b, 0), formatIPv4(a, 0)]).toEqual(['0.16.1.7', '0.0.0.7', '0.16.1.7']);
  });

  it('formats link-layer addresses of every length as colon-separated byte pairs', () => {
    // The reference: each byte as two hex digits, joined by colons (what ip prints).
    const reference = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(':');
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 40 }), fc.nat(8), (b, pad) => {
        const buf = new Uint8Array(pad + b.length);
        buf.set(b, pad);
        expect(formatMAC(buf, pad, b.length)).toBe(reference(b));
      }),
    );
    expect(formatMAC(hex('FFFFFFFFFFFF'), 0, 6)).toBe('ff:ff:ff:ff:ff:ff');
    expect(formatMAC(hex('000000000000'), 0, 6)).toBe('00:00:00:00:00:00');
    expect(formatMAC(hex('FFFFFFFFFF00'), 0, 6)).toBe('ff:ff:ff:ff:ff:00');
  });

  it('decodes strings, ASCII or not, and flags the ones that would not re-encode the same', () => {
    const decode = (bytes: number[]): [string, boolean] => {
      const ctx = decodeContext();
      const text = string.decode(new Reader(Uint8Array.from(bytes)), 0, bytes.length, ctx);
      return [text, ctx.nonCanonical];
    };
    expect(decode([0x65, 0x74, 0x68, 0x30, 0])).toEqual(['eth0', false]);
    expect(decode([0x65, 0x74, 0x68, 0x30])).toEqual(['eth0', true]); // no NUL
    expect(decode([0x65, 0, 0x78, 0])).toEqual(['e', true]); // bytes after the NUL
    expect(decode([0xc3, 0xa9, 0])).toEqual(['\u00e9', false]); // UTF-8
    expect(decode([0xc3, 0])).toEqual(['\ufffd', true]); // invalid UTF-8
    expect(decode([0])).toEqual(['', false]);
    expect(decode([...new Array<number>(200).fill(0x61), 0])).toEqual(['a'.repeat(200), false]);
  });
});

describe('attribute sets', () => {
  const value = {
    name: 'veth0',
    mtu: 1500,
    big: 18446744073709551615n,
    mac: '02:00:00:00:00:01',
    dst: '2001:db8::1',
    inner: { port: 4789, addr: '192.0.2.1', on: true as const },
    alt: ['one', 'two'],
    mode: 'bridge' as const,
    flags: ['up' as const, 'loopback' as const, 0x100],
    nsid: -1,
    blob: Uint8Array.of(1, 2, 3),
    list: [7, 8, 9],
    kind: 'a',
    data: { id: 42 },
    info: { a: 1, b: 2 },
  };

  it('round-trips every codec', () => {
    const bytes = encodeWith(sample, value);
    expect(decodeWith(sample, bytes)).toEqual(value);
    expect(toHex(encodeWith(sample, decodeWith(sample, bytes)))).toBe(toHex(bytes));
  });

  it('encodes integers in the right byte order', () => {
    const bytes = encodeWith(inner, { port: 4789 });
    expect(toHex(bytes)).toBe('06000100' + '12b5' + '0000');
  });

  it('keeps unknown attributes in place and re-encodes byte for byte', () => {
    // name "lo", unknown type 99 (4 bytes), mtu 65536, unknown nested type 100 with NLA_F_NESTED.
    const fixed = hex('06000100 6c6f0000 08006300 deadbeef 08000200 00000100 0c006480 08000100 01020304');
    const v = decodeWith(sample, fixed);
    expect(v).toEqual({ name: 'lo', mtu: 65536 });
    expect(unknownAttributes(v).map((u) => [u.type, toHex(u.data)])).toEqual([
      [99, 'deadbeef'],
      [100, '0800010001020304'],
    ]);
    expect(toHex(encodeWith(sample, v))).toBe(toHex(fixed));
    // A change to a known value is encoded in place; the unknown ones stay.
    v.mtu = 1500;
    expect(toHex(encodeWith(sample, v))).toBe(toHex(hex('06000100 6c6f0000 08006300 deadbeef 08000200 dc050000 0c006480 08000100 01020304')));
  });

  it('keeps the kernel order of attributes', () => {
    const bytes = hex('08000200 dc050000 06000100 6c6f0000');
    const v = decodeWith(sample, bytes);
    expect(Object.keys(v)).toEqual(['mtu', 'name']);
    expect(toHex(encodeWith(sample, v))).toBe(toHex(bytes));
  });

  it('keeps non-canonical payloads and type flags byte for byte', () => {
    // A string without its NUL, a u32 sent as 8 bytes, a nest with NLA_F_NESTED, a repeat out of sequence.
    const bytes = hex('06000100 6c6f0000 0c000200 dc050000 00000000 0c000680 06000100 12b50000 07000700 61610000 06000100 6c6f0000 07000700 62620000');
    const v = decodeWith(sample, bytes);
    expect(v).toMatchObject({ name: 'lo', mtu: 1500, inner: { port: 4789 }, alt: ['aa', 'bb'] });
    expect(toHex(encodeWith(sample, v))).toBe(toHex(bytes));
  });

  it('keeps a struct tail and a short struct', () => {
    const long = hex('10000f00 01000000 02000000 ffffffff');
    const v = decodeWith(sample, long);
    expect(v.info).toEqual({ a: 1, b: 2 });
    expect(toHex(encodeWith(sample, v))).toBe(toHex(long));
    const short = hex('08000f00 01000000');
    const s = decodeWith(sample, short);
    expect(s.info).toEqual({ a: 1 });
    expect(toHex(encodeWith(sample, s))).toBe(toHex(short));
  });

  it('names the field of a bad value', () => {
    expect(() => encodeWith(sample, { inner: { port: 70000 } })).toThrow(InvalidArgumentError);
    expect(() => encodeWith(sample, { inner: { port: 70000 } })).toThrow(/inner\.port/);
    expect(() => encodeWith(sample, { mode: 'nope' as 'bridge' })).toThrow(/mode: unknown value "nope"/);
    expect(() => encodeWith(sample, { mtux: 1 } as never)).toThrow(/mtux: not an attribute of sample/);
    expect(() => encodeWith(sample, { dst: '300.1.1.1' })).toThrow(/dst/);
  });

  it('reports malformed bytes as DecodeError with offset and path', () => {
    const bad = hex('0c000600 08000200 0400');
    try {
      decodeWith(sample, bad);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DecodeError);
    }
    const deep = hex('0c000600 ff000100 00000000');
    expect(() => decodeWith(sample, deep)).toThrow(/offset 4 in inner/);
  });
});

describe('messages', () => {
  const hdr = struct('hdr', { family: u8, pad: 3, index: s32 });
  const attrs = attrSet('msg-attrs', { name: attr(1, string), mtu: attr(2, u32) });
  const schema = message('test', hdr, attrs);

  it('frames several messages per buffer and decodes them flat', () => {
    const w = new Writer(16);
    writeMessage(w, 16, 0x2, 7, 1234, (w) => schema.encode(w, { family: 0, index: 1, name: 'lo', mtu: 65536 }));
    writeMessage(w, 16, 0x2, 7, 1234, (w) => schema.encode(w, { family: 0, index: 2, name: 'veth0' }));
    writeMessage(w, 3, 0x2, 7, 1234, (w) => w.u32(0));
    const bytes = w.take();
    const msgs = splitMessages(bytes);
    expect(msgs.map((m) => m.type)).toEqual([16, 16, 3]);
    const r = new Reader(bytes);
    const decoded: unknown[] = [];
    forEachMessage(r, (m) => {
      if (m.type === 16) decoded.push(schema.decode(r, m.payloadOffset, m.end));
    });
    expect(decoded).toEqual([
      { family: 0, index: 1, name: 'lo', mtu: 65536 },
      { family: 0, index: 2, name: 'veth0' },
    ]);
  });

  it('finds the attribute an extended-ACK offset points to', () => {
    const w = new Writer(16);
    writeMessage(w, 16, 5, 1, 0, (w) => schema.encode(w, { family: 0, index: 0, name: 'x', mtu: 1 }));
    const bytes = w.take();
    // header 16 + struct 8, then name (8 bytes), then mtu at 32.
    expect(schema.attributePathAt(bytes, 32)).toEqual(['mtu']);
    expect(schema.attributePathAt(bytes, 24)).toEqual(['name']);
  });

  it('refuses truncated and inconsistent framing', () => {
    expect(() => splitMessages(hex('10000000'))).toThrow(DecodeError);
    expect(() => splitMessages(hex('20000000 10000000 00000000 00000000'))).toThrow(/does not fit/);
    expect(() => splitMessages(hex('08000000 10000000 00000000 00000000'))).toThrow(/length 8/);
  });
});

describe('property: malformed input only ever gives DecodeError', () => {
  const expectOnlyDecodeError = (fn: () => unknown): void => {
    try {
      fn();
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
    }
  };

  it('random bytes as attributes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (b) => {
        expectOnlyDecodeError(() => decodeWith(sample, b));
      }),
      { numRuns: 3000 },
    );
  });

  it('mutated valid encodings', () => {
    const good = encodeWith(sample, { name: 'veth0', mtu: 1500, inner: { port: 1, addr: '192.0.2.1' }, alt: ['a'], kind: 'a', data: { id: 1 }, list: [1, 2] });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.nat(good.length), (muts, cut) => {
        const b = Uint8Array.from(good).subarray(0, cut);
        for (const [i, v] of muts) if (i < b.length) b[i] = v;
        expectOnlyDecodeError(() => {
          const v = decodeWith(sample, b);
          // Whatever decodes must re-encode and decode to the same value.
          expect(decodeWith(sample, encodeWith(sample, v))).toEqual(v);
        });
      }),
      { numRuns: 3000 },
    );
  });

  it('random datagrams through the framer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 128 }), (b) => {
        expectOnlyDecodeError(() => splitMessages(b));
      }),
    );
  });
});

describe('writer growth', () => {
  it('writes integers correctly across buffer growth', () => {
    const w = new Writer(4);
    const ctx = { path: [] };
    for (let i = 0; i < 100; i++) u32.encode(w, i, ctx);
    w.u8(7);
    w.u16(0x1234);
    w.u32(0xdeadbeef);
    const b = w.take();
    const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
    for (let i = 0; i < 100; i++) expect(v.getUint32(i * 4, true)).toBe(i);
    expect([v.getUint8(400), v.getUint16(401, true), v.getUint32(403, true)]).toEqual([7, 0x1234, 0xdeadbeef]);
  });
});

describe('lazily decoded attributes', () => {
  const stats = struct('stats', { rx: u64, tx: u64 });
  const eagerSet = attrSet('eager', { name: attr(1, string), stats: attr(2, stats), inner: attr(3, inner), mtu: attr(4, u32) });
  const lazySet = attrSet('lazy', {
    name: attr(1, string),
    stats: attr(2, stats, 0, { lazy: true }),
    inner: attr(3, inner, 0, { lazy: true }),
    mtu: attr(4, u32),
  });
  const value = { name: 'x', stats: { rx: 1n, tx: 2n }, inner: { port: 53, addr: '192.0.2.1' }, mtu: 1500 };
  const bytes = encodeWith(eagerSet, value);

  it('decode to the same value as eager attributes, in the same key order', () => {
    const v = decodeWith(lazySet, bytes);
    expect(Object.keys(v)).toEqual(['name', 'stats', 'inner', 'mtu']);
    expect(v).toEqual(value);
    expect(JSON.stringify(decodeWith(lazySet, bytes), (_k, x: unknown) => (typeof x === 'bigint' ? String(x) : x))).toBe(
      JSON.stringify(value, (_k, x: unknown) => (typeof x === 'bigint' ? String(x) : x)),
    );
  });

  it('re-encode byte for byte whether read or not, and survive the source buffer being reused', () => {
    const buf = Uint8Array.from(bytes);
    const v = decodeWith(lazySet, buf);
    buf.fill(0xee); // the receive buffer is reused for the next datagram
    expect(toHex(encodeWith(lazySet, v))).toBe(toHex(bytes));
    expect(v.stats).toEqual({ rx: 1n, tx: 2n });
    expect(toHex(encodeWith(lazySet, v))).toBe(toHex(bytes));
  });

  it('become ordinary properties when read or assigned', () => {
    const v = decodeWith(lazySet, bytes);
    const first = v.inner;
    expect(v.inner).toBe(first);
    expect(Object.getOwnPropertyDescriptor(v, 'inner')).toMatchObject({ value: first, writable: true, enumerable: true });
    v.stats = { rx: 5n, tx: 6n };
    expect(v.stats).toEqual({ rx: 5n, tx: 6n });
    expect(decodeWith(lazySet, encodeWith(lazySet, v)).stats).toEqual({ rx: 5n, tx: 6n });
    const copy = { ...decodeWith(lazySet, bytes) };
    expect(copy).toEqual(value);
  });

  it('report a malformed payload as DecodeError when read', () => {
    // The nest's only attribute claims 255 bytes.
    const bad = hex('06000100 78000000 0c000300 ff000100 00000000');
    const v = decodeWith(lazySet, bad);
    expect(v.name).toBe('x');
    expect(() => v.inner).toThrow(DecodeError);
  });
});

describe('IPv4 text with leading zeros', () => {
  it('is refused (ip reads 010 as octal, others as decimal), in the parser and with a clear message for prefixes', () => {
    for (const bad of ['192.0.2.010', '010.0.2.1', '192.00.2.1', '192.0.2.00']) expect(parseIPv4(bad)).toBeUndefined();
    for (const [good, bytes] of [['192.0.2.10', [192, 0, 2, 10]], ['0.0.0.0', [0, 0, 0, 0]], ['10.0.0.100', [10, 0, 0, 100]]] as const) expect([...(parseIPv4(good) ?? [])]).toEqual(bytes);
    expect(parseIPv6('::ffff:192.0.2.010')).toBeUndefined();
    expect(() => parsePrefix('192.0.2.010/24', 'address')).toThrow(
      new InvalidArgumentError('address', '"192.0.2.010" is not an IPv4 address: a part with a leading zero is ambiguous (ip reads it as octal), write it without'),
    );
  });
});

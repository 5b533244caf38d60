// Capture files: the LINKTYPE_NETLINK pcap writer, the pcap/pcapng reader (against files built here
// from the formats' specifications), the strace adapter and the recording transport.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { concat, hex, nlmsg } from '../harness/bytes.js';
import {
  CaptureFormatError,
  PcapWriter,
  RecordingTransport,
  encodePcapRecord,
  parseStraceCapture,
  readCapture,
  writePcapHeader,
} from '../../src/netlink/capture/index.js';
import type { CapturedDatagram } from '../../src/netlink/capture/index.js';
import { parseStraceDump, StraceParseError } from '../../src/netlink/strace.js';
import { DecodeError } from '../../src/netlink/errors.js';
import type { Transport } from '../../src/netlink/transport.js';

const stracePath = (name: string): string => new URL(`../fixtures/strace/${name}`, import.meta.url).pathname;
const kernelFixture = (name: string): { datagrams: { direction: 'sent' | 'received'; fd: number; hex: string }[] } =>
  JSON.parse(fs.readFileSync(new URL(`../fixtures/kernel/${name}.json`, import.meta.url), 'utf8'));

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rtnl-capture-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const REQUEST = nlmsg(18, 0x301, 7, 0, new Uint8Array(16)); // RTM_GETLINK dump
const REPLY = concat([nlmsg(16, 0x2, 7, 4242, new Uint8Array(24).fill(0xab)), nlmsg(16, 0x2, 7, 4242, new Uint8Array(8).fill(0xcd))]);
const DONE = nlmsg(3, 0x2, 7, 4242, new Uint8Array(4));

/** The 16-byte LINKTYPE_NETLINK pseudo-header, big-endian fields. */
function pseudoHeader(packetType: number, protocol = 0, hatype = 824): Uint8Array {
  const out = new Uint8Array(16);
  const v = new DataView(out.buffer);
  v.setUint16(0, packetType, false);
  v.setUint16(2, hatype, false);
  v.setUint16(14, protocol, false);
  return out;
}

describe('pcap writer', () => {
  it('writes the classic pcap header: magic a1b2c3d4 little-endian, version 2.4, snaplen 262144, LINKTYPE_NETLINK', () => {
    expect(hex(writePcapHeader())).toBe('d4c3b2a1' + '0200' + '0400' + '00000000' + '00000000' + '00000400' + 'fd000000');
  });

  it('encodes a record: header, the 16-byte pseudo-header (packet type, ARPHRD_NETLINK, protocol) and the datagram', () => {
    const sent = encodePcapRecord({ direction: 'sent', bytes: REQUEST, timestamp: 1700000000.25 });
    const v = new DataView(sent.buffer);
    expect(v.getUint32(0, true)).toBe(1700000000);
    expect(v.getUint32(4, true)).toBe(250000);
    expect(v.getUint32(8, true)).toBe(16 + REQUEST.length);
    expect(v.getUint32(12, true)).toBe(16 + REQUEST.length);
    expect(hex(sent.subarray(16, 32))).toBe('0004' + '0338' + '0000' + '0000000000000000' + '0000');
    expect(hex(sent.subarray(32))).toBe(hex(REQUEST));

    const received = encodePcapRecord({ direction: 'received', bytes: DONE, timestamp: 1, protocol: 16 });
    expect(hex(received.subarray(16, 32))).toBe('0000' + '0338' + '0000' + '0000000000000000' + '0010');
  });

  it('round-trips records through a file', () => {
    const file = path.join(tmp, 'roundtrip.pcap');
    const w = new PcapWriter(file);
    const input: CapturedDatagram[] = [
      { direction: 'sent', protocol: 0, timestamp: 1700000000.000001, bytes: REQUEST },
      { direction: 'received', protocol: 0, timestamp: 1700000000.5, bytes: REPLY },
      { direction: 'received', protocol: 16, timestamp: 1700000001.999999, bytes: DONE },
      { direction: 'sent', protocol: 0, timestamp: 1700000002, bytes: new Uint8Array(0) },
    ];
    for (const d of input) w.write(d);
    w.record('received', DONE);
    expect(w.records).toBe(5);
    w.close();
    w.close();
    expect(w.closed).toBe(true);
    expect(() => w.record('sent', REQUEST)).toThrow(/closed/);

    const out = readCapture(fs.readFileSync(file));
    expect(out).toHaveLength(5);
    input.forEach((d, i) => {
      expect(out[i].direction).toBe(d.direction);
      expect(out[i].protocol).toBe(d.protocol);
      expect(out[i].timestamp).toBeCloseTo(d.timestamp, 5);
      expect(hex(out[i].bytes)).toBe(hex(d.bytes));
      expect(out[i].originalLength).toBeUndefined();
    });
    expect(Math.abs(out[4].timestamp - Date.now() / 1000)).toBeLessThan(60);
  });

  it('cuts packets to the snaplen and says so on reading', () => {
    const big = new Uint8Array(200).fill(7);
    const bytes = concat([writePcapHeader(100), encodePcapRecord({ direction: 'received', bytes: big, timestamp: 5 }, 100)]);
    const [d] = readCapture(bytes);
    expect(d.bytes.length).toBe(84);
    expect(d.originalLength).toBe(200);
  });

  it('refuses invalid records', () => {
    expect(() => encodePcapRecord({ direction: 'sent', bytes: REQUEST, timestamp: -1 })).toThrow(/timestamp/);
    expect(() => encodePcapRecord({ direction: 'sent', bytes: REQUEST, protocol: 70000 })).toThrow(/protocol/);
    expect(() => writePcapHeader(3)).toThrow(/snaplen/);
  });
});

/** A classic pcap file built by hand in either byte order, with microsecond or nanosecond timestamps. */
function handPcap(le: boolean, nano: boolean, packets: { packetType: number; bytes: Uint8Array; sec: number; frac: number }[], linktype = 253): Uint8Array {
  const head = new Uint8Array(24);
  const hv = new DataView(head.buffer);
  hv.setUint32(0, nano ? 0xa1b23c4d : 0xa1b2c3d4, le);
  hv.setUint16(4, 2, le);
  hv.setUint16(6, 4, le);
  hv.setUint32(16, 65535, le);
  hv.setUint32(20, linktype, le);
  const parts: Uint8Array[] = [head];
  for (const p of packets) {
    const rec = new Uint8Array(16);
    const rv = new DataView(rec.buffer);
    rv.setUint32(0, p.sec, le);
    rv.setUint32(4, p.frac, le);
    rv.setUint32(8, 16 + p.bytes.length, le);
    rv.setUint32(12, 16 + p.bytes.length, le);
    parts.push(rec, pseudoHeader(p.packetType), p.bytes);
  }
  return concat(parts);
}

describe('reading classic pcap', () => {
  it('reads big-endian files with nanosecond timestamps', () => {
    const file = handPcap(false, true, [
      { packetType: 4, bytes: REQUEST, sec: 100, frac: 500_000_000 },
      { packetType: 0, bytes: REPLY, sec: 101, frac: 1 },
    ]);
    const out = readCapture(file);
    expect(out.map((d) => d.direction)).toEqual(['sent', 'received']);
    expect(out[0].timestamp).toBe(100.5);
    expect(out[1].timestamp).toBeCloseTo(101.000000001, 9);
    expect(hex(out[1].bytes)).toBe(hex(REPLY));
  });

  it('reads little-endian files with microsecond timestamps', () => {
    const out = readCapture(handPcap(true, false, [{ packetType: 0, bytes: DONE, sec: 3, frac: 250_000 }]));
    expect(out).toEqual([{ direction: 'received', protocol: 0, timestamp: 3.25, bytes: DONE }]);
  });

  it('tells directions apart by NLM_F_REQUEST when every packet is "outgoing", as tcpdump on nlmon records them', () => {
    const file = handPcap(true, false, [
      { packetType: 4, bytes: REQUEST, sec: 1, frac: 0 },
      { packetType: 4, bytes: REPLY, sec: 1, frac: 1 },
      { packetType: 4, bytes: DONE, sec: 1, frac: 2 },
    ]);
    expect(readCapture(file).map((d) => d.direction)).toEqual(['sent', 'received', 'received']);
    // PACKET_USER (6) and PACKET_KERNEL (7), the kernel's own marks, when a tool keeps them.
    const marked = handPcap(true, false, [
      { packetType: 7, bytes: REPLY, sec: 1, frac: 0 },
      { packetType: 6, bytes: REQUEST, sec: 1, frac: 0 },
    ]);
    expect(readCapture(marked).map((d) => d.direction)).toEqual(['sent', 'received']);
  });

  it('refuses what is not a LINKTYPE_NETLINK capture', () => {
    const error = (bytes: Uint8Array): CaptureFormatError => {
      try {
        readCapture(bytes);
      } catch (e) {
        expect(e).toBeInstanceOf(CaptureFormatError);
        return e as CaptureFormatError;
      }
      throw new Error('expected a CaptureFormatError');
    };
    expect(error(new Uint8Array(0)).message).toMatch(/too few/);
    expect(error(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])).message).toMatch(/not a pcap or pcapng file/);
    expect(error(handPcap(true, false, [], 1)).message).toMatch(/link type 1 is not LINKTYPE_NETLINK/);
    const good = handPcap(true, false, [{ packetType: 0, bytes: DONE, sec: 1, frac: 0 }]);
    expect(error(good.subarray(0, good.length - 1)).message).toMatch(/runs past the end/);
    expect(error(good.subarray(0, 30)).message).toMatch(/record header truncated/);
    const wrongHatype = concat([writePcapHeader(), new Uint8Array(16), pseudoHeader(0, 0, 1), DONE]);
    new DataView(wrongHatype.buffer).setUint32(24 + 8, 16 + DONE.length, true);
    expect(error(wrongHatype).message).toMatch(/ARPHRD type is 1/);
    const short = concat([writePcapHeader(), new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 4, 0, 0, 0]), new Uint8Array(4)]);
    expect(error(short).message).toMatch(/shorter than the 16-byte/);
    expect(() => readCapture('pcap' as unknown as Uint8Array)).toThrow(CaptureFormatError);
  });
});

// ---------------------------------------------------------------------------------------------
// pcapng, built from the specification (draft-ietf-opsawg-pcapng): blocks are
// type, total length, body, total length; every section has its own byte order.

function pad4(b: Uint8Array): Uint8Array {
  return concat([b, new Uint8Array((4 - (b.length % 4)) % 4)]);
}

function u16(v: number, le: boolean): Uint8Array {
  const b = new Uint8Array(2);
  new DataView(b.buffer).setUint16(0, v, le);
  return b;
}

function u32(v: number, le: boolean): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v, le);
  return b;
}

function option(code: number, value: Uint8Array, le: boolean): Uint8Array {
  return concat([u16(code, le), u16(value.length, le), pad4(value)]);
}

function options(list: Uint8Array[], le: boolean): Uint8Array {
  return list.length === 0 ? new Uint8Array(0) : concat([...list, option(0, new Uint8Array(0), le)]);
}

function block(type: number, body: Uint8Array, le: boolean): Uint8Array {
  const padded = pad4(body);
  const len = 12 + padded.length;
  return concat([u32(type, le), u32(len, le), padded, u32(len, le)]);
}

function shb(le: boolean): Uint8Array {
  const sectionLength = new Uint8Array(8).fill(0xff); // -1: not given
  return block(0x0a0d0d0a, concat([u32(0x1a2b3c4d, le), u16(1, le), u16(0, le), sectionLength, options([option(4, new TextEncoder().encode('test'), le)], le)]), le);
}

function idb(linktype: number, le: boolean, opts: Uint8Array[] = []): Uint8Array {
  return block(1, concat([u16(linktype, le), u16(0, le), u32(262144, le), options(opts, le)]), le);
}

function epb(iface: number, ticks: bigint, packet: Uint8Array, le: boolean, opts: Uint8Array[] = []): Uint8Array {
  return block(
    6,
    concat([u32(iface, le), u32(Number(ticks >> 32n), le), u32(Number(ticks & 0xffffffffn), le), u32(packet.length, le), u32(packet.length, le), pad4(packet), options(opts, le)]),
    le,
  );
}

function spb(packet: Uint8Array, le: boolean): Uint8Array {
  return block(3, concat([u32(packet.length, le), packet]), le);
}

function i64(v: bigint, le: boolean): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigInt64(0, v, le);
  return b;
}

/** Two sections: a little-endian one with two interfaces (netlink in ns, Ethernet) and a big-endian one. */
function handPcapng(): Uint8Array {
  const nl = (t: number, b: Uint8Array, proto = 0): Uint8Array => concat([pseudoHeader(t, proto), b]);
  const LE = true;
  const BE = false;
  return concat([
    shb(LE),
    idb(253, LE, [option(2, new TextEncoder().encode('nlmon0'), LE), option(9, new Uint8Array([9]), LE)]), // if_tsresol: 10^-9
    idb(1, LE), // an Ethernet interface: its packets are skipped
    epb(0, 1_700_000_000_123_456_789n, nl(4, REQUEST), LE),
    epb(1, 1n, new Uint8Array(60).fill(0xee), LE),
    block(4, new Uint8Array(8), LE), // name resolution block: skipped
    block(0x40000bad, new Uint8Array(5), LE), // custom block: skipped
    epb(0, 1_700_000_000_500_000_000n, nl(0, REPLY), LE, [option(2, u32(1, LE), LE)]), // epb_flags: inbound
    spb(nl(0, DONE), LE), // simple packet: interface 0, no timestamp
    shb(BE),
    idb(253, BE, [option(14, i64(1000n, BE), BE)]), // microseconds, if_tsoffset 1000 s
    epb(0, 2_500_000n, nl(4, REQUEST, 16), BE, [option(2, u32(2, BE), BE)]), // epb_flags: outbound
  ]);
}

describe('reading pcapng', () => {
  it('reads sections of both byte orders, several interfaces, EPB and SPB, skipping other blocks and link types', () => {
    const out = readCapture(handPcapng());
    expect(out.map((d) => [d.direction, d.protocol, hex(d.bytes)])).toEqual([
      ['sent', 0, hex(REQUEST)],
      ['received', 0, hex(REPLY)],
      ['received', 0, hex(DONE)],
      ['sent', 16, hex(REQUEST)],
    ]);
    expect(out[0].timestamp).toBeCloseTo(1_700_000_000.123456789, 6);
    expect(out[1].timestamp).toBe(1_700_000_000.5);
    expect(out[2].timestamp).toBe(0);
    expect(out[3].timestamp).toBe(1002.5);
  });

  it('refuses inconsistent files', () => {
    const le = true;
    const cases: [Uint8Array, RegExp][] = [
      [concat([shb(le), epb(0, 0n, pseudoHeader(0), le)]), /interface 0, but the section describes 0/],
      [concat([shb(le), idb(1, le), epb(0, 0n, new Uint8Array(20), le)]), /no LINKTYPE_NETLINK/],
      [concat([shb(le), idb(253, le), spb(new Uint8Array(8), le)]), /shorter than the 16-byte/],
      [shb(le).subarray(0, 20), /runs past the end/],
      [concat([shb(le), new Uint8Array([1, 0, 0, 0, 13, 0, 0, 0, 0, 0, 0, 0, 0])]), /not a multiple of 4/],
    ];
    const badTrailer = shb(le).slice();
    badTrailer[badTrailer.length - 4] ^= 4;
    cases.push([badTrailer, /trailing length/]);
    const badBom = shb(le).slice();
    badBom[8] = 0;
    cases.push([badBom, /byte-order magic/]);
    const badOption = concat([shb(le), block(1, concat([u16(253, le), u16(0, le), u32(0, le), u16(9, le), u16(200, le)]), le)]);
    cases.push([badOption, /option 9 of 200 bytes/]);
    for (const [bytes, message] of cases) {
      expect(() => readCapture(bytes)).toThrow(CaptureFormatError);
      expect(() => readCapture(bytes)).toThrow(message);
    }
  });
});

describe('format errors are DecodeErrors with the offset in the file', () => {
  it('a truncated pcap record header, a short packet block, a truncated pseudo-header: each at its place', () => {
    const pcap = concat([writePcapHeader(), encodePcapRecord({ direction: 'sent', bytes: REQUEST, timestamp: 1 })]);
    const cutHeader = concat([pcap, new Uint8Array(10)]);
    const cases: [Uint8Array, number, RegExp][] = [
      [cutHeader, pcap.length, /^record header truncated: 10 of 16 bytes \(at offset \d+\)$/],
      [pcap.subarray(0, 20), 0, /^pcap file header truncated: 20 of 24 bytes/],
      // An interface description block of 16 bytes: its fixed part does not fit before the trailer.
      [concat([shb(true), block(1, new Uint8Array(0), true)]), shb(true).length, /interface description block of 12 bytes, need 20/],
    ];
    // An EPB whose packet is cut inside the 16-byte pseudo-header.
    const epbShort = concat([shb(true), idb(253, true), epb(0, 0n, pseudoHeader(0).subarray(0, 12), true)]);
    cases.push([epbShort, shb(true).length + idb(253, true).length + 28, /shorter than the 16-byte LINKTYPE_NETLINK header/]);
    for (const [bytes, offset, message] of cases) {
      let err: unknown;
      try {
        readCapture(bytes);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(CaptureFormatError);
      expect(err).toBeInstanceOf(DecodeError);
      expect((err as DecodeError).offset).toBe(offset);
      expect((err as Error).message).toMatch(message);
    }
  });
});

/** A pcap file of `count` records of REQUEST/REPLY/DONE in turn, larger than one run of the run parser when `count` is in the thousands. */
function manyRecords(count: number): Uint8Array {
  const datagrams = [REQUEST, REPLY, DONE];
  return concat([writePcapHeader(), ...Array.from({ length: count }, (_, i) => encodePcapRecord({ direction: i % 3 === 0 ? 'sent' : 'received', bytes: datagrams[i % 3], timestamp: 1_700_000_000 + i / 1000 }))]);
}

/**
 * A pcapng file of several runs' worth of blocks: sections of both byte orders one after the other,
 * enhanced packet blocks without options, with epb_flags, with epb_flags and a comment after it,
 * with a comment first; other blocks in between.
 */
function manyBlocks(sections: number, packets: number): Uint8Array {
  const nl = (t: number, b: Uint8Array): Uint8Array => concat([pseudoHeader(t), b]);
  const comment = new TextEncoder().encode('hi');
  const parts: Uint8Array[] = [];
  for (let s = 0; s < sections; s++) {
    const le = s % 2 === 0;
    parts.push(shb(le), idb(253, le, [option(9, new Uint8Array([6]), le)]), idb(1, le));
    for (let i = 0; i < packets; i++) {
      const t = BigInt(1_700_000_000_000_000 + i);
      // Packet type 0 (to us) throughout: the direction of a packet with epb_flags is the flags'.
      const opts = [[], [option(2, u32(1, le), le)], [option(2, u32(2, le), le), option(1, comment, le)], [option(1, comment, le), option(2, u32(2, le), le)]][i % 4];
      parts.push(i % 50 === 7 ? epb(1, t, new Uint8Array(40), le) : epb(0, t, nl(0, i % 2 === 0 ? REQUEST : REPLY), le, opts));
      if (i % 500 === 3) parts.push(block(5, new Uint8Array(20), le)); // interface statistics: skipped
    }
  }
  return concat(parts);
}

describe('the run path and the exact path', () => {
  it('read every file alike: where code generation is refused binary-parser\'s declarations are interpreted one header at a time, with the same results and the same errors', () => {
    const pcap = concat([writePcapHeader(), encodePcapRecord({ direction: 'sent', bytes: REQUEST, timestamp: 1.5 }), encodePcapRecord({ direction: 'received', bytes: REPLY, timestamp: 2 })]);
    const bigPcap = manyRecords(12000);
    const bigPcapng = manyBlocks(3, 3000);
    // A block length of 8 in the middle of a run: the run parser stops, the exact path names it.
    const shortBlock = bigPcapng.slice();
    const at = shb(true).length + idb(253, true, [option(9, new Uint8Array([6]), true)]).length + idb(1, true).length + epb(0, 0n, concat([pseudoHeader(4), REQUEST]), true).length;
    new DataView(shortBlock.buffer).setUint32(at + 4, 8, true);
    // An enhanced packet block whose length (and trailing length) is not a multiple of 4.
    const packet = concat([pseudoHeader(0), DONE.subarray(0, 18)]);
    const unaligned = concat([u32(6, true), u32(32 + packet.length, true), u32(0, true), u32(0, true), u32(0, true), u32(packet.length, true), u32(packet.length, true), packet, u32(32 + packet.length, true)]);
    const files: Record<string, Uint8Array> = {
      unaligned: concat([shb(true), idb(253, true), epb(0, 0n, concat([pseudoHeader(0), DONE]), true), unaligned]),
      pcap,
      pcapng: handPcapng(),
      cut: pcap.subarray(0, pcap.length - 3),
      bad: concat([shb(true), idb(253, true), epb(0, 0n, pseudoHeader(0).subarray(0, 12), true)]),
      bigPcap,
      // The last record (the 12000th: DONE) keeps 10 bytes of its header.
      bigPcapCutInHeader: bigPcap.subarray(0, bigPcap.length - DONE.length - 32 + 10),
      bigPcapCutInRecord: bigPcap.subarray(0, bigPcap.length - 5),
      bigPcapng,
      bigPcapngCut: bigPcapng.subarray(0, bigPcapng.length - 7),
      shortBlock,
    };
    // Mutated files: a few bytes changed, cut or inserted anywhere (the same mutations in every run).
    const mutation = fc.record({
      writes: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
      cut: fc.option(fc.nat(), { nil: undefined }),
    });
    const bases = [pcap, handPcapng(), manyRecords(40), manyBlocks(2, 20)];
    fc.sample(mutation, { numRuns: 400, seed: 13 }).forEach((m, i) => {
      const base = bases[i % bases.length];
      const b = base.slice();
      for (const [where, v] of m.writes) b[where % b.length] = v;
      files[`mutated${i}`] = m.cut === undefined ? b : b.subarray(0, m.cut % (b.length + 1));
    });
    const read = (b: Uint8Array): string => {
      try {
        return JSON.stringify(readCapture(b).map((d) => ({ ...d, bytes: hex(d.bytes) })));
      } catch (e) {
        return `${(e as Error).name}: ${(e as Error).message}`;
      }
    };
    const here: Record<string, string> = {};
    const dir = fs.mkdtempSync(path.join(tmp, 'paths-'));
    for (const [name, bytes] of Object.entries(files)) {
      fs.writeFileSync(path.join(dir, `${name}.cap`), bytes);
      here[name] = read(bytes);
    }
    expect(here.cut).toMatch(/^CaptureFormatError: record of \d+ bytes runs past the end/);
    expect(here.bad).toMatch(/^CaptureFormatError: packet of 12 bytes is shorter/);
    expect(JSON.parse(here.bigPcap)).toHaveLength(12000);
    expect(here.bigPcapCutInHeader).toBe(`CaptureFormatError: record header truncated: 10 of 16 bytes (at offset ${bigPcap.length - DONE.length - 32})`);
    expect(here.bigPcapCutInRecord).toMatch(/^CaptureFormatError: record of \d+ bytes runs past the end of the file/);
    // 3000 packets a section, one in 50 of the Ethernet interface.
    const big = JSON.parse(here.bigPcapng) as { direction: string; bytes: string }[];
    expect(big).toHaveLength(3 * 2940);
    expect(big.slice(0, 4).map((d) => d.direction)).toEqual(['received', 'received', 'sent', 'sent']);
    expect(here.bigPcapngCut).toMatch(/^CaptureFormatError: block of \d+ bytes runs past the end of the file/);
    expect(here.unaligned).toMatch(/^CaptureFormatError: block length 66 is not a multiple of 4/);
    expect(here.shortBlock).toBe(`CaptureFormatError: block length 8 is not a multiple of 4 of at least 12 (at offset ${at + 4})`);
    expect(Object.values(here).filter((v) => v.startsWith('[')).length).toBeGreaterThan(50);
    const script = `import { readCapture } from './src/netlink/capture/pcap.ts'; import fs from 'node:fs';
const hex = (b) => Buffer.from(b).toString('hex');
const out = {};
for (const name of ${JSON.stringify(Object.keys(files))}) {
  const bytes = fs.readFileSync(${JSON.stringify(dir)} + '/' + name + '.cap');
  try { out[name] = JSON.stringify(readCapture(bytes).map((d) => ({ ...d, bytes: hex(d.bytes) }))); } catch (e) { out[name] = e.name + ': ' + e.message; }
}
try { new Function('return 1'); out.codegen = 'allowed'; } catch { out.codegen = 'refused'; }
console.log(JSON.stringify(out));`;
    const out = execFileSync(process.execPath, ['--disallow-code-generation-from-strings', '--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      cwd: path.resolve(import.meta.dirname, '../..'),
      maxBuffer: 256 * 1024 * 1024,
    });
    const there = JSON.parse(out) as Record<string, string>;
    expect(there.codegen).toBe('refused');
    for (const name of Object.keys(files)) expect(there[name], name).toBe(here[name]);
  });
});

describe('malformed input only ever throws CaptureFormatError', () => {
  const validPcap = concat([
    writePcapHeader(),
    encodePcapRecord({ direction: 'sent', bytes: REQUEST, timestamp: 1 }),
    encodePcapRecord({ direction: 'received', bytes: REPLY, timestamp: 2 }),
    encodePcapRecord({ direction: 'received', bytes: DONE, timestamp: 3 }),
  ]);
  const validPcapng = handPcapng();

  const check = (bytes: Uint8Array): void => {
    try {
      const out = readCapture(bytes);
      for (const d of out) expect(d.bytes).toBeInstanceOf(Uint8Array);
    } catch (e) {
      if (!(e instanceof CaptureFormatError)) throw e;
    }
  };

  it('random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => check(b)), { numRuns: 3000 });
    // Random bytes behind each valid magic, so the parsers get past the first check.
    const magics = [validPcap.subarray(0, 4), Uint8Array.from([0xa1, 0xb2, 0x3c, 0x4d]), validPcapng.subarray(0, 12)];
    fc.assert(
      fc.property(fc.constantFrom(...magics), fc.uint8Array({ maxLength: 300 }), (m, b) => check(concat([m, b]))),
      { numRuns: 3000 },
    );
  });

  const mutation = fc.record({
    writes: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
    cut: fc.option(fc.nat(), { nil: undefined }),
    insert: fc.option(fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 16 })), { nil: undefined }),
  });

  const mutate = (valid: Uint8Array, m: { writes: [number, number][]; cut: number | undefined; insert: [number, Uint8Array] | undefined }): Uint8Array => {
    let b: Uint8Array = valid.slice();
    for (const [at, v] of m.writes) b[at % b.length] = v;
    if (m.insert) {
      const at = m.insert[0] % b.length;
      b = concat([b.subarray(0, at), m.insert[1], b.subarray(at)]);
    }
    if (m.cut !== undefined) b = b.subarray(0, m.cut % (b.length + 1));
    return b;
  };

  it('mutated valid pcap files', () => {
    fc.assert(fc.property(mutation, (m) => check(mutate(validPcap, m))), { numRuns: 3000 });
  });

  it('mutated valid pcapng files', () => {
    fc.assert(fc.property(mutation, (m) => check(mutate(validPcapng, m))), { numRuns: 3000 });
  });
});

describe('strace captures', () => {
  it('reads the ip-link-lo run as the datagrams of its kernel fixture', () => {
    const out = parseStraceCapture(fs.readFileSync(stracePath('ip-link-lo.strace'), 'utf8'));
    const fixture = kernelFixture('link-lo').datagrams;
    expect(out.map((d) => ({ direction: d.direction, fd: d.fd, hex: hex(d.bytes) }))).toEqual(fixture);
    for (const d of out) {
      expect(d.protocol).toBe(0);
      expect(d.timestamp).toBe(0);
    }
    // One socket's traffic only.
    expect(parseStraceCapture(fs.readFileSync(stracePath('ip-link-lo.strace'), 'utf8'), { fd: 4 }).map((d) => d.fd)).toEqual([4, 4]);
  });

  it.each(['python-iovecs.strace', 'python-threads.strace'])('reads %s with the directions of its syscalls', (name) => {
    const text = fs.readFileSync(stracePath(name), 'utf8');
    const raw = parseStraceDump(text);
    const out = parseStraceCapture(text);
    expect(out.length).toBe(raw.length);
    expect(out.length).toBeGreaterThan(0);
    out.forEach((d, i) => {
      expect(d.direction).toBe(/^send|^write/.test(raw[i].syscall) ? 'sent' : 'received');
      expect(hex(d.bytes)).toBe(hex(raw[i].bytes));
      expect(d.fd).toBe(raw[i].fd);
    });
  });

  it('keeps only netlink sockets and names their protocol', () => {
    const text = [
      '100 socket(AF_INET, SOCK_DGRAM, IPPROTO_IP) = 3',
      '100 sendto(3, "ab", 2, 0, NULL, 0) = 2',
      ' | 00000  61 62                                             ab               |',
      '100 socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC) = 4',
      '100 sendto(4, "ab", 2, 0, NULL, 0) = 2',
      ' | 00000  61 62                                             ab               |',
      '100 sendto(5, "ab", 2, 0, NULL, 0) = 2',
      ' | 00000  61 62                                             ab               |',
    ].join('\n');
    expect(parseStraceCapture(text, { protocol: 9 }).map((d) => [d.fd, d.protocol])).toEqual([
      [4, 16],
      [5, 9],
    ]);
  });

  it('turns a parse error into a CaptureFormatError caused by the StraceParseError', () => {
    try {
      parseStraceCapture('this is not strace output');
      throw new Error('expected a throw');
    } catch (e) {
      expect(e).toBeInstanceOf(CaptureFormatError);
      expect((e as Error).cause).toBeInstanceOf(StraceParseError);
      expect((e as Error).message).toMatch(/line 1/);
    }
  });
});

/** A transport that hands out its answers from one reused Buffer, as NetlinkSocket does. */
class FakeTransport implements Transport {
  readonly portId = 4242;
  closed = false;
  readonly sent: Uint8Array[] = [];
  private readonly buffer = Buffer.alloc(4096);
  constructor(private readonly answers: Uint8Array[]) {}
  send(datagram: Uint8Array): void {
    if (datagram.length === 0) throw new Error('refused');
    this.sent.push(datagram.slice());
  }
  receive(): Uint8Array | null {
    const a = this.answers.shift();
    if (!a) return null;
    this.buffer.set(a);
    return this.buffer.subarray(0, a.length);
  }
  wait(): Promise<boolean> {
    return Promise.resolve(this.answers.length > 0);
  }
  close(): void {
    this.closed = true;
  }
}

describe('RecordingTransport', () => {
  it('records copies of what it sends and receives, in memory', async () => {
    const inner = new FakeTransport([REPLY, DONE]);
    const t = RecordingTransport.inMemory(inner);
    expect(t.portId).toBe(4242);
    t.send(REQUEST);
    expect(() => t.send(new Uint8Array(0))).toThrow('refused');
    expect(await t.wait(10)).toBe(true);
    const first = t.receive()!;
    expect(hex(first)).toBe(hex(REPLY));
    t.receive();
    expect(t.receive()).toBeNull();
    // The inner buffer was overwritten by the second receive; the recording was not.
    expect(t.datagrams.map((d) => [d.direction, hex(d.bytes)])).toEqual([
      ['sent', hex(REQUEST)],
      ['received', hex(REPLY)],
      ['received', hex(DONE)],
    ]);
    expect(t.closed).toBe(false);
    t.close();
    t.close();
    expect(inner.closed).toBe(true);
    expect(t.closed).toBe(true);
  });

  it('records to a pcap file that reads back the same', () => {
    const file = path.join(tmp, 'recorded.pcap');
    const t = RecordingTransport.toFile(new FakeTransport([REPLY, DONE]), file);
    t.send(REQUEST);
    while (t.receive() !== null);
    t.close();
    expect(t.sink.closed).toBe(true);
    expect(readCapture(fs.readFileSync(file)).map((d) => [d.direction, d.protocol, hex(d.bytes)])).toEqual([
      ['sent', 0, hex(REQUEST)],
      ['received', 0, hex(REPLY)],
      ['received', 0, hex(DONE)],
    ]);
  });
});

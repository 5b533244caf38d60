// Replaying captures through the request engine: synthetic captures, the strace-based kernel
// fixtures, and a real kernel session recorded to pcap, checked with tshark, then replayed.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concat, hex, nlmsg } from '../harness/bytes.js';
import { copyBytes, type Reader } from '../../src/netlink/bytes.js';
import { CaptureFormatError, readCapture, RecordingTransport, ReplayMismatchError, ReplayTransport } from '../../src/netlink/capture/index.js';
import type { CapturedDatagram } from '../../src/netlink/capture/index.js';
import { Connection, type Request } from '../../src/netlink/connection.js';
import { NetlinkError, SocketError, TimeoutError } from '../../src/netlink/errors.js';
import type { MessageView } from '../../src/netlink/message.js';
import { NetlinkSocket } from '../../src/netlink/socket.js';
import { useTestNetns } from '../harness/netns.js';

const NLM_F_REQUEST = 0x1;
const NLM_F_MULTI = 0x2;
const NLM_F_ACK = 0x4;
const NLM_F_DUMP = 0x300;
const NLM_F_CAPPED = 0x100;
const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;
const RTM_NEWLINK = 16;
const RTM_GETLINK = 18;
const RTM_NEWADDR = 20;
const RTM_GETADDR = 22;
const RTM_GETROUTE = 26;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rtnl-replay-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** An NLMSG_ERROR (ACK when error is 0) echoing the header of `request`. */
function ack(request: Uint8Array, error: number, pid: number): Uint8Array {
  const v = new DataView(request.buffer, request.byteOffset);
  const body = new Uint8Array(20);
  const bv = new DataView(body.buffer);
  bv.setInt32(0, error, true);
  body.set(request.subarray(0, 16), 4);
  return nlmsg(NLMSG_ERROR, NLM_F_CAPPED, v.getUint32(8, true), pid, body);
}

interface Header {
  length: number;
  type: number;
  flags: number;
  seq: number;
  pid: number;
  offset: number;
}

function headers(bytes: Uint8Array): Header[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Header[] = [];
  for (let o = 0; o + 16 <= bytes.length; ) {
    const length = v.getUint32(o, true);
    if (length < 16) break;
    out.push({ length, type: v.getUint16(o + 4, true), flags: v.getUint16(o + 6, true), seq: v.getUint32(o + 8, true), pid: v.getUint32(o + 12, true), offset: o });
    o += (length + 3) & ~3;
  }
  return out;
}

const d = (direction: 'sent' | 'received', bytes: Uint8Array, fd?: number): CapturedDatagram => {
  const out: CapturedDatagram = { direction, protocol: 0, timestamp: 0, bytes };
  if (fd !== undefined) out.fd = fd;
  return out;
};

/** Runs a request and returns the type and payload (hex) of each data message. */
async function collect(conn: Connection, req: Request): Promise<{ type: number; payload: string }[]> {
  const out: { type: number; payload: string }[] = [];
  await conn.request(req, (r: Reader, m: MessageView) => {
    out.push({ type: m.type, payload: hex(copyBytes(r.buf, m.payloadOffset, m.end)) });
  });
  return out;
}

const linkDump: Request = { type: RTM_GETLINK, flags: NLM_F_DUMP, body: (w) => w.zeros(16) };
const addrDump: Request = { type: RTM_GETADDR, flags: NLM_F_DUMP, body: (w) => w.zeros(8) };

describe('ReplayTransport on a synthetic capture', () => {
  const request = nlmsg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 7, 0, new Uint8Array(16));
  const part1 = concat([nlmsg(RTM_NEWLINK, NLM_F_MULTI, 7, 99, new Uint8Array(16).fill(1)), nlmsg(RTM_NEWLINK, NLM_F_MULTI, 7, 99, new Uint8Array(16).fill(2))]);
  const part2 = nlmsg(RTM_NEWLINK, NLM_F_MULTI, 7, 99, new Uint8Array(16).fill(3));
  const done = nlmsg(NLMSG_DONE, NLM_F_MULTI, 7, 99, new Uint8Array(4));
  const event = nlmsg(RTM_NEWLINK, 0, 0, 0, new Uint8Array(16).fill(9)); // a multicast notification
  const capture = [d('sent', request), d('received', part1), d('received', event), d('received', part2), d('received', done)];

  it('replays a dump through Connection with its datagram boundaries, seq and pid rewritten', async () => {
    const replay = new ReplayTransport(capture);
    expect(replay.portId).toBe(99);
    expect(replay.unpairedDatagrams()).toEqual([2]);
    const conn = new Connection(replay);
    expect(await collect(conn, linkDump)).toEqual([1, 2, 3].map((b) => ({ type: RTM_NEWLINK, payload: hex(new Uint8Array(16).fill(b)) })));
    expect(replay.unusedRequests()).toEqual([]);

    // Raw: the same request with another seq and pid gets three datagrams, re-addressed.
    const raw = new ReplayTransport(capture, { portId: 1234 });
    const again = request.slice();
    new DataView(again.buffer).setUint32(8, 555, true);
    new DataView(again.buffer).setUint32(12, 1234, true);
    raw.send(again);
    expect(raw.queued).toBe(3);
    const got = [raw.receive()!, raw.receive()!, raw.receive()!];
    expect(raw.receive()).toBeNull();
    expect(got.map((g) => g.length)).toEqual([part1.length, part2.length, done.length]);
    for (const g of got) for (const h of headers(g)) expect([h.seq, h.pid]).toEqual([555, 1234]);
    expect(hex(got[1].subarray(16))).toBe(hex(part2.subarray(16)));
  });

  it('replays a batch: one ACK per message, the echoed request headers rewritten too', () => {
    const m1 = nlmsg(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, 10, 0, new Uint8Array(16).fill(1));
    const m2 = nlmsg(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, 11, 0, new Uint8Array(16).fill(2));
    const replay = new ReplayTransport([d('sent', concat([m1, m2])), d('received', ack(m1, 0, 77)), d('received', ack(m2, -17, 77))]);
    const n1 = m1.slice();
    const n2 = m2.slice();
    new DataView(n1.buffer).setUint32(8, 500, true);
    new DataView(n2.buffer).setUint32(8, 501, true);
    new DataView(n2.buffer).setUint32(12, 3, true);
    replay.send(concat([n1, n2]));
    const a1 = replay.receive()!;
    const a2 = replay.receive()!;
    const v1 = new DataView(a1.buffer, a1.byteOffset);
    const v2 = new DataView(a2.buffer, a2.byteOffset);
    expect([v1.getUint32(8, true), v1.getUint32(12, true), v1.getUint32(28, true), v1.getUint32(32, true)]).toEqual([500, 77, 500, 0]);
    expect([v2.getUint32(8, true), v2.getInt32(16, true), v2.getUint32(28, true), v2.getUint32(32, true)]).toEqual([501, -17, 501, 3]);
  });

  it('takes the first unused matching request, then reuses the last', async () => {
    const ping = nlmsg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 1, 0, new Uint8Array(16));
    const reply = (seq: number, fill: number): Uint8Array => nlmsg(RTM_NEWLINK, 0, seq, 5, new Uint8Array(16).fill(fill));
    const ping2 = nlmsg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 2, 0, new Uint8Array(16));
    const replay = new ReplayTransport([
      d('sent', ping),
      d('received', concat([reply(1, 1), ack(ping, 0, 5)])),
      d('sent', ping2),
      d('received', concat([reply(2, 2), ack(ping2, 0, 5)])),
    ]);
    const conn = new Connection(replay);
    const req: Request = { type: RTM_GETLINK, body: (w) => w.zeros(16) };
    const fills = [];
    for (let i = 0; i < 4; i++) fills.push((await collect(conn, req))[0].payload.slice(0, 2));
    expect(fills).toEqual(['01', '02', '02', '02']);
  });

  it('ignores zero padding after the last message, either way round', async () => {
    const padded = concat([nlmsg(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 3, 0, new Uint8Array(8)), new Uint8Array(128)]);
    const reply = nlmsg(RTM_NEWADDR, NLM_F_MULTI, 3, 8, new Uint8Array(8).fill(4));
    const end = nlmsg(NLMSG_DONE, NLM_F_MULTI, 3, 8, new Uint8Array(4));
    const conn = new Connection(new ReplayTransport([d('sent', padded), d('received', reply), d('received', end)]));
    expect(await collect(conn, addrDump)).toEqual([{ type: RTM_NEWADDR, payload: hex(new Uint8Array(8).fill(4)) }]);

    const unpadded = new ReplayTransport([d('sent', padded.subarray(0, 24)), d('received', reply), d('received', end)]);
    unpadded.send(padded);
    expect(unpadded.queued).toBe(2);
    // A tail that is not all zeros is part of the request.
    const dirty = padded.slice();
    dirty[100] = 1;
    expect(() => unpadded.send(dirty)).toThrow(ReplayMismatchError);
  });

  it('explains a mismatch: the request, the closest recorded one and where they differ', () => {
    const replay = new ReplayTransport(capture, { typeName: (t) => ({ 18: 'RTM_GETLINK', 26: 'RTM_GETROUTE' })[t] });
    const other = request.slice();
    other[20] = 2; // ifi_index low byte... of a dump: not the recorded request
    let err: ReplayMismatchError | undefined;
    try {
      replay.send(other);
    } catch (e) {
      err = e as ReplayMismatchError;
    }
    expect(err).toBeInstanceOf(ReplayMismatchError);
    expect(err!.message).toContain('type 18 (RTM_GETLINK), flags 0x301, length 32: 20000000 12000103 07000000');
    expect(err!.message).toContain('closest recorded request (datagram #0)');
    expect(err!.difference).toBe('differs at byte 20 (payload byte 4): 02 vs 00; 1 byte differs');
    expect(err!.closestIndex).toBe(0);
    expect(hex(err!.request)).toBe(hex(other));

    // The same type wins over fewer differing bytes.
    const route = nlmsg(RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP, 1, 0, new Uint8Array(12));
    const two = new ReplayTransport([d('sent', route), d('sent', nlmsg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 1, 0, new Uint8Array(200).fill(1)))]);
    try {
      two.send(nlmsg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 9, 0, new Uint8Array(12)));
      expect.unreachable();
    } catch (e) {
      expect((e as ReplayMismatchError).closestIndex).toBe(1);
      expect((e as ReplayMismatchError).difference).toMatch(/^differs at byte 0 \(nlmsg_len\): 1c vs d8; \d+ bytes differ; compared length 28 vs 216$/);
    }
    expect(() => new ReplayTransport([]).send(request)).toThrow(/the capture holds no requests/);
  });

  it('fails fast, with the engine\'s TimeoutError, when the capture ends before the reply does', async () => {
    const conn = new Connection(new ReplayTransport([d('sent', request), d('received', part1)]), { timeoutMs: 10_000 });
    const started = Date.now();
    await expect(collect(conn, linkDump)).rejects.toThrow(TimeoutError);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('waits briefly, closes, and refuses broken captures', async () => {
    const replay = new ReplayTransport(capture);
    const started = Date.now();
    expect(await replay.wait(10_000)).toBe(false);
    expect(Date.now() - started).toBeLessThan(500);
    replay.send(request);
    expect(await replay.wait(10_000)).toBe(true);
    const aborted = new AbortController();
    aborted.abort();
    expect(await replay.wait(10_000, aborted.signal)).toBe(false);
    replay.close();
    replay.close();
    expect(replay.closed).toBe(true);
    expect(await replay.wait(10)).toBe(false);
    expect(() => replay.send(request)).toThrow(SocketError);
    expect(() => replay.receive()).toThrow(SocketError);

    expect(() => new ReplayTransport([d('sent', request), { ...d('received', part1), originalLength: 500 }])).toThrow(CaptureFormatError);
    expect(() => new ReplayTransport([d('sent', request), d('received', new Uint8Array([1, 2, 3]))])).toThrow(/not a sequence of netlink messages/);
  });
});

// ---------------------------------------------------------------------------------------------
// The strace-based kernel fixtures (iproute2 6.1 talking to a real kernel).

interface Fixture {
  datagrams: { direction: 'sent' | 'received'; fd: number; hex: string }[];
}

function fixture(name: string): { datagrams: CapturedDatagram[]; raw: Fixture['datagrams'] } {
  const f = JSON.parse(fs.readFileSync(new URL(`../fixtures/kernel/${name}.json`, import.meta.url), 'utf8')) as Fixture;
  return {
    raw: f.datagrams,
    datagrams: f.datagrams.map((x) => ({ direction: x.direction, protocol: 0, timestamp: 0, fd: x.fd, bytes: new Uint8Array(Buffer.from(x.hex, 'hex')) })),
  };
}

/** The data messages (type, payload hex) of the received datagrams of one fd. */
function recordedPayloads(datagrams: CapturedDatagram[], fd: number, type: number): { type: number; payload: string }[] {
  const out: { type: number; payload: string }[] = [];
  for (const x of datagrams) {
    if (x.direction !== 'received' || x.fd !== fd) continue;
    for (const h of headers(x.bytes)) if (h.type === type) out.push({ type, payload: hex(x.bytes.subarray(h.offset + 16, h.offset + h.length)) });
  }
  return out;
}

describe('replaying the strace kernel fixtures', () => {
  it('link-dump: the probe iproute2 starts with, then the dump, with the request bytes iproute2 sent', async () => {
    const { datagrams } = fixture('link-dump');
    const dumpRequest = datagrams[2].bytes;
    expect(headers(dumpRequest)[0]).toMatchObject({ type: RTM_GETLINK, flags: NLM_F_REQUEST | NLM_F_DUMP });
    const conn = new Connection(new ReplayTransport(datagrams, { fd: 3 }));
    // iproute2's probe: an empty RTM_NEWLINK with NLM_F_ACK, answered with -ENODEV.
    const probe = conn.request({ type: RTM_NEWLINK, body: (w) => w.zeros(16) });
    await expect(probe).rejects.toThrow(NetlinkError);
    await expect(probe).rejects.toMatchObject({ code: 'ENODEV' });
    const links = await collect(conn, { type: RTM_GETLINK, flags: NLM_F_DUMP, body: (w) => w.bytes(dumpRequest.subarray(16)) });
    expect(links).toHaveLength(7);
    expect(links).toEqual(recordedPayloads(datagrams, 3, RTM_NEWLINK));
  });

  it('addr-dump: a link dump, then an address dump whose request iproute2 padded with 128 zero bytes', async () => {
    const { datagrams } = fixture('addr-dump');
    expect(datagrams[4].bytes.length).toBe(152);
    const conn = new Connection(new ReplayTransport(datagrams));
    const links = await collect(conn, { type: RTM_GETLINK, flags: NLM_F_DUMP, body: (w) => w.bytes(datagrams[0].bytes.subarray(16)) });
    expect(links).toEqual(recordedPayloads(datagrams, 3, RTM_NEWLINK));
    const addrs = await collect(conn, addrDump);
    expect(addrs).toHaveLength(8);
    expect(addrs).toEqual(recordedPayloads(datagrams, 3, RTM_NEWADDR));
  });

  it('reads strace output straight from a file', () => {
    const replay = ReplayTransport.fromFile(new URL('../fixtures/strace/ip-link-lo.strace', import.meta.url).pathname, { fd: 3 });
    expect(replay.unusedRequests()).toEqual([0, 4]);
    replay.send(nlmsg(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, 99, 0, new Uint8Array(16)));
    const error = replay.receive()!;
    expect(headers(error)[0]).toMatchObject({ type: NLMSG_ERROR, seq: 99, pid: replay.portId });
    expect(new DataView(error.buffer, error.byteOffset).getInt32(16, true)).toBe(-19); // ENODEV
  });

  it('route-dump: requests on a second fd with the same seq do not steal the dump\'s replies', async () => {
    const { datagrams } = fixture('route-dump');
    const replay = new ReplayTransport(datagrams);
    const conn = new Connection(replay);
    const routes = await collect(conn, { type: RTM_GETROUTE, flags: NLM_F_DUMP, body: (w) => w.zeros(12) });
    expect(routes).toHaveLength(21);
    // fd 4: RTM_GETLINK by index without NLM_F_ACK, answered by one RTM_NEWLINK and nothing else.
    for (const i of [2, 4, 6]) {
      const again = datagrams[i].bytes.slice();
      new DataView(again.buffer).setUint32(8, 4242, true);
      replay.send(again);
      const reply = replay.receive()!;
      expect(replay.receive()).toBeNull();
      expect(headers(reply).map((h) => [h.type, h.seq])).toEqual([[RTM_NEWLINK, 4242]]);
      expect(hex(reply.subarray(16))).toBe(hex(datagrams[i + 1].bytes.subarray(16)));
    }
    expect(replay.unusedRequests()).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// A real kernel session, recorded to pcap, read by tshark, replayed.

/** Installs tshark (Debian package) when it is missing. */
function ensureTshark(): void {
  try {
    execFileSync('which', ['tshark'], { stdio: 'ignore' });
    return;
  } catch {
    // not installed
  }
  execFileSync('sh', ['-c', 'apt-get update -qq && apt-get install -y -qq tshark'], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    stdio: 'ignore',
    timeout: 600_000,
  });
}

interface PdmlField {
  name: string;
  pos: number;
  show: string;
}

/** The netlink fields of each packet of a capture, as tshark's dissectors decode them (PDML). */
function tsharkPackets(file: string): PdmlField[][] {
  const xml = execFileSync('tshark', ['-r', file, '-T', 'pdml'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  return xml
    .split('<packet>')
    .slice(1)
    .map((packet) =>
      [...packet.matchAll(/<field name="([^"]+)"[^>]*?\bpos="(\d+)"[^>]*?\bshow="([^"]*)"/g)].map((m) => ({ name: m[1], pos: Number(m[2]), show: m[3] })),
    );
}

describe('a kernel session recorded to pcap, decoded by tshark, replayed', () => {
  const ns = useTestNetns();
  const file = path.join(tmp, 'session.pcap');
  let links: { type: number; payload: string }[] = [];
  let addrs: { type: number; payload: string }[] = [];

  beforeAll(() => {
    ensureTshark();
    ns.ip('link set lo up');
    ns.ip('addr add 192.0.2.1/24 dev lo');
    ns.ip('link add veth0 type veth peer name veth1');
    ns.ip('addr add 198.51.100.1/24 dev veth0');
    ns.ip('addr add 2001:db8::1/64 dev veth0 nodad');
  }, 620_000);

  it('records an RTM_GETLINK and an RTM_GETADDR dump through NetlinkSocket', async () => {
    const fd = fs.openSync(ns.path, 'r');
    let socket: NetlinkSocket;
    try {
      socket = NetlinkSocket.open({ netnsFd: fd });
    } finally {
      fs.closeSync(fd);
    }
    const conn = new Connection(RecordingTransport.toFile(socket, file));
    try {
      links = await collect(conn, linkDump);
      addrs = await collect(conn, addrDump);
    } finally {
      conn.close();
    }
    expect(socket.closed).toBe(true);
    expect(links.map((l) => l.type)).toEqual([RTM_NEWLINK, RTM_NEWLINK, RTM_NEWLINK]);
    expect(addrs.length).toBeGreaterThanOrEqual(3);
    expect(addrs.every((a) => a.type === RTM_NEWADDR)).toBe(true);
  });

  it('is a LINKTYPE_NETLINK capture that tshark decodes message by message', () => {
    const recorded = readCapture(fs.readFileSync(file));
    const packets = tsharkPackets(file);
    expect(packets).toHaveLength(recorded.length);
    expect(recorded.map((r) => r.direction)[0]).toBe('sent');
    const seen = { types: new Set<number>(), messages: 0 };
    recorded.forEach((r, i) => {
      const fields = packets[i];
      const at = (pos: number, ...names: string[]): string[] => fields.filter((f) => f.pos === pos && names.includes(f.name)).map((f) => f.show);
      expect(fields.some((f) => f.name.startsWith('_ws.'))).toBe(false); // no malformed-packet or expert entries
      expect(at(2, 'netlink.hatype')).toEqual(['824']);
      expect(at(14, 'netlink.family').map(Number)).toEqual([0]);
      expect(at(0, 'frame.len').map(Number)).toEqual([16 + r.bytes.length]);
      const msgs = headers(r.bytes);
      const headerStarts = new Set<number>();
      for (const h of msgs) {
        const base = 16 + h.offset;
        headerStarts.add(base);
        // The message type is netlink.hdr_type for control messages, netlink-route.nltype for rtnetlink ones.
        expect(at(base + 4, 'netlink.hdr_type', 'netlink-route.nltype').map(Number)).toEqual([h.type]);
        expect(at(base, 'netlink.hdr_len').map(Number)).toEqual([h.length]);
        expect(at(base + 8, 'netlink.hdr_seq').map(Number)).toEqual([h.seq]);
        expect(at(base + 12, 'netlink.hdr_pid').map(Number)).toEqual([h.pid]);
        if (h.type === NLMSG_ERROR) headerStarts.add(base + 20); // the echoed request header
        seen.types.add(h.type);
        seen.messages++;
      }
      // tshark found no message headers other than these.
      const typeFields = fields.filter((f) => f.name === 'netlink.hdr_type' || f.name === 'netlink-route.nltype');
      expect(typeFields.every((f) => headerStarts.has(f.pos - 4))).toBe(true);
    });
    expect([...seen.types].sort((a, b) => a - b)).toEqual([NLMSG_DONE, RTM_NEWLINK, RTM_GETLINK, RTM_NEWADDR, RTM_GETADDR]);
    expect(seen.messages).toBe(2 + links.length + addrs.length + 2);
  });

  it('reads the same datagrams back from the pcapng and nanosecond-pcap files editcap converts it to', () => {
    const recorded = readCapture(fs.readFileSync(file));
    for (const format of ['pcapng', 'nsecpcap']) {
      const converted = path.join(tmp, `session.${format}`);
      execFileSync('editcap', ['-F', format, file, converted], { stdio: 'ignore' });
      const again = readCapture(fs.readFileSync(converted));
      expect(again.map((x) => [x.direction, x.protocol, hex(x.bytes)])).toEqual(recorded.map((x) => [x.direction, x.protocol, hex(x.bytes)]));
      again.forEach((x, i) => expect(x.timestamp).toBeCloseTo(recorded[i].timestamp, 6));
    }
  });

  it('replays from the file: the same dumps give the same payloads, another request is refused', async () => {
    const replay = ReplayTransport.fromFile(file, { typeName: (t) => ({ 18: 'RTM_GETLINK', 22: 'RTM_GETADDR', 26: 'RTM_GETROUTE' })[t] });
    const conn = new Connection(replay);
    expect(await collect(conn, linkDump)).toEqual(links);
    expect(await collect(conn, addrDump)).toEqual(addrs);
    expect(replay.unusedRequests()).toEqual([]);
    // Again: the recorded answers are reused.
    expect(await collect(conn, addrDump)).toEqual(addrs);

    const route = collect(conn, { type: RTM_GETROUTE, flags: NLM_F_DUMP, body: (w) => w.zeros(12) });
    await expect(route).rejects.toThrow(ReplayMismatchError);
    await expect(route).rejects.toThrow(/request not in the capture: type 26 \(RTM_GETROUTE\), flags 0x301, length 28/);
    await expect(route).rejects.toThrow(/closest recorded request \(datagram #\d+\): type (18 \(RTM_GETLINK\)|22 \(RTM_GETADDR\))/);
    await expect(route).rejects.toThrow(/differs at byte 0 \(nlmsg_len\)/);
    conn.close();
  });
});

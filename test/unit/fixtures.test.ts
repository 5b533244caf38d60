// Checks the kernel byte fixtures (test/fixtures/kernel/*.json, made by tools/capture-fixtures.sh)
// with a tiny local nlmsghdr reader, independent of the library's codec.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface Fixture {
  command: string;
  setup: string[];
  kernel: string;
  iproute2: string;
  exitStatus: number;
  stderr?: string;
  note?: string;
  datagrams: { direction: 'sent' | 'received'; fd: number; hex: string }[];
  ipJsonCommand?: string;
  ipJson?: unknown;
}

interface Frame {
  at: number;
  len: number;
  type: number;
  flags: number;
  seq: number;
  pid: number;
}

const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;
const NLM_F_MULTI = 0x2;
const NLM_F_CAPPED = 0x100;
const NLM_F_ACK_TLVS = 0x200;
const NLMSGERR_ATTR_MSG = 1;
const NLMSGERR_ATTR_OFFS = 2;

const align4 = (n: number): number => (n + 3) & ~3;

/**
 * Splits a datagram into nlmsghdr frames. Every frame must start 4-byte aligned, be at least 16 bytes
 * and fit; the aligned lengths must add up to the datagram's length. `zeroTail` is the length of
 * trailing zero bytes after the last message (what the kernel skips: a header with nlmsg_len < 16).
 */
function frames(bytes: Uint8Array): { frames: Frame[]; zeroTail: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Frame[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (at % 4 !== 0) throw new Error(`message at unaligned offset ${at}`);
    if (bytes.length - at >= 4 && view.getUint32(at, true) === 0 && out.length > 0 && bytes.subarray(at).every((b) => b === 0)) {
      return { frames: out, zeroTail: bytes.length - at };
    }
    if (bytes.length - at < 16) throw new Error(`${bytes.length - at} stray bytes at offset ${at}`);
    const len = view.getUint32(at, true);
    if (len < 16) throw new Error(`nlmsg_len ${len} < 16 at offset ${at}`);
    if (at + len > bytes.length) throw new Error(`nlmsg_len ${len} at offset ${at} overruns the ${bytes.length}-byte datagram`);
    out.push({
      at,
      len,
      type: view.getUint16(at + 4, true),
      flags: view.getUint16(at + 6, true),
      seq: view.getUint32(at + 8, true),
      pid: view.getUint32(at + 12, true),
    });
    at += align4(len);
  }
  if (at !== bytes.length) throw new Error(`aligned lengths add up to ${at}, datagram is ${bytes.length} bytes`);
  return { frames: out, zeroTail: 0 };
}

/** Error code and extended-ACK attributes of an NLMSG_ERROR frame. */
function errorOf(bytes: Uint8Array, f: Frame): { error: number; msg?: string; offs?: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const error = view.getInt32(f.at + 16, true);
  const result: { error: number; msg?: string; offs?: number } = { error };
  if (!(f.flags & NLM_F_ACK_TLVS)) return result;
  const echoed = f.flags & NLM_F_CAPPED ? 16 : view.getUint32(f.at + 20, true);
  let at = f.at + 20 + align4(echoed);
  const end = f.at + f.len;
  while (at + 4 <= end) {
    const len = view.getUint16(at, true);
    const type = view.getUint16(at + 2, true) & 0x3fff;
    if (len < 4 || at + len > end) throw new Error(`bad extack attribute at ${at}`);
    if (type === NLMSGERR_ATTR_MSG) result.msg = Buffer.from(bytes.subarray(at + 4, at + len)).toString('latin1').replace(/\0+$/, '');
    if (type === NLMSGERR_ATTR_OFFS) result.offs = view.getUint32(at + 4, true);
    at += align4(len);
  }
  return result;
}

const dir = new URL('../fixtures/kernel/', import.meta.url);
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -5))
  .sort();
const load = (name: string): Fixture => JSON.parse(readFileSync(new URL(`${name}.json`, dir), 'utf8')) as Fixture;
const bytesOf = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, 'hex'));

/** Extended-ACK text (and attribute offset) each error fixture's final reply must carry. */
const EXPECTED_ERRORS: Record<string, { error: number; msg?: string; offs?: number }> = {
  'error-eexist': { error: -17 },
  'error-extack': { error: -22, msg: 'mtu less than device minimum' },
  'error-extack-offset': { error: -22, msg: 'Invalid source port range', offs: 64 },
  'error-unknown-kind': { error: -95, msg: 'Unknown device type' },
  'error-route-gateway': { error: -101, msg: 'Nexthop has invalid gateway' },
};

describe('kernel fixtures', () => {
  it('are all there', () => {
    expect(names).toEqual(
      expect.arrayContaining([
        'link-lo', 'link-dump', 'addr-dump', 'link-create-veth', 'link-create-bridge', 'link-create-vxlan',
        'link-create-macvlan', 'error-eexist', 'error-extack', 'route-dump', 'neigh-dump', 'rule-dump',
        'nexthop-dump', 'nsid-dump', ...Object.keys(EXPECTED_ERRORS),
      ]),
    );
  });

  describe.each(names)('%s', (name) => {
    const fx = load(name);
    const decoded = fx.datagrams.map((d) => ({ ...d, bytes: bytesOf(d.hex), ...frames(bytesOf(d.hex)) }));
    // The socket of the command's own request: the dump request (NLM_F_DUMP = 0x300), else the last
    // request. Name lookups iproute2 makes on a second socket may come after it.
    const sent = decoded.filter((d) => d.direction === 'sent');
    const main = sent.find((d) => (d.frames[0].flags & 0x300) === 0x300) ?? sent[sent.length - 1];
    const received = decoded.filter((d) => d.direction === 'received' && d.fd === main.fd);
    const last = received[received.length - 1];
    const lastFrame = last.frames[last.frames.length - 1];

    it('records how it was made', () => {
      // iproute2's `ip`, or its `bridge` for the FDB.
      expect(fx.command).toMatch(/^(ip|bridge) -n rtnlfix-cap /);
      expect(fx.setup[0]).toBe('ip netns add rtnlfix-cap');
      for (const s of fx.setup) expect(s).toMatch(/^(ip|bridge) /);
      expect(fx.kernel).toMatch(/^\d+\.\d+/);
      expect(fx.iproute2).toMatch(/iproute2-\d/);
      expect(Number.isInteger(fx.exitStatus)).toBe(true);
      for (const d of fx.datagrams) {
        expect(['sent', 'received']).toContain(d.direction);
        expect(Number.isInteger(d.fd)).toBe(true);
        expect(d.hex).toMatch(/^(?:[0-9a-f]{2})+$/);
      }
    });

    it('holds datagrams that are whole sequences of nlmsghdr', () => {
      for (const d of decoded) {
        expect(d.frames.length).toBeGreaterThan(0);
        // Only requests may carry a zero tail (iproute2 sends some dump requests as sizeof(req)).
        if (d.direction === 'received') expect(d.zeroTail).toBe(0);
        expect(d.zeroTail % 4).toBe(0);
      }
    });

    it('pairs every reply with a request on the same socket', () => {
      for (const d of decoded) {
        if (d.direction === 'sent') {
          for (const f of d.frames) expect(f.pid).toBe(0);
          continue;
        }
        const seqs = new Set(
          decoded.filter((s) => s.direction === 'sent' && s.fd === d.fd).flatMap((s) => s.frames.map((f) => f.seq)),
        );
        for (const f of d.frames) expect(seqs.has(f.seq)).toBe(true);
      }
    });

    if (name.endsWith('-dump')) {
      it('ends its dump with NLMSG_DONE and has the ip -j view', () => {
        expect(lastFrame.type).toBe(NLMSG_DONE);
        expect(lastFrame.flags & NLM_F_MULTI).toBe(NLM_F_MULTI);
        expect(fx.exitStatus).toBe(0);
        expect(Array.isArray(fx.ipJson)).toBe(true);
      });
    } else if (name.startsWith('link-create-')) {
      it('ends with an ACK', () => {
        expect(lastFrame.type).toBe(NLMSG_ERROR);
        expect(errorOf(last.bytes, lastFrame)).toEqual({ error: 0 });
        expect(fx.exitStatus).toBe(0);
      });
    } else if (name.startsWith('error-')) {
      it('ends with the expected error and extended ACK', () => {
        expect(lastFrame.type).toBe(NLMSG_ERROR);
        expect(errorOf(last.bytes, lastFrame)).toEqual(EXPECTED_ERRORS[name]);
        expect(fx.exitStatus).not.toBe(0);
        const expected = EXPECTED_ERRORS[name];
        if (expected.msg) expect(fx.stderr).toContain(expected.msg);
      });
    }
  });

  it('error-extack-offset: the offset points at IFLA_VXLAN_PORT_RANGE inside the request', () => {
    const fx = load('error-extack-offset');
    const request = bytesOf(fx.datagrams.filter((d) => d.direction === 'sent').at(-1)!.hex);
    const view = new DataView(request.buffer);
    // nlmsghdr 16 + ifinfomsg 16 + IFLA_IFNAME "vxlan0" 12 + IFLA_LINKINFO header 4 + IFLA_INFO_KIND "vxlan" 12
    // + IFLA_INFO_DATA header 4 = 64: the offset counts from the start of the request's nlmsghdr.
    expect(view.getUint16(64, true)).toBe(8); // nla_len: struct ifla_vxlan_port_range is 4 bytes
    expect(view.getUint16(66, true)).toBe(10); // IFLA_VXLAN_PORT_RANGE
    expect([view.getUint16(68, false), view.getUint16(70, false)]).toEqual([2000, 1000]); // low, high (big-endian)
  });

  it('link-lo: the reply describes lo', () => {
    const fx = load('link-lo');
    const reply = bytesOf(fx.datagrams.at(-1)!.hex);
    const view = new DataView(reply.buffer);
    expect(view.getUint16(4, true)).toBe(16); // RTM_NEWLINK
    expect(view.getUint16(18, true)).toBe(772); // ARPHRD_LOOPBACK
    expect(view.getInt32(20, true)).toBe(1); // ifindex
    expect((fx.ipJson as { ifname: string }[])[0].ifname).toBe('lo');
  });
});

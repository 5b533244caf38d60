// Record once, replay anywhere: a session of an Rtnl handle against the real kernel recorded to a
// pcap file, replayed without a kernel into deep-equal typed objects; and `rtnl decode` on that
// capture (and on an strace capture), as text and as JSON.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeDatagramJson as decodeDatagram, toJsonValue } from '../../src/cli/decode.js';
import type { IpJsonObject } from '../../src/cli/ipjson.js';
import { main } from '../../src/cli/main.js';
import { readCapture, RecordingTransport, ReplayMismatchError, ReplayTransport } from '../../src/netlink/capture/index.js';
import { NetlinkSocket } from '../../src/netlink/socket.js';
import { openNetns } from '../../src/ns/ref.js';
import type { Address } from '../../src/rtnl/address/addresses.js';
import type { Link } from '../../src/rtnl/link/links.js';
import type { Route } from '../../src/rtnl/route/routes.js';
import { Rtnl } from '../../src/rtnl/rtnl.js';
import { useTestNetns } from '../harness/netns.js';

const ns = useTestNetns();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rtnl-cli-replay-'));
const pcap = path.join(tmp, 'session.pcap');
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function rtnl(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  return { code, stdout, stderr };
}

let recorded: { links: Link[]; addresses: Address[]; routes: Route[] };

beforeAll(async () => {
  ns.ip('link set lo up');
  ns.ip('link add veth0 address 02:00:00:00:00:01 type veth peer name veth1 address 02:00:00:00:00:02');
  ns.ip('link set veth0 up');
  ns.ip('link set veth1 up');
  ns.ip('addr add 192.0.2.1/24 dev veth0');
  ns.ip('addr add 2001:db8::1/64 nodad dev veth0');
  ns.ip('route add 198.51.100.0/24 via 192.0.2.2 metric 10');
  ns.ip('route add blackhole 203.0.113.0/24 table 100');

  // The session, recorded: the handle's socket in the test namespace, wrapped in a recorder.
  const netns = openNetns(ns.path);
  const handle = await Rtnl.open({ transport: RecordingTransport.toFile(NetlinkSocket.open({ netnsFd: netns.fd }), pcap) });
  try {
    recorded = {
      links: await handle.links.list(),
      addresses: await handle.addresses.list(),
      routes: await handle.routes.list({ table: 'all' }),
    };
  } finally {
    handle.close();
    netns.close();
  }
});

describe('record with RecordingTransport, replay with ReplayTransport', () => {
  it('the pcap holds every request and reply, in order', () => {
    const datagrams = readCapture(fs.readFileSync(pcap));
    expect(datagrams.length).toBeGreaterThanOrEqual(6);
    expect(datagrams[0].direction).toBe('sent');
    expect(datagrams.filter((d) => d.direction === 'sent')).toHaveLength(3);
  });

  it('replays the session into deep-equal typed objects, without the kernel', async () => {
    // The namespace changes after the recording: a replay that asked the kernel would see it.
    ns.ip('link add ifb7 type ifb');
    ns.ip('addr add 203.0.113.7/32 dev ifb7');
    const live = await Rtnl.open({ netns: ns.name });
    try {
      expect((await live.links.list()).map((l) => l.name)).toContain('ifb7');
    } finally {
      live.close();
    }

    const replay = await Rtnl.open({ transport: ReplayTransport.fromFile(pcap) });
    try {
      const links = await replay.links.list();
      const addresses = await replay.addresses.list();
      const routes = await replay.routes.list({ table: 'all' });
      expect(links).toEqual(recorded.links);
      expect(addresses).toEqual(recorded.addresses);
      expect(routes).toEqual(recorded.routes);
      // Typed objects, lazily decoded parts included.
      expect(links.map((l) => l.name)).toEqual(['lo', 'veth1', 'veth0']);
      expect(typeof links[2].stats?.rxBytes).toBe('bigint');
      expect(links[2].stats).toEqual(recorded.links[2].stats);
      expect(addresses.find((a) => a.address === '192.0.2.1/24')).toMatchObject({ family: 'inet', label: 'veth0', scope: 'global' });
      expect(routes.find((r) => r.dst === '198.51.100.0/24')).toMatchObject({ gateway: '192.0.2.2', priority: 10 });
      expect(routes.find((r) => r.dst === '203.0.113.0/24')).toMatchObject({ type: 'blackhole', table: 100 });
    } finally {
      replay.close();
    }
  });

  it('a request the session never made is refused with ReplayMismatchError', async () => {
    const replay = await Rtnl.open({ transport: ReplayTransport.fromFile(pcap) });
    try {
      await expect(replay.rules.list()).rejects.toBeInstanceOf(ReplayMismatchError);
    } finally {
      replay.close();
    }
  });
});

describe('rtnl decode', () => {
  it('-j: each datagram with its messages: type, flags, seq, pid and the decoded object', async () => {
    const r = await rtnl(['-j', 'decode', pcap]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const datagrams = JSON.parse(r.stdout) as IpJsonObject[];
    const messages = datagrams.flatMap((d) => (d.messages as IpJsonObject[]).map((m): IpJsonObject => ({ direction: d.direction, ...m })));
    const requests = messages.filter((m) => m.direction === 'sent');
    expect(requests.map((m) => m.type)).toEqual(['RTM_GETLINK', 'RTM_GETADDR', 'RTM_GETROUTE']);
    for (const m of requests) expect(m.flags).toEqual(['REQUEST', 'DUMP']);
    // The first request's sequence number comes back on every reply to it.
    const seq = requests[0].seq;
    const links = messages.filter((m) => m.type === 'RTM_NEWLINK');
    expect(links.map((m) => (m.object as IpJsonObject).name)).toEqual(['lo', 'veth1', 'veth0']);
    for (const m of links) {
      expect(m).toMatchObject({ direction: 'received', seq, flags: ['MULTI'] });
      expect(typeof m.pid).toBe('number');
    }
    const veth0 = links[2].object as IpJsonObject;
    expect(veth0).toMatchObject({ address: '02:00:00:00:00:01', mtu: 1500, operstate: 'up', linkinfo: { kind: 'veth' } });
    // 64-bit counters as decimal strings.
    expect((veth0.stats64 as IpJsonObject).rxBytes).toEqual(String(recorded.links[2].stats?.rxBytes));
    // `rtnl decode` prints the wire messages: the address and its prefix length apart.
    const decodedAddresses = messages.filter((m) => m.type === 'RTM_NEWADDR').map((m) => m.object as IpJsonObject);
    expect(decodedAddresses.map((a) => `${String(a.address)}/${String(a.prefixlen)}`)).toEqual(recorded.addresses.map((a) => a.address));
    expect(messages.filter((m) => m.type === 'RTM_NEWROUTE')).toHaveLength(recorded.routes.length);
    const dones = messages.filter((m) => m.type === 'NLMSG_DONE');
    expect(dones).toHaveLength(3);
    expect(dones[0]).toMatchObject({ seq, flags: ['MULTI'] });
    // The datagram itself.
    expect(datagrams[0]).toMatchObject({ index: 0, direction: 'sent', protocol: 0 });
    expect(datagrams[0].timestamp).toBeGreaterThan(1.6e9);
  });

  it('without -j: a header per datagram, a line per message, the object below it', async () => {
    const r = await rtnl(['decode', pcap]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^#0 sent \d{4}-\d\d-\d\dT[\d:.]+Z route \d+ bytes$/);
    expect(lines[1]).toMatch(/^ {2}RTM_GETLINK REQUEST,DUMP seq \d+ pid \d+$/);
    expect(r.stdout).toMatch(/\n {2}RTM_NEWLINK MULTI seq \d+ pid \d+\n {4}\{\n(?: {6}[^\n]*\n)*? {6}name: 'veth0',\n/);
    expect(r.stdout).toMatch(/\n {2}NLMSG_DONE MULTI seq \d+ pid \d+\n/);
  });

  it('decodes an ACK, an error with its extended ACK, and a datagram cut short', () => {
    // RTM_NEWLINK, NLM_F_REQUEST|ACK|EXCL|CREATE, seq 1: the header the kernel echoes (NLM_F_CAPPED).
    const request = Buffer.from('2000000010000506010000000000000000000000000000000000000000000000', 'hex');
    const nlmsgError = (errno: number, extack?: string): Uint8Array => {
      const text = extack === undefined ? Buffer.alloc(0) : Buffer.from(`${extack}\0`);
      const tlvLen = text.length === 0 ? 0 : (4 + text.length + 3) & ~3;
      const out = Buffer.alloc(16 + 4 + 16 + tlvLen);
      out.writeUInt32LE(out.length, 0);
      out.writeUInt16LE(2, 4); // NLMSG_ERROR
      out.writeUInt16LE(0x100 | (tlvLen ? 0x200 : 0), 6); // NLM_F_CAPPED | NLM_F_ACK_TLVS
      out.writeUInt32LE(1, 8);
      out.writeUInt32LE(4242, 12);
      out.writeInt32LE(-errno, 16);
      request.copy(out, 20, 0, 16);
      if (tlvLen) {
        out.writeUInt16LE(4 + text.length, 36);
        out.writeUInt16LE(1, 38); // NLMSGERR_ATTR_MSG
        text.copy(out, 40);
      }
      return new Uint8Array(out);
    };
    const requestJson = { type: 'RTM_NEWLINK', flags: ['REQUEST', 'ACK', 'EXCL', 'CREATE'], seq: 1 };
    expect(decodeDatagram({ direction: 'received', protocol: 0, timestamp: 0, bytes: nlmsgError(17, 'name taken') }, 3)).toEqual({
      index: 3,
      direction: 'received',
      protocol: 0,
      length: 52,
      messages: [{ type: 'NLMSG_ERROR', flags: ['CAPPED', 'ACK_TLVS'], seq: 1, pid: 4242, length: 52, error: { errno: 17, code: 'EEXIST', text: 'File exists' }, request: requestJson, extack: { message: 'name taken' } }],
    });
    expect((decodeDatagram({ direction: 'received', protocol: 0, timestamp: 0, bytes: nlmsgError(0) }, 0).messages as IpJsonObject[])[0]).toEqual({
      type: 'NLMSG_ERROR',
      flags: ['CAPPED'],
      seq: 1,
      pid: 4242,
      length: 36,
      ack: true,
      request: requestJson,
    });
    const cut = decodeDatagram({ direction: 'sent', protocol: 0, timestamp: 0, bytes: new Uint8Array(request.subarray(0, 24)), originalLength: 32 }, 0);
    expect(cut).toMatchObject({ original_length: 32, messages: [{ decode_error: expect.stringContaining('does not fit'), payload: request.subarray(0, 24).toString('hex') }] });
  });

  it('decodes strace output (hex dumps) too', async () => {
    const r = await rtnl(['-j', 'decode', 'test/fixtures/strace/ip-link-lo.strace']);
    expect(r.code).toBe(0);
    const datagrams = JSON.parse(r.stdout) as IpJsonObject[];
    expect(datagrams.length).toBeGreaterThan(0);
    const names = datagrams.flatMap((d) => (d.messages as IpJsonObject[]).filter((m) => m.type === 'RTM_NEWLINK').map((m) => (m.object as IpJsonObject).name));
    expect(names).toContain('lo');
    expect(datagrams.every((d) => typeof d.fd === 'number')).toBe(true);
  });

  it('a file that is not a capture: exit 1, one line', async () => {
    const junk = path.join(tmp, 'junk.bin');
    fs.writeFileSync(junk, Buffer.from([0, 1, 2, 3, 4, 5, 6, 7]));
    const r = await rtnl(['decode', junk]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^rtnl: \/.*\/junk\.bin is not a capture \(pcap, pcapng or strace output\): it starts with 00 01 02 03 04 05 06 07 \(at offset 0\)\n$/);
    const missing = await rtnl(['decode', path.join(tmp, 'nosuch.pcap')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^rtnl: open: ENOENT \(No such file or directory\): \/.*\/nosuch\.pcap\n$/);
  });

  it('JSON values: 64-bit numbers as strings, bytes as hex', () => {
    expect(toJsonValue({ a: 1n << 40n, b: new Uint8Array([0xde, 0xad]), c: [undefined, 'x'], d: undefined })).toEqual({ a: '1099511627776', b: 'dead', c: [null, 'x'] });
  });
});

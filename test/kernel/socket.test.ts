// NetlinkSocket against the real kernel, inside a throw-away network namespace.

import dns from 'node:dns/promises';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetlinkSocket } from '../../src/netlink/socket.js';
import * as libc from '../../src/sys/libc.js';
import { SocketError } from '../../src/netlink/errors.js';
import { inNetns } from '../../src/sys/syscalls.js';
import { useTestNetns } from '../harness/netns.js';

const RTM_NEWLINK = 16;
const RTM_GETLINK = 18;
const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;
const IFLA_IFNAME = 3;
const RTNLGRP_LINK = 1;

/** nlmsghdr + struct ifinfomsg (zeros): an RTM_GETLINK dump request. */
function getLinkDump(seq: number): Buffer {
  const b = Buffer.alloc(32);
  b.writeUInt32LE(32, 0);
  b.writeUInt16LE(RTM_GETLINK, 4);
  b.writeUInt16LE(0x301, 6); // NLM_F_REQUEST | NLM_F_DUMP
  b.writeUInt32LE(seq, 8);
  return b;
}

/** RTM_GETLINK of one link by index (no dump): one reply datagram. */
function getLinkByIndex(seq: number, index: number): Buffer {
  const b = getLinkDump(seq);
  b.writeUInt16LE(0x1, 6); // NLM_F_REQUEST
  b.writeInt32LE(index, 20); // ifi_index
  return b;
}

interface Msg {
  type: number;
  seq: number;
  body: Buffer;
}

function messages(d: Uint8Array): Msg[] {
  const b = Buffer.from(d.buffer, d.byteOffset, d.byteLength);
  const out: Msg[] = [];
  for (let o = 0; o + 16 <= b.length; ) {
    const len = b.readUInt32LE(o);
    expect(len).toBeGreaterThanOrEqual(16);
    out.push({ type: b.readUInt16LE(o + 4), seq: b.readUInt32LE(o + 8), body: b.subarray(o + 16, o + len) });
    o += (len + 3) & ~3;
  }
  return out;
}

/** IFLA_IFNAME of an RTM_NEWLINK body (ifinfomsg, then attributes, walked by hand). */
function ifname(body: Buffer): string | undefined {
  for (let o = 16; o + 4 <= body.length; ) {
    const len = body.readUInt16LE(o);
    const type = body.readUInt16LE(o + 2) & 0x3fff;
    if (len < 4) break;
    if (type === IFLA_IFNAME) return body.subarray(o + 4, o + len).toString('latin1').replace(/\0+$/, '');
    o += (len + 3) & ~3;
  }
  return undefined;
}

/** Sends a link dump and returns the names, reading until NLMSG_DONE. */
function dumpLinkNames(s: NetlinkSocket, seq: number): string[] {
  s.send(getLinkDump(seq));
  const names: string[] = [];
  for (;;) {
    const d = s.receive();
    if (d === null) throw new Error('dump ended without NLMSG_DONE');
    for (const m of messages(d)) {
      expect(m.seq).toBe(seq);
      if (m.type === NLMSG_DONE) return names;
      if (m.type === NLMSG_ERROR) throw new Error(`kernel error ${m.body.readInt32LE(0)}`);
      if (m.type === RTM_NEWLINK) names.push(ifname(m.body) ?? '?');
    }
  }
}

function drain(s: NetlinkSocket): void {
  while (s.receive() !== null) {
    // discard
  }
}

const ns = useTestNetns();
let nsFd = -1;
const opened: NetlinkSocket[] = [];

function openInNs(options: Parameters<typeof NetlinkSocket.open>[0] = {}): NetlinkSocket {
  const s = NetlinkSocket.open({ netnsFd: nsFd, ...options });
  opened.push(s);
  return s;
}

beforeAll(() => {
  nsFd = fs.openSync(ns.path, 'r');
});
afterAll(() => {
  for (const s of opened) s.close();
  if (nsFd >= 0) fs.closeSync(nsFd);
});

describe('NetlinkSocket in a test namespace', () => {
  it('is bound, and a dump sees only the namespace\'s own link (lo)', () => {
    const s = openInNs();
    expect(s.portId).toBeGreaterThan(0);
    expect(s.closed).toBe(false);
    expect(dumpLinkNames(s, 1)).toEqual(['lo']);
    expect(s.receive()).toBeNull();
    // Contrast (read-only): a socket opened without netnsFd sees the initial namespace's links.
    const initial = NetlinkSocket.open();
    try {
      const names = dumpLinkNames(initial, 2);
      expect(names.length).toBeGreaterThan(1);
      expect(names).toContain('lo');
    } finally {
      initial.close();
    }
  });

  it('sets a large receive buffer (SO_RCVBUFFORCE) by default', () => {
    const s = openInNs();
    expect(s.receiveBufferSize).toBeGreaterThanOrEqual(8 * 1024 * 1024);
    s.setReceiveBufferSize(1 << 20);
    expect(s.receiveBufferSize).toBe(2 << 20); // the kernel reports twice the size set
  });

  it('refuses unicast forged by another socket (ECONNREFUSED), because it is connected to the kernel', () => {
    const s = openInNs();
    const forger = inNetns(nsFd, () => libc.socket(16, 3 | 0o2000000 | 0o4000, 0));
    const unconnected = inNetns(nsFd, () => libc.socket(16, 3 | 0o2000000 | 0o4000, 0));
    try {
      libc.bind(forger);
      libc.bind(unconnected);
      const fake = Buffer.alloc(20);
      fake.writeUInt32LE(20, 0);
      fake.writeUInt16LE(NLMSG_ERROR, 4);
      // Control: the same forgery does reach a socket that is not connected.
      expect(libc.sendto(forger, fake, libc.getsockname(unconnected))).toBe(20);
      let err: unknown;
      try {
        libc.sendto(forger, fake, s.portId);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SocketError);
      expect((err as SocketError).code).toBe('ECONNREFUSED');
      expect((err as SocketError).syscall).toBe('sendto');
      expect(s.receive()).toBeNull();
    } finally {
      libc.close(forger);
      libc.close(unconnected);
    }
  });

  it('wait() resolves false after its timeout and true when a datagram is queued', async () => {
    const s = openInNs();
    const t0 = performance.now();
    expect(await s.wait(60)).toBe(false);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(55);
    s.send(getLinkByIndex(3, 1));
    expect(await s.wait(5000)).toBe(true);
    const d = s.receive();
    expect(d).not.toBeNull();
    expect(messages(d!)[0]!.type).toBe(RTM_NEWLINK);
    // Data arriving while the wait is pending wakes it.
    const p = s.wait(5000);
    await new Promise((r) => setTimeout(r, 20));
    const t1 = performance.now();
    s.send(getLinkByIndex(4, 1));
    expect(await p).toBe(true);
    expect(performance.now() - t1).toBeLessThan(50);
    drain(s);
  });

  it('close() wakes a pending wait promptly, which resolves false, and closes the fd', async () => {
    const s = openInNs();
    const fd = s.fd;
    const p = s.wait(10_000);
    await new Promise((r) => setTimeout(r, 20));
    const t0 = performance.now();
    s.close();
    expect(s.closed).toBe(true);
    expect(await p).toBe(false);
    expect(performance.now() - t0).toBeLessThan(50);
    expect(() => fs.fstatSync(fd)).toThrow(expect.objectContaining({ code: 'EBADF' }));
    s.close(); // harmless
    expect(await s.wait(1000)).toBe(false);
  });

  it('aborting the signal wakes a pending wait promptly; the socket stays usable', async () => {
    const s = openInNs();
    const ac = new AbortController();
    const p = s.wait(10_000, ac.signal);
    await new Promise((r) => setTimeout(r, 20));
    const t0 = performance.now();
    ac.abort();
    expect(await p).toBe(false);
    expect(performance.now() - t0).toBeLessThan(50);
    expect(await s.wait(10, ac.signal)).toBe(false); // already aborted
    s.send(getLinkByIndex(5, 1));
    expect(await s.wait(5000)).toBe(true);
    drain(s);
  });

  it('close() is idempotent; afterwards the fd is closed and send/receive throw EBADF', () => {
    const s = openInNs();
    const fd = s.fd;
    s.close();
    s.close();
    expect(() => fs.fstatSync(fd)).toThrow(expect.objectContaining({ code: 'EBADF' }));
    expect(() => s.send(getLinkDump(1))).toThrow(expect.objectContaining({ name: 'SocketError', code: 'EBADF' }));
    expect(() => s.receive()).toThrow(expect.objectContaining({ name: 'SocketError', code: 'EBADF' }));
  });

  it('waits hold no libuv pool thread: fs and dns stay prompt during 4 concurrent 2-s waits', async () => {
    const sockets = [0, 1, 2, 3].map(() => openInNs());
    const waits = sockets.map((s) => s.wait(2000));
    await new Promise((r) => setTimeout(r, 20));
    const t0 = performance.now();
    await Promise.all([
      fs.promises.readFile('/proc/self/status'),
      dns.lookup('localhost'),
      fs.promises.stat('/'),
      fs.promises.readFile('/proc/version'),
      fs.promises.readdir('/proc/self'),
    ]);
    expect(performance.now() - t0).toBeLessThan(500);
    for (const s of sockets) s.close();
    expect(await Promise.all(waits)).toEqual([false, false, false, false]);
  });

  it('reports a datagram larger than the read buffer as EMSGSIZE instead of returning it truncated', () => {
    const s = openInNs({ readBufferSize: 64 });
    s.send(getLinkByIndex(6, 1));
    expect(() => s.receive()).toThrow(expect.objectContaining({ name: 'SocketError', code: 'EMSGSIZE' }));
    expect(s.receive()).toBeNull(); // the datagram is gone, not half-read
  });

  it('reports a receive-queue overrun as ENOBUFS', () => {
    const s = openInNs({ receiveBufferSize: 4096 });
    for (let i = 0; i < 64; i++) s.send(getLinkByIndex(100 + i, 1));
    let err: unknown;
    try {
      while (s.receive() !== null) {
        // read until the error
      }
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SocketError);
    expect((err as SocketError).code).toBe('ENOBUFS');
    drain(s);
  });

  it('joins and leaves multicast groups', async () => {
    const s = openInNs({ groups: [RTNLGRP_LINK] });
    ns.ip('link set lo down');
    ns.ip('link set lo up');
    expect(await s.wait(2000)).toBe(true);
    const d = s.receive();
    expect(d).not.toBeNull();
    expect(messages(d!)[0]!.type).toBe(RTM_NEWLINK);
    drain(s);
    s.dropMembership(RTNLGRP_LINK);
    ns.ip('link set lo down');
    ns.ip('link set lo up');
    expect(s.receive()).toBeNull();
    s.addMembership(RTNLGRP_LINK);
    ns.ip('link set lo down');
    expect(s.receive()).not.toBeNull();
    ns.ip('link set lo up');
    drain(s);
  });
});

describe('receiveWithNsid (NETLINK_LISTEN_ALL_NSID)', () => {
  const other = useTestNetns();

  it('tells which namespace a multicast event came from', async () => {
    other.ip('link set lo down'); // (state before the listener starts)
    ns.ip(['netns', 'set', other.name, '7']); // nsid 7, in ns, for the other namespace
    const s = openInNs({ groups: [RTNLGRP_LINK] });
    s.setListenAllNsid(true);

    other.ip('link set lo up');
    expect(await s.wait(2000)).toBe(true);
    const fromOther = s.receiveWithNsid();
    expect(fromOther).not.toBeNull();
    expect(fromOther!.nsid).toBe(7);
    const m = messages(fromOther!.datagram);
    expect(m[0]!.type).toBe(RTM_NEWLINK);
    expect(ifname(m[0]!.body)).toBe('lo');
    while (s.receiveWithNsid() !== null) {
      // discard
    }

    ns.ip('link set lo down');
    expect(await s.wait(2000)).toBe(true);
    const own = s.receiveWithNsid();
    expect(own).not.toBeNull();
    expect(own!.nsid).toBeUndefined();
    ns.ip('link set lo up');
    while (s.receiveWithNsid() !== null) {
      // discard
    }

    // A unicast reply has no nsid either.
    s.send(getLinkByIndex(9, 1));
    const reply = s.receiveWithNsid();
    expect(reply!.nsid).toBeUndefined();
    expect(messages(reply!.datagram)[0]!.seq).toBe(9);
  });
});

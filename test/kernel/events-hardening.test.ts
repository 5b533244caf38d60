// Events come only from the kernel; a stream survives a message it cannot decode; closing the
// handle ends its streams; the poller works whatever flags node was started with. Real kernel,
// throw-away namespace (plus a fake event socket for bytes the kernel never sends).

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rtnl } from '../../src/rtnl/rtnl.js';
import { NetlinkSocket } from '../../src/netlink/socket.js';
import { Connection } from '../../src/netlink/connection.js';
import { DecodeError } from '../../src/netlink/errors.js';
import * as libc from '../../src/sys/libc.js';
import { monitor, watch, type EventHost, type MonitorEvent } from '../../src/rtnl/events/monitor.js';
import type { EventSocket, ReceivedDatagram } from '../../src/rtnl/events/types.js';
import { concat, nlmsg } from '../harness/bytes.js';
import { useTestNetns } from '../harness/netns.js';

const ns = useTestNetns();
let rtnl: Rtnl;

beforeAll(() => {
  rtnl = Rtnl.openSync({ netns: ns.name });
});

afterAll(() => {
  rtnl?.close();
});

const RTM_NEWLINK = 16;
const IFLA_IFNAME = 3;
const IFLA_MTU = 4;

/** An nlattr with a raw payload, padded to 4 bytes. */
function attr(type: number, payload: Uint8Array, declaredLength = 4 + payload.length): Uint8Array {
  const out = new Uint8Array((4 + payload.length + 3) & ~3);
  const v = new DataView(out.buffer);
  v.setUint16(0, declaredLength, true);
  v.setUint16(2, type, true);
  out.set(payload, 4);
  return out;
}

/** struct ifinfomsg of an ethernet link with this index, up. */
function ifinfomsg(index: number): Uint8Array {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  v.setUint16(2, 1, true); // ARPHRD_ETHER
  v.setInt32(4, index, true);
  v.setUint32(8, 1, true); // IFF_UP
  return b;
}

/** An RTM_NEWLINK as the kernel would announce it (no NLM_F_REQUEST: the kernel ignores it). */
function newlink(index: number, name: string, pid = 0): Uint8Array {
  const u32 = new Uint8Array(4);
  new DataView(u32.buffer).setUint32(0, 1500, true);
  return nlmsg(RTM_NEWLINK, 0, 0, pid, concat([ifinfomsg(index), attr(IFLA_IFNAME, Buffer.from(`${name}\0`)), attr(IFLA_MTU, u32)]));
}

/** Reads events until `pred` matches one; returns every event read. Fails after `limitMs`. */
async function until<E>(it: AsyncIterator<E>, pred: (e: E) => boolean, limitMs = 5000): Promise<E[]> {
  const seen: E[] = [];
  const deadline = Date.now() + limitMs;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`no matching event within ${limitMs} ms; saw ${JSON.stringify(seen.map((e) => (e as { type: string }).type))}`);
    let timer: NodeJS.Timeout | undefined;
    const r = await Promise.race([it.next(), new Promise<'timeout'>((res) => (timer = setTimeout(() => res('timeout'), left)))]);
    clearTimeout(timer);
    if (r === 'timeout') continue;
    if (r.done) throw new Error(`stream ended; saw ${JSON.stringify(seen.map((e) => (e as { type: string }).type))}`);
    seen.push(r.value);
    if (pred(r.value)) return seen;
  }
}

function isLink(e: MonitorEvent, name: string): boolean {
  return (e.type === 'new' || e.type === 'del') && e.family === 'link' && (e.object as { name?: string }).name === name;
}

describe('events only from the kernel', () => {
  it('drops and counts an RTM_NEWLINK forged to the link group by another socket in the namespace', async () => {
    const stream = rtnl.monitor('link');
    const netnsFd = fs.openSync(ns.path, 'r');
    const forger = NetlinkSocket.open({ netnsFd });
    fs.closeSync(netnsFd);
    try {
      // The forged message goes to RTNLGRP_LINK (group 1, bit 0) from a socket that is not the kernel.
      const sent = libc.sendto(forger.fd, newlink(4242, 'forged0', forger.portId), 0, 1);
      expect(sent).toBeGreaterThan(0);
      // A real change after it: once its event arrives, the forged one was read before it.
      ns.ip('link add rtfa0 type veth peer name rtfa1');
      const seen = await until(stream, (e) => isLink(e, 'rtfa0'));
      expect(seen.some((e) => isLink(e, 'forged0'))).toBe(false);
      expect(seen.some((e) => (e.type === 'new' || e.type === 'del') && (e.object as { index?: number }).index === 4242)).toBe(false);
      expect(stream.dropped.notFromKernel).toBe(1);
      expect(stream.dropped.malformed).toBe(0);
    } finally {
      forger.close();
      stream.close();
      ns.ip('link del rtfa0');
    }
  });

  it('drops forged events in a watch too, and its view never holds the forged link', async () => {
    const stream = rtnl.watch('link');
    const it = stream[Symbol.asyncIterator]();
    await until(it, (e) => e.type === 'synced');
    const netnsFd = fs.openSync(ns.path, 'r');
    const forger = NetlinkSocket.open({ netnsFd });
    fs.closeSync(netnsFd);
    try {
      libc.sendto(forger.fd, newlink(4243, 'forged1', forger.portId), 0, 1);
      ns.ip('link add rtfb0 type veth peer name rtfb1');
      const seen = await until(it, (e) => isLink(e, 'rtfb0'));
      expect(seen.some((e) => isLink(e, 'forged1'))).toBe(false);
      expect(stream.dropped.notFromKernel).toBe(1);
    } finally {
      forger.close();
      stream.close();
      ns.ip('link del rtfb0');
    }
  });
});

// ---------------------------------------------------------------------------------------------
// A fake event socket: feeds the stream datagrams the kernel would never send.

class FakeEventSocket implements EventSocket {
  readonly fd = -1;
  readonly portId = 777;
  closed = false;
  readonly queue: ReceivedDatagram[] = [];
  #wake: (() => void) | undefined;

  push(datagram: Uint8Array, senderPortId = 0): void {
    this.queue.push({ datagram, senderPortId, nsid: undefined, truncated: false });
    this.#wake?.();
  }

  receiveMany(max: number): ReceivedDatagram[] {
    if (this.closed) throw new Error('closed');
    return this.queue.splice(0, max);
  }

  // The stream before this change read one datagram at a time.
  receive(): Uint8Array | null {
    return this.queue.shift()?.datagram ?? null;
  }

  wait(): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    if (this.queue.length > 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      this.#wake = () => {
        this.#wake = undefined;
        resolve(!this.closed);
      };
    });
  }

  setListenAllNsid(): void {}

  close(): void {
    this.closed = true;
    this.#wake?.();
  }
}

function fakeHost(sock: FakeEventSocket): EventHost & { closeController: AbortController } {
  const closeController = new AbortController();
  return {
    closeController,
    closeSignal: closeController.signal,
    connection: new Connection({ portId: 1, closed: false, send: () => undefined, receive: () => null, wait: async () => false, close: () => undefined }),
    openSocket: () => sock,
  };
}

describe('a stream survives a message it cannot decode', () => {
  it('reports a malformed message as a `malformed` event with its bytes and DecodeError, counts it, and goes on', async () => {
    const sock = new FakeEventSocket();
    const stream = monitor(fakeHost(sock), 'link');
    // IFLA_IFNAME claims 200 bytes in a message far shorter: the attribute does not fit.
    const bad = nlmsg(RTM_NEWLINK, 0, 0, 0, concat([ifinfomsg(7), attr(IFLA_IFNAME, Buffer.from('bad0\0'), 200)]));
    sock.push(bad);
    sock.push(newlink(8, 'good0'));
    const it = stream[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.done).toBe(false);
    const ev = first.value as MonitorEvent;
    expect(ev.type).toBe('malformed');
    if (ev.type !== 'malformed') throw new Error('unreachable');
    expect(ev.error).toBeInstanceOf(DecodeError);
    expect(ev.messageType).toBe(RTM_NEWLINK);
    expect(Buffer.from(ev.bytes).equals(Buffer.from(bad))).toBe(true);
    const second = await it.next();
    expect(second.done).toBe(false);
    expect(isLink(second.value as MonitorEvent, 'good0')).toBe(true);
    expect(stream.dropped.malformed).toBe(1);
    stream.close();
  });

  it('survives broken framing (a message length past the datagram) the same way', async () => {
    const sock = new FakeEventSocket();
    const stream = monitor(fakeHost(sock), 'link');
    const broken = new Uint8Array(newlink(9, 'cut0'));
    new DataView(broken.buffer).setUint32(0, 4096, true);
    sock.push(broken);
    sock.push(newlink(10, 'good1'));
    const it = stream[Symbol.asyncIterator]();
    const first = (await it.next()).value as MonitorEvent;
    expect(first.type).toBe('malformed');
    if (first.type !== 'malformed') throw new Error('unreachable');
    expect(first.error).toBeInstanceOf(DecodeError);
    expect(first.messageType).toBeUndefined();
    expect(isLink((await it.next()).value as MonitorEvent, 'good1')).toBe(true);
    expect(stream.dropped.malformed).toBe(1);
    stream.close();
  });

  it('does not deliver datagrams of other senders from a fake socket either', async () => {
    const sock = new FakeEventSocket();
    const stream = monitor(fakeHost(sock), 'link');
    sock.push(newlink(11, 'forged2', 1234), 1234);
    sock.push(newlink(12, 'good2'));
    const ev = (await stream.next()).value as MonitorEvent;
    expect(isLink(ev, 'good2')).toBe(true);
    expect(stream.dropped).toEqual({ notFromKernel: 1, malformed: 0 });
    stream.close();
  });
});

describe('closing the handle ends its streams', () => {
  it('rtnl.close() ends every monitor() and watch() loop of that handle promptly', async () => {
    const own = Rtnl.openSync({ netns: ns.name });
    const loop = async (s: AsyncIterable<MonitorEvent>): Promise<number> => {
      let n = 0;
      for await (const _ of s) n++;
      return n;
    };
    const m = loop(own.monitor('link'));
    const w = watch(own, 'link');
    const wDone = loop(w);
    const m2 = loop(monitor(own, ['address', 'route']));
    // Let the loops start waiting (the watch dumps first).
    await new Promise((r) => setTimeout(r, 100));
    own.close();
    let timer: NodeJS.Timeout | undefined;
    const ended = await Promise.race([
      Promise.all([m, wDone, m2]).then(() => 'ended'),
      new Promise<string>((r) => (timer = setTimeout(() => r('still running'), 5000))),
    ]);
    clearTimeout(timer);
    expect(ended).toBe('ended');
    expect(w.closed).toBe(true);
    // A stream asked of a closed handle fails at once.
    expect(() => own.monitor('link')).toThrow(/closed/);
  });
});

describe('the poller thread whatever flags node runs with', () => {
  const root = path.resolve(import.meta.dirname, '../..');
  const script = `
    import { execFileSync } from 'node:child_process';
    import { Rtnl } from ${JSON.stringify(path.join(root, 'src/index.ts'))};
    const rtnl = Rtnl.openSync({ netns: process.argv.at(-1) });
    const stream = rtnl.monitor('link');
    setTimeout(() => execFileSync('ip', ['-n', process.argv.at(-1), 'link', 'set', 'lo', 'mtu', String(60000 + Math.floor(Math.random() * 1000))]), 50);
    const { value } = await stream.next();
    console.log(JSON.stringify({ type: value.type, family: value.family }));
    rtnl.close();
  `;
  for (const flags of [['--input-type=module'], ['--input-type=module', '--no-warnings', '--stack-size=2000']]) {
    it(`monitor() works under node ${flags.join(' ')} -e`, async () => {
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', ...flags, '-e', script, 'x', ns.name], { cwd: root, timeout: 30_000 });
      expect(JSON.parse(stdout.trim())).toEqual({ type: 'new', family: 'link' });
    });
  }
});

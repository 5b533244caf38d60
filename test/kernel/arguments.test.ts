// Every bad argument of the handle, the events, the namespaces and the request engine is an
// InvalidArgumentError naming the argument, thrown before anything is sent, opened or changed.
// Table-driven: each row is a call and the field its error must name.

import fs from 'node:fs';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection, type ConnectionOptions } from '../../src/netlink/connection.js';
import { InvalidArgumentError } from '../../src/netlink/errors.js';
import { NetlinkSocket, type NetlinkSocketOptions } from '../../src/netlink/socket.js';
import type { Transport } from '../../src/netlink/transport.js';
import {
  addNetns,
  attachNetns,
  deleteNetns,
  execInNetns,
  execInNetnsSync,
  identifyNetns,
  netnsExists,
  netnsIdentity,
  netnsPids,
  runInNetns,
} from '../../src/ns/netns.js';
import { describeNetns, netnsPath, openNetns, validateNetnsName, type NetnsRef } from '../../src/ns/ref.js';
import { connectInNetns, listenInNetns, type NetnsConnectOptions, type NetnsListenOptions } from '../../src/ns/sockets.js';
import { monitor, watch, type EventHost, type MonitorOptions, type WatchOptions } from '../../src/rtnl/events/monitor.js';
import { Rtnl, type RtnlOptions } from '../../src/rtnl/rtnl.js';
import { useTestNetns } from '../harness/netns.js';

const ns = useTestNetns();

/** A transport that records what is sent and answers nothing. */
class Recorder implements Transport {
  readonly portId = 99;
  closed = false;
  readonly sent: Uint8Array[] = [];
  send(d: Uint8Array): void {
    this.sent.push(d);
  }
  receive(): Uint8Array | null {
    return null;
  }
  wait(): Promise<boolean> {
    return Promise.resolve(false);
  }
  close(): void {
    this.closed = true;
  }
}

let recorder: Recorder;
let handle: Rtnl;
beforeAll(() => {
  recorder = new Recorder();
  handle = Rtnl.openSync({ netns: ns.name });
});
afterAll(() => handle?.close());

// Values typed as anything: what a JavaScript caller (or a cast) can pass.
const any = <T>(v: unknown): T => v as T;

type Row = [description: string, call: () => unknown, field: string];

const rows = (): Row[] => [
  // The handle.
  ['Rtnl.open(null)', () => Rtnl.openSync(any<RtnlOptions>(null)), 'options'],
  ['Rtnl.open(42)', () => Rtnl.openSync(any<RtnlOptions>(42)), 'options'],
  ['Rtnl.open({ transport: {} })', () => Rtnl.openSync({ transport: any<Transport>({}) }), 'transport.send'],
  ['Rtnl.open({ transport: 42 })', () => Rtnl.openSync({ transport: any<Transport>(42) }), 'transport'],
  ['Rtnl.open({ capture: 42 })', () => Rtnl.openSync({ capture: any<string>(42) }), 'capture'],
  ['Rtnl.open({ capture: "" })', () => Rtnl.openSync({ capture: '' }), 'capture'],
  ['Rtnl.open({ timeoutMs: NaN })', () => Rtnl.openSync({ timeoutMs: NaN }), 'timeoutMs'],
  ["Rtnl.open({ timeoutMs: 'x' })", () => Rtnl.openSync({ timeoutMs: any<number>('x') }), 'timeoutMs'],
  ['Rtnl.open({ timeoutMs: -1 })', () => Rtnl.openSync({ timeoutMs: -1 }), 'timeoutMs'],
  ['Rtnl.open({ timeoutMs: 0 })', () => Rtnl.openSync({ timeoutMs: 0 }), 'timeoutMs'],
  ['Rtnl.open({ timeoutMs: null })', () => Rtnl.openSync({ timeoutMs: any<number>(null) }), 'timeoutMs'],
  ["Rtnl.open({ dumpInterrupted: 'nosuch' })", () => Rtnl.openSync({ dumpInterrupted: any<'retry'>('nosuch') }), 'dumpInterrupted'],
  ['Rtnl.open({ dumpRetries: -1 })', () => Rtnl.openSync({ dumpRetries: -1 }), 'dumpRetries'],
  ['Rtnl.open({ dumpRetries: 1.5 })', () => Rtnl.openSync({ dumpRetries: 1.5 }), 'dumpRetries'],
  ['Rtnl.open({ receiveBufferSize: 2**40 })', () => Rtnl.openSync({ receiveBufferSize: 2 ** 40 }), 'receiveBufferSize'],
  ['Rtnl.open({ receiveBufferSize: 0 })', () => Rtnl.openSync({ receiveBufferSize: 0 }), 'receiveBufferSize'],
  ['Rtnl.open({ netns: 42 })', () => Rtnl.openSync({ netns: any<NetnsRef>(42) }), 'netns'],
  ['Rtnl.open({ netns: { pid: -1 } })', () => Rtnl.openSync({ netns: { pid: -1 } }), 'netns.pid'],
  ['Rtnl.open({ netns: { fd: 1.5 } })', () => Rtnl.openSync({ netns: { fd: 1.5 } }), 'netns.fd'],
  ['Rtnl.open({ netns: { nmae: "x" } })', () => Rtnl.openSync({ netns: any<NetnsRef>({ nmae: 'x' }) }), 'netns.nmae'],
  ['Rtnl.open({ netns: { name: "a", pid: 1 } })', () => Rtnl.openSync({ netns: any<NetnsRef>({ name: 'a', pid: 1 }) }), 'netns'],
  ['Rtnl.open({ timeout: 5 }) (a misspelt option)', () => Rtnl.openSync(any<RtnlOptions>({ timeout: 5 })), 'timeout'],
  ['rtnl.openSocket({ groups: 1 })', () => handle.openSocket(any<NetlinkSocketOptions>({ groups: 1 })), 'groups'],
  ['rtnl.openSocket({ groups: [0] })', () => handle.openSocket({ groups: [0] }), 'groups.0'],
  ['rtnl.openSocket({ netnsFd: 3 })', () => handle.openSocket(any<NetlinkSocketOptions>({ netnsFd: 3 })), 'netnsFd'],
  ["rtnl.openSocket({ extendedAck: 'yes' })", () => handle.openSocket({ extendedAck: any<boolean>('yes') }), 'extendedAck'],
  ['rtnl.openSocket({ readBufferSize: -1 })', () => handle.openSocket({ readBufferSize: -1 }), 'readBufferSize'],
  ['NetlinkSocket.open({ protocol: 99 })', () => NetlinkSocket.open({ protocol: 99 }), 'protocol'],
  ['NetlinkSocket.open(null)', () => NetlinkSocket.open(any<NetlinkSocketOptions>(null)), 'options'],

  // Events.
  ['rtnl.monitor(42)', () => handle.monitor(any<'link'>(42)), 'groups'],
  ['rtnl.monitor([])', () => handle.monitor([]), 'groups'],
  ['rtnl.monitor([42])', () => handle.monitor([any<'link'>(42)]), 'groups.0'],
  ["rtnl.monitor('nosuch')", () => handle.monitor(any<'link'>('nosuch')), 'groups'],
  ["rtnl.monitor({ signal: 'x' })", () => handle.monitor(any<'link'>({ signal: 'x' })), 'groups'],
  ["rtnl.monitor('link', { signal: 'x' })", () => handle.monitor('link', { signal: any<AbortSignal>('x') }), 'signal'],
  ["rtnl.monitor('link', null)", () => handle.monitor('link', any<MonitorOptions>(null)), 'options'],
  ["rtnl.monitor('link', { resync: 1 })", () => handle.monitor('link', { resync: any<boolean>(1) }), 'resync'],
  ["rtnl.monitor('link', { allNamespaces: 'y' })", () => handle.monitor('link', { allNamespaces: any<boolean>('y') }), 'allNamespaces'],
  ["rtnl.monitor('link', { receiveBufferSize: 2**40 })", () => handle.monitor('link', { receiveBufferSize: 2 ** 40 }), 'receiveBufferSize'],
  ["rtnl.monitor('link', { resnyc: true })", () => handle.monitor('link', any<MonitorOptions>({ resnyc: true })), 'resnyc'],
  ["rtnl.monitor('link', { allNamespaces: true, resync: true })", () => handle.monitor('link', { allNamespaces: true, resync: true }), 'resync'],
  ['monitor(42)', () => monitor(any<EventHost>(42), 'link'), 'rtnl'],
  ["monitor(null, 'link')", () => monitor(any<EventHost>(null), 'link'), 'rtnl'],
  ['rtnl.watch(42)', () => handle.watch(any<'link'>(42)), 'family'],
  ["rtnl.watch('nosuch')", () => handle.watch(any<'link'>('nosuch')), 'family'],
  ["rtnl.watch('link', { signal: {} })", () => handle.watch('link', { signal: any<AbortSignal>({}) }), 'signal'],
  ["rtnl.watch('link', { allNamespaces: true })", () => handle.watch('link', any<WatchOptions>({ allNamespaces: true })), 'allNamespaces'],
  ["watch({}, 'link')", () => watch(any<EventHost>({}), 'link'), 'rtnl'],

  // Namespaces.
  ['runInNetns(42, fn)', () => runInNetns(any<NetnsRef>(42), () => 1), 'netns'],
  ['runInNetns(null, fn)', () => runInNetns(any<NetnsRef>(null), () => 1), 'netns'],
  ['runInNetns(name, 42)', () => runInNetns(ns.name, any<() => number>(42)), 'fn'],
  ['runInNetns({ pid: 0 }, fn)', () => runInNetns({ pid: 0 }, () => 1), 'netns.pid'],
  ["runInNetns({ path: '/etc' }, fn)", () => runInNetns({ path: '/etc' }, () => 1), 'netns'],
  ['netnsPids(undefined)', () => netnsPids(any<NetnsRef>(undefined)), 'netns'],
  ["netnsPids('/etc')", () => netnsPids('/etc'), 'netns'],
  ["netnsPids('/etc/hostname')", () => netnsPids('/etc/hostname'), 'netns'],
  ['netnsIdentity(42)', () => netnsIdentity(any<NetnsRef>(42)), 'netns'],
  ['netnsIdentity({ fd: 1 }) (stdout is no namespace)', () => netnsIdentity({ fd: 1 }), 'netns'],
  ['openNetns([])', () => openNetns(any<NetnsRef>([])), 'netns'],
  ["openNetns('')", () => openNetns(''), 'netns'],
  ['netnsPath({ pid: 1.5 })', () => netnsPath({ pid: 1.5 }), 'netns.pid'],
  ['describeNetns(42)', () => describeNetns(any<NetnsRef>(42)), 'netns'],
  ['validateNetnsName(42)', () => validateNetnsName(any<string>(42)), 'netns.name'],
  ['addNetns(42)', () => addNetns(any<string>(42)), 'netns.name'],
  ["addNetns('a/b')", () => addNetns('a/b'), 'netns.name'],
  ['deleteNetns(undefined)', () => deleteNetns(any<string>(undefined)), 'netns.name'],
  ["deleteNetns('..')", () => deleteNetns('..'), 'netns.name'],
  ['netnsExists(null)', () => netnsExists(any<string>(null)), 'netns.name'],
  ["attachNetns('x', 'abc')", () => attachNetns(`${ns.name}-never`, any<number>('abc')), 'pid'],
  ['attachNetns(42, 1)', () => attachNetns(any<string>(42), 1), 'netns.name'],
  ['identifyNetns(-1)', () => identifyNetns(-1), 'pid'],
  ["identifyNetns('1')", () => identifyNetns(any<number>('1')), 'pid'],
  ['execInNetns(name, 42)', () => execInNetns(ns.name, any<string>(42)), 'command'],
  ["execInNetns(name, 'true', 'x')", () => execInNetns(ns.name, 'true', any<string[]>('x')), 'args'],
  ["execInNetns(name, 'true', [1])", () => execInNetns(ns.name, 'true', any<string[]>([1])), 'args.0'],
  ["execInNetnsSync(name, 'true', [], null)", () => execInNetnsSync(ns.name, 'true', [], any<object>(null)), 'options'],
  ["execInNetnsSync(42, 'true')", () => execInNetnsSync(any<NetnsRef>(42), 'true'), 'netns'],
  ['listenInNetns(name, server, { port: -1 })', () => listenInNetns(ns.name, net.createServer(), { port: -1 }), 'port'],
  ['listenInNetns(name, server, undefined)', () => listenInNetns(ns.name, net.createServer(), any<NetnsListenOptions>(undefined)), 'options'],
  ['listenInNetns(name, {}, { port: 0 })', () => listenInNetns(ns.name, any<net.Server>({}), { port: 0 }), 'server'],
  ["listenInNetns(name, server, { port: 0, host: 'localhost' })", () => listenInNetns(ns.name, net.createServer(), { port: 0, host: 'localhost' }), 'host'],
  ['listenInNetns(42, server, { port: 0 })', () => listenInNetns(any<NetnsRef>(42), net.createServer(), { port: 0 }), 'netns'],
  ["connectInNetns(name, { port: 0, host: '192.0.2.1' })", () => connectInNetns(ns.name, { port: 0, host: '192.0.2.1' }), 'port'],
  ['connectInNetns(name, { port: 80 })', () => connectInNetns(ns.name, any<NetnsConnectOptions>({ port: 80 })), 'host'],
  ['connectInNetns(name, null)', () => connectInNetns(ns.name, any<NetnsConnectOptions>(null)), 'options'],

  // The request engine.
  ['new Connection(t, { timeoutMs: NaN })', () => new Connection(recorder, { timeoutMs: NaN }), 'timeoutMs'],
  ["new Connection(t, { dumpInterrupted: 'nosuch' })", () => new Connection(recorder, { dumpInterrupted: any<'retry'>('nosuch') }), 'dumpInterrupted'],
  ['new Connection(t, { dumpRetries: -1 })', () => new Connection(recorder, { dumpRetries: -1 }), 'dumpRetries'],
  ['new Connection(t, { typeName: 42 })', () => new Connection(recorder, { typeName: any<ConnectionOptions['typeName']>(42) }), 'typeName'],
  ['new Connection(t, null)', () => new Connection(recorder, any<ConnectionOptions>(null)), 'options'],
  ['new Connection({}, {})', () => new Connection(any<Transport>({}), {}), 'transport.send'],
];

/** Calls `fn`, awaiting a promise it returns; the error it throws or rejects with. */
async function failure(fn: () => unknown): Promise<unknown> {
  try {
    const r = fn();
    if (r instanceof Promise) await r;
    else if (r !== null && typeof r === 'object' && 'close' in r && typeof r.close === 'function') (r as { close(): void }).close();
  } catch (e) {
    return e;
  }
  return undefined;
}

const fdCount = (): number => fs.readdirSync('/proc/self/fd').length;

describe('every bad argument is an InvalidArgumentError naming it, before anything happens', () => {
  it.each(rows().map((r) => [r[0], r] as const))('%s', async (_d, [, call, field]) => {
    const netnsBefore = fs.readdirSync('/run/netns').sort();
    const fds = fdCount();
    const sent = recorder.sent.length;
    const err = await failure(call);
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect((err as InvalidArgumentError).field).toBe(field);
    // Nothing opened, sent or changed.
    expect(fdCount()).toBe(fds);
    expect(recorder.sent.length).toBe(sent);
    expect(fs.readdirSync('/run/netns').sort()).toEqual(netnsBefore);
  });

  it('Rtnl.open (the async form) rejects with the same errors', async () => {
    await expect(Rtnl.open(any<RtnlOptions>(null))).rejects.toThrow(InvalidArgumentError);
    await expect(Rtnl.open({ timeoutMs: NaN })).rejects.toMatchObject({ name: 'InvalidArgumentError', field: 'timeoutMs' });
  });

  it('bad request arguments send nothing', async () => {
    const c = new Connection(recorder, {});
    const cases: [() => Promise<unknown>, string][] = [
      [() => c.request(any<{ type: number }>(null)), 'req'],
      [() => c.request(any<{ type: number }>({})), 'req.type'],
      [() => c.request({ type: 70000 }), 'req.type'],
      [() => c.request({ type: 18, flags: -1 }), 'req.flags'],
      [() => c.request({ type: 18, body: any<() => void>('x') }), 'req.body'],
      [() => c.request({ type: 18 }, any<() => void>(42)), 'onMessage'],
      [() => c.request({ type: 18 }, undefined, { timeoutMs: -5 }), 'timeoutMs'],
      [() => c.request({ type: 18 }, undefined, any<object>({ timeout: 5 })), 'timeout'],
      [() => c.dump({ type: 18 }, () => ({ onMessage: () => undefined, result: () => 0 }), { dumpInterrupted: any<'flag'>('x') }), 'dumpInterrupted'],
    ];
    for (const [call, field] of cases) {
      await expect(call()).rejects.toMatchObject({ name: 'InvalidArgumentError', field });
    }
    expect(recorder.sent.length).toBe(0);
  });

  it('the good forms still work', async () => {
    const r = await Rtnl.open({ netns: { path: ns.path }, timeoutMs: Infinity, dumpInterrupted: 'flag', dumpRetries: 0 });
    expect((await r.links.list()).map((l) => l.name)).toContain('lo');
    r.close();
    expect(runInNetns({ name: ns.name }, () => 7)).toBe(7);
    expect(netnsPids(ns.name)).toEqual([]);
  });
});

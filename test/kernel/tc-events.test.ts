// Traffic-control events against the real kernel, in a throwaway namespace: changes made with `tc`
// arrive from monitor('tc') as Qdisc / TrafficClass / Filter objects equal to what list() returns;
// watch() keeps a view equal to a fresh dump through the changes the kernel makes without events;
// forged tc events are dropped and malformed ones reported while the stream goes on.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection } from '../../src/netlink/connection.js';
import { DecodeError } from '../../src/netlink/errors.js';
import { NetlinkSocket } from '../../src/netlink/socket.js';
import { FAMILIES, RTNL_GROUPS, type IgnoreTree } from '../../src/rtnl/events/families.js';
import { monitor, type EventHost, type MonitorEvent, type ObjectEvent } from '../../src/rtnl/events/monitor.js';
import type { EventSocket, ReceivedDatagram } from '../../src/rtnl/events/types.js';
import { RTM_NEWQDISC } from '../../src/rtnl/generated/tc.js';
import { Rtnl } from '../../src/rtnl/rtnl.js';
import { classKey, filterKey, qdiscKey, type Filter, type Qdisc, type TrafficClass } from '../../src/index.js';
import * as libc from '../../src/sys/libc.js';
import { concat, nlmsg } from '../harness/bytes.js';
import { useTestNetns } from '../harness/netns.js';
import { nla, str } from '../harness/tc.js';

type Obj = Record<string, unknown>;
type TcFamily = 'qdisc' | 'class' | 'filter';

const ns = useTestNetns();
let rtnl: Rtnl;
const tc = (args: string): void => void execFileSync('tc', ['-n', ns.name, ...args.split(' ')], { stdio: ['ignore', 'ignore', 'pipe'] });

beforeAll(() => {
  // No IPv6: no router solicitations moving counters between an event and a list.
  execFileSync('ip', ['netns', 'exec', ns.name, 'sysctl', '-qw', 'net.ipv6.conf.default.disable_ipv6=1', 'net.ipv6.conf.all.disable_ipv6=1']);
  ns.ip('link add v0 type veth peer name v1');
  ns.ip('link add ifb0 type ifb');
  for (const l of ['v0', 'v1', 'ifb0']) ns.ip(`link set ${l} up`);
  rtnl = Rtnl.openSync({ netns: ns.name });
});

afterAll(() => rtnl?.close());

/** Reads with timeouts; a next() that timed out is reused by the following read. */
const pendingNext = new WeakMap<object, Promise<IteratorResult<unknown>>>();
async function nextWithin<E>(it: AsyncIterator<E>, ms: number): Promise<IteratorResult<E> | 'timeout'> {
  const p = (pendingNext.get(it) as Promise<IteratorResult<E>> | undefined) ?? it.next();
  pendingNext.set(it, p);
  let timer: NodeJS.Timeout | undefined;
  const r = await Promise.race([p, new Promise<'timeout'>((res) => (timer = setTimeout(() => res('timeout'), Math.max(0, ms))))]);
  clearTimeout(timer);
  if (r !== 'timeout') pendingNext.delete(it);
  return r;
}

/** Pulls events until `pred` matches one; returns all of them. */
async function until<E>(it: AsyncIterator<E>, pred: (e: E) => boolean, ms = 5000): Promise<E[]> {
  const seen: E[] = [];
  const deadline = Date.now() + ms;
  for (;;) {
    const r = await nextWithin(it, deadline - Date.now());
    if (r === 'timeout' || r.done) throw new Error(`no matching event; saw ${seen.map(describe1).join(' | ')}`);
    seen.push(r.value);
    if (pred(r.value)) return seen;
  }
}

/** Pulls events until none arrives for `quietMs`. */
async function drainQuiet<E>(it: AsyncIterator<E>, quietMs = 500): Promise<E[]> {
  const seen: E[] = [];
  for (;;) {
    const r = await nextWithin(it, quietMs);
    if (r === 'timeout' || r.done) return seen;
    seen.push(r.value);
  }
}

function describe1(e: unknown): string {
  const ev = e as { type: string; family?: string; object?: Obj };
  if (!ev.object) return ev.type;
  return `${ev.type} ${ev.family} ${String(ev.object.kind)} ${String(ev.object.handle ?? '')} ${String(ev.object.parent)}`;
}

/** A copy of `o` without the fields of `tree` (the kind's volatile fields), for readable comparisons. */
function strip(o: unknown, tree: IgnoreTree): unknown {
  if (Array.isArray(o)) return o.map((x) => strip(x, tree));
  if (o === null || typeof o !== 'object' || o instanceof Uint8Array) return o;
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) {
    const t = tree[k];
    if (t === true || v === undefined) continue;
    out[k] = t === undefined ? v : strip(v, t);
  }
  return out;
}

const KEY: Record<TcFamily, (o: never) => string> = { qdisc: qdiscKey, class: classKey, filter: filterKey };
const keyOf = (f: TcFamily, o: Obj): string => (KEY[f] as (o: Obj) => string)(o);

/** Every tc object of the namespace, as list() returns them (the kernel's default qdiscs and their classes left out). */
async function listed(): Promise<Record<TcFamily, Map<string, Obj>>> {
  const q = (await rtnl.qdiscs.list()).filter((x) => FAMILIES.qdisc.announced(x as unknown as Obj));
  const c = (await rtnl.classes.list()).filter((x) => FAMILIES.class.announced(x as unknown as Obj));
  const f = await rtnl.filters.list();
  const map = <T extends object>(fam: TcFamily, xs: T[]): Map<string, Obj> => new Map(xs.map((x) => [keyOf(fam, x as Obj), x as Obj]));
  return { qdisc: map('qdisc', q), class: map('class', c), filter: map('filter', f) };
}

const isTc = (e: MonitorEvent): e is ObjectEvent<TcFamily> => (e.type === 'new' || e.type === 'del') && (e.family === 'qdisc' || e.family === 'class' || e.family === 'filter');

describe('monitor(tc)', () => {
  it('yields changes made with tc as Qdisc, TrafficClass and Filter objects equal to what list() returns', async () => {
    const stream = rtnl.monitor('tc');
    const it = stream[Symbol.asyncIterator]();
    try {
      tc('qdisc add dev v0 root handle 1: htb default 10');
      tc('class add dev v0 parent 1: classid 1:10 htb rate 1mbit ceil 2mbit');
      tc('qdisc add dev v0 parent 1:10 handle 10: pfifo limit 50');
      tc('qdisc add dev v1 root handle 8: tbf rate 8mbit burst 32kbit latency 400ms');
      tc('qdisc add dev v0 ingress');
      tc('filter add dev v0 parent ffff: protocol all u32 match u32 0 0 action mirred egress redirect dev ifb0');
      tc('filter add dev v0 parent 1: protocol ip prio 5 u32 match ip src 192.0.2.0/24 match ip dport 80 0xffff flowid 1:10');
      const seen = (await until(it, (e) => isTc(e) && e.family === 'filter' && e.object.parent === '1:')).filter(isTc);
      const now = await listed();
      // What the kernel announced, in order (its default noqueue going first).
      expect(seen.map(describe1)).toEqual([
        'del qdisc noqueue 0: root',
        'new qdisc htb 1: root',
        'new class htb 1:10 root',
        'new qdisc pfifo 10: 1:10',
        'del qdisc noqueue 0: root',
        'new qdisc tbf 8: root',
        'new qdisc ingress ffff: ffff:fff1',
        'new filter u32 800::800 ffff:',
        'new filter u32 800::800 1:',
      ]);
      for (const e of seen.filter((x) => x.type === 'new')) {
        const volatile = FAMILIES[e.family].volatile;
        const match = now[e.family].get(keyOf(e.family, e.object as unknown as Obj));
        expect(match, describe1(e)).toBeDefined();
        expect(strip(e.object, volatile), describe1(e)).toEqual(strip(match, volatile));
      }
      // The types narrow by family.
      const q = seen.find((e) => e.family === 'qdisc' && e.type === 'new');
      if (q?.family === 'qdisc') {
        const typed: Qdisc = q.object;
        expect(typed.link).toBe(now.qdisc.get(qdiscKey(typed))?.link);
      }
      const f = seen.find((e) => e.family === 'filter');
      if (f?.family === 'filter') {
        const typed: Filter = f.object;
        expect(typed.options).toMatchObject({ actions: [{ kind: 'mirred', action: 'redirect', direction: 'egress' }] });
      }

      // Deletions arrive as `del` with the object's last state.
      const before = now;
      tc('filter del dev v0 parent 1: prio 5');
      tc('qdisc del dev v0 parent 1:10 handle 10:');
      tc('class del dev v0 classid 1:10');
      tc('qdisc del dev v0 root');
      tc('qdisc del dev v0 ingress');
      const dels = (await until(it, (e) => isTc(e) && e.type === 'del' && e.object.kind === 'ingress')).filter(isTc);
      expect(dels.map(describe1)).toEqual([
        // The entry of priority 5 stands for the whole priority (its filters go without events).
        'del filter u32  1:',
        'del qdisc pfifo 10: 1:10',
        'del class htb 1:10 root',
        'del qdisc htb 1: root',
        'del qdisc ingress ffff: ffff:fff1',
      ]);
      for (const e of dels.filter((x) => x.object.handle !== undefined)) {
        const volatile = FAMILIES[e.family].volatile;
        expect(strip(e.object, volatile), describe1(e)).toEqual(strip(before[e.family].get(keyOf(e.family, e.object as unknown as Obj)), volatile));
      }
      expect(stream.dropped).toEqual({ notFromKernel: 0, malformed: 0 });
    } finally {
      stream.close();
      for (const c of ['qdisc del dev v0 root', 'qdisc del dev v0 ingress', 'qdisc del dev v1 root']) {
        try {
          tc(c);
        } catch {
          // already gone
        }
      }
    }
  });

  it('drops a tc event forged by another socket in the namespace', async () => {
    const stream = rtnl.monitor('tc');
    const netnsFd = fs.openSync(ns.path, 'r');
    const forger = NetlinkSocket.open({ netnsFd });
    fs.closeSync(netnsFd);
    try {
      expect(libc.sendto(forger.fd, newQdisc(4242, 'forged', forger.portId), 0, 1 << (RTNL_GROUPS.tc - 1))).toBeGreaterThan(0);
      tc('qdisc add dev v1 root handle 5: pfifo');
      const seen = await until(stream, (e) => isTc(e) && e.object.handle === '5:');
      expect(seen.some((e) => isTc(e) && e.object.link === 4242)).toBe(false);
      expect(stream.dropped).toEqual({ notFromKernel: 1, malformed: 0 });
    } finally {
      forger.close();
      stream.close();
      tc('qdisc del dev v1 root');
    }
  });
});

describe('watch(qdisc, class, filter)', () => {
  it('keeps a view equal to a fresh dump through the changes the kernel makes without events', async () => {
    const stream = rtnl.watch(['qdisc', 'class', 'filter']);
    const it = stream[Symbol.asyncIterator]();
    const view: Record<TcFamily, Map<string, Obj>> = { qdisc: new Map(), class: new Map(), filter: new Map() };
    const apply = (events: MonitorEvent[]): void => {
      for (const e of events) {
        if (!isTc(e)) continue;
        const m = view[e.family];
        const k = keyOf(e.family, e.object as unknown as Obj);
        if (e.type === 'new') m.set(k, e.object as unknown as Obj);
        else m.delete(k);
      }
    };
    /** The view after the events settle equals a fresh list of every kind, without the volatile fields. */
    const check = async (step: string): Promise<void> => {
      apply(await drainQuiet(it));
      const now = await listed();
      for (const f of ['qdisc', 'class', 'filter'] as const) {
        const v = FAMILIES[f].volatile;
        const sorted = (m: Map<string, Obj>): [string, unknown][] => [...m].sort(([a], [b]) => a.localeCompare(b)).map(([k, o]) => [k, strip(o, v)]);
        expect(sorted(view[f]), `${step}: ${f}`).toEqual(sorted(now[f]));
      }
    };
    try {
      apply(await until(it, (e) => e.type === 'synced'));
      tc('qdisc add dev v0 root handle 1: htb default 10');
      tc('class add dev v0 parent 1: classid 1:10 htb rate 1mbit ceil 2mbit');
      tc('qdisc add dev v0 parent 1:10 handle 10: pfifo limit 50');
      await check('htb with a leaf qdisc');
      // A class under 1:10 removes its leaf qdisc 10: without an event.
      tc('class add dev v0 parent 1:10 classid 1:20 htb rate 1mbit');
      // The first filter of a priority brings the priority's entry and hash table 800: silently.
      tc('filter add dev v0 parent 1: protocol ip prio 5 u32 match ip src 192.0.2.0/24 flowid 1:20');
      await check('a class under a leaf, a first u32 filter');
      expect(view.filter.size).toBe(3);
      expect([...view.qdisc.values()].some((q) => q.handle === '10:')).toBe(false);
      // Replacing the root removes the htb classes and filters silently; tbf brings a class of its own.
      tc('qdisc replace dev v0 root handle 2: tbf rate 8mbit burst 32kbit latency 400ms');
      await check('root replaced by tbf');
      expect([...view.class.keys()].some((k) => k.endsWith('|2:1'))).toBe(true);
      tc('qdisc add dev v0 clsact');
      tc('filter add dev v0 egress protocol ip prio 3 u32 match ip dst 198.51.100.1/32 action mirred egress redirect dev ifb0');
      tc('filter add dev v0 egress protocol ip prio 3 u32 match ip dst 198.51.100.2/32 action mirred egress redirect dev ifb0');
      await check('clsact with two filters');
      // Deleting a priority's entry deletes its filters with one event.
      tc('filter del dev v0 egress prio 3');
      await check('priority deleted');
      tc('filter add dev v0 egress protocol ip prio 4 u32 match ip dst 198.51.100.3/32 action mirred egress redirect dev ifb0');
      // A deleted link takes its tc objects along, without tc events.
      await check('a filter of another priority');
      const v0 = ns.ipJson<{ ifindex: number }[]>('link show v0')[0].ifindex;
      expect([...view.filter.values()].some((o) => o.link === v0)).toBe(true);
      ns.ip('link del v0');
      await check('link deleted');
      expect([...view.qdisc.values(), ...view.class.values(), ...view.filter.values()].some((o) => o.link === v0)).toBe(false);
      expect(stream.dropped).toEqual({ notFromKernel: 0, malformed: 0 });
    } finally {
      stream.close();
      try {
        ns.ip('link del v0');
      } catch {
        // deleted by the test
      }
      ns.ip('link add v0 type veth peer name v1');
      ns.ip('link set v0 up');
      ns.ip('link set v1 up');
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Bytes the kernel never sends, through a fake event socket.

/** struct tcmsg (family, pads, ifindex, handle, parent, info) and TCA_KIND. */
function newQdisc(ifindex: number, kind: string, pid = 0, kindLength?: number): Uint8Array {
  const tcm = new Uint8Array(20);
  const v = new DataView(tcm.buffer);
  v.setInt32(4, ifindex, true);
  v.setUint32(8, 0x10000, true);
  v.setUint32(12, 0xffffffff, true);
  const kindAttr = nla(1, str(kind));
  if (kindLength !== undefined) new DataView(kindAttr.buffer).setUint16(0, kindLength, true);
  return nlmsg(RTM_NEWQDISC, 0, 0, pid, concat([tcm, kindAttr]));
}

class FakeEventSocket implements EventSocket {
  readonly fd = -1;
  readonly queue: ReceivedDatagram[] = [];
  closed = false;
  #wake: (() => void) | undefined;
  push(datagram: Uint8Array, senderPortId = 0): void {
    this.queue.push({ datagram, senderPortId, nsid: undefined, truncated: false });
    this.#wake?.();
  }
  receiveMany(max: number): ReceivedDatagram[] {
    return this.queue.splice(0, max);
  }
  wait(): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    if (this.queue.length > 0) return Promise.resolve(true);
    return new Promise((resolve) => (this.#wake = () => resolve(!this.closed)));
  }
  setListenAllNsid(): void {}
  close(): void {
    this.closed = true;
    this.#wake?.();
  }
}

describe('a tc stream survives a message it cannot decode', () => {
  it('reports a malformed RTM_NEWQDISC as a `malformed` event and delivers the next qdisc', async () => {
    const sock = new FakeEventSocket();
    const host: EventHost = {
      closeSignal: new AbortController().signal,
      connection: new Connection({ portId: 1, closed: false, send: () => undefined, receive: () => null, wait: async () => false, close: () => undefined }),
      openSocket: () => sock,
    };
    const stream = monitor(host, 'tc');
    const bad = newQdisc(7, 'htb', 0, 200);
    sock.push(bad);
    sock.push(newQdisc(8, 'noqueue'));
    const first = (await stream.next()).value as MonitorEvent;
    expect(first.type).toBe('malformed');
    if (first.type !== 'malformed') throw new Error('unreachable');
    expect(first.error).toBeInstanceOf(DecodeError);
    expect(first.messageType).toBe(RTM_NEWQDISC);
    expect(Buffer.from(first.bytes).equals(Buffer.from(bad))).toBe(true);
    const second = (await stream.next()).value as MonitorEvent;
    expect(second).toEqual({ type: 'new', family: 'qdisc', object: { link: 8, kind: 'noqueue', handle: '1:', parent: 'root', refcount: 0 } });
    expect(stream.dropped).toEqual({ notFromKernel: 0, malformed: 1 });
    stream.close();
  });
});

// Type-level: the tc families' events carry the models.
const typeCheck = (e: MonitorEvent<'qdisc' | 'class' | 'filter'>): Qdisc | TrafficClass | Filter | undefined => (e.type === 'new' || e.type === 'del' ? e.object : undefined);
void typeCheck;

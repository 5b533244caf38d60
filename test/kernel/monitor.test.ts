// Typed kernel events against the real kernel, inside throw-away network namespaces: an event per
// family, all-namespaces mode, watch without gaps or duplicates, overrun and resync.

import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/netlink/errors.js';
import { SOL_SOCKET, SO_RCVBUF } from '../../src/sys/constants.js';
import { getsockoptInt } from '../../src/sys/libc.js';
import { Rtnl } from '../../src/rtnl/rtnl.js';
import { monitor, watch, type EventFamily, type MonitorEvent, type ObjectEvent } from '../../src/rtnl/events/monitor.js';
import { FAMILIES, RTNL_GROUPS, equalObjects, tracks, type IgnoreTree, type RtnlGroupName } from '../../src/rtnl/events/families.js';
import { TEST_NETNS_PREFIX, runIp, useTestNetns } from '../harness/netns.js';

const ALL_FAMILIES: EventFamily[] = ['link', 'address', 'route', 'neigh', 'rule', 'nexthop', 'nsid'];
const ALL_GROUPS = new Set(Object.keys(RTNL_GROUPS) as RtnlGroupName[]);

type Obj = Record<string, unknown>;

/**
 * Reads a stream with timeouts. A next() that timed out stays pending and is reused by the
 * following read, so that no event is lost to the test.
 */
const pendingNext = new WeakMap<object, Promise<IteratorResult<unknown>>>();

async function nextWithin<E>(it: AsyncIterator<E>, ms: number): Promise<IteratorResult<E> | 'timeout'> {
  const p = (pendingNext.get(it) as Promise<IteratorResult<E>> | undefined) ?? it.next();
  pendingNext.set(it, p);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), Math.max(0, ms))));
  const r = await Promise.race([p, timeout]);
  clearTimeout(timer);
  if (r !== 'timeout') pendingNext.delete(it);
  return r;
}

/** Pulls events until `pred` matches one; returns every event seen, the match last. */
async function until<E>(it: AsyncIterator<E>, pred: (e: E) => boolean, timeoutMs = 5000): Promise<E[]> {
  const seen: E[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await nextWithin(it, deadline - Date.now());
    if (r === 'timeout') throw new Error(`no matching event within ${timeoutMs} ms; saw: ${seen.map(describeEvent).join(' | ')}`);
    if (r.done) throw new Error(`the stream ended; saw: ${seen.map(describeEvent).join(' | ')}`);
    seen.push(r.value);
    if (pred(r.value)) return seen;
  }
}

/** Pulls events until none arrives for `quietMs`. */
async function drainQuiet<E>(it: AsyncIterator<E>, quietMs = 300): Promise<E[]> {
  const seen: E[] = [];
  for (;;) {
    const r = await nextWithin(it, quietMs);
    if (r === 'timeout' || r.done) return seen;
    seen.push(r.value);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function describeEvent(e: unknown): string {
  const ev = e as { type: string; family?: string; object?: Obj; nsid?: number };
  if (!ev.family) return ev.type;
  const o = ev.object ?? {};
  const id = o.name ?? o.local ?? o.address ?? o.dst ?? o.id ?? o.nsid ?? o.priority ?? '';
  return `${ev.type} ${ev.family} ${String(id)}${ev.nsid !== undefined ? ` nsid=${ev.nsid}` : ''}`;
}

function isChange(e: MonitorEvent): e is ObjectEvent {
  return e.type === 'new' || e.type === 'del';
}

/** Applies object events to per-family maps by the documented keys; counts events that changed nothing. */
class ViewModel {
  readonly maps = new Map<EventFamily, Map<string, Obj>>(ALL_FAMILIES.map((f) => [f, new Map()]));
  redundant: string[] = [];

  apply(e: MonitorEvent): void {
    if (!isChange(e)) return;
    const info = FAMILIES[e.family];
    const map = this.maps.get(e.family) as Map<string, Obj>;
    const o = e.object as unknown as Obj;
    const k = info.key(o);
    if (e.type === 'new') {
      const prev = map.get(k);
      if (prev !== undefined && equalObjects(prev, o, info.volatile)) this.redundant.push(`new ${e.family} ${k}`);
      map.set(k, o);
    } else {
      if (!map.has(k)) this.redundant.push(`del ${e.family} ${k}`);
      map.delete(k);
    }
  }

  /** The differences from a fresh dump of `family` (objects the view tracks only). */
  async diff(rtnl: Rtnl, family: EventFamily): Promise<string[]> {
    const info = FAMILIES[family];
    let res = await info.dump(rtnl.connection);
    for (let k = 0; res.interrupted && k < 10; k++) res = await info.dump(rtnl.connection);
    expect(res.interrupted).toBe(false);
    const dump = new Map(res.items.filter((o) => tracks(info, o, ALL_GROUPS)).map((o) => [info.key(o), o]));
    const mine = this.maps.get(family) as Map<string, Obj>;
    const out: string[] = [];
    for (const [k, o] of dump) {
      if (!mine.has(k)) out.push(`missing ${family} ${k}`);
      else if (!equalObjects(mine.get(k), o, info.volatile)) out.push(`differs ${family} ${k}: ${differences(mine.get(k), o, info.volatile).join(', ')}`);
    }
    for (const k of mine.keys()) if (!dump.has(k)) out.push(`extra ${family} ${k}`);
    return out;
  }
}

/** Where two objects differ (paths), for failure messages. */
function differences(a: unknown, b: unknown, ignore: IgnoreTree | undefined, at = ''): string[] {
  if (equalObjects(a, b, ignore)) return [];
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) || a instanceof Uint8Array) return [`${at || '.'}: ${String(a)} vs ${String(b)}`];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].flatMap((k) => {
    const ig = ignore?.[k];
    if (ig === true) return [];
    return differences((a as Obj)[k], (b as Obj)[k], ig, `${at}.${k}`);
  });
}

/** Runs `ip -n NS -batch -` with these lines, without blocking the event loop. */
function ipBatchAsync(netns: string, lines: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('ip', ['-n', netns, '-batch', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`ip -batch exited ${code}: ${err}`))));
    child.stdin.end(lines.join('\n') + '\n');
  });
}

/** Runs `ip -n NS -batch FILE` synchronously: the event loop (and so the monitor) is blocked meanwhile. */
function ipBatchSync(netns: string, lines: string[]): void {
  const file = path.join(os.tmpdir(), `rtnl-monitor-${process.pid}-${Date.now()}.batch`);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  try {
    execFileSync('ip', ['-n', netns, '-batch', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  } finally {
    fs.rmSync(file, { force: true });
  }
}

function noDad(netns: string): void {
  execFileSync('ip', ['netns', 'exec', netns, 'sysctl', '-qw', 'net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0']);
}

const ns = useTestNetns();
const peerName = `${TEST_NETNS_PREFIX}${process.pid}-b`;
let rtnl: Rtnl;
const open: { close(): void }[] = [];

/** Opens a stream and remembers it, so that afterAll closes it even when a test fails. */
function keep<S extends { close(): void }>(s: S): S {
  open.push(s);
  return s;
}

beforeAll(() => {
  noDad(ns.name);
  runIp(['netns', 'add', peerName]);
  rtnl = Rtnl.openSync({ netns: ns.name });
});

afterAll(() => {
  for (const s of open) s.close();
  rtnl?.close();
  try {
    execFileSync('ip', ['netns', 'delete', peerName], { stdio: 'ignore' });
  } catch {
    // already gone
  }
});

describe('monitor()', () => {
  it('refuses unknown groups, no group, and allNamespaces with resync', () => {
    expect(() => monitor(rtnl, 'bogus' as 'link')).toThrow(InvalidArgumentError);
    expect(() => monitor(rtnl, [])).toThrow(InvalidArgumentError);
    expect(() => monitor(rtnl, 'link', { allNamespaces: true, resync: true })).toThrow(InvalidArgumentError);
    expect(() => watch(rtnl, 'bogus' as 'link')).toThrow(InvalidArgumentError);
  });

  it('yields a typed new and del event for each family when ip changes it', async () => {
    const m = keep(monitor(rtnl, ['link', 'address', 'route', 'neigh', 'rule', 'nexthop', 'nsid']));
    const expectEvent = async (label: string, pred: (e: ObjectEvent) => boolean, timeoutMs = 5000): Promise<ObjectEvent> => {
      const seen = await until(m, (e) => isChange(e) && pred(e), timeoutMs).catch((err: Error) => {
        throw new Error(`${label}: ${err.message}`);
      });
      return seen[seen.length - 1] as ObjectEvent;
    };

    ns.ip('link add v0 type veth peer name v1');
    const link = await expectEvent('new link', (e) => e.type === 'new' && e.family === 'link' && e.object.name === 'v0');
    // The union narrows by family: object is a Link here.
    if (link.family !== 'link') throw new Error('narrowing');
    expect(link.object.kind).toBe('veth');
    expect(link.nsid).toBeUndefined();
    const v0 = link.object.index as number;
    ns.ip('link set v0 up');
    ns.ip('link set v1 up');

    ns.ip('addr add 192.0.2.2/24 dev v0');
    const a4 = await expectEvent('new address v4', (e) => e.type === 'new' && e.family === 'address' && e.object.address === '192.0.2.2/24');
    if (a4.family !== 'address') throw new Error('narrowing');
    expect(a4.object).toEqual({ family: 'inet', link: v0, address: '192.0.2.2/24', label: 'v0', scope: 'global', flags: ['permanent'] });

    ns.ip('-6 addr add 2001:db8::2/64 dev v0 nodad');
    await expectEvent('new address v6', (e) => e.type === 'new' && e.family === 'address' && e.object.address === '2001:db8::2/64');

    ns.ip('route add 198.51.100.0/24 via 192.0.2.1 table 100');
    const r4 = await expectEvent('new route v4', (e) => e.type === 'new' && e.family === 'route' && e.object.dst === '198.51.100.0/24');
    if (r4.family !== 'route') throw new Error('narrowing');
    expect(r4.object).toEqual({ family: 'inet', dst: '198.51.100.0/24', table: 100, type: 'unicast', protocol: 'boot', scope: 'global', flags: [], gateway: '192.0.2.1', oif: v0 });

    ns.ip('-6 route add 2001:db8:1::/64 via 2001:db8::1');
    await expectEvent('new route v6', (e) => e.type === 'new' && e.family === 'route' && e.object.dst === '2001:db8:1::/64');

    ns.ip('neigh add 192.0.2.9 lladdr 02:00:00:00:00:09 dev v0 nud permanent');
    const n = await expectEvent('new neigh', (e) => e.type === 'new' && e.family === 'neigh' && e.object.family !== 'bridge' && e.object.address === '192.0.2.9');
    if (n.family !== 'neigh') throw new Error('narrowing');
    expect(n.object).toEqual({ family: 'inet', link: v0, address: '192.0.2.9', lladdr: '02:00:00:00:00:09', state: 'permanent', flags: [] });

    ns.ip('rule add from 192.0.2.0/24 table 100 prio 1000');
    const rule = await expectEvent('new rule v4', (e) => e.type === 'new' && e.family === 'rule' && e.object.priority === 1000);
    if (rule.family !== 'rule') throw new Error('narrowing');
    expect(rule.object).toEqual({ family: 'inet', priority: 1000, from: '192.0.2.0/24', table: 100, action: 'to-tbl', flags: [], protocol: 'unspec' });
    ns.ip('-6 rule add from 2001:db8::/32 table 100 prio 1001');
    await expectEvent('new rule v6', (e) => e.type === 'new' && e.family === 'rule' && e.object.priority === 1001 && e.object.family === 'inet6');

    ns.ip('nexthop add id 10 via 192.0.2.1 dev v0');
    const nh = await expectEvent('new nexthop', (e) => e.type === 'new' && e.family === 'nexthop' && e.object.id === 10);
    if (nh.family !== 'nexthop') throw new Error('narrowing');
    expect(nh.object).toEqual({ id: 10, family: 'inet', gateway: '192.0.2.1', oif: v0, protocol: 'unspec', scope: 'link', flags: [] });

    ns.ip(['netns', 'set', peerName, '5']);
    const id = await expectEvent('new nsid', (e) => e.type === 'new' && e.family === 'nsid');
    if (id.family !== 'nsid') throw new Error('narrowing');
    expect(id.object).toEqual({ nsid: 5 });

    // And deletions.
    ns.ip('nexthop del id 10');
    await expectEvent('del nexthop', (e) => e.type === 'del' && e.family === 'nexthop' && e.object.id === 10);
    ns.ip('rule del prio 1000');
    await expectEvent('del rule', (e) => e.type === 'del' && e.family === 'rule' && e.object.priority === 1000);
    ns.ip('neigh del 192.0.2.9 dev v0');
    await expectEvent('del neigh', (e) => e.type === 'del' && e.family === 'neigh' && e.object.family !== 'bridge' && e.object.address === '192.0.2.9');
    ns.ip('route del 198.51.100.0/24 table 100');
    await expectEvent('del route v4', (e) => e.type === 'del' && e.family === 'route' && e.object.dst === '198.51.100.0/24');
    ns.ip('-6 route del 2001:db8:1::/64');
    await expectEvent('del route v6', (e) => e.type === 'del' && e.family === 'route' && e.object.dst === '2001:db8:1::/64');
    ns.ip('addr del 192.0.2.2/24 dev v0');
    await expectEvent('del address v4', (e) => e.type === 'del' && e.family === 'address' && e.object.address === '192.0.2.2/24');
    ns.ip('link del v0');
    await expectEvent('del link', (e) => e.type === 'del' && e.family === 'link' && e.object.index === v0);
    m.close();
  });

  it('in all-namespaces mode, tells which namespace an event came from (its nsid)', async () => {
    // The peer namespace needs an id in ours to be heard; the previous test may have set it.
    const ids = ns.ipJson<{ nsid: number; name?: string }[]>('netns list-id');
    if (!ids.some((i) => i.nsid === 5)) ns.ip(['netns', 'set', peerName, '5']);
    const m = keep(monitor(rtnl, 'address', { allNamespaces: true }));
    runIp(['-n', peerName, 'addr', 'add', '198.51.100.77/32', 'dev', 'lo']);
    const seen = await until(m, (e) => isChange(e) && e.object.address === '198.51.100.77/32');
    const ev = seen[seen.length - 1] as ObjectEvent<'address'>;
    expect(ev.nsid).toBe(5);
    expect(ev.object.link).toBe(1);
    // Our own namespace's events carry no nsid.
    ns.ip('addr add 198.51.100.78/32 dev lo');
    const own = await until(m, (e) => isChange(e) && e.object.address === '198.51.100.78/32');
    expect((own[own.length - 1] as ObjectEvent).nsid).toBeUndefined();
    // A plain monitor does not hear the other namespace.
    const plain = keep(monitor(rtnl, 'address'));
    runIp(['-n', peerName, 'addr', 'del', '198.51.100.77/32', 'dev', 'lo']);
    ns.ip('addr del 198.51.100.78/32 dev lo');
    const plainSeen = await until(plain, (e) => isChange(e) && e.object.address === '198.51.100.78/32');
    expect(plainSeen.filter((e) => isChange(e) && e.object.address === '198.51.100.77/32')).toEqual([]);
    const all = await until(m, (e) => e.type === 'del' && e.object.address === '198.51.100.78/32');
    expect(all.find((e) => e.type === 'del' && e.object.address === '198.51.100.77/32')).toMatchObject({ nsid: 5 });
    m.close();
    plain.close();
  });

  it('queues up to 32 MiB of events by default (bursts outrun a consumer not yet optimised), or what is given', () => {
    const byDefault = keep(monitor(rtnl, 'ipv4-route'));
    const given = keep(monitor(rtnl, 'ipv4-route', { receiveBufferSize: 1 << 20 }));
    // The kernel reports twice the size set (its bookkeeping included).
    expect(getsockoptInt(byDefault.fd, SOL_SOCKET, SO_RCVBUF)).toBe(64 << 20);
    expect(getsockoptInt(given.fd, SOL_SOCKET, SO_RCVBUF)).toBe(2 << 20);
    byDefault.close();
    given.close();
  });

  it('marks an overrun (ENOBUFS) when the kernel drops events, and keeps going', async () => {
    const m = keep(monitor(rtnl, 'ipv4-ifaddr', { receiveBufferSize: 1 }));
    // The event loop is blocked while ip runs, so nothing reads: the tiny queue overflows.
    ipBatchSync(ns.name, Array.from({ length: 250 }, (_, i) => `addr add 198.18.1.${i}/32 dev lo`));
    const seen = await until(m, (e) => e.type === 'overrun');
    expect(seen.length).toBeLessThan(250);
    // Still usable afterwards (while the queue is congested, the kernel drops everything: read
    // up to the next marker first).
    ipBatchSync(ns.name, Array.from({ length: 250 }, (_, i) => `addr del 198.18.1.${i}/32 dev lo`));
    await until(m, (e) => e.type === 'overrun');
    await drainQuiet(m, 100);
    ns.ip('addr add 198.18.2.1/32 dev lo');
    await until(m, (e) => e.type === 'new' && e.object.address === '198.18.2.1/32');
    ns.ip('addr del 198.18.2.1/32 dev lo');
    m.close();
  });
});

describe('watch()', () => {
  it('yields the current objects (initial), then synced, then changes', async () => {
    ns.ip('addr add 203.0.113.1/32 dev lo');
    const w = keep(watch(rtnl, 'address'));
    const initial = await until(w, (e) => e.type === 'synced');
    const first = initial.find((e) => isChange(e) && e.object.address === '203.0.113.1/32');
    expect(first).toMatchObject({ type: 'new', family: 'address', initial: true });
    expect(initial.slice(0, -1).every((e) => isChange(e) && e.initial === true)).toBe(true);
    ns.ip('addr add 203.0.113.2/32 dev lo');
    const next = await until(w, (e) => isChange(e) && e.object.address === '203.0.113.2/32');
    expect(next[next.length - 1]).toMatchObject({ type: 'new', family: 'address' });
    expect((next[next.length - 1] as ObjectEvent).initial).toBeUndefined();
    ns.ip('addr del 203.0.113.1/32 dev lo');
    ns.ip('addr del 203.0.113.2/32 dev lo');
    await until(w, (e) => e.type === 'del' && e.object.address === '203.0.113.2/32');
    w.close();
  });

  it('folds changes queued before the dump into the initial state: each object once, in its latest form', async () => {
    ns.ip('addr add 203.0.113.10/32 dev lo label lo:old');
    ns.ip('addr add 203.0.113.11/32 dev lo');
    const w = keep(watch(rtnl, 'address'));
    // Subscribed, but the dump happens at the first next(): these events are queued before it.
    ns.ip('addr del 203.0.113.10/32 dev lo');
    ns.ip('addr add 203.0.113.10/32 dev lo label lo:new'); // deleted and re-made, changed
    ns.ip('addr del 203.0.113.11/32 dev lo'); // gone
    ns.ip('addr add 203.0.113.12/32 dev lo'); // new
    ns.ip('addr add 203.0.113.13/32 dev lo');
    ns.ip('addr del 203.0.113.13/32 dev lo'); // came and went
    const initial = await until(w, (e) => e.type === 'synced');
    const mine = initial.filter((e) => isChange(e) && String(e.object.address).startsWith('203.0.113.'));
    expect(mine.map((e) => [e.type, (e as ObjectEvent<'address'>).object.address, (e as ObjectEvent<'address'>).object.label]).sort()).toEqual([
      ['new', '203.0.113.10/32', 'lo:new'],
      ['new', '203.0.113.12/32', 'lo'],
    ]);
    // Nothing more: the queued events were already part of the initial state.
    expect(await drainQuiet(w, 200)).toEqual([]);
    ns.ip('addr del 203.0.113.10/32 dev lo');
    ns.ip('addr del 203.0.113.12/32 dev lo');
    w.close();
  });

  it('misses nothing and reports nothing twice while another process changes addresses during the dump', async () => {
    // 5,000 addresses already there make the dump take a while; another process keeps changing
    // addresses before, during and after it. The watch starts at several points of the churn.
    ipBatchSync(ns.name, Array.from({ length: 5000 }, (_, i) => `addr add 198.18.${10 + (i >> 8)}.${i & 255}/32 dev lo`));
    let running: Promise<void> = Promise.resolve();
    try {
      for (const delayMs of [0, 20, 60]) {
        // Rounds of churn (256 adds, 128 deletes), each chunk its own `ip` process, until the watch
        // has synced and one more whole round has run: the churn straddles the dump however long the
        // dump takes on a loaded machine.
        let synced = false;
        running = (async () => {
          for (let round = 0, after = 0; round < 250 && after < 1; round++) {
            if (synced) after++;
            const churn: string[] = [];
            for (let i = 0; i < 256; i++) churn.push(`addr add 198.19.${round}.${i}/32 dev lo`);
            for (let i = 0; i < 256; i += 2) churn.push(`addr del 198.19.${round}.${i}/32 dev lo`);
            for (let i = 0; i < churn.length; i += 48) await ipBatchAsync(ns.name, churn.slice(i, i + 48));
          }
        })();
        await sleep(delayMs);
        const w = keep(watch(rtnl, 'address'));
        const model = new ViewModel();
        const events = await until(w, (e) => e.type === 'synced', 15_000);
        synced = true;
        const initialChurn = events.filter((e) => isChange(e) && String(e.object.address).startsWith('198.19.')).length;
        await running;
        // Longer than the longest wait before dumping again after interrupted dumps (1 s): an
        // interrupted initial dump may miss objects until that re-dump.
        const live = await drainQuiet(w, 1500);
        events.push(...live);
        for (const e of events) model.apply(e);
        expect(events.filter((e) => e.type === 'overrun')).toEqual([]);
        expect(model.redundant).toEqual([]);
        expect(await model.diff(rtnl, 'address')).toEqual([]);
        // The churn straddles the dump: some of it is in the initial state, some comes live.
        expect(live.length).toBeGreaterThan(0);
        const redumped = live.filter((e) => isChange(e) && e.resync === true).length;
        console.log(`watch started ${delayMs} ms into the churn: ${initialChurn} churned addresses in the initial state, ${live.length} live events (${redumped} from re-dumps after interrupted dumps)`);
        w.close();
        execFileSync('ip', ['-n', ns.name, 'addr', 'flush', 'dev', 'lo', 'to', '198.19.0.0/16']);
      }
    } finally {
      await running.catch(() => undefined);
      execFileSync('ip', ['-n', ns.name, 'addr', 'flush', 'dev', 'lo', 'to', '198.18.0.0/15']);
    }
  }, 120_000);

  it('keeps a view of every family equal to a fresh dump, including changes the kernel makes silently', async () => {
    const w = keep(watch(rtnl, ALL_FAMILIES));
    const model = new ViewModel();
    for (const e of await until(w, (e) => e.type === 'synced')) model.apply(e);
    const settle = async (label: string): Promise<void> => {
      await new Promise((r) => setTimeout(r, 100));
      for (const e of await drainQuiet(w, 200)) model.apply(e);
      const diffs = (await Promise.all(ALL_FAMILIES.map((f) => model.diff(rtnl, f)))).flat();
      expect({ label, diffs }).toEqual({ label, diffs: [] });
    };
    ns.ip('link add w0 type veth peer name w1');
    ns.ip('link set w0 up');
    ns.ip('link set w1 up');
    ns.ip('addr add 192.0.2.2/24 dev w0');
    ns.ip('-6 addr add 2001:db8:9::2/64 dev w0');
    ns.ip('route add 198.51.100.0/24 via 192.0.2.1');
    ns.ip('route replace 198.51.100.0/24 via 192.0.2.3');
    ns.ip('route append 203.0.113.0/24 via 192.0.2.4');
    ns.ip('route append 203.0.113.0/24 via 192.0.2.5');
    ns.ip('-6 route add 2001:db8:5::/64 via 2001:db8:9::9');
    ns.ip('-6 route append 2001:db8:5::/64 via 2001:db8:9::8');
    ns.ip('neigh add 192.0.2.9 lladdr 02:00:00:00:00:09 dev w0 nud permanent');
    ns.ip('rule add from 192.0.2.0/24 table 100 prio 1000');
    ns.ip('nexthop add id 20 dev w0');
    ns.ip('nexthop add id 21 via 192.0.2.7 dev w0');
    ns.ip('nexthop add id 22 group 20/21');
    ns.ip('route add 203.0.113.128/25 nhid 22');
    await settle('after adds');
    // Bridge ports: the kernel also sends RTM_NEWLINK/RTM_DELLINK of family `bridge` for the port,
    // which must not replace or delete the link itself; and FDB entries (neighbours of family bridge).
    ns.ip('link add br0 type bridge');
    ns.ip('link set br0 up');
    ns.ip('link add p0 type veth peer name p1');
    ns.ip('link set p0 master br0');
    ns.ip('link set p0 up');
    execFileSync('bridge', ['-n', ns.name, 'fdb', 'add', '02:00:00:00:00:aa', 'dev', 'p0', 'master', 'static']);
    await settle('after a bridge port and an FDB entry');
    ns.ip('link set p0 nomaster');
    await settle('after the port leaves the bridge');
    ns.ip('link del p0');
    ns.ip('link del br0');
    ns.ip('-6 route del 2001:db8:5::/64 via 2001:db8:9::9');
    ns.ip('nexthop del id 21');
    await settle('after a multipath path and a group member are deleted');
    ns.ip('link set w1 down');
    await settle('after the peer goes down (w0 loses its carrier)');
    ns.ip('link set w0 down');
    await settle('after w0 goes down (IPv4 routes removed without events)');
    ns.ip('link set w0 up');
    ns.ip('link set w1 up');
    await settle('after both come up');
    ns.ip('link del w0');
    ns.ip('rule del prio 1000');
    await settle('after the link is deleted');
    w.close();
  });

  it('after an overrun, re-dumps and emits the differences, so that the view equals a fresh dump', async () => {
    ipBatchSync(ns.name, Array.from({ length: 100 }, (_, i) => `addr add 198.18.50.${i}/32 dev lo`));
    const w = keep(watch(rtnl, 'address', { receiveBufferSize: 1 }));
    const model = new ViewModel();
    for (const e of await until(w, (e) => e.type === 'synced')) model.apply(e);
    // Blocked event loop + tiny queue + a burst: deletions and additions are lost.
    ipBatchSync(ns.name, [
      ...Array.from({ length: 100 }, (_, i) => `addr del 198.18.50.${i}/32 dev lo`),
      ...Array.from({ length: 200 }, (_, i) => `addr add 198.18.51.${i}/32 dev lo`),
    ]);
    const events = await until(w, (e) => e.type === 'resynced', 10_000);
    const kinds = events.map((e) => e.type);
    expect(kinds).toContain('overrun');
    expect(kinds.indexOf('overrun')).toBeLessThan(kinds.indexOf('resynced'));
    expect(events.some((e) => isChange(e) && e.resync === true)).toBe(true);
    for (const e of events) model.apply(e);
    expect(await model.diff(rtnl, 'address')).toEqual([]);
    // Live again after the resync.
    ns.ip('addr add 198.18.52.1/32 dev lo');
    for (const e of await until(w, (e) => isChange(e) && e.object.address === '198.18.52.1/32')) model.apply(e);
    expect(await model.diff(rtnl, 'address')).toEqual([]);
    expect(model.redundant).toEqual([]);
    w.close();
    execFileSync('ip', ['-n', ns.name, 'addr', 'flush', 'dev', 'lo', 'to', '198.18.0.0/15']);
  });

  it('monitor() with resync: passes events through, and after an overrun emits the differences', async () => {
    const m = keep(monitor(rtnl, 'address', { resync: true, receiveBufferSize: 1 }));
    // The baseline dump happens when iteration starts: make one event to start it.
    ns.ip('addr add 198.18.60.1/32 dev lo');
    const model = new ViewModel();
    for (const e of await (async () => {
      // The monitor yields no initial state: seed the model from a dump taken now (nothing else changes).
      for (const o of (await FAMILIES.address.dump(rtnl.connection)).items) model.apply({ type: 'new', family: 'address', object: o } as unknown as MonitorEvent);
      return until(m, (e) => isChange(e) && e.object.address === '198.18.60.1/32');
    })())
      model.apply(e);
    model.redundant = [];
    ipBatchSync(ns.name, Array.from({ length: 200 }, (_, i) => `addr add 198.18.61.${i}/32 dev lo`));
    const events = await until(m, (e) => e.type === 'resynced', 10_000);
    expect(events.map((e) => e.type)).toContain('overrun');
    for (const e of events) model.apply(e);
    expect(await model.diff(rtnl, 'address')).toEqual([]);
    m.close();
    execFileSync('ip', ['-n', ns.name, 'addr', 'flush', 'dev', 'lo', 'to', '198.18.0.0/15']);
  });

  it('resync() on demand re-dumps and ends with resynced; a plain monitor refuses it', async () => {
    const w = keep(watch(rtnl, ['link', 'nexthop']));
    await until(w, (e) => e.type === 'synced');
    w.resync();
    const events = await until(w, (e) => e.type === 'resynced');
    // Nothing changed: no differences.
    expect(events.filter(isChange)).toEqual([]);
    w.close();
    const m = keep(monitor(rtnl, 'link'));
    expect(() => m.resync()).toThrow(InvalidArgumentError);
    m.close();
  });
});

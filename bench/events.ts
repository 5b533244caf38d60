// Event delivery: events per second and delivery latency of monitor(), in a throw-away network
// namespace that is removed whatever happens.
//   npx tsx bench/events.ts
//
// 1. Live: another process (`ip -batch`) adds then deletes 10,000 IPv4 addresses on lo while a
//    monitor of `ipv4-ifaddr` counts the events. per_second = events / (last event - first event);
//    `ip` itself is the limit here, so producer_ms is reported too. Every address must be seen
//    added once and deleted once, unless an `overrun` marker reports a loss:
//    lost_without_marker counts events missing without any marker (must be 0).
// 2. Drain: the same 20,000 events queued while the event loop is blocked (a 64 MiB receive
//    queue holds them), then read: drain_per_second is what the library can deliver.
// 3. Latency: this process makes 200 single changes (100 adds, 100 deletes) through its own
//    netlink socket, one at a time, and measures from just before the request is sent to the
//    moment the consumer's `for await` gets the event (the poller thread's wake-up, the message to
//    the main thread, decoding). Sending a change and seeing its event are separate sockets, so
//    this is the end-to-end delay a consumer observes. median_latency_us is its median.
//
// Prints one JSON line.

import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NLM_F_CREATE, NLM_F_EXCL } from '../src/netlink/constants.js';
import { addressToWire } from '../src/rtnl/address/mapping.js';
import { changeObject } from '../src/rtnl/common/requests.js';
import { RTM_DELADDR, RTM_NEWADDR, addrMessage } from '../src/rtnl/generated/addr.js';
import { monitor, type MonitorEvent } from '../src/rtnl/events/monitor.js';
import { Rtnl } from '../src/rtnl/rtnl.js';

const N = 10_000;
const PROBES = 200;
const name = `rtnlbench-${process.pid}-${randomBytes(3).toString('hex')}`;
const batchFile = path.join(os.tmpdir(), `${name}.batch`);

function cleanup(): void {
  try {
    execFileSync('ip', ['netns', 'delete', name], { stdio: 'ignore' });
  } catch {
    // not created or already gone
  }
  fs.rmSync(batchFile, { force: true });
}
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(sig, () => {
    cleanup();
    process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGTERM' ? 15 : 1));
  });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? NaN;
const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? NaN;
const addr = (i: number): string => `198.18.${i >> 8}.${i & 255}`;

/** Counts the address events of one run and checks each address was added once and deleted once. */
class Tally {
  events = 0;
  overruns = 0;
  first = 0;
  last = 0;
  readonly added = new Uint8Array(N);
  readonly deleted = new Uint8Array(N);

  take(e: MonitorEvent<'address'>): void {
    if (e.type === 'overrun') {
      this.overruns++;
      return;
    }
    if (e.type !== 'new' && e.type !== 'del') return;
    const local = e.object.address;
    if (!local.startsWith('198.18.')) return;
    const [, , a, b] = local.replace(/\/.*$/, '').split('.').map(Number);
    const i = ((a as number) << 8) | (b as number);
    const now = performance.now();
    if (this.events === 0) this.first = now;
    this.last = now;
    this.events++;
    (e.type === 'new' ? this.added : this.deleted)[i]++;
  }

  get done(): boolean {
    return this.events >= 2 * N;
  }

  /** Events missing (or duplicated) although no overrun marker was given. */
  lostWithoutMarker(): number {
    if (this.overruns > 0) return 0;
    let lost = 0;
    for (let i = 0; i < N; i++) lost += Math.abs(1 - this.added[i]) + Math.abs(1 - this.deleted[i]);
    return lost;
  }
}

async function consume(stream: AsyncIterable<MonitorEvent<'address'>>, tally: Tally, quietMs: number): Promise<void> {
  const it = stream[Symbol.asyncIterator]();
  let pending = it.next();
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    const quiet = new Promise<'quiet'>((r) => (timer = setTimeout(() => r('quiet'), quietMs)));
    const r = await Promise.race([pending, quiet]);
    clearTimeout(timer);
    if (r === 'quiet' || r.done) return;
    tally.take(r.value);
    if (tally.done) return;
    pending = it.next();
  }
}

async function main(): Promise<void> {
  execFileSync('ip', ['netns', 'add', name]);
  fs.writeFileSync(batchFile, [...Array.from({ length: N }, (_, i) => `addr add ${addr(i)}/32 dev lo`), ...Array.from({ length: N }, (_, i) => `addr del ${addr(i)}/32 dev lo`)].join('\n') + '\n');
  const rtnl = await Rtnl.open({ netns: name });
  try {
    // 1. Live.
    const live = new Tally();
    const m1 = monitor(rtnl, 'ipv4-ifaddr');
    const liveDone = consume(m1, live, 3000);
    const t0 = performance.now();
    let producerMs = 0;
    await new Promise<void>((resolve, reject) => {
      const child = spawn('ip', ['-n', name, '-batch', batchFile], { stdio: 'ignore' });
      child.on('error', reject);
      child.on('exit', (code) => {
        producerMs = performance.now() - t0;
        if (code === 0) resolve();
        else reject(new Error(`ip -batch exited ${code}`));
      });
    });
    await liveDone;
    m1.close();

    // 2. Drain: queue everything while the event loop is blocked, then read.
    const drain = new Tally();
    const m2 = monitor(rtnl, 'ipv4-ifaddr', { receiveBufferSize: 64 * 1024 * 1024 });
    execFileSync('ip', ['-n', name, '-batch', batchFile]);
    const td = performance.now();
    await consume(m2, drain, 1000);
    const drainMs = performance.now() - td;
    m2.close();

    // 3. Latency probe.
    const m3 = monitor(rtnl, 'ipv4-ifaddr');
    const it = m3[Symbol.asyncIterator]();
    const latencies: number[] = [];
    let probeLost = 0;
    for (let i = 0; i < PROBES; i++) {
      const local = `198.51.100.${(i >> 1) + 1}`;
      const del = i % 2 === 1;
      const value = addressToWire({ link: 1, address: `${local}/32`, scope: 'host' });
      const t = performance.now();
      const seen = (async (): Promise<number> => {
        for (;;) {
          const r = await it.next();
          if (r.done) throw new Error('monitor ended');
          const e = r.value;
          if (e.type === 'overrun') probeLost++;
          if ((e.type === 'new' || e.type === 'del') && e.object.address === `${local}/32` && e.type === (del ? 'del' : 'new')) return performance.now();
        }
      })();
      await changeObject(rtnl.connection, del ? RTM_DELADDR : RTM_NEWADDR, del ? 0 : NLM_F_CREATE | NLM_F_EXCL, addrMessage, value);
      latencies.push(((await seen) - t) * 1000);
    }
    m3.close();

    const result = {
      bench: 'events',
      events: live.events,
      per_second: Math.round(live.events / ((live.last - live.first) / 1000)),
      median_latency_us: Math.round(median(latencies)),
      lost_without_marker: live.lostWithoutMarker() + drain.lostWithoutMarker(),
      overruns: live.overruns + drain.overruns + probeLost,
      producer_ms: Math.round(producerMs),
      drain_events: drain.events,
      drain_per_second: Math.round(drain.events / (drainMs / 1000)),
      p99_latency_us: Math.round(pct(latencies, 0.99)),
      latency_probes: latencies.length,
    };
    console.log(JSON.stringify(result));
  } finally {
    rtnl.close();
  }
}

main().then(
  () => {
    cleanup();
    process.exit(0);
  },
  (err: unknown) => {
    console.error(err);
    cleanup();
    process.exit(1);
  },
);

// The CNI bandwidth plugin's setup, made with the library alone (namespaces, links, addresses,
// qdiscs, filter and action: no `ip`, no `tc`), checked with real TCP traffic between two
// throwaway namespaces: the host end of a veth pair shapes what it sends with tbf, and what it
// receives is redirected (ingress qdisc, u32 matching everything, mirred egress redirect) to an ifb
// device shaped with tbf in turn. Each direction's measured throughput must land within 20% of its
// configured rate, and removing the qdiscs must bring back the unshaped speed.

import { once } from 'node:events';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectInNetns, listenInNetns } from '../../src/ns/sockets.js';
import { Rtnl } from '../../src/rtnl/rtnl.js';
import { parseRate } from '../../src/rtnl/tc/common/units.js';
import type { Qdisc } from '../../src/rtnl/tc/qdisc/model.js';
import { useTestNetns } from '../harness/netns.js';

const HOST_ADDR = '192.0.2.1';
const POD_ADDR = '192.0.2.2';
const EGRESS_RATE = parseRate('8mbit'); // host -> pod: the veth's own egress
const INGRESS_RATE = parseRate('4mbit'); // pod -> host: redirected to the ifb
// The plugin's choices (plugins/meta/bandwidth): a burst the user gives (here 32 KiB, so that it
// is a negligible part of a transfer of several MB), a queue of 25 ms at the rate on top of it
// (limit = rate x 25 ms + burst), handle 1: at the root; the ifb gets the veth's MTU.
const BURST = 32 * 1024;
const LATENCY = 0.025;
const TOLERANCE = 0.2;

/** What the receiving end saw of one TCP transfer. */
interface Transfer {
  /** Bytes received. */
  bytes: number;
  /** Seconds from the first to the last byte at the receiver. */
  seconds: number;
  /** Bits per second over that time, not counting the first read (it arrived at time 0). */
  rate: number;
}

/**
 * Sends `size` bytes over TCP from a client in `from` to a server in `to` listening on `host`, and
 * measures at the receiver: the rate counts the bytes after the first read over the time from the
 * first to the last byte, so connection set-up, the sender's start and the receiver's scheduling
 * before the first byte do not count.
 */
async function transfer(from: string, to: string, host: string, size: number): Promise<Transfer> {
  const server = net.createServer();
  const received = new Promise<Transfer>((resolve, reject) => {
    server.once('connection', (sock) => {
      let first = 0;
      let firstBytes = 0;
      let last = 0;
      let bytes = 0;
      sock.on('data', (d: Buffer) => {
        const now = performance.now();
        if (bytes === 0) {
          first = now;
          firstBytes = d.length;
        }
        last = now;
        bytes += d.length;
      });
      sock.on('end', () => {
        const seconds = (last - first) / 1000;
        resolve({ bytes, seconds, rate: seconds > 0 ? ((bytes - firstBytes) * 8) / seconds : Infinity });
      });
      sock.on('error', reject);
    });
  });
  listenInNetns(to, server, { port: 0, host });
  await once(server, 'listening');
  const client = connectInNetns(from, { host, port: (server.address() as AddressInfo).port });
  client.on('error', () => undefined); // the receiver's promise reports failures
  let timer: NodeJS.Timeout | undefined;
  try {
    client.end(Buffer.alloc(size, 0x5a));
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`transfer of ${size} bytes from ${from} to ${to} did not end in 60 s`)), 60_000);
    });
    const t = await Promise.race([received, timeout]);
    expect(t.bytes).toBe(size);
    return t;
  } finally {
    clearTimeout(timer);
    client.destroy();
    server.close();
  }
}

const mbit = (bits: number): string => `${(bits / 1e6).toFixed(2)} Mbit/s`;

describe('shaping a namespace the CNI way (tbf on the veth, ingress redirected to a shaped ifb), with real TCP traffic', () => {
  const host = useTestNetns({ byLibrary: true });
  const pod = useTestNetns({ byLibrary: true });
  let rtnl: Rtnl;
  let podRtnl: Rtnl;

  beforeAll(async () => {
    rtnl = await Rtnl.open({ netns: host.name });
    podRtnl = await Rtnl.open({ netns: pod.name });
    await rtnl.links.add({ name: 'veth-pod', kind: 'veth', peer: { name: 'eth0', netns: pod.name }, up: true });
    await podRtnl.links.set('eth0', { up: true });
    await rtnl.addresses.add({ link: 'veth-pod', address: `${HOST_ADDR}/24` });
    await podRtnl.addresses.add({ link: 'eth0', address: `${POD_ADDR}/24` });
  });
  afterAll(() => {
    rtnl?.close();
    podRtnl?.close();
  });

  const measured: Record<string, Transfer> = {};

  it('shapes host -> pod to 8 Mbit/s (tbf on the veth) and pod -> host to 4 Mbit/s (ifb), each within 20%', async () => {
    const veth = await rtnl.links.get('veth-pod');
    // The ifb as the plugin makes it: up, with the veth's MTU and queue length.
    await rtnl.links.add({ name: 'bwp-pod', kind: 'ifb', mtu: veth.mtu, txqlen: veth.txqlen, up: true });
    await rtnl.qdiscs.add({ link: 'veth-pod', parent: 'root', handle: '1:', kind: 'tbf', options: { rate: EGRESS_RATE, burst: BURST, latency: LATENCY } });
    await rtnl.qdiscs.add({ link: 'veth-pod', kind: 'ingress' });
    await rtnl.filters.add({
      link: 'veth-pod',
      parent: 'ingress',
      priority: 1,
      protocol: 'all',
      kind: 'u32',
      options: { matches: [{ type: 'u32', value: 0, mask: 0, at: 0 }], actions: [{ kind: 'mirred', action: 'redirect', direction: 'egress', link: 'bwp-pod' }] },
    });
    await rtnl.qdiscs.add({ link: 'bwp-pod', parent: 'root', handle: '1:', kind: 'tbf', options: { rate: INGRESS_RATE, burst: BURST, latency: LATENCY } });

    // What the kernel holds is what was asked for.
    const ifb = await rtnl.links.get('bwp-pod');
    const tbfOf = async (link: string): Promise<Qdisc> => rtnl.qdiscs.get({ link, handle: '1:' });
    expect((await tbfOf('veth-pod')).options).toEqual({ rate: EGRESS_RATE, burst: BURST, limit: Math.floor((EGRESS_RATE / 8) * LATENCY + BURST) });
    expect((await tbfOf('bwp-pod')).options).toEqual({ rate: INGRESS_RATE, burst: BURST, limit: Math.floor((INGRESS_RATE / 8) * LATENCY + BURST) });
    const [redirect] = (await rtnl.filters.list({ link: 'veth-pod', parent: 'ingress' })).filter((f) => (f.options as { matches?: unknown } | undefined)?.matches !== undefined);
    expect(redirect.options).toMatchObject({ matches: [{ type: 'u32', value: 0, mask: 0, at: 0 }], actions: [{ kind: 'mirred', action: 'redirect', direction: 'egress', link: ifb.index }] });

    // 5 MB at 8 Mbit/s and 3 MB at 4 Mbit/s: about 5 and 6 s, the 32 KiB burst under 1% of each.
    measured.egress = await transfer(host.name, pod.name, POD_ADDR, 5_000_000);
    measured.ingress = await transfer(pod.name, host.name, HOST_ADDR, 3_000_000);
    console.log(`shaped: host -> pod ${mbit(measured.egress.rate)} (configured ${mbit(EGRESS_RATE)}), pod -> host ${mbit(measured.ingress.rate)} (configured ${mbit(INGRESS_RATE)})`);
    expect(Math.abs(measured.egress.rate - EGRESS_RATE) / EGRESS_RATE, `host -> pod at ${mbit(measured.egress.rate)}`).toBeLessThanOrEqual(TOLERANCE);
    expect(Math.abs(measured.ingress.rate - INGRESS_RATE) / INGRESS_RATE, `pod -> host at ${mbit(measured.ingress.rate)}`).toBeLessThanOrEqual(TOLERANCE);
    // The traffic went through the shapers the setup made (their counters saw it).
    const sent = async (link: string): Promise<number> => (await tbfOf(link)).stats?.bytes ?? 0;
    expect(await sent('veth-pod')).toBeGreaterThanOrEqual(5_000_000);
    expect(await sent('bwp-pod')).toBeGreaterThanOrEqual(3_000_000);
  }, 120_000);

  it('removing the qdiscs (by their listed objects) restores the unshaped speed', async () => {
    const veth = await rtnl.links.indexOf('veth-pod');
    const ifb = await rtnl.links.indexOf('bwp-pod');
    // The root and ingress qdiscs of both links, as listed (the default qdiscs, handle 0:, are the kernel's).
    const shaping = (await rtnl.qdiscs.list()).filter((q) => (q.link === veth || q.link === ifb) && q.handle !== '0:');
    expect(shaping.map((q) => [q.link, q.kind]).sort()).toEqual([[veth, 'ingress'], [veth, 'tbf'], [ifb, 'tbf']].sort());
    for (const q of shaping) await rtnl.qdiscs.delete(q);
    // Deleting the ingress qdisc took its filter with it.
    expect(await rtnl.filters.list({ link: 'veth-pod' })).toEqual([]);

    const egress = await transfer(host.name, pod.name, POD_ADDR, 20_000_000);
    const ingress = await transfer(pod.name, host.name, HOST_ADDR, 20_000_000);
    console.log(`unshaped: host -> pod ${mbit(egress.rate)}, pod -> host ${mbit(ingress.rate)}`);
    expect(egress.rate, `unshaped host -> pod at ${mbit(egress.rate)}`).toBeGreaterThan(3 * EGRESS_RATE);
    expect(ingress.rate, `unshaped pod -> host at ${mbit(ingress.rate)}`).toBeGreaterThan(3 * INGRESS_RATE);
    // And much faster than what was measured shaped.
    if (measured.egress) expect(egress.rate).toBeGreaterThan(3 * measured.egress.rate);
    if (measured.ingress) expect(ingress.rate).toBeGreaterThan(3 * measured.ingress.rate);
  }, 120_000);
});

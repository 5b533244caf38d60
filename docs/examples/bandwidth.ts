// Shaping a namespace's bandwidth the way the CNI bandwidth plugin does, then measuring it with a
// TCP transfer and removing it again. See docs/recipes/bandwidth.md for the why of each step.
import { once } from 'node:events';
import net, { type AddressInfo } from 'node:net';
import { Rtnl, addNetns, connectInNetns, deleteNetns, listenInNetns, parseRate, type LinkRef, type Qdisc } from 'rtnetlink';

/** Limits as the plugin takes them, seen from the pod: what it receives and what it sends. */
interface BandwidthLimits {
  /** Bits per second the pod may receive (shaped on the host end of its veth). */
  ingressRate: number;
  /** Bits per second the pod may send (shaped on an ifb the host end's ingress is redirected to). */
  egressRate: number;
  /** Bytes either bucket may send at once above the rate. */
  burst: number;
}

/**
 * Shapes the pod behind `hostVeth` (the host end of its veth pair, in `rtnl`'s namespace), with the
 * ifb device `ifbName` made for it.
 */
async function shapeBandwidth(rtnl: Rtnl, hostVeth: LinkRef, ifbName: string, limits: BandwidthLimits): Promise<void> {
  // The plugin's queue: 25 ms at the rate on top of the burst (limit = rate x 25 ms + burst).
  const tbf = (rate: number) => ({ rate, burst: limits.burst, latency: 0.025 });
  // What the pod receives leaves the host through the veth: a tbf at its root shapes it.
  await rtnl.qdiscs.add({ link: hostVeth, parent: 'root', handle: '1:', kind: 'tbf', options: tbf(limits.ingressRate) });
  // What the pod sends arrives at the veth's ingress, which has no queue to shape: redirect
  // everything to an ifb device and shape the ifb's egress.
  const veth = await rtnl.links.get(hostVeth);
  await rtnl.links.add({ name: ifbName, kind: 'ifb', mtu: veth.mtu, txqlen: veth.txqlen, up: true });
  await rtnl.qdiscs.add({ link: hostVeth, kind: 'ingress' });
  await rtnl.filters.add({
    link: hostVeth,
    parent: 'ingress',
    priority: 1,
    protocol: 'all',
    kind: 'u32',
    options: {
      matches: [{ type: 'u32', value: 0, mask: 0, at: 0 }], // match everything
      actions: [{ kind: 'mirred', action: 'redirect', direction: 'egress', link: ifbName }],
    },
  });
  await rtnl.qdiscs.add({ link: ifbName, parent: 'root', handle: '1:', kind: 'tbf', options: tbf(limits.egressRate) });
}

/** Removes what shapeBandwidth made: the qdiscs (the filter goes with the ingress qdisc) and the ifb. */
async function unshapeBandwidth(rtnl: Rtnl, hostVeth: LinkRef, ifbName: string): Promise<void> {
  const veth = await rtnl.links.indexOf(hostVeth);
  const ours = (await rtnl.qdiscs.list({ link: veth })).filter((q: Qdisc) => q.kind === 'tbf' || q.kind === 'ingress');
  for (const q of ours) await rtnl.qdiscs.delete(q);
  await rtnl.links.delete(ifbName);
}

/** Sends `size` bytes from a client in `from` to a server in `to`; bits per second at the receiver. */
async function measure(from: string, to: string, host: string, size: number): Promise<number> {
  const server = net.createServer();
  const done = new Promise<number>((resolve, reject) => {
    server.once('connection', (sock) => {
      let first = 0;
      let bytes = 0;
      sock.on('data', (d: Buffer) => {
        if (bytes === 0) first = performance.now();
        bytes += d.length;
      });
      sock.on('end', () => resolve((bytes * 8) / ((performance.now() - first) / 1000)));
      sock.on('error', reject);
    });
  });
  listenInNetns(to, server, { port: 0, host }); // the server's socket is made inside `to`
  await once(server, 'listening');
  connectInNetns(from, { host, port: (server.address() as AddressInfo).port }).end(Buffer.alloc(size));
  try {
    return await done;
  } finally {
    server.close();
  }
}

addNetns('bw-host');
addNetns('bw-pod');
const host = await Rtnl.open({ netns: 'bw-host' });
const pod = await Rtnl.open({ netns: 'bw-pod' });
try {
  await host.links.add({ name: 'veth-pod', kind: 'veth', peer: { name: 'eth0', netns: 'bw-pod' }, up: true });
  await pod.links.set('eth0', { up: true });
  await host.addresses.add({ link: 'veth-pod', address: '192.0.2.1/24' });
  await pod.addresses.add({ link: 'eth0', address: '192.0.2.2/24' });

  await shapeBandwidth(host, 'veth-pod', 'bwp-pod', { ingressRate: parseRate('8mbit'), egressRate: parseRate('4mbit'), burst: 32 * 1024 });
  for (const q of await host.qdiscs.list()) console.log(q.link, q.kind, q.handle, q.parent, q.options);
  // { rate: 8000000, burst: 32768, limit: 57768 } on veth-pod, { rate: 4000000, ... } on bwp-pod

  const toPod = await measure('bw-host', 'bw-pod', '192.0.2.2', 5_000_000);
  const fromPod = await measure('bw-pod', 'bw-host', '192.0.2.1', 3_000_000);
  console.log(`pod receives at ${(toPod / 1e6).toFixed(2)} Mbit/s, sends at ${(fromPod / 1e6).toFixed(2)} Mbit/s`);
  // pod receives at 7.67 Mbit/s, sends at 3.83 Mbit/s (TCP payload: about 96% of what tbf counts)

  await unshapeBandwidth(host, 'veth-pod', 'bwp-pod');
  console.log(`unshaped: ${((await measure('bw-host', 'bw-pod', '192.0.2.2', 20_000_000)) / 1e6).toFixed(0)} Mbit/s`);
} finally {
  host.close();
  pod.close();
  deleteNetns('bw-host');
  deleteNetns('bw-pod');
}

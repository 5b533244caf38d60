// npm run demo [-- --mermaid] [-- --tc]: builds three network setups in throwaway namespaces with
// the library alone (no `ip`, no `tc`), proves them with real TCP and HTTP, prints what the kernel
// holds in each namespace and a diagram drawn from it, then removes everything, also on failure
// or Ctrl-C.
//
//   1. two namespaces joined by a veth pair, an HTTP server on port 8080 in each;
//   2. a bridge in a "host" namespace joining three "containers" through veth pairs;
//   3. private routing tables: two namespaces with different default gateways;
//   4. (with --tc) a pod's bandwidth shaped as the CNI bandwidth plugin does it: tbf on the host
//      end of its veth, its traffic towards the host redirected to a shaped ifb device; measured
//      with TCP transfers, shaped and unshaped (about 15 s).

import { once } from 'node:events';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { formatTable } from '../src/cli/table.js';
import { addNetns, deleteNetns, netnsExists } from '../src/ns/netns.js';
import { connectInNetns, listenInNetns } from '../src/ns/sockets.js';
import type { Link } from '../src/rtnl/link/links.js';
import { Rtnl } from '../src/rtnl/rtnl.js';
import { parseRate } from '../src/rtnl/tc/common/units.js';

const mermaid = process.argv.includes('--mermaid');
const withTc = process.argv.includes('--tc');
const tag = `rtnl-demo-${process.pid}`;
const namespaces = new Map<string, string>(); // short name -> full name
const handles = new Map<string, Rtnl>();
const servers: net.Server[] = [];
const checks: { what: string; ok: boolean; detail: string }[] = [];

function cleanup(): void {
  for (const s of servers.splice(0)) s.close();
  for (const h of handles.values()) h.close();
  handles.clear();
  for (const full of namespaces.values()) if (netnsExists(full)) deleteNetns(full);
  namespaces.clear();
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    cleanup();
    process.exit(130);
  });
}
process.on('exit', cleanup);

async function namespace(short: string): Promise<Rtnl> {
  const full = `${tag}-${short}`;
  addNetns(full);
  namespaces.set(short, full);
  const rtnl = await Rtnl.open({ netns: full });
  handles.set(short, rtnl);
  await rtnl.links.set('lo', { up: true });
  return rtnl;
}

function check(what: string, ok: boolean, detail: string): void {
  checks.push({ what, ok, detail });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${detail ? `: ${detail}` : ''}`);
}

function serveText(short: string, port: number, reply: string): Promise<void> {
  const server = listenInNetns(namespaces.get(short) as string, net.createServer((c) => c.end(reply)), { port });
  servers.push(server);
  return new Promise((resolve, reject) => server.once('listening', resolve).once('error', reject));
}

function serveHttp(short: string, port: number, reply: string): Promise<void> {
  const server = listenInNetns(namespaces.get(short) as string, http.createServer((_req, res) => res.end(reply)), { port });
  servers.push(server);
  return new Promise((resolve, reject) => server.once('listening', resolve).once('error', reject));
}

function tcpRead(from: string, host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connectInNetns(namespaces.get(from) as string, { host, port });
    let data = '';
    s.setTimeout(2000, () => s.destroy(new Error('timed out')));
    s.on('data', (d: Buffer) => (data += d.toString()));
    s.on('end', () => resolve(data));
    s.on('error', reject);
  });
}

function httpGet(from: string, host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request({ createConnection: () => connectInNetns(namespaces.get(from) as string, { host, port }), path: '/', timeout: 2000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

async function expectText(what: string, got: Promise<string>, want: string): Promise<void> {
  try {
    const text = await got;
    check(what, text === want, JSON.stringify(text));
  } catch (err) {
    check(what, false, String(err));
  }
}

// ------------------------------------------------------------------------------------------
// Scenario 1: a veth pair between two namespaces, two HTTP servers on the same port.

async function scenario1(): Promise<void> {
  const left = await namespace('left');
  const right = await namespace('right');
  await left.links.add({ name: 'veth-l', kind: 'veth', peer: { name: 'veth-r', netns: namespaces.get('right') as string }, up: true });
  await right.links.set('veth-r', { up: true });
  await left.addresses.add({ link: 'veth-l', address: '192.0.2.1/24' });
  await right.addresses.add({ link: 'veth-r', address: '192.0.2.2/24' });
  await serveHttp('left', 8080, 'I am left');
  await serveHttp('right', 8080, 'I am right');
  await serveText('left', 9000, 'tcp left');
  await serveText('right', 9000, 'tcp right');
  await expectText('scenario 1: left -> right over TCP', tcpRead('left', '192.0.2.2', 9000), 'tcp right');
  await expectText('scenario 1: right -> left over TCP', tcpRead('right', '192.0.2.1', 9000), 'tcp left');
  await expectText('scenario 1: HTTP :8080 seen from left', httpGet('left', '192.0.2.2', 8080), 'I am right');
  await expectText('scenario 1: HTTP :8080 seen from right', httpGet('right', '192.0.2.1', 8080), 'I am left');
  await expectText('scenario 1: HTTP :8080 on left itself', httpGet('left', '127.0.0.1', 8080), 'I am left');
}

// ------------------------------------------------------------------------------------------
// Scenario 2: a bridge in a host namespace joining three containers.

async function scenario2(): Promise<void> {
  const host = await namespace('host');
  await host.links.add({ name: 'br0', kind: 'bridge', data: { stpState: 0, forwardDelay: 0 }, up: true });
  const containers = ['c1', 'c2', 'c3'];
  const ips = new Map<string, string>();
  for (const [i, c] of containers.entries()) {
    const rtnl = await namespace(c);
    const full = namespaces.get(c) as string;
    // The container end is created directly inside the container namespace.
    await host.links.add({ name: `h-${c}`, kind: 'veth', peer: { name: 'eth0', netns: full }, master: 'br0', up: true });
    await rtnl.links.set('eth0', { up: true });
    const ip = `198.51.100.${11 + i}`;
    ips.set(c, ip);
    await rtnl.addresses.add({ link: 'eth0', address: `${ip}/24` });
    await serveText(c, 7000, `hello from ${c}`);
  }
  for (const a of containers) {
    for (const b of containers) {
      if (a !== b) await expectText(`scenario 2: ${a} -> ${b} through br0`, tcpRead(a, ips.get(b) as string, 7000), `hello from ${b}`);
    }
  }
  // Each container's MAC must be learned on the bridge port its veth is plugged into.
  const fdb = await host.neighbours.fdb.list({ bridge: 'br0' });
  const hostLinks = new Map((await host.links.list()).map((l) => [l.index, l.name]));
  for (const c of containers) {
    const mac = (await (handles.get(c) as Rtnl).links.get('eth0')).address;
    const entry = fdb.find((e) => e.lladdr === mac && e.state !== 'permanent');
    const port = entry ? hostLinks.get(entry.link) : undefined;
    check(`scenario 2: FDB has ${c}'s MAC ${mac} on port h-${c}`, port === `h-${c}`, `port ${port ?? 'none'}`);
  }
}

// ------------------------------------------------------------------------------------------
// Scenario 3: private routing tables, each namespace its own default gateway.

async function scenario3(): Promise<void> {
  const setups = [
    { short: 'red', addr: '203.0.113.1/26', gw: '203.0.113.62' },
    { short: 'blue', addr: '203.0.113.65/26', gw: '203.0.113.126' },
  ];
  for (const s of setups) {
    const rtnl = await namespace(s.short);
    await rtnl.links.add({ name: 'uplink', kind: 'veth', peer: { name: 'uplink-peer' }, up: true });
    await rtnl.links.set('uplink-peer', { up: true });
    await rtnl.addresses.add({ link: 'uplink', address: s.addr });
    await rtnl.routes.add({ dst: 'default', gateway: s.gw, oif: 'uplink' });
  }
  for (const s of setups) {
    const route = await (handles.get(s.short) as Rtnl).routes.get({ to: '198.51.100.1' });
    check(`scenario 3: ${s.short} routes 198.51.100.1 via its own gateway`, route.gateway === s.gw, `via ${route.gateway ?? 'none'}`);
  }
}

// ------------------------------------------------------------------------------------------
// Scenario 4 (--tc): a pod's bandwidth shaped the CNI way, measured with real TCP transfers.

/** Sends `size` bytes from `from` to a server in `to`; the receiver's rate in bits per second. */
async function tcpRate(from: string, to: string, host: string, size: number): Promise<number> {
  const server = net.createServer();
  servers.push(server);
  const received = new Promise<number>((resolve, reject) => {
    server.once('connection', (sock) => {
      let first = 0;
      let last = 0;
      let firstBytes = 0;
      let bytes = 0;
      sock.on('data', (d: Buffer) => {
        last = performance.now();
        if (bytes === 0) [first, firstBytes] = [last, d.length];
        bytes += d.length;
      });
      // From the first to the last byte at the receiver, not counting the first read (it came at 0 s).
      sock.on('end', () => (bytes === size ? resolve(((bytes - firstBytes) * 8) / ((last - first) / 1000)) : reject(new Error(`received ${bytes} of ${size} bytes`))));
      sock.on('error', reject);
    });
  });
  listenInNetns(namespaces.get(to) as string, server, { port: 0, host });
  await once(server, 'listening');
  const client = connectInNetns(namespaces.get(from) as string, { host, port: (server.address() as AddressInfo).port });
  client.on('error', () => undefined); // the receiver reports a failed transfer
  client.end(Buffer.alloc(size, 0x5a));
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([received, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('transfer timed out')), 60_000)))]);
  } finally {
    clearTimeout(timer);
    client.destroy();
    server.close();
  }
}

const mbit = (bits: number): string => `${(bits / 1e6).toFixed(2)} Mbit/s`;

async function scenario4(): Promise<void> {
  const host = await namespace('bw-host');
  const pod = await namespace('bw-pod');
  await host.links.add({ name: 'veth-pod', kind: 'veth', peer: { name: 'eth0', netns: namespaces.get('bw-pod') as string }, up: true });
  await pod.links.set('eth0', { up: true });
  await host.addresses.add({ link: 'veth-pod', address: '198.51.100.101/24' });
  await pod.addresses.add({ link: 'eth0', address: '198.51.100.102/24' });

  // What the plugin does with ingressRate/egressRate (from the pod's point of view): a tbf at the
  // root of the host's veth shapes what the pod receives; what the pod sends arrives at the
  // veth's ingress, where a u32 filter matching everything redirects it to an ifb device whose
  // own tbf shapes it. The burst is the user's (32 KiB here), the queue 25 ms at the rate on top.
  const toPod = parseRate('8mbit');
  const fromPod = parseRate('4mbit');
  const tbf = (rate: number) => ({ rate, burst: 32 * 1024, latency: 0.025 });
  const veth = await host.links.get('veth-pod');
  await host.links.add({ name: 'bwp-pod', kind: 'ifb', mtu: veth.mtu, txqlen: veth.txqlen, up: true });
  await host.qdiscs.add({ link: 'veth-pod', parent: 'root', handle: '1:', kind: 'tbf', options: tbf(toPod) });
  await host.qdiscs.add({ link: 'veth-pod', kind: 'ingress' });
  await host.filters.add({
    link: 'veth-pod',
    parent: 'ingress',
    priority: 1,
    protocol: 'all',
    kind: 'u32',
    options: { matches: [{ type: 'u32', value: 0, mask: 0, at: 0 }], actions: [{ kind: 'mirred', action: 'redirect', direction: 'egress', link: 'bwp-pod' }] },
  });
  await host.qdiscs.add({ link: 'bwp-pod', parent: 'root', handle: '1:', kind: 'tbf', options: tbf(fromPod) });

  const names = new Map((await host.links.list()).map((l) => [l.index, l.name]));
  const shaping = (await host.qdiscs.list()).filter((q) => q.handle !== '0:');
  const filters = await host.filters.list({ link: 'veth-pod', parent: 'ingress' });
  if (!mermaid) {
    console.log('\n=== scenario 4: what the host namespace holds');
    console.log(
      formatTable(
        ['link', 'qdisc', 'handle', 'parent', 'options'],
        shaping.map((q) => {
          const o = q.options as { rate?: number; burst?: number; limit?: number } | undefined;
          return [names.get(q.link), q.kind, q.handle, q.parent, o?.rate !== undefined ? `rate ${mbit(o.rate)} burst ${o.burst} B limit ${o.limit} B` : ''];
        }),
      ),
    );
    for (const f of filters) {
      const o = f.options as { matches?: unknown[]; actions?: { kind: string; action?: string; direction?: string; link?: number }[] } | undefined;
      if (o?.matches === undefined) continue;
      const acts = (o.actions ?? []).map((a) => `${a.kind} ${a.direction ?? ''} ${a.action ?? ''} to ${a.link !== undefined ? names.get(a.link) : '?'}`.replace(/ +/g, ' '));
      console.log(`filter on veth-pod ingress: ${f.kind} prio ${f.priority} protocol ${f.protocol}, match everything -> ${acts.join(', ')}`);
    }
    console.log('');
  }

  // 5 MB and 3 MB: about 5 s and 6 s each, far beyond the 32 KiB burst.
  const shapedTo = await tcpRate('bw-host', 'bw-pod', '198.51.100.102', 5_000_000);
  const shapedFrom = await tcpRate('bw-pod', 'bw-host', '198.51.100.101', 3_000_000);
  for (const q of shaping) await host.qdiscs.delete(q); // by the listed objects; the filter goes with its qdisc
  const freeTo = await tcpRate('bw-host', 'bw-pod', '198.51.100.102', 20_000_000);
  const freeFrom = await tcpRate('bw-pod', 'bw-host', '198.51.100.101', 20_000_000);

  const off = (got: number, want: number): string => `${got >= want ? '+' : ''}${(((got - want) / want) * 100).toFixed(1)}%`;
  if (!mermaid) {
    console.log(
      formatTable(
        ['direction', 'shaped by', 'configured', 'measured (TCP payload)', 'difference', 'unshaped'],
        [
          ['host -> pod', 'tbf on veth-pod', mbit(toPod), mbit(shapedTo), off(shapedTo, toPod), mbit(freeTo)],
          ['pod -> host', 'ingress -> ifb bwp-pod, tbf', mbit(fromPod), mbit(shapedFrom), off(shapedFrom, fromPod), mbit(freeFrom)],
        ],
      ),
    );
    console.log('(TCP payload is about 96% of what tbf counts: 1448 bytes of 1514 per full-size frame)\n');
  }
  check('scenario 4: host -> pod within 20% of 8 Mbit/s', Math.abs(shapedTo - toPod) <= 0.2 * toPod, mbit(shapedTo));
  check('scenario 4: pod -> host within 20% of 4 Mbit/s', Math.abs(shapedFrom - fromPod) <= 0.2 * fromPod, mbit(shapedFrom));
  check('scenario 4: qdiscs deleted, host -> pod unshaped again (> 3x)', freeTo > 3 * toPod, mbit(freeTo));
  check('scenario 4: qdiscs deleted, pod -> host unshaped again (> 3x)', freeFrom > 3 * fromPod, mbit(freeFrom));
}

// ------------------------------------------------------------------------------------------
// What the kernel holds, and the diagram.

interface Endpoint {
  ns: string;
  link: Link;
}

async function report(): Promise<void> {
  const ends: Endpoint[] = [];
  for (const [short, rtnl] of handles) {
    const links = await rtnl.links.list();
    const names = new Map(links.map((l) => [l.index, l.name]));
    for (const l of links) ends.push({ ns: short, link: l });
    const nsids = await rtnl.nsids.list();
    const byNsid = new Map(nsids.map((n) => [n.nsid, n.name ? n.name.replace(`${tag}-`, '') : `nsid ${n.nsid}`]));
    if (mermaid) continue;
    console.log(`\n=== namespace ${short} (${namespaces.get(short)})`);
    console.log(
      formatTable(
        ['link', 'kind', 'state', 'mac', 'master', 'peer'],
        links.map((l) => [
          l.name,
          l.kind ?? '',
          l.operstate,
          l.address,
          l.master !== undefined ? names.get(l.master) : '',
          l.linkNetnsid !== undefined ? `if${l.link} in ${byNsid.get(l.linkNetnsid) ?? `nsid ${l.linkNetnsid}`}` : l.link !== undefined ? names.get(l.link) : '',
        ]),
      ),
    );
    const addrs = (await rtnl.addresses.list()).filter((a) => a.scope !== 'host' && a.scope !== 'link');
    if (addrs.length) console.log(`\n${formatTable(['link', 'address'], addrs.map((a) => [names.get(a.link), a.peer === undefined ? a.address : `${a.address} peer ${a.peer}`]))}`);
    const routes = await rtnl.routes.list();
    if (routes.length) {
      console.log(`\n${formatTable(['route', 'via', 'dev', 'proto', 'scope'], routes.map((r) => [r.dst, r.gateway ?? '', r.oif !== undefined ? names.get(r.oif) : '', r.protocol, r.scope]))}`);
    }
    if (nsids.length) console.log(`\n${formatTable(['nsid', 'namespace'], nsids.map((n) => [n.nsid, byNsid.get(n.nsid)]))}`);
  }
  console.log(mermaid ? '' : '\n=== diagram');
  console.log(await diagram(ends));
}

// Peers of veth pairs are found from the kernel's own view: IFLA_LINK (peer index) and
// IFLA_LINK_NETNSID (the peer's namespace, named through the nsids of that namespace).
async function diagram(ends: Endpoint[]): Promise<string> {
  const nsOfNsid = async (short: string, nsid: number): Promise<string | undefined> => {
    const name = await (handles.get(short) as Rtnl).nsids.nameOfNsid(nsid);
    return name?.replace(`${tag}-`, '');
  };
  const pairs: [Endpoint, Endpoint][] = [];
  const seen = new Set<Endpoint>();
  for (const e of ends) {
    if (e.link.kind !== 'veth' || seen.has(e)) continue;
    const peerNs = e.link.linkNetnsid !== undefined ? await nsOfNsid(e.ns, e.link.linkNetnsid) : e.ns;
    const peer = ends.find((x) => x.ns === peerNs && x.link.index === e.link.link);
    if (!peer) continue;
    seen.add(e).add(peer);
    pairs.push([e, peer]);
  }
  const id = (e: Endpoint): string => `${e.ns}_${(e.link.name as string).replace(/[^a-zA-Z0-9]/g, '_')}`;
  const masterOf = (e: Endpoint): Endpoint | undefined => ends.find((x) => x.ns === e.ns && x.link.index === e.link.master);
  if (mermaid) {
    const lines = ['graph LR'];
    for (const short of handles.keys()) {
      lines.push(`  subgraph ${short}`);
      for (const e of ends.filter((x) => x.ns === short && x.link.name !== 'lo')) lines.push(`    ${id(e)}["${e.link.name}"]`);
      lines.push('  end');
    }
    for (const [a, b] of pairs) lines.push(`  ${id(a)} ---|veth| ${id(b)}`);
    for (const e of ends) {
      const m = masterOf(e);
      if (m) lines.push(`  ${id(e)} -.-|port of| ${id(m)}`);
    }
    return lines.join('\n');
  }
  const label = (e: Endpoint): string => {
    const m = masterOf(e);
    return `[${e.ns}] ${e.link.name}${m ? ` (port of ${m.link.name})` : ''}`;
  };
  return pairs.map(([a, b]) => `${label(a).padEnd(34)} <==veth==> ${label(b)}`).join('\n');
}

async function main(): Promise<void> {
  const started = performance.now();
  await scenario1();
  // For the test that interrupts the demo halfway: wait here, everything built so far still up.
  if (process.env.RTNL_DEMO_HOLD) {
    console.log('holding: interrupt me');
    await new Promise(() => undefined);
  }
  await scenario2();
  await scenario3();
  if (withTc) await scenario4();
  await report();
  cleanup();
  const failed = checks.filter((c) => !c.ok);
  const secs = ((performance.now() - started) / 1000).toFixed(2);
  if (failed.length > 0) {
    console.error(`\ndemo: ${failed.length} of ${checks.length} checks FAILED in ${secs} s; everything removed`);
    process.exitCode = 1;
  } else {
    console.log(`\ndemo: all ${checks.length} checks passed in ${secs} s; everything removed`);
  }
}

main().catch((err: unknown) => {
  console.error('demo failed:', err);
  cleanup();
  process.exitCode = 1;
});

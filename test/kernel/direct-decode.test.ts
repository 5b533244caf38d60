// On real dumps of this kernel, the direct decoders that list() and stream() use give exactly what
// the wire decoder followed by the kind's mapping gives for the same bytes: every message of a
// dump of a namespace with routes of every sort (both families, multipath, metrics, cached
// expiries, prefsrc, blackholes, several tables) and links of several kinds.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NLM_F_DUMP } from '../../src/netlink/constants.js';
import { Reader } from '../../src/netlink/bytes.js';
import { decodeContext } from '../../src/netlink/schema/index.js';
import { RTM_GETLINK, RTM_NEWLINK, linkMessage } from '../../src/rtnl/generated/link.js';
import { RTM_GETROUTE, RTM_NEWROUTE, routeMessage } from '../../src/rtnl/generated/route.js';
import { linkFromBytes, linkFromWire } from '../../src/rtnl/link/mapping.js';
import { routeFromBytes, routeFromWire } from '../../src/rtnl/route/mapping.js';
import { Rtnl } from '../../src/rtnl/rtnl.js';
import { useTestNetns } from '../harness/netns.js';

const ns = useTestNetns();
let rtnl: Rtnl;

const ordered = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));

/** Every reply message of a whole dump, as bytes (the receive buffer is reused: copied). */
async function dumpBytes(type: number, replyType: number): Promise<Buffer[]> {
  const out: Buffer[] = [];
  await rtnl.connection.request({ type, flags: NLM_F_DUMP, body: (w) => w.zeros(type === RTM_GETROUTE ? 12 : 16) }, (r, m) => {
    if (m.type === replyType) out.push(Buffer.from(r.buf.subarray(m.payloadOffset, m.end)));
  });
  return out;
}

beforeAll(async () => {
  ns.ip('link set lo up');
  ns.ip('link add veth0 type veth peer name veth1');
  ns.ip('link add br0 type bridge');
  ns.ip('link add veth2 type veth peer name veth3');
  ns.ip('link set veth1 master br0');
  ns.ip('link add vxlan0 type vxlan id 42 dstport 4789 local 192.0.2.1 dev veth0');
  ns.ip('link add link veth0 name mv0 type macvlan mode bridge');
  // No IPv6 link-local addresses (and their routes) appearing between two dumps.
  for (const l of ['lo', 'veth0', 'veth1', 'br0', 'veth2', 'veth3', 'vxlan0', 'mv0']) ns.ip(`link set ${l} addrgenmode none`);
  for (const l of ['veth0', 'veth1', 'br0', 'veth2', 'veth3', 'vxlan0', 'mv0']) ns.ip(`link set ${l} up`);
  ns.ip('addr add 192.0.2.1/24 dev veth0');
  ns.ip('addr add 198.51.100.1/24 dev veth2');
  ns.ip('addr add 2001:db8::1/64 dev veth0 nodad');
  ns.ip('route add 203.0.113.0/24 via 192.0.2.2 metric 10 src 192.0.2.1');
  ns.ip('route add 203.0.113.128/25 table 100 nexthop via 192.0.2.2 weight 3 nexthop dev veth2 weight 1');
  ns.ip('route add 198.18.0.0/16 dev veth0 mtu lock 1300 advmss 1200 rtt 0.5s table 100');
  ns.ip('route add blackhole 198.19.0.0/16 table 1000');
  ns.ip('route add prohibit 198.19.1.0/24 table 1000');
  ns.ip('route add 2001:db8:1::/64 via 2001:db8::2 expires 300 pref high');
  ns.ip('route add 2001:db8:2::/64 dev veth0 metric 5 mtu 1280 table 100');
  ns.ip('-6 route add 2001:db8:3::/64 nexthop via 2001:db8::2 dev veth0 nexthop via 2001:db8::3 dev veth0');
  ns.ip('route add unreachable 2001:db8:4::/64');
  rtnl = await Rtnl.open({ netns: ns.name });
});

afterAll(() => rtnl?.close());

describe('direct decoders on real dumps', () => {
  it('routes: every route of every table and family decodes alike both ways, and list() gives them', async () => {
    const msgs = await dumpBytes(RTM_GETROUTE, RTM_NEWROUTE);
    expect(msgs.length).toBeGreaterThan(20);
    const ctx = decodeContext();
    const direct = msgs.map((b) => routeFromBytes(new Reader(b), 0, b.length, ctx));
    const viaWire = msgs.map((b) => routeFromWire(routeMessage.decode(new Reader(b), 0, b.length)));
    expect(direct).toStrictEqual(viaWire);
    expect(ordered(direct)).toBe(ordered(viaWire));
    expect(direct.some((r) => r.nexthops !== undefined && r.family === 'inet6')).toBe(true);
    expect(direct.some((r) => r.metrics?.lock !== undefined)).toBe(true);
    expect(direct.some((r) => r.expires !== undefined && r.pref === 'high')).toBe(true);
    // list() (the direct decoder) lists what the wire path maps, table by table.
    // (`expires` counts down between the two dumps.)
    const all = (await rtnl.routes.list({ table: 'all' })).map(({ expires: _e, ...r }) => r);
    const inetOnly = viaWire.filter((r) => r.family === 'inet' || r.family === 'inet6').map(({ expires: _e, ...r }) => r);
    expect(all).toStrictEqual(inetOnly);
    expect(ordered(all)).toBe(ordered(inetOnly));
    let streamed = 0;
    for await (const r of rtnl.routes.stream({ table: 100 })) {
      expect(r.table).toBe(100);
      streamed++;
    }
    expect(streamed).toBe(inetOnly.filter((r) => r.table === 100).length);
  });

  it('links: every link decodes alike both ways, counters and per-family data included', async () => {
    const msgs = await dumpBytes(RTM_GETLINK, RTM_NEWLINK);
    expect(msgs.length).toBeGreaterThanOrEqual(8);
    const ctx = decodeContext();
    const direct = msgs.map((b) => linkFromBytes(new Reader(b), 0, b.length, ctx));
    const viaWire = msgs.map((b) => linkFromWire(linkMessage.decode(new Reader(b), 0, b.length)));
    // Comparing reads stats and afSpec, which decodes them (both are decoded on first access).
    expect(direct).toStrictEqual(viaWire);
    expect(ordered(direct)).toBe(ordered(viaWire));
    expect(direct.every((l) => typeof l.stats?.rxBytes === 'bigint')).toBe(true);
    expect(direct.some((l) => l.kind === 'vxlan') && direct.some((l) => l.port?.kind === 'bridge')).toBe(true);
    const listed = await rtnl.links.list();
    expect(listed.map((l) => l.name).sort()).toEqual(direct.map((l) => l.name).sort());
  });
});

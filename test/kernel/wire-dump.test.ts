// The exact messages behind the model (issue 9): `dumpWire` returns the kernel's replies decoded by
// a wire schema only; each kind's mapping turns them into what `list()` returns, and the schema
// encodes them back to bytes that decode to the same message.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rtnl } from '../../src/index.js';
import { dumpWire, linkFromWire, linkMessage, routeFromWire, routeMessage } from '../../src/entries/wire.js';
import { useTestNetns } from '../harness/netns.js';

const ns = useTestNetns();
let rtnl: Rtnl;

beforeAll(async () => {
  ns.ip('link add d0 type veth peer name d1');
  ns.ip('link set d0 up');
  ns.ip('addr add 192.0.2.1/24 dev d0');
  ns.ip('route add 198.51.100.0/24 via 192.0.2.2 table 100 proto static metric 7');
  ns.ip('route add 203.0.113.0/24 nexthop via 192.0.2.2 weight 3 nexthop via 192.0.2.3 weight 1');
  rtnl = await Rtnl.open({ netns: ns.name });
});
afterAll(() => rtnl?.close());

describe('dumpWire', () => {
  it('gives the wire messages that list() maps: the same routes, each encoding back to itself', async () => {
    const wire = await dumpWire(rtnl, routeMessage, 26, { family: 2 });
    const listed = await rtnl.routes.list({ family: 'inet', table: 'all' });
    expect(wire.length).toBe(listed.length);
    expect(wire.map(routeFromWire)).toEqual(listed);
    const multipath = wire.find((w) => w.multipath !== undefined);
    expect(multipath?.multipath?.map((h) => h.hops)).toEqual([2, 0]); // weight - 1 on the wire
    for (const w of wire) expect(routeMessage.fromBytes(routeMessage.toBytes(w))).toEqual(w);
  });

  it('gives links as the kernel sends them, stats and all', async () => {
    const wire = await dumpWire(rtnl, linkMessage, 18);
    const d0 = wire.find((w) => w.name === 'd0');
    expect(d0?.linkinfo?.kind).toBe('veth');
    expect(linkFromWire(d0!)).toEqual(await rtnl.links.get('d0'));
  });

  it('refuses a request type that is not the schema\'s RTM_GET*', async () => {
    await expect(dumpWire(rtnl, routeMessage, 24)).rejects.toThrow(/requestType/);
    await expect(dumpWire(rtnl, routeMessage, 18)).rejects.toThrow(/requestType/);
  });
});

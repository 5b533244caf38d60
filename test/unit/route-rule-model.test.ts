// The route and rule models without a kernel: captured kernel replies map into the model, the model
// maps back to the same wire message (fromWire(toWire(x)) equals x, through the bytes too), the
// wire encodings the mapping undoes (ticks, weight - 1, rtm_table, RTAX_LOCK bits, FRA_PRIORITY
// left out for 0, ...), the CLI's formatters print from the model what ip printed for the same
// capture, and requests: unknown keys refused at every level with nothing sent, read-only facts and
// state flags never sent.

import { describe, expect, it } from 'vitest';
import { routeToIpJson, ruleToIpJson, type IpJsonObject } from '../../src/cli/ipjson.js';
import { Reader, Writer } from '../../src/netlink/bytes.js';
import { ReplayTransport } from '../../src/netlink/capture/index.js';
import { InvalidArgumentError } from '../../src/netlink/errors.js';
import type { MessageSchema, MessageValue } from '../../src/netlink/message.js';
import type { AttrSpecs, StructMembers } from '../../src/netlink/schema/index.js';
import { routeMessage, RTM_NEWROUTE } from '../../src/rtnl/generated/route.js';
import { ruleMessage, RTM_NEWRULE } from '../../src/rtnl/generated/rule.js';
import type { Link } from '../../src/rtnl/link/links.js';
import { routeFromWire, routeToWire, type RouteWire } from '../../src/rtnl/route/mapping.js';
import { routeKey, type Route, type RouteSpec } from '../../src/rtnl/route/model.js';
import { ruleFromWire, ruleToWire, type RuleWire } from '../../src/rtnl/rule/mapping.js';
import { ruleKey, type Rule, type RuleSpec } from '../../src/rtnl/rule/model.js';
import { Rtnl } from '../../src/rtnl/rtnl.js';
import { linkNames, loadKernelFixture, receivedMessages, requestBytes } from '../harness/kernel-fixture.js';

/** Every reply of `type` in fixture `name`, decoded. */
function decoded<H extends StructMembers, A extends AttrSpecs>(name: string, type: number, schema: MessageSchema<H, A>, fd?: number): MessageValue<H, A>[] {
  return receivedMessages(loadKernelFixture(name), type, fd).map((m) => schema.decode(new Reader(m.datagram), m.payloadOffset, m.end));
}

/** A message value through its bytes: encoded, then decoded again. */
function throughBytes<H extends StructMembers, A extends AttrSpecs>(schema: MessageSchema<H, A>, value: Partial<MessageValue<H, A>>): MessageValue<H, A> {
  const w = new Writer(256);
  schema.encode(w, value);
  const bytes = w.take();
  return schema.decode(new Reader(bytes), 0, bytes.length);
}

/** The request a call sends, decoded (the call goes to a transport without replies). */
async function sentRoute(call: (rtnl: Rtnl) => Promise<unknown>): Promise<RouteWire> {
  const bytes = await requestBytes(call);
  return routeMessage.decode(new Reader(bytes), 16, bytes.length);
}

async function sentRule(call: (rtnl: Rtnl) => Promise<unknown>): Promise<RuleWire> {
  const bytes = await requestBytes(call);
  return ruleMessage.decode(new Reader(bytes), 16, bytes.length);
}

const viaJson = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

/** A route message as the kernel would send it: the rtmsg header, then attributes. */
function wireRoute(w: Partial<RouteWire>): RouteWire {
  return throughBytes(routeMessage, { family: 'inet', dstLen: 0, srcLen: 0, tos: 0, rtmTable: 254, protocol: 'boot', scope: 'universe', type: 'unicast', flags: [], ...w });
}

describe('routes', () => {
  const wire = decoded('route-dump', RTM_NEWROUTE, routeMessage, 3);
  const routes = wire.map(routeFromWire);

  it('map captured replies into the model: prefixes with their length, one table, weights as typed, scope global', () => {
    expect(routes).toHaveLength(21);
    expect(routes.find((r) => r.table === 1000)).toEqual({
      family: 'inet', dst: '198.51.100.0/24', table: 1000, type: 'unicast', protocol: 'boot', scope: 'global', flags: [], gateway: '192.0.2.2', oif: 3,
    });
    expect(routes.find((r) => r.nexthops !== undefined)?.nexthops).toEqual([
      { gateway: '192.0.2.2', oif: 3, weight: 1, flags: [] },
      { gateway: '192.0.2.3', oif: 3, weight: 2, flags: [] },
    ]);
    expect(routes.filter((r) => r.dst === 'default').map((r) => r.gateway)).toContain('192.0.2.254');
    for (const r of routes) {
      for (const k of ['dstLen', 'srcLen', 'rtmTable', 'multipath', 'nhId', 'cacheinfo']) expect(r).not.toHaveProperty(k);
      expect(Object.getPrototypeOf(r)).toBe(Object.prototype);
    }
    expect(viaJson(routes)).toEqual(routes);
  });

  it('fromWire(toWire(x)) equals x, as values and through the bytes', () => {
    for (const r of routes) {
      expect(routeFromWire(routeToWire(r) as RouteWire), routeKey(r)).toEqual(r);
      expect(routeFromWire(throughBytes(routeMessage, routeToWire(r))), routeKey(r)).toEqual(r);
    }
  });

  it('undoes the wire encodings: RTA_TABLE over rtm_table, weight - 1, ticks, RTAX_LOCK bits, scaled RTTs, realms, a source prefix', () => {
    const r = routeFromWire(
      wireRoute({
        family: 'inet6', dstLen: 64, dst: '2001:db8:1::', srcLen: 48, src: '2001:db8:99::', rtmTable: 252, table: 70000, priority: 1024, pref: 'high',
        cacheinfo: { clntref: 0, lastuse: 0, expires: 59_987, error: 0, used: 0, id: 0, ts: 0, tsage: 0 },
        multipath: [{ flags: ['onlink'], hops: 2, ifindex: 3, attrs: { gateway: '2001:db8::2' } }, { flags: [], hops: 0, ifindex: 4, attrs: { gateway: '2001:db8::3' } }],
        metrics: { lock: (1 << 2) | (1 << 13), mtu: 1300, rtt: 800, rttvar: 80, rtoMin: 200, ccAlgo: 'reno' },
      }),
    );
    expect(r).toEqual({
      family: 'inet6', dst: '2001:db8:1::/64', src: '2001:db8:99::/48', table: 70000, type: 'unicast', protocol: 'boot', scope: 'global', flags: [],
      priority: 1024, pref: 'high', expires: 599,
      nexthops: [{ gateway: '2001:db8::2', oif: 3, weight: 3, flags: ['onlink'] }, { gateway: '2001:db8::3', oif: 4, weight: 1, flags: [] }],
      metrics: { lock: ['mtu', 'rtoMin'], mtu: 1300, rtt: 0.1, rttvar: 0.02, rtoMin: 0.2, ccAlgo: 'reno' },
    });
    expect(routeFromWire(throughBytes(routeMessage, routeToWire(r)))).toEqual(r);
    const v4 = routeFromWire(wireRoute({ dstLen: 32, dst: '192.0.2.7', flow: (3 << 16) | 4, via: { family: 'inet6', addr: 'fe80::3' }, tos: 0x10 }));
    expect(v4).toMatchObject({ dst: '192.0.2.7/32', realms: { from: 3, to: 4 }, via: 'fe80::3', tos: 0x10 });
    expect(routeFromWire(throughBytes(routeMessage, routeToWire(v4)))).toEqual(v4);
  });

  it('the CLI prints from the model what ip -j -d route show table all printed', () => {
    const fx = loadKernelFixture('route-dump');
    const byIndex = new Map([...linkNames(fx)].map(([index, name]) => [index, { index, name } as Link]));
    const ours = routes.map((r) => routeToIpJson(r, byIndex, { details: true }));
    const strip = (o: IpJsonObject): IpJsonObject => Object.fromEntries(Object.entries(o).filter(([k]) => k !== 'expires'));
    expect(ours.map(strip)).toEqual((fx.ipJson as IpJsonObject[]).map(strip));
  });

  it('requests leave out what the kernel reports but refuses to be told: state flags, read-only facts, a nexthop object\'s paths', async () => {
    const listed: Route = {
      family: 'inet', dst: '198.18.41.0/24', table: 4000, type: 'unicast', protocol: 'boot', scope: 'global', flags: ['linkdown', 'onlink'], nexthopId: 42,
      gateway: '192.0.2.2', oif: 3, nexthops: [{ gateway: '192.0.2.2', oif: 3, weight: 3, flags: ['linkdown'] }], mark: 7, uid: 0, error: -101,
    };
    for (const call of [(r: Rtnl) => r.routes.add(listed), (r: Rtnl) => r.routes.delete(listed)]) {
      const sent = await sentRoute(call);
      expect(sent).toMatchObject({ family: 'inet', dstLen: 24, dst: '198.18.41.0', rtmTable: 0, table: 4000, flags: ['onlink'], nhId: 42 });
      for (const k of ['gateway', 'oif', 'multipath', 'mark', 'uid', 'cacheinfo']) expect(sent).not.toHaveProperty(k);
    }
    // A listed IPv6 route's expiry goes back as RTA_EXPIRES, in seconds.
    const v6 = await sentRoute((r) => r.routes.add({ ...routeFromWire(wireRoute({ family: 'inet6', dstLen: 64, dst: '2001:db8::', cacheinfo: { clntref: 0, lastuse: 0, expires: 60_000, error: 0, used: 0, id: 0, ts: 0, tsage: 0 } })) }));
    expect(v6).toMatchObject({ expires: 600 });
    expect(v6).not.toHaveProperty('cacheinfo');
  });
});

describe('rules', () => {
  const wire = decoded('rule-dump', RTM_NEWRULE, ruleMessage);
  const rules = wire.map(ruleFromWire);

  it('map captured replies into the model: priority 0 present, prefixes with their length, one table', () => {
    expect(wire.filter((w) => w.priority === undefined)).toHaveLength(1);
    expect(rules.map((r) => r.priority)).toEqual([0, 100, 200, 300, 32766, 32767]);
    expect(rules[0]).toEqual({ family: 'inet', priority: 0, table: 255, action: 'to-tbl', flags: [], protocol: 'kernel' });
    expect(rules.find((r) => r.priority === 100)).toEqual({ family: 'inet', priority: 100, from: '192.0.2.0/24', table: 1000, action: 'to-tbl', flags: [], protocol: 'unspec' });
    for (const r of rules) for (const k of ['src', 'srcLen', 'frhTable', 'iifname', 'sportRange', 'suppressPrefixlen']) expect(r).not.toHaveProperty(k);
    expect(viaJson(rules)).toEqual(rules);
  });

  it('fromWire(toWire(x)) equals x, as values and through the bytes', () => {
    for (const r of rules) {
      expect(ruleFromWire(ruleToWire(r) as RuleWire), ruleKey(r)).toEqual(r);
      expect(ruleFromWire(throughBytes(ruleMessage, ruleToWire(r))), ruleKey(r)).toEqual(r);
    }
  });

  it('undoes the wire encodings: FRA_TABLE over the header, -1 for unset, a mask with mark 0, ports and uids as ranges, realms', () => {
    const w = throughBytes(ruleMessage, {
      family: 'inet', dstLen: 24, srcLen: 0, tos: 0, frhTable: 252, action: 'to-tbl', flags: ['invert', 'unresolved'], table: 70000, priority: 5,
      dst: '198.51.100.0', fwmask: 0xff, suppressPrefixlen: -1, suppressIfgroup: -1, sportRange: { start: 1000, end: 2000 }, dportRange: { start: 443, end: 443 },
      uidRange: { start: 100, end: 200 }, ipProto: 6, l3mdev: 0, flow: (3 << 16) | 4, iifname: 'veth0', protocol: 'static',
    });
    const r = ruleFromWire(w);
    expect(r).toEqual({
      family: 'inet', priority: 5, to: '198.51.100.0/24', table: 70000, action: 'to-tbl', flags: ['invert', 'unresolved'], protocol: 'static', iif: 'veth0',
      fwmark: 0, fwmask: 0xff, sport: { start: 1000, end: 2000 }, dport: { start: 443, end: 443 }, uidRange: { start: 100, end: 200 }, ipProto: 'tcp',
      realms: { from: 3, to: 4 },
    });
    expect(ruleFromWire(throughBytes(ruleMessage, ruleToWire(r)))).toEqual(r);
  });

  it('the CLI prints from the model what ip -j -d rule show printed', () => {
    expect(rules.map((r) => ruleToIpJson(r, true))).toEqual(loadKernelFixture('rule-dump').ipJson);
  });

  it('requests: priority 0 is sent (the kernel would pick one otherwise), state flags are not', async () => {
    const pref0 = await sentRule((r) => r.rules.add(rules[0]));
    expect(pref0).toMatchObject({ priority: 0, frhTable: 255, action: 'to-tbl', flags: [], protocol: 'kernel' });
    const unresolved: Rule = { family: 'inet', priority: 150, action: 'goto', goto: 160, flags: ['invert', 'unresolved'], protocol: 'unspec' };
    expect(await sentRule((r) => r.rules.delete(unresolved))).toMatchObject({ priority: 150, action: 'goto', goto: 160, flags: ['invert'] });
    // Without a priority, none is sent.
    expect(await sentRule((r) => r.rules.add({ from: '192.0.2.0/24', table: 100 }))).not.toHaveProperty('priority');
  });
});

describe('unknown keys are refused at every level, naming the key path, with nothing sent', () => {
  it.each<[string, (rtnl: Rtnl) => Promise<unknown>, string]>([
    ['route', (r) => r.routes.add({ dst: '198.51.100.0/24', dstLen: 24 } as unknown as RouteSpec), 'dstLen'],
    ['route path', (r) => r.routes.add({ dst: '198.51.100.0/24', nexthops: [{ gateway: '192.0.2.2', wieght: 3 }] } as unknown as RouteSpec), 'nexthops.0.wieght'],
    ['route metric', (r) => r.routes.replace({ dst: '198.51.100.0/24', metrics: { mtuu: 1400 } } as unknown as RouteSpec), 'metrics.mtuu'],
    ['route realms', (r) => r.routes.append({ dst: '198.51.100.0/24', realms: { from: 1, to: 2, too: 3 } } as unknown as RouteSpec), 'realms.too'],
    ['route delete', (r) => r.routes.delete({ dst: '198.51.100.0/24', multipath: [] } as unknown as RouteSpec), 'multipath'],
    ['route flag', (r) => r.routes.add({ dst: '198.51.100.0/24', flags: ['onlnk'] } as unknown as RouteSpec), 'flags.0'],
    ['rule', (r) => r.rules.add({ form: '192.0.2.0/24' } as unknown as RuleSpec), 'form'],
    ['rule range', (r) => r.rules.add({ dport: { start: 53, end: 53, mask: 1 } } as unknown as RuleSpec), 'dport.mask'],
    ['rule uid range', (r) => r.rules.delete({ uidRange: { start: 1, end: 2, stop: 3 } } as unknown as RuleSpec), 'uidRange.stop'],
    ['rule realms', (r) => r.rules.add({ realms: { from: 1, to: 2, too: 3 } } as unknown as RuleSpec), 'realms.too'],
    ['rule flag', (r) => r.rules.add({ flags: ['inverted'] } as unknown as RuleSpec), 'flags.0'],
  ])('%s', async (_what, call, field) => {
    // A transport without replies fails any request it is given: an InvalidArgumentError means nothing was sent.
    const rtnl = await Rtnl.open({ transport: new ReplayTransport([]) });
    try {
      const err = await call(rtnl).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidArgumentError);
      expect((err as InvalidArgumentError).field).toBe(field);
    } finally {
      rtnl.close();
    }
  });
});

// Routing policy rules against the real kernel, in a throwaway namespace: rules the library adds
// read back with `ip -j -d rule show` field by field, rules ip adds read back with the library;
// the rule-dump fixture decodes and re-encodes byte for byte; requests are the messages iproute2
// sends.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReplayTransport } from '../../src/netlink/capture/index.js';
import { InvalidArgumentError, NetlinkError } from '../../src/netlink/errors.js';
import { RTM_NEWRULE, ruleMessage } from '../../src/rtnl/generated/rule.js';
import type { Rule, RuleSpec } from '../../src/rtnl/rule/rules.js';
import { Rtnl } from '../../src/rtnl/rtnl.js';
import { capturedDatagrams, decodeAndReencode, expectSameRequest, loadKernelFixture, receivedMessages, requestBytes } from '../harness/kernel-fixture.js';
import { useTestNetns } from '../harness/netns.js';

type IpJson = Record<string, unknown>;

const TABLES: Record<number, string> = { 253: 'default', 254: 'main', 255: 'local' };
const PROTOS: Record<number, string> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 58: 'ipv6-icmp', 132: 'sctp' };

/** A rule as `ip -j -d rule show` prints it. */
function ruleToIpJson(r: Rule): IpJson {
  const o: IpJson = { priority: r.priority };
  if (r.flags.includes('invert')) o.not = null;
  const host = r.family === 'inet6' ? 128 : 32;
  const prefix = (key: string, text: string): void => {
    const [addr, len] = text.split('/');
    o[key] = addr;
    if (Number(len) !== host) o[`${key}len`] = Number(len);
  };
  if (r.from !== undefined) prefix('src', r.from);
  else o.src = 'all';
  if (r.to !== undefined) prefix('dst', r.to);
  if (r.fwmark !== undefined || r.fwmask !== undefined) {
    o.fwmark = `0x${(r.fwmark ?? 0).toString(16)}`;
    if (r.fwmask !== undefined && r.fwmask !== 0xffffffff) o.fwmask = `0x${r.fwmask.toString(16)}`;
  }
  if (r.iif !== undefined) o.iif = r.iif;
  if (r.oif !== undefined) o.oif = r.oif;
  if (r.l3mdev) o.l3mdev = null;
  if (r.uidRange !== undefined) {
    o.uid_start = r.uidRange.start;
    o.uid_end = r.uidRange.end;
  }
  if (r.ipProto !== undefined) o.ipproto = typeof r.ipProto === 'number' ? (PROTOS[r.ipProto] ?? String(r.ipProto)) : r.ipProto;
  for (const [key, range] of [['sport', r.sport], ['dport', r.dport]] as const) {
    if (range === undefined) continue;
    if (range.start === range.end) o[key] = range.start;
    else {
      o[`${key}_start`] = range.start;
      o[`${key}_end`] = range.end;
    }
  }
  if (r.table !== undefined) o.table = TABLES[r.table] ?? String(r.table);
  if (r.suppressPrefixlength !== undefined) o.suppress_prefixlen = r.suppressPrefixlength;
  // ip names the group (from /etc/iproute2/group), so prints a string.
  if (r.suppressIfgroup !== undefined) o.suppress_ifgroup = String(r.suppressIfgroup);
  if (r.action === 'goto') {
    o.goto = r.goto ?? 'none';
    if (r.flags.includes('unresolved')) o.unresolved = null;
  } else if (r.action === 'nop') {
    o.nop = null;
  } else if (r.action !== 'to-tbl') {
    o.action = String(r.action);
  }
  o.protocol = String(r.protocol);
  return o;
}

const key = (o: IpJson): string => `${String(o.priority).padStart(10, '0')} ${JSON.stringify(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)))}`;
const sorted = (xs: IpJson[]): IpJson[] => [...xs].sort((a, b) => key(a).localeCompare(key(b)));

describe('kernel fixture rule-dump', () => {
  const fx = loadKernelFixture('rule-dump');

  it('decodes every RTM_NEWRULE and re-encodes it byte for byte', () => {
    const wire = decodeAndReencode(ruleMessage, receivedMessages(fx, RTM_NEWRULE));
    expect(wire).toHaveLength(6);
    expect(wire.find((r) => r.priority === 100)).toMatchObject({ src: '192.0.2.0', srcLen: 24, table: 1000, frhTable: 252, action: 'to-tbl' });
    // The kernel leaves FRA_PRIORITY out for priority 0.
    expect(wire.filter((r) => r.priority === undefined)).toHaveLength(1);
  });

  it('replays through rules.list({ family: "inet" }): the request iproute2 sent, the rules ip -j -d rule show printed', async () => {
    const rtnl = await Rtnl.open({ transport: new ReplayTransport(capturedDatagrams(fx)) });
    try {
      const rules = await rtnl.rules.list({ family: 'inet' });
      expect(rules.map(ruleToIpJson)).toEqual(fx.ipJson);
    } finally {
      rtnl.close();
    }
  });
});

// What iproute2 6.1 sent (strace hex, nlmsg_seq zeroed) on kernel 6.18.
const IPROUTE2_REQUESTS: [string, (rtnl: Rtnl) => Promise<unknown>, string][] = [
  [
    'ip rule add priority 1000 from 198.51.100.0/24 iif veth0 ipproto tcp sport 1000-2000 dport 443 uidrange 100-200 fwmark 0x10/0xff suppress_prefixlength 0 table 5000',
    (r) =>
      r.rules.add({
        priority: 1000,
        from: '198.51.100.0/24',
        iif: 'veth0',
        ipProto: 'tcp',
        sport: { start: 1000, end: 2000 },
        dport: { start: 443, end: 443 },
        uidRange: { start: 100, end: 200 },
        fwmark: 0x10,
        fwmask: 0xff,
        suppressPrefixlength: 0,
        table: 5000,
      }),
    '7c00000020000506000000000000000002001800000000010000000008000600e803000008000200c63364000a0003007665746830000000050016000600000008001700e803d00708001800bb01bb010c00140064000000c800000008000a001000000008001000ff00000008000e000000000008000f0088130000',
  ],
  [
    'ip -6 rule add priority 1002 to 2001:db8::/32 unreachable',
    (r) => r.rules.add({ priority: 1002, to: '2001:db8::/32', action: 'unreachable' }),
    '380000002000050600000000000000000a200000000000070000000008000600ea0300001400010020010db8000000000000000000000000',
  ],
];

describe('requests: the same messages iproute2 sends', () => {
  it.each(IPROUTE2_REQUESTS)('%s', async (_command, call, hex) => {
    expectSameRequest(ruleMessage, await requestBytes(call), hex);
  });
});

describe('rules in a namespace', () => {
  const ns = useTestNetns();
  let rtnl: Rtnl;

  beforeAll(async () => {
    ns.ip('link set lo up');
    ns.ip('link add veth0 type veth peer name veth1');
    rtnl = await Rtnl.open({ netns: ns.name });
  });

  afterAll(() => rtnl?.close());

  const ipRules = (): IpJson[] => sorted([...ns.ipJson<IpJson[]>('-4 -d rule show'), ...ns.ipJson<IpJson[]>('-6 -d rule show')]);
  const ours = async (): Promise<IpJson[]> => sorted((await rtnl.rules.list()).map(ruleToIpJson));

  describe('created by the library, read by ip', () => {
    const specs: RuleSpec[] = [
      { priority: 100, from: '192.0.2.0/24', table: 1000 },
      { priority: 110, to: '198.51.100.0/24', table: 'main' },
      { priority: 120, fwmark: 0x10, fwmask: 0xff, table: 1000 },
      { priority: 130, iif: 'veth0', oif: 'veth1', ipProto: 'tcp', sport: { start: 1000, end: 2000 }, dport: { start: 443, end: 443 }, uidRange: { start: 100, end: 200 }, suppressPrefixlength: 0, table: 'main' },
      { priority: 140, action: 'blackhole' },
      { priority: 141, action: 'unreachable', from: '203.0.113.0/24' },
      { priority: 142, action: 'prohibit', fwmark: 3 },
      { priority: 143, action: 'nop' },
      { priority: 150, goto: 160, from: '198.51.100.7' },
      { priority: 160, l3mdev: true },
      { priority: 170, flags: ['invert'], from: '192.0.2.0/24', table: 50 },
      { priority: 180, fwmark: 7, table: 70000 },
      { priority: 190, protocol: 'static', to: '203.0.113.0/25', ipProto: 'udp', dport: { start: 53, end: 54 }, table: 1 },
      { priority: 200, suppressIfgroup: 5, table: 'main' },
      { priority: 100, from: '2001:db8::/32', table: 10 },
      { priority: 110, family: 'inet6', action: 'prohibit', to: '2001:db8:1::/48', iif: 'veth1' },
      { family: 'inet6', table: 20, fwmark: 1 },
    ];

    beforeAll(async () => {
      for (const s of specs) await rtnl.rules.add(s);
    });

    it('every rule of both families equals ip -j -d rule show, field by field', async () => {
      const theirs = ipRules();
      expect(await ours()).toEqual(theirs);
      const by = (priority: number, pred: (r: IpJson) => boolean = () => true): IpJson | undefined => theirs.find((r) => r.priority === priority && pred(r));
      expect(by(100, (r) => r.src === '192.0.2.0')).toMatchObject({ srclen: 24, table: '1000' });
      expect(by(130)).toMatchObject({ iif: 'veth0', oif: 'veth1', ipproto: 'tcp', sport_start: 1000, sport_end: 2000, dport: 443, uid_start: 100, uid_end: 200, suppress_prefixlen: 0, table: 'main' });
      expect(by(140)).toMatchObject({ action: 'blackhole' });
      expect(by(150)).toMatchObject({ goto: 160, src: '198.51.100.7' });
      expect(by(160)).toMatchObject({ l3mdev: null });
      expect(by(170)).toMatchObject({ not: null, table: '50' });
      expect(by(180)).toMatchObject({ fwmark: '0x7', table: '70000' });
      expect(by(190)).toMatchObject({ protocol: 'static', dport_start: 53, dport_end: 54 });
      expect(by(100, (r) => r.src === '2001:db8::')).toMatchObject({ srclen: 32, table: '10' });
      // Without a priority the kernel picks one below the last rule's.
      expect(theirs.filter((r) => r.fwmark === '0x1' && r.table === '20')).toHaveLength(1);
    });

    it('gives the full table id above 255, ports and uids as ranges, prefixes with their length', async () => {
      const rules = await rtnl.rules.list({ family: 'inet' });
      expect(rules.every((r) => r.family === 'inet')).toBe(true);
      expect(rules.find((r) => r.priority === 180)).toEqual({ family: 'inet', priority: 180, table: 70000, action: 'to-tbl', fwmark: 7, fwmask: 0xffffffff, flags: [], protocol: 'unspec' });
      expect(rules.find((r) => r.priority === 130)).toMatchObject({ sport: { start: 1000, end: 2000 }, dport: { start: 443, end: 443 }, uidRange: { start: 100, end: 200 }, ipProto: 'tcp', iif: 'veth0', oif: 'veth1' });
      expect(rules.find((r) => r.priority === 141)).toMatchObject({ action: 'unreachable', from: '203.0.113.0/24' });
      expect(rules.find((r) => r.priority === 141)).not.toHaveProperty('table');
      expect(rules.find((r) => r.priority === 150)).toMatchObject({ action: 'goto', goto: 160, from: '198.51.100.7/32' });
      const v6 = await rtnl.rules.list({ family: 'inet6' });
      expect(v6.every((r) => r.family === 'inet6')).toBe(true);
      expect(v6.find((r) => r.priority === 110)).toMatchObject({ action: 'prohibit', to: '2001:db8:1::/48', iif: 'veth1' });
      // The rule of the local table has priority 0, present.
      expect([...rules, ...v6].filter((r) => r.priority === 0).map((r) => r.table)).toEqual([255, 255]);
    });

    it('delete matches on the fields given', async () => {
      await rtnl.rules.delete({ priority: 143 });
      await rtnl.rules.delete({ from: '192.0.2.0/24', table: 1000 });
      await rtnl.rules.delete({ family: 'inet6', priority: 110 });
      const theirs = ipRules();
      expect(theirs.find((r) => r.priority === 143)).toBeUndefined();
      expect(theirs.find((r) => r.priority === 100 && r.src === '192.0.2.0')).toBeUndefined();
      expect(theirs.find((r) => r.priority === 100 && r.src === '2001:db8::')).toBeDefined();
      expect(theirs.find((r) => r.priority === 110 && r.dst === '2001:db8:1::')).toBeUndefined();
      expect(await ours()).toEqual(theirs);
    });
  });

  describe('created by ip, read by the library', () => {
    beforeAll(() => {
      ns.ip('rule add pref 1000 from 198.18.0.0/15 to 203.0.113.0/24 lookup 3000');
      ns.ip('rule add pref 1001 not fwmark 0x20/0xf0 iif veth1 lookup main');
      ns.ip('rule add pref 1002 ipproto udp sport 5000-6000 dport 53 uidrange 1000-2000 lookup 3001');
      ns.ip('rule add pref 1003 lookup main suppress_prefixlength 8');
      ns.ip('rule add pref 1004 goto 1006');
      ns.ip('rule add pref 1005 unreachable');
      ns.ip('rule add pref 1006 l3mdev protocol bgp');
      ns.ip('-6 rule add pref 1000 from 2001:db8:5::/48 oif veth0 lookup 3002');
    });

    it('reads them as ip -j -d rule show does, field by field', async () => {
      expect(await ours()).toEqual(ipRules());
      const rules = await rtnl.rules.list();
      const at = (p: number, family = 'inet'): Rule | undefined => rules.find((r) => r.priority === p && r.family === family);
      expect(at(1000)).toMatchObject({ from: '198.18.0.0/15', to: '203.0.113.0/24', table: 3000 });
      expect(at(1001)).toMatchObject({ flags: ['invert'], fwmark: 0x20, fwmask: 0xf0, iif: 'veth1', table: 254 });
      expect(at(1002)).toMatchObject({ ipProto: 'udp', sport: { start: 5000, end: 6000 }, dport: { start: 53, end: 53 }, uidRange: { start: 1000, end: 2000 } });
      expect(at(1003)).toMatchObject({ suppressPrefixlength: 8 });
      expect(at(1004)).toMatchObject({ action: 'goto', goto: 1006 });
      expect(at(1005)).toMatchObject({ action: 'unreachable' });
      expect(at(1006)).toMatchObject({ l3mdev: true, protocol: 'bgp' });
      expect(at(1006)).not.toHaveProperty('table');
      expect(at(1000, 'inet6')).toMatchObject({ from: '2001:db8:5::/48', oif: 'veth0', table: 3002 });
    });
  });

  describe('errors', () => {
    it('a duplicate add is EEXIST, deleting a missing rule ENOENT', async () => {
      await rtnl.rules.add({ priority: 2000, from: '198.51.100.0/24', table: 5 });
      const err = await rtnl.rules.add({ priority: 2000, from: '198.51.100.0/24', table: 5 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NetlinkError);
      expect(err).toMatchObject({ code: 'EEXIST', errno: 17 });
      expect((err as NetlinkError).request.typeName).toBe('RTM_NEWRULE');
      await expect(rtnl.rules.delete({ priority: 2001 })).rejects.toMatchObject({ name: 'NetlinkError', code: 'ENOENT' });
      await expect(rtnl.rules.delete({ priority: 2000, table: 6 })).rejects.toMatchObject({ name: 'NetlinkError', code: 'ENOENT' });
    });

    it('the kernel\'s text comes with its refusal', async () => {
      // A goto to a rule before itself.
      const err = (await rtnl.rules.add({ priority: 2010, goto: 2005 }).catch((e: unknown) => e)) as NetlinkError;
      expect(err).toBeInstanceOf(NetlinkError);
      expect(err.code).toBe('EINVAL');
      expect(err.extack.message).toMatch(/goto/i);
    });

    it('bad input is refused before anything is sent, naming the field', async () => {
      const offline = await Rtnl.open({ transport: new ReplayTransport([]) });
      try {
        const bad: [RuleSpec, string][] = [
          [{ from: '192.0.2.0/33' }, 'from'],
          [{ from: '192.0.2.0/24', to: '2001:db8::/32' }, 'to'],
          [{ family: 'inet6', from: '192.0.2.0/24' }, 'from'],
          [{ sport: { start: 2000, end: 1000 } }, 'sport'],
          [{ dport: { start: 70000, end: 70000 } }, 'dport.start'],
          [{ dport: [1, 2] as unknown as { start: number; end: number } }, 'dport'],
          [{ dport: 53 as unknown as { start: number; end: number } }, 'dport'],
          [{ dport: { start: 53, end: 53, mask: 1 } as unknown as { start: number; end: number } }, 'dport.mask'],
          [{ form: '192.0.2.0/24' } as unknown as RuleSpec, 'form'],
          [{ uidRange: { start: 1, end: 2, stop: 3 } } as unknown as RuleSpec, 'uidRange.stop'],
          [{ flags: ['inverted'] } as unknown as RuleSpec, 'flags.0'],
          [{ l3mdev: 1 } as unknown as RuleSpec, 'l3mdev'],
          [{ uidRange: { start: 10, end: 5 } }, 'uidRange'],
          [{ uidRange: { start: -1, end: 5 } }, 'uidRange.start'],
          [{ table: 'mian' as 'main' }, 'table'],
          [{ action: 'drop' as 'blackhole' }, 'action'],
          [{ action: 'blackhole', goto: 5 }, 'goto'],
          [{ action: 'blackhole', table: 5 }, 'table'],
          [{ iif: 'a-name-that-is-too-long' }, 'iif'],
          [{ oif: 'bad/name' }, 'oif'],
          [{ fwmask: 0xff }, 'fwmask'],
          [{ fwmark: 2 ** 32 }, 'fwmark'],
          [{ suppressPrefixlength: 33 }, 'suppressPrefixlength'],
          [{ ipProto: 'quic' as 'udp' }, 'ipProto'],
          [{ priority: 1.5 }, 'priority'],
          [{ family: 'ipx' as 'inet' }, 'family'],
        ];
        for (const [spec, field] of bad) {
          const err = await offline.rules.add(spec).catch((e: unknown) => e);
          expect(err, JSON.stringify(spec)).toBeInstanceOf(InvalidArgumentError);
          expect((err as InvalidArgumentError).field, JSON.stringify(spec)).toBe(field);
        }
        await expect(offline.rules.list({ family: 'bridge' as 'inet' })).rejects.toMatchObject({ name: 'InvalidArgumentError', field: 'family' });
      } finally {
        offline.close();
      }
    });
  });
});

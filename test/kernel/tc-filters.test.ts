// Filters and actions: requests equal to the bytes tc sends (u32 on IPv4/IPv6 addresses, ports
// and protocols; mirred; and, refused by this kernel, gact, police, skbedit, vlan, tunnel_key and
// the flower, matchall and basic classifiers); dumps decoded into the model and printed as tc -j;
// hand-built bytes for what tc cannot make here; the real kernel in a throwaway namespace.

import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { filterToTcJson } from '../../src/cli/tcjson.js';
import { InvalidArgumentError, NetlinkError } from '../../src/netlink/errors.js';
import { RTM_DELTFILTER, RTM_NEWTFILTER } from '../../src/rtnl/generated/tc.js';
import { Rtnl } from '../../src/rtnl/rtnl.js';
import { parseRate, parseSize } from '../../src/rtnl/tc/common/units.js';
import { filterKey } from '../../src/rtnl/tc/filter/facts.js';
import { filterFromWire, filterToWire, type ResolvedFilterSpec } from '../../src/rtnl/tc/filter/mapping.js';
import type { Filter, FilterSpec } from '../../src/rtnl/tc/filter/model.js';
import { useTestNetns } from '../harness/netns.js';
import { hex } from '../harness/bytes.js';
import { concat } from '../harness/bytes.js';
import { decodeTc, encodeTc, loadTc, nla, str, tcErrors, tcPayloads, u16be, u16le, u32be, u32le } from '../harness/tc.js';

// Type-level: a listed Filter is accepted where a FilterSpec is.
const typeCheck = (f: Filter): FilterSpec => f;
void typeCheck;

const IFB9 = 4;
const all = { type: 'u32', value: 0, mask: 0, at: 0 } as const;

describe('filter requests are the bytes tc sends', () => {
  const cases: [string, number, ResolvedFilterSpec][] = [
    [
      'filter-add-u32-mirred',
      RTM_NEWTFILTER,
      { link: 3, parent: 'ffff:', protocol: 'all', kind: 'u32', options: { matches: [all], actions: [{ kind: 'mirred', action: 'redirect', direction: 'egress', link: IFB9 }] } },
    ],
    [
      'filter-add-u32-ip',
      RTM_NEWTFILTER,
      {
        link: 3,
        parent: '1:',
        protocol: 'ip',
        priority: 1,
        kind: 'u32',
        options: { classid: '1:10', matches: [{ type: 'ip', field: 'dst', prefix: '198.51.100.0/24' }, { type: 'ip', field: 'dport', value: 80, mask: 0xffff }] },
      },
    ],
    [
      'filter-add-u32-ip6',
      RTM_NEWTFILTER,
      {
        link: 3,
        parent: '1:',
        protocol: 'ipv6',
        priority: 2,
        kind: 'u32',
        options: {
          classid: '1:10',
          matches: [
            { type: 'ip6', field: 'src', prefix: '2001:db8::/64' },
            { type: 'ip6', field: 'dport', value: 443, mask: 0xffff },
            { type: 'ip6', field: 'protocol', value: 6, mask: 0xff },
          ],
        },
      },
    ],
    [
      'filter-add-u32-ports',
      RTM_NEWTFILTER,
      {
        link: 3,
        parent: '1:',
        protocol: 'ip',
        priority: 3,
        kind: 'u32',
        options: {
          classid: '1:10',
          matches: [
            { type: 'ip', field: 'protocol', value: 17, mask: 0xff },
            { type: 'ip', field: 'sport', value: 53, mask: 0xffff },
            { type: 'ip', field: 'dport', value: 5353, mask: 0xffff },
            { type: 'ip', field: 'src', prefix: '192.0.2.0/24' },
          ],
        },
      },
    ],
    [
      'filter-add-u32-mirror',
      RTM_NEWTFILTER,
      {
        link: 3,
        parent: '1:',
        protocol: 'ip',
        priority: 4,
        kind: 'u32',
        options: { matches: [{ type: 'ip', field: 'dst', prefix: '203.0.113.7/32' }], actions: [{ kind: 'mirred', action: 'mirror', direction: 'ingress', link: IFB9 }] },
      },
    ],
    ['filter-del-prio', RTM_DELTFILTER, { link: 3, parent: '1:', protocol: 'ip', priority: 3, kind: 'u32' }],
    [
      'error-action-gact',
      RTM_NEWTFILTER,
      { link: 3, parent: 'ingress', protocol: 'ip', priority: 2, kind: 'u32', options: { actions: [{ kind: 'gact', control: 'drop' }], matches: [{ type: 'ip', field: 'src', prefix: '192.0.2.1/32' }] } },
    ],
    [
      'error-action-gact-random',
      RTM_NEWTFILTER,
      { link: 3, parent: 'ingress', protocol: 'all', priority: 8, kind: 'u32', options: { actions: [{ kind: 'gact', control: 'pass', random: { type: 'determ', value: 10, control: 'drop' } }], matches: [all] } },
    ],
    [
      'error-action-police',
      RTM_NEWTFILTER,
      { link: 3, parent: 'egress', protocol: 'all', priority: 3, kind: 'u32', options: { police: { rate: parseRate('1mbit'), burst: parseSize('10k'), control: 'drop' }, matches: [all] } },
    ],
    [
      'error-action-skbedit',
      RTM_NEWTFILTER,
      { link: 3, parent: 'ingress', protocol: 'all', priority: 8, kind: 'u32', options: { actions: [{ kind: 'skbedit', mark: 7, priority: '1:2', queueMapping: 3 }], matches: [all] } },
    ],
    [
      'error-action-vlan',
      RTM_NEWTFILTER,
      { link: 3, parent: 'ingress', protocol: 'all', priority: 8, kind: 'u32', options: { actions: [{ kind: 'vlan', vlanAction: 'push', id: 100, protocol: '802.1Q', priority: 5 }], matches: [all] } },
    ],
    [
      'error-action-tunnel-key',
      RTM_NEWTFILTER,
      {
        link: 3,
        parent: 'ingress',
        protocol: 'all',
        priority: 8,
        kind: 'u32',
        options: { actions: [{ kind: 'tunnel_key', tunnelAction: 'set', src: '192.0.2.1', dst: '192.0.2.2', keyId: 42, dstPort: 4789, tos: 0x10, ttl: 64, noCsum: true }], matches: [all] },
      },
    ],
    [
      'error-filter-flower',
      RTM_NEWTFILTER,
      {
        link: 3,
        parent: 'ingress',
        protocol: 'ip',
        priority: 5,
        kind: 'flower',
        options: { dst: '198.51.100.0/24', src: '192.0.2.0/25', ipProto: 'tcp', dstPort: 80, actions: [{ kind: 'mirred', action: 'redirect', direction: 'egress', link: IFB9 }], flags: ['skip_hw'] },
      },
    ],
    [
      'error-filter-matchall',
      RTM_NEWTFILTER,
      { link: 3, parent: 'egress', protocol: 'all', priority: 6, kind: 'matchall', options: { classid: '1:1', actions: [{ kind: 'mirred', action: 'mirror', direction: 'egress', link: IFB9 }], flags: ['skip_sw'] } },
    ],
    [
      'error-filter-basic',
      RTM_NEWTFILTER,
      { link: 3, parent: 'ingress', protocol: 'arp', priority: 7, kind: 'basic', options: { classid: '1:2', actions: [{ kind: 'mirred', action: 'redirect', direction: 'egress', link: IFB9 }] } },
    ],
  ];
  for (const [name, type, spec] of cases) {
    it(`${name}: ${loadTc(name).command}`, () => {
      const [sent] = tcPayloads(loadTc(name), 'sent', type);
      expect(hex(encodeTc(filterToWire(spec)))).toBe(hex(sent));
      expect(encodeTc(decodeTc(sent)).equals(sent)).toBe(true);
      // tc's request read as a model gives the same request again.
      if (type === RTM_NEWTFILTER) expect(hex(encodeTc(filterToWire(filterFromWire(decodeTc(sent)))))).toBe(hex(sent));
    });
  }

  it('the kernel refuses the kinds and actions it lacks, with its text', () => {
    for (const [name, text] of [
      ['error-filter-flower', 'TC classifier not found'],
      ['error-filter-matchall', 'TC classifier not found'],
      ['error-filter-basic', 'TC classifier not found'],
      ['error-action-gact', 'Failed to load TC action module'],
      ['error-action-police', 'Failed to load TC action module'],
      ['error-action-skbedit', 'Failed to load TC action module'],
      ['error-action-vlan', 'Failed to load TC action module'],
      ['error-action-tunnel-key', 'Failed to load TC action module'],
    ] as const) {
      const [err] = tcErrors(loadTc(name));
      expect(err.extack?.message).toBe(text);
    }
  });

  it('refuses bad input before sending, naming the field', () => {
    const base = { link: 3, parent: '1:', protocol: 'ip', kind: 'u32' } as const;
    expect(() => filterToWire({ ...base, parent: '1:2:3' })).toThrow(/parent/);
    expect(() => filterToWire({ ...base, protocol: 'ipx6' })).toThrow(/protocol/);
    expect(() => filterToWire({ ...base, options: { matches: [{ type: 'ip', field: 'dst', prefix: '2001:db8::/64' }] } })).toThrow(/options\.matches\.0\.prefix/);
    expect(() => filterToWire({ ...base, options: { matches: [{ type: 'ip', field: 'dport', value: 70000, mask: 0xffff }] } })).toThrow(/options\.matches\.0\.value/);
    expect(() => filterToWire({ ...base, options: { matches: [{ type: 'u32', value: 1, mask: 1, at: 2 }] } })).toThrow(/options\.matches\.0\.at/);
    expect(() => filterToWire({ ...base, options: { actions: [{ kind: 'mirred', action: 'redirect', direction: 'sideways' as 'egress', link: 4 }] } })).toThrow(/options\.actions\.0\.direction/);
    expect(() => filterToWire({ ...base, options: { actions: [{ kind: 'gact', control: 'explode' }] } })).toThrow(/options\.actions\.0\.control/);
    expect(() => filterToWire({ ...base, options: { actions: [{ kind: 'mirred', action: 'redirect', direction: 'egress', link: 4, lnik: 5 } as never] } })).toThrow(/options\.actions\.0\.lnik/);
    expect(() => filterToWire({ ...base, options: { clasid: '1:1' } as never })).toThrow(/options\.clasid/);
    expect(() => filterToWire({ ...base, options: { police: { rate: parseRate('1mbit') } } })).toThrow(/options\.police\.burst/);
    expect(() => filterToWire({ ...base, options: { matches: [{ type: 'ip', field: 'dport', value: 80, mask: 0xffff }, { type: 'ip', field: 'dport', value: 81, mask: 0xffff }] } })).toThrow(/contradicts/);
  });
});

describe('filter dumps from this kernel', () => {
  for (const [name, parent] of [['filter-dump', 'ffff:'], ['filter-dump-u32', '1:']] as const) {
    it(`${name}: decode into the model, print as tc -j, and map back`, () => {
      const fx = loadTc(name);
      const names = new Map([[1, 'lo'], [2, 'v1'], [3, 'v0'], [4, 'ifb9']]);
      const filters = tcPayloads(fx, 'received', RTM_NEWTFILTER).map((p) => {
        expect(hex(encodeTc(decodeTc(p)))).toBe(hex(p));
        return filterFromWire(decodeTc(p));
      });
      expect(filters.map((f) => filterToTcJson(f, { dev: 'v0', parent }, (i) => names.get(i)))).toEqual(fx.ipJson);
      for (const f of filters) {
        expect(JSON.parse(JSON.stringify(f))).toEqual(f);
        const again = filterFromWire(filterToWire(f));
        expect(withoutReadOnly(again)).toEqual(withoutReadOnly(f));
      }
    });
  }

  it('u32 keys read back as the matches tc users write', () => {
    const filters = tcPayloads(loadTc('filter-dump-u32'), 'received', RTM_NEWTFILTER).map((p) => filterFromWire(decodeTc(p)));
    const withMatches = filters.filter((f) => f.handle?.endsWith(':800'));
    expect(withMatches.map((f) => [f.protocol, f.priority, f.handle, (f.options as { matches: unknown }).matches])).toEqual([
      ['ipv6', 2, '800::800', [{ type: 'ip6', field: 'src', prefix: '2001:db8::/64' }, { type: 'ip6', field: 'dport', value: 443, mask: 0xffff }, { type: 'ip6', field: 'protocol', value: 6, mask: 0xff }]],
      [
        'ip',
        3,
        '801::800',
        [
          { type: 'ip', field: 'protocol', value: 17, mask: 0xff },
          { type: 'ip', field: 'sport', value: 53, mask: 0xffff },
          { type: 'ip', field: 'dport', value: 5353, mask: 0xffff },
          { type: 'ip', field: 'src', prefix: '192.0.2.0/24' },
        ],
      ],
      ['ip', 4, '802::800', [{ type: 'ip', field: 'dst', prefix: '203.0.113.7/32' }]],
    ]);
    expect(withMatches[2].options).toMatchObject({ hashTable: '802:', terminal: true, inHw: false, actions: [{ kind: 'mirred', action: 'mirror', direction: 'ingress', link: 4, control: 'pipe', index: 1 }] });
    expect(filters[0]).toEqual({ link: 3, parent: '1:', kind: 'u32', protocol: 'ipv6', priority: 2, chain: 0 });
    expect(filters[1]).toMatchObject({ handle: '800:', options: { divisor: 1 } });
    expect(filterKey(withMatches[0])).toBe('3|1:|0|2|ipv6|800::800');
  });
});

/** What add() does not send back: the read-only facts of actions and offload state. */
function withoutReadOnly(f: Filter): Filter {
  const o = f.options;
  if (o === undefined || o instanceof Uint8Array) return f;
  const { inHw: _h, ...opts } = o as { inHw?: boolean; actions?: Record<string, unknown>[] };
  if (opts.actions) {
    opts.actions = opts.actions.map((a) => {
      const { stats: _s, refcount: _r, bindcount: _b, installed: _i, lastUsed: _l, firstUsed: _f, ...rest } = a;
      return rest;
    });
  }
  return { ...f, options: opts as Filter['options'] };
}

describe('kinds this kernel lacks, byte for byte (hand-built from <linux/pkt_cls.h> and tc_act/*.h)', () => {
  const hdr = (kind: string, parent: number, info: number, handle: number): Uint8Array =>
    concat([Uint8Array.of(0, 0, 0, 0), u32le(3), u32le(handle), u32le(parent), u32le(info), nla(1, str(kind))]);
  /** struct tc_gen: index, capab, action, refcnt, bindcnt. */
  const gen = (index: number, action: number, refcnt = 1, bindcnt = 1): Uint8Array => concat([u32le(index), u32le(0), u32le(action), u32le(refcnt), u32le(bindcnt)]);
  // The kernel opens its nests without NLA_F_NESTED, except what tc sent with it (TCA_ACT_OPTIONS).
  const act = (order: number, kind: string, options: Uint8Array): Uint8Array => nla(order, concat([nla(1, str(kind)), nla(2, options, true)]));
  const PROTO_IP = 0x0008; // htons(ETH_P_IP) as tcm_info's low half

  it('a matchall filter as the kernel lists it, with skbedit, vlan, tunnel_key and bpf actions', () => {
    const options = concat([
      nla(1, u32le(0x10001)), // TCA_MATCHALL_CLASSID 1:1
      nla(2, concat([
        act(1, 'skbedit', concat([nla(2, gen(3, 3)), nla(5, u32le(7)), nla(8, u32le(0xff))])), // parms, mark 7, mask 0xff
        act(2, 'vlan', concat([nla(2, concat([gen(4, 3), u32le(2)])), nla(3, u16le(100)), nla(4, u16be(0x88a8)), nla(6, Uint8Array.of(5))])), // push 100 802.1ad prio 5
        act(3, 'tunnel_key', concat([nla(2, concat([gen(5, 3), u32le(1)])), nla(3, u32be(0xc0000201)), nla(4, u32be(0xc0000202)), nla(7, u32be(42)), nla(9, u16be(4789)), nla(10, Uint8Array.of(1))])),
        act(4, 'bpf', concat([nla(2, gen(6, 2)), nla(3, u16le(1)), nla(4, Uint8Array.of(6, 0, 0, 0, 0, 0, 0, 0))])), // one instruction: ret #0
      ])), // TCA_MATCHALL_ACT
      nla(3, u32le(2 | 8)), // TCA_MATCHALL_FLAGS: skip_sw | not_in_hw
    ]);
    const bytes = concat([hdr('matchall', 0xfffffff3, (1 << 16) | PROTO_IP, 1), nla(2, options), nla(11, u32le(0))]);
    const f = filterFromWire(decodeTc(bytes));
    expect(f).toEqual({
      link: 3,
      parent: 'ffff:fff3',
      kind: 'matchall',
      protocol: 'ip',
      priority: 1,
      chain: 0,
      handle: '0x1',
      options: {
        classid: '1:1',
        actions: [
          { kind: 'skbedit', index: 3, control: 'pipe', refcount: 1, bindcount: 1, mark: 7, mask: 0xff },
          { kind: 'vlan', vlanAction: 'push', index: 4, control: 'pipe', refcount: 1, bindcount: 1, id: 100, protocol: '802.1ad', priority: 5 },
          { kind: 'tunnel_key', tunnelAction: 'set', index: 5, control: 'pipe', refcount: 1, bindcount: 1, src: '192.0.2.1', dst: '192.0.2.2', keyId: 42, dstPort: 4789, noCsum: true },
          { kind: 'bpf', index: 6, control: 'drop', refcount: 1, bindcount: 1, ops: Uint8Array.of(6, 0, 0, 0, 0, 0, 0, 0) },
        ],
        flags: ['skip_sw'],
        inHw: false,
      },
    });
    // The codec keeps the bytes; the model gives back a request of the same meaning.
    expect(hex(encodeTc(decodeTc(bytes)))).toBe(hex(bytes));
    expect(withoutReadOnly(filterFromWire(filterToWire(f)))).toEqual(withoutReadOnly(f));
  });

  it('a bpf filter (direct action) and a basic filter with ematches', () => {
    const bpfOpts = concat([nla(3, u32le(0x10002)), nla(4, u16le(1)), nla(5, Uint8Array.of(6, 0, 0, 0, 0xff, 0xff, 0xff, 0xff)), nla(8, u32le(1))]);
    const bpfBytes = concat([hdr('bpf', 0xfffffff2, (49152 << 16) | 0x0300, 1), nla(2, bpfOpts)]);
    const b = filterFromWire(decodeTc(bpfBytes));
    expect(b).toMatchObject({ kind: 'bpf', protocol: 'all', priority: 49152, parent: 'ffff:fff2', options: { classid: '1:2', directAction: true, ops: Uint8Array.of(6, 0, 0, 0, 0xff, 0xff, 0xff, 0xff) } });
    // tcf_em_tree_dump opens its nests without NLA_F_NESTED.
    const em = concat([nla(1, concat([u16le(1), u16le(0)])), nla(2, new Uint8Array(12).fill(3))]);
    const basicBytes = concat([hdr('basic', 0x10000, (7 << 16) | 0x0608, 1), nla(2, concat([nla(1, u32le(0x10002)), nla(2, em)]))]);
    const ba = filterFromWire(decodeTc(basicBytes));
    expect(ba).toMatchObject({ kind: 'basic', protocol: 'arp', options: { classid: '1:2' } });
    expect(hex(encodeTc(filterToWire(ba)))).toBe(hex(basicBytes));
  });

  it('a flower filter as the kernel lists it; unknown attributes and unknown actions kept byte for byte', () => {
    const opts = concat([
      nla(1, u32le(0x10010)), // classid 1:10
      nla(12, u32be(0xc6336400)), nla(13, u32be(0xffffff00)), // dst 198.51.100.0/24
      nla(9, Uint8Array.of(17)), // ip_proto udp
      nla(21, u16be(53)), // udp dst 53
      nla(22, u32le(8)), // flags: not_in_hw
      nla(8, u16be(0x0800)), // eth_type = the protocol
      nla(250, u32le(1234)), // an attribute of a newer kernel
    ]);
    const bytes = concat([hdr('flower', 0xfffffff2, (5 << 16) | PROTO_IP, 1), nla(2, opts), nla(11, u32le(0))]);
    const f = filterFromWire(decodeTc(bytes));
    expect(f.options).toEqual({ classid: '1:10', dst: '198.51.100.0/24', ipProto: 'udp', dstPort: 53, inHw: false });
    const again = encodeTc(filterToWire(f));
    // The unknown attribute goes back; flags lose the kernel's read-only not_in_hw.
    expect(hex(again)).toContain(hex(nla(250, u32le(1234))));
    expect(filterFromWire(decodeTc(again)).options).toEqual({ classid: '1:10', dst: '198.51.100.0/24', ipProto: 'udp', dstPort: 53 });
    // An action kind without a model: its options kept as bytes.
    const pedit = act(1, 'pedit', concat([nla(2, new Uint8Array(24).fill(0)), nla(42, u32le(9))]));
    const u = concat([hdr('u32', 0x10000, (1 << 16) | PROTO_IP, 0x80000800), nla(2, concat([nla(7, pedit)]))]);
    const uf = filterFromWire(decodeTc(u));
    expect(((uf.options as { actions: { options: Uint8Array }[] }).actions[0].options)).toBeInstanceOf(Uint8Array);
    expect(hex(encodeTc(filterToWire(uf)))).toBe(hex(u));
  });
});

describe('filters on the kernel', () => {
  const ns = useTestNetns();
  beforeAll(() => {
    execFileSync('ip', ['netns', 'exec', ns.name, 'sysctl', '-qw', 'net.ipv6.conf.default.disable_ipv6=1', 'net.ipv6.conf.all.disable_ipv6=1']);
    ns.ip('link add v0 type veth peer name v1');
    ns.ip('link add ifb3 type ifb');
    for (const l of ['v0', 'v1', 'ifb3']) ns.ip(`link set ${l} up`);
  });
  const tcJson = (args: string): Record<string, unknown>[] => {
    const out = execFileSync('tc', ['-n', ns.name, '-j', ...args.split(' ')], { encoding: 'utf8' }).trim();
    return out === '' ? [] : (JSON.parse(out) as Record<string, unknown>[]);
  };
  const tc = (args: string): void => void execFileSync('tc', ['-n', ns.name, ...args.split(' ')]);

  it('creates u32 filters with mirred actions equal to what tc -j -s shows; lists tc-made ones as tc shows them', async () => {
    const rtnl = await Rtnl.open({ netns: ns.name });
    try {
      await rtnl.qdiscs.add({ link: 'v0', kind: 'ingress' });
      await rtnl.qdiscs.add({ link: 'v0', kind: 'htb', handle: '1:', options: { defaultClass: 0x10 } });
      await rtnl.classes.add({ link: 'v0', kind: 'htb', handle: '1:10', options: { rate: parseRate('10mbit') } });
      const made = await rtnl.filters.add({
        link: 'v0',
        parent: 'ffff:',
        protocol: 'all',
        kind: 'u32',
        options: { matches: [{ type: 'u32', value: 0, mask: 0, at: 0 }], actions: [{ kind: 'mirred', action: 'redirect', direction: 'egress', link: 'ifb3' }] },
      });
      expect(made).toMatchObject({ priority: 49152, handle: '800::800', options: { actions: [{ kind: 'mirred', control: 'stolen' }] } });
      await rtnl.filters.add({
        link: 'v0',
        parent: '1:',
        protocol: 'ip',
        priority: 10,
        kind: 'u32',
        options: { classid: '1:10', matches: [{ type: 'ip', field: 'dst', prefix: '198.51.100.0/24' }, { type: 'ip', field: 'sport', value: 22, mask: 0xffff }, { type: 'ip', field: 'dport', value: 80, mask: 0xffff }] },
      });
      await rtnl.filters.add({
        link: 'v0',
        parent: '1:',
        protocol: 'ipv6',
        priority: 11,
        kind: 'u32',
        options: { matches: [{ type: 'ip6', field: 'dst', prefix: '2001:db8:1::/48' }], actions: [{ kind: 'mirred', action: 'mirror', direction: 'ingress', link: 'ifb3' }] },
      });
      tc('filter add dev v0 parent 1: protocol ip prio 12 u32 match ip src 203.0.113.0/24 match ip protocol 6 0xff flowid 1:10');
      const names = new Map((await rtnl.links.list()).map((l) => [l.index as number, l.name as string]));
      const dev = (i: number): string | undefined => names.get(i);
      for (const parent of ['ffff:', '1:']) {
        const listed = await rtnl.filters.list({ link: 'v0', parent });
        expect(listed.map((f) => filterToTcJson(f, { dev: 'v0', parent }, dev))).toEqual(tcJson(`-s filter show dev v0 parent ${parent}`));
      }
      // Without a parent: every qdisc and class of the link.
      const everything = await rtnl.filters.list({ link: 'v0' });
      expect(new Set(everything.map((f) => f.parent))).toEqual(new Set(['ffff:', '1:']));
      // Kernel-side filters: priority and protocol.
      expect((await rtnl.filters.list({ link: 'v0', parent: '1:', priority: 11 })).every((f) => f.priority === 11 && f.protocol === 'ipv6')).toBe(true);
      expect((await rtnl.filters.list({ link: 'v0', parent: '1:', protocol: 'ipv6' })).length).toBe(3);
      // The tc-made filter reads back as the matches tc users write.
      const tcMade = everything.find((f) => f.priority === 12 && f.handle?.endsWith(':800')) as Filter;
      expect((tcMade.options as { matches: unknown }).matches).toEqual([{ type: 'ip', field: 'src', prefix: '203.0.113.0/24' }, { type: 'ip', field: 'protocol', value: 6, mask: 0xff }]);
    } finally {
      rtnl.close();
    }
  });

  it('list -> delete by the listed object -> re-add -> equal; get, change, replace', async () => {
    const rtnl = await Rtnl.open({ netns: ns.name });
    try {
      const before = await rtnl.filters.list({ link: 'v0' });
      const rules = before.filter((f) => f.options !== undefined && (f.options as { matches?: unknown }).matches !== undefined);
      expect(rules.length).toBe(4);
      for (const f of rules) {
        await rtnl.filters.delete(f);
        expect((await rtnl.filters.list({ link: 'v0', parent: f.parent })).some((x) => filterKey(x) === filterKey(f))).toBe(false);
        await rtnl.filters.add(f);
      }
      const after = await rtnl.filters.list({ link: 'v0' });
      const sorted = (xs: Filter[]): Filter[] => [...xs].sort((a, b) => filterKey(a).localeCompare(filterKey(b)));
      expect(sorted(after).map(withoutReadOnly)).toEqual(sorted(before).map(withoutReadOnly));

      const one = rules.find((f) => f.priority === 10) as Filter;
      expect(withoutReadOnly(await rtnl.filters.get(one))).toEqual(withoutReadOnly(one));
      // The kernel's quirk: changing a u32 filter keeps its selector (the matches), the rest changes.
      const changed = await rtnl.filters.change({ ...one, options: { ...(one.options as object), classid: '1:20', matches: [{ type: 'ip', field: 'dst', prefix: '198.51.100.128/25' }] } });
      expect(changed.options).toMatchObject({ classid: '1:20', matches: (one.options as { matches: unknown }).matches });
      const replaced = await rtnl.filters.replace({ ...one, options: { ...(one.options as object), classid: '1:10' } });
      expect(withoutReadOnly(replaced)).toEqual(withoutReadOnly(one));
      await expect(rtnl.filters.add(one)).rejects.toMatchObject({ code: 'EEXIST' });
      // Deleting the entry of a priority deletes every filter of it.
      const head = after.find((f) => f.priority === 12 && f.handle === undefined) as Filter;
      await rtnl.filters.delete(head);
      expect((await rtnl.filters.list({ link: 'v0', parent: '1:' })).some((f) => f.priority === 12)).toBe(false);
    } finally {
      rtnl.close();
    }
  });

  it('kinds and actions this kernel lacks: the kernel error, clearly; bad input before sending', async () => {
    const rtnl = await Rtnl.open({ netns: ns.name });
    try {
      const cases: [FilterSpec, string][] = [
        [{ link: 'v0', parent: 'ffff:', kind: 'matchall', options: { actions: [{ kind: 'mirred', action: 'redirect', direction: 'egress', link: 'ifb3' }] } }, 'TC classifier not found'],
        [{ link: 'v0', parent: 'ffff:', kind: 'flower', protocol: 'ip', options: { dst: '198.51.100.0/24' } }, 'TC classifier not found'],
        [{ link: 'v0', parent: 'ffff:', kind: 'u32', options: { matches: [all], actions: [{ kind: 'gact', control: 'drop' }] } }, 'Failed to load TC action module'],
        [{ link: 'v0', parent: 'ffff:', kind: 'u32', options: { matches: [all], police: { rate: parseRate('1mbit'), burst: 10240, control: 'drop' } } }, 'Failed to load TC action module'],
        [{ link: 'v0', parent: 'ffff:', kind: 'u32', options: { matches: [all], actions: [{ kind: 'skbedit', mark: 1 }] } }, 'Failed to load TC action module'],
      ];
      for (const [spec, text] of cases) {
        const e = await rtnl.filters.add(spec).catch((x: unknown) => x);
        expect(e).toBeInstanceOf(NetlinkError);
        expect((e as NetlinkError).message).toContain(text);
      }
      await expect(rtnl.filters.add({ link: 'v0', parent: 'nowhere', kind: 'u32' })).rejects.toThrow(InvalidArgumentError);
      await expect(rtnl.filters.add({ link: 'v0', parent: '1:', kind: 'u32', options: { actions: [{ kind: 'mirred', action: 'redirect', direction: 'egress', link: 'nosuchdev' }] } })).rejects.toThrow(/nosuchdev/);
      const noParent = await rtnl.filters.add({ link: 'v0', parent: '7:', kind: 'u32', options: { matches: [all] } }).catch((x: unknown) => x);
      expect(noParent).toBeInstanceOf(NetlinkError);
      expect((noParent as NetlinkError).message).toContain("Parent Qdisc doesn't exists");
      // Refused before sending, naming the field, and nothing made: a u32 handle in a form that is
      // no handle, a rate that is no rate, a mirred target that does not exist.
      const beforeBad = (await rtnl.filters.list({ link: 'v0' })).map(withoutReadOnly);
      await expect(rtnl.filters.add({ link: 'v0', parent: 'ffff:', kind: 'u32', handle: '800:x', options: { matches: [all] } })).rejects.toThrow(/^handle: "800:x" is not a u32 handle/);
      await expect(rtnl.filters.add({ link: 'v0', parent: 'ffff:', kind: 'u32', handle: '1:2:3:4', options: { matches: [all] } })).rejects.toThrow(InvalidArgumentError);
      await expect(rtnl.filters.add({ link: 'v0', parent: 'ffff:', kind: 'u32', options: { matches: [all], police: { rate: 'fast' as unknown as number, burst: 10240, control: 'drop' } } })).rejects.toThrow(
        /^options\.police\.rate: "fast" is not a rate/,
      );
      expect((await rtnl.filters.list({ link: 'v0' })).map(withoutReadOnly)).toEqual(beforeBad);
    } finally {
      rtnl.close();
    }
  });
});

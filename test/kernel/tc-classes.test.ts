// Traffic classes (htb): requests equal to the bytes tc sends (64-bit rates and framing settings
// included); kernel dumps decoded into the model and printed as tc prints them; and the real
// kernel in a throwaway namespace (list -> delete by the listed object -> re-add -> equal).

import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { classToTcJson, classToTcText } from '../../src/cli/tcjson.js';
import { InvalidArgumentError, NetlinkError } from '../../src/netlink/errors.js';
import { RTM_DELTCLASS, RTM_NEWTCLASS } from '../../src/rtnl/generated/tc.js';
import { Rtnl } from '../../src/rtnl/rtnl.js';
import { classKey } from '../../src/rtnl/tc/class/facts.js';
import { classFromWire, classToWire, type ResolvedClassSpec } from '../../src/rtnl/tc/class/mapping.js';
import type { TrafficClass, TrafficClassSpec } from '../../src/rtnl/tc/class/model.js';
import { parseRate, parseSize } from '../../src/rtnl/tc/common/units.js';
import { useTestNetns } from '../harness/netns.js';
import { hex } from '../harness/bytes.js';
import { decodeTc, encodeTc, loadTc, tcPayloads } from '../harness/tc.js';

/** What add() does not send back: the read-only facts (and the level the kernel computes). */
function withoutReadOnly(c: TrafficClass): Omit<TrafficClass, 'stats' | 'xstats' | 'leaf'> {
  const { stats: _s, xstats: _x, leaf: _l, ...rest } = c;
  if (rest.options && !(rest.options instanceof Uint8Array)) {
    const { level: _v, ...o } = rest.options;
    return { ...rest, options: o as typeof rest.options };
  }
  return rest;
}

// Type-level: a listed TrafficClass is accepted where a TrafficClassSpec is.
const typeCheck = (c: TrafficClass): TrafficClassSpec => c;
void typeCheck;

describe('class requests are the bytes tc sends', () => {
  const cases: [string, number, ResolvedClassSpec][] = [
    ['class-add-htb', RTM_NEWTCLASS, { link: 3, kind: 'htb', handle: '1:10', parent: '1:', options: { rate: parseRate('4mbit'), ceil: parseRate('5mbit') } }],
    [
      'class-add-htb-64',
      RTM_NEWTCLASS,
      { link: 3, kind: 'htb', handle: '1:20', parent: '1:', options: { rate: parseRate('40gbit'), ceil: parseRate('50gbit'), burst: parseSize('150k'), prio: 3, quantum: 1500 } },
    ],
    [
      'class-add-htb-atm',
      RTM_NEWTCLASS,
      { link: 3, kind: 'htb', handle: '1:30', parent: '1:', options: { rate: parseRate('1mbit'), overhead: 10, mpu: 64, linklayer: 'atm', mtu: 9000, cburst: parseSize('20k') } },
    ],
    ['class-change-htb', RTM_NEWTCLASS, { link: 3, kind: 'htb', handle: '1:10', parent: '1:', options: { rate: parseRate('2mbit'), ceil: parseRate('3mbit') } }],
    ['class-del', RTM_DELTCLASS, { link: 3, handle: '1:10' }],
  ];
  for (const [name, type, spec] of cases) {
    it(`${name}: ${loadTc(name).command}`, () => {
      const [sent] = tcPayloads(loadTc(name), 'sent', type);
      expect(hex(encodeTc(classToWire(spec)))).toBe(hex(sent));
      expect(encodeTc(decodeTc(sent)).equals(sent)).toBe(true);
    });
  }

  it('64-bit rates: the 32-bit fields say 2^32-1 and TCA_HTB_RATE64/CEIL64 carry the rate', () => {
    const w = classToWire({ link: 3, kind: 'htb', handle: '1:20', options: { rate: parseRate('40gbit') } });
    const o = w.options as { rate64?: bigint; ceil64?: bigint; parms: { rate: { rate: number } } };
    expect(o.rate64).toBe(5_000_000_000n);
    expect(o.ceil64).toBe(5_000_000_000n);
    expect(o.parms.rate.rate).toBe(0xffffffff);
    expect(classFromWire(w).options).toMatchObject({ rate: 40e9, ceil: 40e9 });
  });

  it('refuses bad input before sending, naming the field', () => {
    expect(() => classToWire({ link: 3, kind: 'htb', handle: '1', options: { rate: 1e6 } })).toThrow(/handle/);
    expect(() => classToWire({ link: 3, kind: 'htb', handle: '1:', options: { rate: 1e6 } })).toThrow(/minor/);
    expect(() => classToWire({ link: 3, kind: 'htb', handle: '1:10', options: { rate: 'fast' as unknown as number } })).toThrow(/options\.rate/);
    expect(() => classToWire({ link: 3, kind: 'htb', handle: '1:10', options: {} })).toThrow(/options\.rate/);
    expect(() => classToWire({ link: 3, kind: 'htb', handle: '1:10', options: { rate: 1e6, prio: 9 } })).toThrow(/options\.prio/);
    expect(() => classToWire({ link: 3, kind: 'htb', handle: '1:10', options: { rate: 1e6, celi: 2e6 } as never })).toThrow(/options\.celi/);
    expect(() => classToWire({ link: 3, kind: 'htb', handle: '1:10', parnet: '1:' } as never)).toThrow(InvalidArgumentError);
  });
});

describe('class dumps from this kernel', () => {
  it('class-dump: decode into the model, print as tc 6.1 does, and map back', () => {
    const fx = loadTc('class-dump');
    const classes = tcPayloads(fx, 'received', RTM_NEWTCLASS).map((p) => {
      expect(hex(encodeTc(decodeTc(p)))).toBe(hex(p));
      return classFromWire(decodeTc(p));
    });
    expect(classes.map((c) => classToTcText(c, undefined)).join('')).toBe(fx.stdout);
    expect(classes[0]).toEqual({
      link: 4,
      kind: 'htb',
      handle: '1:10',
      parent: 'root',
      options: { rate: 4_000_000, ceil: 5_000_000, burst: 1600, cburst: 1600, prio: 2, quantum: 100000, level: 7 },
      stats: { bytes: 0, packets: 0, drops: 0, overlimits: 0, requeues: 0, backlog: 0, qlen: 0 },
      xstats: { lends: 0, borrows: 0, giants: 0, tokens: 50000, ctokens: 40000 },
    });
    // tc: burst 15k at 1mbit.
    expect(classes[1]).toMatchObject({ handle: '1:20', parent: '1:10', leaf: '20:', options: { rate: 1_000_000, ceil: 4_000_000, burst: 15360, cburst: 1600, level: 0 } });
    for (const c of classes) {
      expect(withoutReadOnly(classFromWire(classToWire(c)))).toEqual(withoutReadOnly(c));
      expect(JSON.parse(JSON.stringify(c))).toEqual(c);
    }
    expect(classToTcJson(classes[1], 'ifb9')).toEqual({
      class: 'htb',
      handle: '1:20',
      dev: 'ifb9',
      parent: '1:10',
      leaf: '0x20',
      prio: 0,
      rate: 125000,
      ceil: 500000,
      burst: 15360,
      cburst: 1600,
      stats: { bytes: 0, packets: 0, drops: 0, overlimits: 0, requeues: 0, backlog: 0, qlen: 0, lended: 0, borrowed: 0, giants: 0, tokens: 1920000, ctokens: 50000 },
    });
    expect(classKey(classes[1])).toBe('4|1:20');
  });
});

describe('classes on the kernel', () => {
  const ns = useTestNetns();
  beforeAll(() => {
    // No IPv6: no router solicitations moving the counters between a list and tc's show.
    execFileSync('ip', ['netns', 'exec', ns.name, 'sysctl', '-qw', 'net.ipv6.conf.default.disable_ipv6=1', 'net.ipv6.conf.all.disable_ipv6=1']);
    ns.ip('link add v0 type veth peer name v1');
    ns.ip('link set v0 up');
    ns.ip('link set v1 up');
  });
  const tc = (args: string): string => execFileSync('tc', ['-n', ns.name, ...args.split(' ')], { encoding: 'utf8' });

  it('creates htb classes (64-bit rates included) equal to what tc -s -d shows, and lists tc-made ones as tc shows them', async () => {
    const rtnl = await Rtnl.open({ netns: ns.name });
    try {
      await rtnl.qdiscs.add({ link: 'v0', kind: 'htb', handle: '1:', options: { defaultClass: 0x10 } });
      const made = [
        await rtnl.classes.add({ link: 'v0', kind: 'htb', handle: '1:1', parent: '1:', options: { rate: parseRate('100mbit') } }),
        await rtnl.classes.add({ link: 'v0', kind: 'htb', handle: '1:10', parent: '1:1', options: { rate: parseRate('4mbit'), ceil: parseRate('5mbit'), prio: 2 } }),
        await rtnl.classes.add({ link: 'v0', kind: 'htb', handle: '1:20', parent: '1:1', options: { rate: parseRate('40gbit'), ceil: parseRate('50gbit'), burst: parseSize('150k'), quantum: 1500 } }),
        await rtnl.classes.add({ link: 'v0', kind: 'htb', handle: '1:30', options: { rate: parseRate('1mbit'), overhead: 10, mpu: 64, linklayer: 'atm', cburst: parseSize('20k') } }),
      ];
      expect(made.map((c) => [c.handle, c.parent])).toEqual([['1:1', 'root'], ['1:10', '1:1'], ['1:20', '1:1'], ['1:30', 'root']]);
      expect(made[2].options).toMatchObject({ rate: 40e9, ceil: 50e9, quantum: 1500 });
      tc('qdisc add dev v0 parent 1:10 handle 10: pfifo limit 10');
      const listed = await rtnl.classes.list({ link: 'v0' });
      expect(listed.map((c) => classToTcText(c, undefined, true, true)).join('')).toBe(tc('-s -d class show dev v0'));
      expect(listed.find((c) => c.handle === '1:10')?.leaf).toBe('10:');

      // Made by tc, listed by the library; all interfaces at once, and the kernel's qdisc filter.
      tc('qdisc add dev v1 root handle 2: htb default 5');
      tc('class add dev v1 parent root classid 2:5 htb rate 3mbit ceil 6mbit burst 10k cburst 3k prio 4');
      // (tc 6.1 lists classes only with a device; the library asks every interface in turn.)
      const all = await rtnl.classes.list();
      const v1 = await rtnl.links.indexOf('v1');
      expect(all.filter((c) => c.link === v1).length).toBe(1);
      expect(all.length).toBe(5);
      expect(all.filter((c) => c.link === v1).map((c) => classToTcText(c, undefined)).join('')).toBe(tc('-s class show dev v1'));
      expect((await rtnl.classes.list({ link: 'v1', qdisc: '2:' })).map((c) => c.handle)).toEqual(['2:5']);
      expect(await rtnl.classes.list({ link: 'v1', qdisc: '1:' })).toEqual([]);
      expect((await rtnl.classes.list({ link: 'v0', parent: '1:1' })).map((c) => c.handle).sort()).toEqual(['1:10', '1:20']);
    } finally {
      rtnl.close();
    }
  });

  it('list -> delete by the listed object -> re-add -> equal; get, change, replace', async () => {
    const rtnl = await Rtnl.open({ netns: ns.name });
    try {
      const before = await rtnl.classes.list({ link: 'v0' });
      expect(before.length).toBe(4);
      // Leaves first (a class with children is busy), then back parents first.
      const byLevel = [...before].sort((a, b) => ((a.options as { level: number }).level - (b.options as { level: number }).level));
      for (const c of byLevel) {
        if (c.leaf !== undefined) await rtnl.qdiscs.delete({ link: c.link, parent: c.handle });
        await rtnl.classes.delete(c);
      }
      expect(await rtnl.classes.list({ link: 'v0' })).toEqual([]);
      for (const c of [...byLevel].reverse()) await rtnl.classes.add(c);
      const after = await rtnl.classes.list({ link: 'v0' });
      const sorted = (xs: TrafficClass[]): TrafficClass[] => [...xs].sort((a, b) => classKey(a).localeCompare(classKey(b)));
      expect(sorted(after).map(withoutReadOnly)).toEqual(sorted(before).map(withoutReadOnly));

      const got = await rtnl.classes.get({ link: 'v0', handle: '1:10' });
      expect(withoutReadOnly(got)).toEqual(withoutReadOnly(before.find((c) => c.handle === '1:10') as TrafficClass));
      const changed = await rtnl.classes.change({ ...got, options: { rate: parseRate('2mbit'), ceil: parseRate('3mbit') } });
      expect(changed.options).toMatchObject({ rate: 2_000_000, ceil: 3_000_000, burst: 1600, cburst: 1600 });
      const replaced = await rtnl.classes.replace({ link: 'v0', kind: 'htb', handle: '1:40', options: { rate: parseRate('500kbit') } });
      expect(replaced).toMatchObject({ handle: '1:40', parent: 'root', options: { rate: 500_000, ceil: 500_000 } });
      await expect(rtnl.classes.add({ link: 'v0', kind: 'htb', handle: '1:40', options: { rate: 1e6 } })).rejects.toMatchObject({ code: 'EEXIST' });
    } finally {
      rtnl.close();
    }
  });

  it('bad input is refused before sending; the kernel refusals carry its text', async () => {
    const rtnl = await Rtnl.open({ netns: ns.name });
    try {
      await expect(rtnl.classes.add({ link: 'v0', kind: 'htb', handle: '1', options: { rate: 1e6 } })).rejects.toThrow(InvalidArgumentError);
      await expect(rtnl.classes.add({ link: 'v0', kind: 'htb', handle: '1:50', options: { rate: 'fast' as unknown as number } })).rejects.toThrow(/options\.rate/);
      // A qdisc that does not exist.
      const noQdisc = await rtnl.classes.add({ link: 'v0', kind: 'htb', handle: '7:1', options: { rate: 1e6 } }).catch((e: unknown) => e);
      expect(noQdisc).toBeInstanceOf(NetlinkError);
      expect((noQdisc as NetlinkError).code).toBe('ENOENT');
      // (The kernel gives no extended-ACK text here: the error names the request and the errno.)
      expect((noQdisc as NetlinkError).message).toMatch(/^RTM_NEWTCLASS: ENOENT/);
      // Handles and parents in a form that is no handle: refused naming the field, nothing made.
      const beforeBad = await rtnl.classes.list({ link: 'v0' });
      await expect(rtnl.classes.add({ link: 'v0', kind: 'htb', handle: '1:60', parent: 'zz', options: { rate: 1e6 } })).rejects.toThrow(/^parent: "zz" is not a handle/);
      await expect(rtnl.classes.add({ link: 'v0', kind: 'htb', handle: '1:10000', options: { rate: 1e6 } })).rejects.toThrow(/^handle: /);
      await expect(rtnl.classes.add({ link: 'v0', kind: 'htb', handle: '1:', options: { rate: 1e6 } })).rejects.toThrow(/minor/);
      await expect(rtnl.classes.add({ link: 'v0', kind: 'htb', handle: '1:61', options: { rate: 'fast' as unknown as number } })).rejects.toThrow(/^options\.rate: "fast" is not a rate/);
      expect((await rtnl.classes.list({ link: 'v0' })).map(withoutReadOnly)).toEqual(beforeBad.map(withoutReadOnly));
      // A parent class that does not exist: htb's quirk, the class goes to the root of its qdisc.
      const noParent = await rtnl.classes.add({ link: 'v0', kind: 'htb', handle: '1:51', parent: '1:99', options: { rate: 1e6 } });
      expect(noParent.parent).toBe('root');
      await rtnl.classes.delete(noParent);
      // No such class.
      await expect(rtnl.classes.get({ link: 'v0', handle: '1:77' })).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      rtnl.close();
    }
  });
});

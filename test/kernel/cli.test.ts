// The `rtnl` command line against the real kernel, in a throwaway namespace: objects created with
// its add forms, listed with -j and compared with `ip -j` on the same namespace (whole objects, or
// field by field where the mapping covers a subset); changes and deletions checked with ip; errors
// as one line with the errno name and the kernel's text; usage errors, help, monitor.

import { execFileSync, spawn } from 'node:child_process';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { IpJson, IpJsonObject } from '../../src/cli/ipjson.js';
import { HELP, type HelpTopic } from '../../src/cli/help.js';
import { runIp, useTestNetns } from '../harness/netns.js';

const ns = useTestNetns();
/** A second namespace, for `link set ... netns`, `netns set` and `netns list-id`. */
const EXTRA = `rtnltest-${process.pid}-x`;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in process, capturing its output. */
async function rtnl(args: readonly string[], signal?: AbortSignal): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, ...(signal ? { signal } : {}) });
  return { code, stdout, stderr };
}

/** Runs `rtnl -n <ns> ARGS` and expects success. */
async function ok(args: string): Promise<string> {
  const r = await rtnl(['-n', ns.name, ...args.split(/\s+/)]);
  expect({ args, code: r.code, stderr: r.stderr }).toEqual({ args, code: 0, stderr: '' });
  return r.stdout;
}

/** `rtnl -n <ns> -j ARGS`, parsed. */
async function rtnlJson(args: string): Promise<IpJsonObject[]> {
  const out = await ok(`-j ${args}`);
  return JSON.parse(out) as IpJsonObject[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Remaining lifetimes count down between two looks: compare them to within 30 s. */
function coarse(v: IpJson): IpJson {
  if (Array.isArray(v)) return v.map(coarse);
  if (v !== null && typeof v === 'object') {
    const o: IpJsonObject = {};
    for (const [k, x] of Object.entries(v)) {
      o[k] = (k === 'valid_life_time' || k === 'preferred_life_time') && typeof x === 'number' && x !== 4294967295 ? Math.floor(x / 30) : coarse(x);
    }
    return o;
  }
  return v;
}

/**
 * `rtnl -j ARGS` and `ip -j ARGS` on the namespace, compared whole (both normalised by `norm`).
 * Carrier, DAD and neighbour states settle by themselves: look again until both agree.
 */
async function expectSameAsIp(args: string, norm: (xs: IpJsonObject[]) => IpJson = coarse): Promise<IpJsonObject[]> {
  let ours: IpJson = null;
  let theirs: IpJson = null;
  let raw: IpJsonObject[] = [];
  for (let attempt = 0; attempt < 20; attempt++) {
    raw = await rtnlJson(args);
    ours = norm(raw);
    theirs = norm(ns.ipJson<IpJsonObject[]>(args));
    if (isDeepStrictEqual(ours, theirs)) break;
    await sleep(250);
  }
  expect(ours).toEqual(theirs);
  return raw;
}

beforeAll(async () => {
  expect(await rtnl(['netns', 'add', EXTRA])).toEqual({ code: 0, stdout: '', stderr: '' });
  expect(runIp(['netns', 'list'])).toContain(EXTRA);
  // Built with the CLI's own add forms.
  for (const cmd of [
    'link set lo up',
    'link add veth0 address 02:00:00:00:00:01 type veth peer name veth1 address 02:00:00:00:00:02',
    'link add br0 address 02:00:00:00:00:10 type bridge',
    'link set veth1 master br0',
    'link add vx0 address 02:00:00:00:00:20 type vxlan id 42 dstport 4789 local 192.0.2.1 remote 192.0.2.2 dev veth0',
    'link add mv0 link veth0 address 02:00:00:00:00:30 type macvlan mode bridge',
    'link add ifb9 type ifb',
    'link set veth0 up',
    'link set veth1 up',
    'link set br0 up',
    'link set vx0 up',
    'link set mv0 up',
    'link set ifb9 up',
    'link set br0 alias bridge-zero',
    'addr add 192.0.2.1/24 dev veth0 broadcast +',
    'addr add 198.51.100.1/24 label veth0:1 dev veth0',
    'addr add 2001:db8::1/64 dev veth0 nodad',
    'addr add 2001:db8:2::1/64 dev veth0 nodad valid_lft 3600 preferred_lft 1800',
    'addr add 203.0.113.1/32 peer 203.0.113.2 dev ifb9',
    'route add 203.0.113.64/26 via 192.0.2.2 metric 10 proto static',
    'route add 203.0.113.5 dev veth0',
    'route add blackhole 203.0.113.128/25',
    'route add unreachable 203.0.113.32/27',
    'route add type prohibit 203.0.113.16/28 metric 5',
    'route add 203.0.113.8/29 via 192.0.2.2 table 100',
    'route add default via 192.0.2.254',
    'route add 203.0.113.0/29 nexthop via 192.0.2.2 weight 1 nexthop via 192.0.2.3 weight 3',
    'route add 198.51.100.128/26 via 192.0.2.2 mtu 1400 advmss 1360',
    '-6 route add 2001:db8:5::/64 via 2001:db8::2',
    'route add 2001:db8:6::/64 dev veth0 metric 300',
    'neigh add 192.0.2.9 lladdr 02:00:00:00:00:09 dev veth0',
    'neigh add 2001:db8::9 lladdr 02:00:00:00:00:09 dev veth0 nud stale router',
    'neigh add 192.0.2.11 lladdr 02:00:00:00:00:11 dev veth0 nud reachable extern_learn',
    'neigh add 192.0.2.10 lladdr 02:00:00:00:00:10 dev veth0 nud noarp',
    'rule add from 192.0.2.0/24 table 100 priority 100',
    'rule add fwmark 0x10/0xff table 100 priority 200',
    'rule add not from 198.51.100.0/24 iif veth0 table 100 priority 300',
    'rule add ipproto tcp dport 80-90 sport 1000 table main priority 400 proto static',
    'rule add uidrange 1000-2000 goto 32766 priority 500',
    'rule add priority 600 nop',
    'rule add priority 700 blackhole to 203.0.113.0/24',
    '-6 rule add from 2001:db8::/32 table 100 priority 100',
    'nexthop add id 1 via 192.0.2.2 dev veth0',
    'nexthop add id 2 blackhole',
    'nexthop add id 4 via 192.0.2.3 dev veth0',
    'nexthop add id 10 group 1/4,3',
    'nexthop add id 5 dev ifb9 proto static',
    'route add 203.0.113.200/30 nhid 10',
  ]) {
    await ok(cmd);
  }
  // No CLI form for alternative names (ip link property): made with ip, compared in `link show`.
  ns.ip('link property add dev br0 altname bridge0');
});

afterAll(() => {
  try {
    execFileSync('ip', ['netns', 'delete', EXTRA], { stdio: 'ignore' });
  } catch {
    // already gone
  }
});

describe('what the add forms made, as ip sees it', () => {
  it('links, with their kinds, masters, lower links and kind data', () => {
    const links = new Map(ns.ipJson<IpJsonObject[]>('-d link show').map((l) => [l.ifname, l]));
    expect(links.get('veth0')).toMatchObject({ address: '02:00:00:00:00:01', link: 'veth1', flags: expect.arrayContaining(['UP']) });
    expect(links.get('veth1')).toMatchObject({ address: '02:00:00:00:00:02', master: 'br0' });
    expect(links.get('vx0')).toMatchObject({ linkinfo: { info_kind: 'vxlan', info_data: { id: 42, port: 4789, local: '192.0.2.1', remote: '192.0.2.2', link: 'veth0' } } });
    expect(links.get('mv0')).toMatchObject({ link: 'veth0', linkinfo: { info_kind: 'macvlan', info_data: { mode: 'bridge' } } });
    expect(links.get('ifb9')).toMatchObject({ linkinfo: { info_kind: 'ifb' } });
  });

  it('addresses, routes, neighbours, rules and nexthops', () => {
    const v4 = ns.ipJson<IpJsonObject[]>('-4 addr show dev veth0')[0].addr_info as IpJsonObject[];
    expect(v4).toEqual([
      expect.objectContaining({ local: '192.0.2.1', prefixlen: 24, broadcast: '192.0.2.255' }),
      expect.objectContaining({ local: '198.51.100.1', prefixlen: 24, label: 'veth0:1' }),
    ]);
    expect(ns.ipJson<IpJsonObject[]>('addr show dev ifb9')[0].addr_info).toContainEqual(expect.objectContaining({ local: '203.0.113.1', address: '203.0.113.2', prefixlen: 32 }));
    expect(ns.ipJson('route show 203.0.113.0/29')).toEqual([expect.objectContaining({ nexthops: [expect.objectContaining({ gateway: '192.0.2.2', weight: 1 }), expect.objectContaining({ gateway: '192.0.2.3', weight: 3 })] })]);
    expect(ns.ipJson('route show 198.51.100.128/26')).toEqual([expect.objectContaining({ metrics: [{ mtu: 1400, advmss: 1360 }] })]);
    expect(ns.ipJson('-6 route show 2001:db8:6::/64')).toEqual([expect.objectContaining({ dev: 'veth0', metric: 300 })]);
    expect(ns.ipJson('neigh show 2001:db8::9')).toEqual([expect.objectContaining({ router: null, state: ['STALE'] })]);
    expect(ns.ipJson('rule show priority 500')).toEqual([expect.objectContaining({ uid_start: 1000, uid_end: 2000, goto: 32766 })]);
    expect(ns.ipJson('nexthop show id 10')).toEqual([expect.objectContaining({ group: [{ id: 1 }, { id: 4, weight: 3 }] })]);
  });
});

describe('-j output equals ip -j on the same namespace', () => {
  it('link show (whole objects), and with dev, type and master filters', async () => {
    const links = await expectSameAsIp('link show');
    expect(links.map((l) => l.ifname)).toEqual(expect.arrayContaining(['lo', 'veth0', 'veth1', 'br0', 'vx0', 'mv0', 'ifb9']));
    expect(links).toContainEqual(expect.objectContaining({ ifname: 'br0', ifalias: 'bridge-zero', altnames: ['bridge0'] }));
    await expectSameAsIp('link show dev veth0');
    await expectSameAsIp('link show type veth');
    await expectSameAsIp('link show master br0');
  });

  it('-d link show: every top-level field ip prints, and each linkinfo field the mapping has', async () => {
    // Top-level fields of `ip -d` the mapping leaves out.
    const UNMAPPED = new Set(['parentbus', 'parentdev', 'vfinfo_list']);
    const project = (ours: IpJsonObject[], theirs: IpJsonObject[]): { ours: IpJson; theirs: IpJson } => {
      const a: IpJsonObject[] = [];
      const b: IpJsonObject[] = [];
      theirs.forEach((t, i) => {
        const o = ours[i] ?? {};
        const pa: IpJsonObject = {};
        const pb: IpJsonObject = {};
        for (const k of Object.keys(t)) {
          if (UNMAPPED.has(k) || k === 'linkinfo') continue;
          pa[k] = o[k] ?? '(missing)';
          pb[k] = t[k];
        }
        const li = o.linkinfo as IpJsonObject | undefined;
        const tli = t.linkinfo as IpJsonObject | undefined;
        if (tli || li) {
          pa.info_kind = li?.info_kind ?? null;
          pb.info_kind = tli?.info_kind ?? null;
          pa.info_slave_kind = li?.info_slave_kind ?? null;
          pb.info_slave_kind = tli?.info_slave_kind ?? null;
          for (const part of ['info_data', 'info_slave_data']) {
            const mine = (li?.[part] ?? {}) as IpJsonObject;
            const ip = (tli?.[part] ?? {}) as IpJsonObject;
            for (const k of Object.keys(mine)) {
              // Bridge timers run between the two calls (cli-details.test.ts compares them loosely).
              if (k.endsWith('_timer')) continue;
              pa[`${part}.${k}`] = mine[k];
              pb[`${part}.${k}`] = ip[k] ?? '(absent in ip)';
            }
          }
        }
        a.push(pa);
        b.push(pb);
      });
      return { ours: a, theirs: b };
    };
    let last = { ours: null as IpJson, theirs: null as IpJson };
    for (let attempt = 0; attempt < 20; attempt++) {
      last = project(await rtnlJson('-d link show'), ns.ipJson<IpJsonObject[]>('-d link show'));
      if (isDeepStrictEqual(last.ours, last.theirs)) break;
      await sleep(250);
    }
    expect(last.ours).toEqual(last.theirs);
    const keys = new Set((last.ours as IpJsonObject[]).flatMap((l) => Object.keys(l)));
    for (const k of ['info_data.id', 'info_data.port', 'info_data.mode', 'info_data.forward_delay', 'info_slave_data.state', 'inet6_addr_gen_mode', 'min_mtu', 'gso_max_size']) expect(keys).toContain(k);
  });

  it('addr show (per-link objects with addr_info), -4, -6, and dev', async () => {
    const all = await expectSameAsIp('addr show');
    const veth0 = all.find((l) => l.ifname === 'veth0');
    expect((veth0?.addr_info as IpJsonObject[]).map((a) => a.local)).toEqual(['192.0.2.1', '198.51.100.1', '2001:db8:2::1', '2001:db8::1', expect.stringMatching(/^fe80::/)]);
    await expectSameAsIp('-4 addr show');
    await expectSameAsIp('-6 addr show');
    await expectSameAsIp('addr show dev veth0');
    await expectSameAsIp('-6 addr show dev ifb9');
  });

  it('route show: main table of IPv4, -6, table 100, table all, dev, proto and type filters', async () => {
    const main4 = await expectSameAsIp('route show');
    // Each shape the mapping knows is in the comparison.
    expect(main4).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ dst: 'default', gateway: '192.0.2.254' }),
        expect.objectContaining({ dst: '203.0.113.5', scope: 'link' }),
        expect.objectContaining({ dst: '203.0.113.64/26', protocol: 'static', metric: 10 }),
        expect.objectContaining({ type: 'blackhole' }),
        expect.objectContaining({ type: 'unreachable' }),
        expect.objectContaining({ type: 'prohibit', metric: 5 }),
        expect.objectContaining({ nexthops: expect.any(Array) }),
        expect.objectContaining({ metrics: [{ mtu: 1400, advmss: 1360 }] }),
        expect.objectContaining({ nhid: 10 }),
        expect.objectContaining({ prefsrc: '192.0.2.1', protocol: 'kernel' }),
      ]),
    );
    await expectSameAsIp('-6 route show');
    await expectSameAsIp('route show table 100');
    const all = await expectSameAsIp('route show table all');
    expect(all).toEqual(expect.arrayContaining([expect.objectContaining({ table: '100' }), expect.objectContaining({ table: 'local', type: 'local' }), expect.objectContaining({ pref: 'medium' })]));
    await expectSameAsIp('route show dev veth0');
    await expectSameAsIp('route show proto static');
    await expectSameAsIp('route show type blackhole');
    await expectSameAsIp('-d route show');
  });

  it('route get: a gateway route, a local address (cache flags), a policy-routed lookup, with from and mark', async () => {
    await expectSameAsIp('route get 198.51.100.130');
    await expectSameAsIp('route get 192.0.2.1');
    await expectSameAsIp('route get 198.51.100.130 from 192.0.2.1 mark 7');
    const t100 = await expectSameAsIp('route get 203.0.113.9 from 192.0.2.1');
    expect(t100).toEqual([expect.objectContaining({ table: '100', gateway: '192.0.2.2' })]);
    await expectSameAsIp('route get 2001:db8:5::1');
    // The blackhole rule (priority 700) refuses the lookup, for ip as for rtnl.
    expect(await rtnl(['-n', ns.name, 'route', 'get', '203.0.113.70'])).toEqual({ code: 1, stdout: '', stderr: 'rtnl: RTM_GETROUTE: EINVAL (Invalid argument)\n' });
  });

  it('neigh show (NOARP hidden as ip hides it), dev, nud all, -4', async () => {
    const shown = await expectSameAsIp('neigh show');
    expect(shown.map((n) => n.dst)).toEqual(expect.arrayContaining(['192.0.2.9', '2001:db8::9', '192.0.2.11']));
    expect(shown.map((n) => n.dst)).not.toContain('192.0.2.10');
    expect(shown).toContainEqual(expect.objectContaining({ dst: '192.0.2.11', extern_learn: null }));
    await expectSameAsIp('neigh show dev veth0');
    await expectSameAsIp('-4 neigh show nud all');
  });

  it('rule show and -6 rule show', async () => {
    const rules = await expectSameAsIp('rule show');
    expect(rules.map((r) => r.priority)).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 32766, 32767]);
    expect(rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ fwmark: '0x10', fwmask: '0xff' }),
        expect.objectContaining({ not: null, iif: 'veth0' }),
        expect.objectContaining({ ipproto: 'tcp', dport_start: 80, dport_end: 90, sport: 1000, protocol: 'static' }),
        expect.objectContaining({ goto: 32766 }),
        expect.objectContaining({ nop: null }),
        expect.objectContaining({ action: 'blackhole', dst: '203.0.113.0', dstlen: 24 }),
      ]),
    );
    await expectSameAsIp('-6 rule show');
    await expectSameAsIp('-d rule show');
  });

  it('nexthop show, with id and dev filters', async () => {
    const nhs = await expectSameAsIp('nexthop show');
    expect(nhs).toEqual(expect.arrayContaining([expect.objectContaining({ id: 10, group: [{ id: 1 }, { id: 4, weight: 3 }] }), expect.objectContaining({ id: 5, protocol: 'static' })]));
    await expectSameAsIp('nexthop show id 10');
    await expectSameAsIp('nexthop show dev veth0');
    await expectSameAsIp('-d nexthop show');
  });

  it('netns set NAME ID, then netns list-id with names, and netns list', async () => {
    await ok(`netns set ${EXTRA} 7`);
    const ids = await expectSameAsIp('netns list-id');
    expect(ids).toContainEqual({ nsid: 7, name: EXTRA });
    // Other test files' namespaces come and go meanwhile: compare ours.
    const mine = (xs: IpJsonObject[]): IpJson => xs.filter((x) => x.name === EXTRA || x.name === ns.name);
    const list = await expectSameAsIp('netns list', mine);
    expect(mine(list)).toContainEqual({ name: EXTRA, id: 7 });
  });
});

describe('changes and deletions', () => {
  it('link set: mtu, name, down/up, nomaster, and netns into another namespace', async () => {
    await ok('link set ifb9 mtu 1400 name ifb8');
    expect(ns.ipJson('link show dev ifb8')).toEqual([expect.objectContaining({ mtu: 1400 })]);
    await ok('link set ifb8 down');
    expect((ns.ipJson<IpJsonObject[]>('link show dev ifb8')[0].flags as string[]).includes('UP')).toBe(false);
    await ok('link set veth1 nomaster');
    expect(ns.ipJson<IpJsonObject[]>('link show dev veth1')[0].master).toBeUndefined();
    await ok('link set veth1 master br0');
    await ok(`link set ifb8 netns ${EXTRA}`);
    expect(runIp(['-n', EXTRA, '-j', 'link', 'show'])).toContain('"ifb8"');
    const r = await rtnl(['-n', EXTRA, 'link', 'del', 'ifb8']);
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('a veth pair across namespaces: link_index and link_netnsid as ip prints them', async () => {
    await ok(`link add vethx type veth peer name vethy netns ${EXTRA}`);
    const here = await expectSameAsIp('link show dev vethx');
    expect(here).toEqual([expect.objectContaining({ link_index: expect.any(Number), link_netnsid: 7 })]);
    expect(runIp(['-n', EXTRA, 'link', 'show', 'vethy'])).toContain('vethy');
    await ok('link del vethx');
  });

  it('route, address, neighbour, rule, nexthop and link deletions', async () => {
    await ok('route del 203.0.113.64/26');
    await ok('route del 203.0.113.8/29 table 100');
    await ok('route replace 203.0.113.5 dev veth0 metric 0 proto static');
    expect(ns.ipJson('route show 203.0.113.5')).toEqual([expect.objectContaining({ protocol: 'static' })]);
    await ok('addr del 198.51.100.1/24 dev veth0');
    await ok('neigh del 192.0.2.9 dev veth0');
    await ok('rule del priority 200');
    await ok('nexthop del id 10');
    await ok('link del mv0');
    expect(ns.ipJson('route show 203.0.113.64/26')).toEqual([]);
    expect(ns.ipJson('route show table 100')).toEqual([]);
    expect(JSON.stringify(ns.ipJson('addr show dev veth0'))).not.toContain('198.51.100.1"');
    expect(ns.ipJson('neigh show 192.0.2.9')).toEqual([]);
    expect(ns.ipJson<IpJsonObject[]>('rule show').map((r) => r.priority)).not.toContain(200);
    expect(ns.ipJson<IpJsonObject[]>('nexthop show').map((n) => n.id)).not.toContain(10);
    expect(ns.ipJson<IpJsonObject[]>('link show').map((l) => l.ifname)).not.toContain('mv0');
    // And what remains still agrees with ip.
    await expectSameAsIp('route show');
    await expectSameAsIp('addr show');
  });
});

describe('ip forms added for issue 13', () => {
  it('netns exec runs a command inside (exit status passed on), identify and pids find it, attach names a process', async () => {
    const inside = await rtnl(['netns', 'exec', ns.name, 'ip', '-j', 'link', 'show', 'veth0']);
    expect(inside.code).toBe(0);
    expect(JSON.parse(inside.stdout)).toEqual(ns.ipJson('link show veth0'));
    // `-h` after the command is the command's, not rtnl's.
    expect((await rtnl(['netns', 'exec', ns.name, 'sh', '-c', 'echo "$1"; exit 7', 'sh', '-h'])).stdout).toBe('-h\n');
    expect((await rtnl(['netns', 'exec', ns.name, 'sh', '-c', 'exit 7'])).code).toBe(7);
    const missing = await rtnl(['netns', 'exec', ns.name, 'no-such-command-here']);
    expect(missing).toEqual({ code: 1, stdout: '', stderr: 'rtnl: exec of "no-such-command-here" failed: No such file or directory\n' });
    // A process inside: identify and pids as ip reports them.
    const sleeper = spawn('ip', ['netns', 'exec', ns.name, 'sleep', '30'], { stdio: 'ignore' });
    try {
      let pids = '';
      for (let i = 0; i < 50 && pids === ''; i++) {
        await sleep(100);
        pids = runIp(['netns', 'pids', ns.name]);
      }
      expect((await rtnl(['netns', 'pids', ns.name])).stdout).toBe(pids);
      const pid = pids.trim().split('\n')[0];
      expect(await rtnl(['netns', 'identify', pid])).toEqual({ code: 0, stdout: runIp(['netns', 'identify', pid]), stderr: '' });
      expect((await rtnl(['netns', 'identify', pid])).stdout).toContain(ns.name);
      // attach: a second name for the sleeper's namespace.
      const alias = `rtnltest-${process.pid}-attach`;
      try {
        expect(await rtnl(['netns', 'attach', alias, pid])).toEqual({ code: 0, stdout: '', stderr: '' });
        expect(runIp(['-n', alias, '-j', 'link', 'show', 'veth0'])).toContain('"veth0"');
        expect((await rtnl(['netns', 'identify', pid])).stdout.split('\n')).toEqual(expect.arrayContaining([ns.name, alias]));
      } finally {
        await rtnl(['netns', 'del', alias]);
      }
    } finally {
      sleeper.kill();
    }
    expect((await rtnl(['netns', 'identify'])).code).toBe(0);
    expect(await rtnl(['netns', 'identify', 'x1'])).toMatchObject({ code: 2, stderr: `rtnl: invalid process id "x1" (see 'rtnl netns --help')\n` });
  });

  it("refuses what ip refuses, before sending: vxlan without id, an IPv4 gateway for an IPv6 route, a leading zero", async () => {
    expect(() => ns.ip('link add vx9 type vxlan dstport 4789')).toThrow(/missing virtual network identifier/);
    expect(await rtnl(['-n', ns.name, 'link', 'add', 'vx9', 'type', 'vxlan', 'dstport', '4789'])).toEqual({
      code: 2,
      stdout: '',
      stderr: `rtnl: vxlan: missing virtual network identifier ("id VNI") (see 'rtnl link --help')\n`,
    });
    expect(() => ns.ip('-6 route add 2001:db8:77::/64 via 192.0.2.2')).toThrow(/inet6 address is expected rather than "192.0.2.2"/);
    expect(await rtnl(['-n', ns.name, '-6', 'route', 'add', '2001:db8:77::/64', 'via', '192.0.2.2'])).toEqual({
      code: 2,
      stdout: '',
      stderr: `rtnl: inet6 address is expected rather than "192.0.2.2" (see 'rtnl route --help')\n`,
    });
    // ip reads 010 as octal 8; rtnl refuses to guess.
    expect(await rtnl(['-n', ns.name, 'addr', 'add', '192.0.2.010/24', 'dev', 'veth0'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'rtnl: address: "192.0.2.010" is not an IPv4 address: a part with a leading zero is ambiguous (ip reads it as octal), write it without\n',
    });
    expect(ns.ipJson('link show')).not.toContainEqual(expect.objectContaining({ ifname: 'vx9' }));
  });

  it('nexthop show id N of a missing id fails as ip does; tables show a route\'s nhid and resilient group settings', async () => {
    expect(() => ns.ip('nexthop show id 999')).toThrow();
    const missing = await rtnl(['-n', ns.name, '-j', 'nexthop', 'show', 'id', '999']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^rtnl: RTM_GETNEXTHOP: ENOENT/);
    await ok('route add 203.0.113.204/30 nhid 1');
    expect(await ok('route show')).toMatch(/\n\s+203\.0\.113\.204\/30\s+1\s+192\.0\.2\.2\s+veth0\s/);
    await ok('nexthop add id 30 group 1/4 type resilient buckets 32 idle_timer 60 unbalanced_timer 10');
    try {
      const table = (await ok('nexthop show id 30')).split('\n');
      expect(table[0]).toMatch(/^ID\s+GROUP\s+TYPE\s+BUCKETS\s+IDLE_TIMER\s+UNBALANCED_TIMER/);
      expect(table[1]).toMatch(/^30\s+1\/4\s+resilient\s+32\s+60\s+10(\s|$)/);
      await expectSameAsIp('nexthop show id 30');
    } finally {
      await ok('nexthop del id 30');
    }
  });
});

describe('netns add and del', () => {
  it('netns add of a name that exists: exit 1, one line; netns del removes it', async () => {
    const again = await rtnl(['netns', 'add', EXTRA]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(new RegExp(`^rtnl: network namespace "${EXTRA}" already exists[^\n]*\n$`));
    expect(await rtnl(['netns', 'del', EXTRA])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(runIp(['netns', 'list'])).not.toContain(EXTRA);
    const gone = await rtnl(['netns', 'del', EXTRA]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/not found/);
  });
});

describe('errors', () => {
  it('a refused request: exit 1 and one line with the errno name and text', async () => {
    const r = await rtnl(['-n', ns.name, 'link', 'add', 'veth0', 'type', 'veth']);
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'rtnl: RTM_NEWLINK: EEXIST (File exists)\n' });
  });

  it("the kernel's extended-ACK text is on the line", async () => {
    const r = await rtnl(['-n', ns.name, 'link', 'set', 'veth0', 'mtu', '10']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^rtnl: RTM_NEWLINK: EINVAL \(Invalid argument\): mtu less than device minimum/);
    expect(r.stderr.split('\n')).toHaveLength(2);
    const kind = await rtnl(['-n', ns.name, 'link', 'add', 'x0', 'type', 'nosuchkind']);
    expect(kind.code).toBe(1);
    expect(kind.stderr).toMatch(/^rtnl: RTM_NEWLINK: EOPNOTSUPP \(Operation not supported[^)]*\): Unknown device type\n$/);
  });

  it('a missing device or namespace: exit 1, one line', async () => {
    const dev = await rtnl(['-n', ns.name, 'link', 'show', 'dev', 'nosuch0']);
    // As ip words it (see cli-ip.test.ts for the other commands that name a device).
    expect(dev).toEqual({ code: 1, stdout: '', stderr: 'rtnl: Device "nosuch0" does not exist.\n' });
    const netns = await rtnl(['-n', `rtnltest-${process.pid}-nosuch`, 'link', 'show']);
    expect(netns.code).toBe(1);
    expect(netns.stderr).toMatch(/^rtnl: network namespace "rtnltest-\d+-nosuch" not found.*\n$/);
    expect(netns.stderr.split('\n')).toHaveLength(2);
  });

  it('usage errors: exit 2, one line that points to the help', async () => {
    for (const [args, text] of [
      [['bogus'], 'rtnl: unknown object "bogus"\n'],
      [['link', 'add'], `rtnl: "link add" needs a NAME (see 'rtnl link --help')\n`],
      [['link', 'add', 'x0'], `rtnl: "link add" needs "type KIND" (see 'rtnl link --help')\n`],
      [['route', 'add', '203.0.113.0/24', 'metric'], `rtnl: "metric" needs an argument (see 'rtnl route --help')\n`],
      [['route', 'add', '203.0.113.0/24', 'metric', 'x'], `rtnl: invalid metric "x": expected an integer from 0 to 4294967295 (see 'rtnl route --help')\n`],
      [['addr', 'frob'], `rtnl: unknown command "frob" (see 'rtnl address --help')\n`],
      [['--frob'], 'rtnl: unknown option "--frob"\n'],
    ] as const) {
      expect(await rtnl([...args])).toEqual({ code: 2, stdout: '', stderr: text });
    }
    // Refused by the library before anything is sent: a usage error too.
    const bad = await rtnl(['-n', ns.name, 'addr', 'add', '300.0.0.1/24', 'dev', 'veth0']);
    expect(bad).toEqual({ code: 2, stdout: '', stderr: 'rtnl: address: "300.0.0.1" is not an IPv4 address\n' });
    const none = await rtnl([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage: rtnl');
  });

  it('--help for every object and command, -h and help', async () => {
    const topics: [string[], HelpTopic][] = [
      [['link'], 'link'],
      [['link', 'add'], 'link'],
      [['addr'], 'address'],
      [['address', 'add'], 'address'],
      [['route'], 'route'],
      [['route', 'get'], 'route'],
      [['neigh'], 'neigh'],
      [['rule'], 'rule'],
      [['nexthop'], 'nexthop'],
      [['netns'], 'netns'],
      [['monitor'], 'monitor'],
      [['decode'], 'decode'],
    ];
    for (const [words, topic] of topics) {
      expect(await rtnl([...words, '--help'])).toEqual({ code: 0, stdout: `${HELP[topic]}\n`, stderr: '' });
    }
    expect(await rtnl(['link', 'help'])).toEqual({ code: 0, stdout: `${HELP.link}\n`, stderr: '' });
    expect(await rtnl(['route', '-h'])).toEqual({ code: 0, stdout: `${HELP.route}\n`, stderr: '' });
    expect(await rtnl(['--help'])).toEqual({ code: 0, stdout: `${HELP.rtnl}\n`, stderr: '' });
    expect(await rtnl(['help'])).toEqual({ code: 0, stdout: `${HELP.rtnl}\n`, stderr: '' });
    expect((await rtnl(['--version'])).stdout).toMatch(/^rtnl \d+\.\d+\.\d+\n$/);
  });
});

describe('abbreviations and tables', () => {
  it("accepts ip's abbreviations of objects and commands", async () => {
    expect(await rtnlJson('l')).toEqual(await rtnlJson('link show'));
    expect(await rtnlJson('a sh')).toEqual(await rtnlJson('address show'));
    expect(await rtnlJson('r')).toEqual(await rtnlJson('route show'));
    expect(await rtnlJson('n ls')).toEqual(await rtnlJson('neigh list'));
    expect(await rtnlJson('ru')).toEqual(await rtnlJson('rule show'));
    expect(await rtnlJson('nh')).toEqual(await rtnlJson('nexthop show'));
  });

  it('prints tables without -j', async () => {
    const links = (await ok('link show')).split('\n');
    expect(links[0]).toMatch(/^INDEX\s+NAME\s+KIND\s+STATE\s+MTU\s+ADDRESS\s+MASTER\s+FLAGS$/);
    expect(links.find((l) => /^\d+\s+veth1@veth0\s+veth\s+UP\s+1500\s+02:00:00:00:00:02\s+br0\s+BROADCAST,MULTICAST,UP,LOWER_UP$/.test(l))).toBeDefined();
    const routes = await ok('route show');
    expect(routes).toMatch(/^TYPE\s+DST\s+NHID\s+GATEWAY\s+DEV\s+PROTO\s+SCOPE\s+METRIC\s+PREFSRC/);
    expect(routes).toMatch(/\n\s+default\s+192\.0\.2\.254\s+veth0\s+boot\s+global/);
    expect(await ok('addr show dev veth0')).toMatch(/veth0\s+inet\s+192\.0\.2\.1\/24\s+192\.0\.2\.255\s+global/);
    expect(await ok('rule show')).toMatch(/\n100\s+from 192\.0\.2\.0\/24\s+lookup 100\n/);
    expect(await ok('nexthop show')).toMatch(/\n2\s+.*blackhole/);
    expect(await ok('neigh show')).toMatch(/192\.0\.2\.11\s+veth0\s+02:00:00:00:00:11\s+REACHABLE\s+extern_learn/);
  });
});

describe('monitor', () => {
  /** Runs `rtnl monitor` in process until `stop`, collecting its lines. */
  function startMonitor(args: string[]): { lines: () => string[]; stop: () => Promise<Run> } {
    const ac = new AbortController();
    let out = '';
    let err = '';
    const done = main(['-n', ns.name, ...args], { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, signal: ac.signal });
    return {
      lines: () => out.split('\n').filter((l) => l !== ''),
      stop: async () => {
        ac.abort();
        const code = await done;
        return { code, stdout: out, stderr: err };
      },
    };
  }

  /** Makes a change until the monitor reports it (the subscription starts a moment after main is called). */
  async function until(m: { lines: () => string[] }, change: (n: number) => void, seen: (lines: string[], n: number) => boolean): Promise<number> {
    for (let n = 0; n < 10; n++) {
      change(n);
      const deadline = Date.now() + 1500;
      while (Date.now() < deadline) {
        if (seen(m.lines(), n)) return n;
        await sleep(50);
      }
    }
    throw new Error(`the monitor reported nothing: ${m.lines().join(' | ')}`);
  }

  it('prints one JSON line per event (ip -j shapes) and ends with status 0 when aborted', async () => {
    const m = startMonitor(['-j', 'monitor', 'link', 'address']);
    await sleep(300);
    const n = await until(
      m,
      (i) => {
        ns.ip(`link add ifbm${i} type ifb`);
        ns.ip(`addr add 203.0.113.${100 + i}/32 dev ifbm${i}`);
        ns.ip(`link del ifbm${i}`);
      },
      (lines, i) => lines.some((l) => l.includes(`"del"`) && l.includes(`"ifbm${i}"`) && l.includes('"link"')),
    );
    const r = await m.stop();
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as IpJsonObject);
    const mine = events.filter((e) => JSON.stringify(e).includes(`ifbm${n}`));
    expect(mine[0]).toMatchObject({ event: 'new', family: 'link', object: { ifname: `ifbm${n}` } });
    expect(mine).toContainEqual(expect.objectContaining({ event: 'new', family: 'address', object: expect.objectContaining({ ifname: `ifbm${n}`, addr_info: [expect.objectContaining({ local: `203.0.113.${100 + n}`, prefixlen: 32 })] }) }));
    expect(mine[mine.length - 1]).toMatchObject({ event: 'del', family: 'link', object: { ifname: `ifbm${n}` } });
  });

  it('prints one line per event for people: routes, rules, nexthops, neighbours', async () => {
    const m = startMonitor(['monitor', 'r', 'ru', 'nh', 'n']);
    await sleep(300);
    const n = await until(
      m,
      (i) => {
        ns.ip(`route add 198.51.100.${64 + i * 4}/30 via 192.0.2.2`);
        ns.ip(`rule add priority ${1000 + i} from 198.51.100.${64 + i * 4}/30 table 100`);
        ns.ip(`nexthop add id ${100 + i} via 192.0.2.2 dev veth0`);
        ns.ip(`neigh add 192.0.2.${60 + i} lladdr 02:00:00:00:00:60 dev veth0`);
        ns.ip(`neigh del 192.0.2.${60 + i} dev veth0`);
      },
      (lines, i) => lines.some((l) => l.startsWith(`del neigh 192.0.2.${60 + i} `)),
    );
    const r = await m.stop();
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines).toContain(`new route 198.51.100.${64 + n * 4}/30 via 192.0.2.2 dev veth0`);
    expect(lines).toContain(`new rule ${1000 + n}: from 198.51.100.${64 + n * 4}/30 lookup 100`);
    expect(lines).toContain(`new nexthop id ${100 + n} via 192.0.2.2 dev veth0 scope link`);
    expect(lines).toContain(`new neigh 192.0.2.${60 + n} dev veth0 lladdr 02:00:00:00:00:60 PERMANENT`);
  });
});

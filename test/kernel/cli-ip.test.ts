// `rtnl` next to `ip` for the forms of issue 13: flush (addr, route, neigh) with selectors, route
// show selectors, global options (-s, -br, -o, -batch, -force, -c), a table that does not exist,
// and errors naming the device. Two namespaces built by the same ip script: `ip` changes one,
// `rtnl` the other, and what each leaves (as `ip -j` lists it) must be equal.

import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { Rtnl, NetlinkError } from '../../src/index.js';
import { TEST_NETNS_PREFIX } from '../harness/netns.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in process. */
async function rtnl(args: readonly string[], stdin?: string): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } };
  const input = stdin === undefined ? {} : { stdin: (await import('node:stream')).Readable.from([stdin]) };
  const code = await main(args, { ...io, ...input });
  return { code, stdout, stderr };
}

/** Runs ip (never through a shell): its status and output. */
function ip(args: readonly string[], input?: string): Run {
  const r = spawnSync('ip', args, { encoding: 'utf8', ...(input !== undefined ? { input } : {}) });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}


// ip and rtnl pick the bold palette when COLORFGBG says the background is dark; the tests spell out
// the light one.
delete process.env.COLORFGBG;
const made = new Set<string>();
afterAll(() => {
  for (const n of made) spawnSync('ip', ['netns', 'del', n]);
});

/** The topology every comparison starts from, as an ip -batch script. */
const TOPOLOGY = `
link set lo up
link add veth0 address 02:00:00:00:00:01 type veth peer name veth1 address 02:00:00:00:00:02
link add veth2 address 02:00:00:00:00:03 type veth peer name veth3 address 02:00:00:00:00:04
link set veth0 up
link set veth1 up
link set veth2 up
link set veth3 up
addr add 192.0.2.1/24 dev veth0
addr add 192.0.2.5/24 dev veth0
addr add 198.51.100.1/24 label veth0:1 dev veth0
addr add 203.0.113.1/24 dev veth2 scope link
addr add 2001:db8::1/64 dev veth0 nodad
addr add 2001:db8:1::1/64 dev veth2 nodad
route add 203.0.113.64/26 via 192.0.2.2 metric 10 proto static
route add 203.0.113.128/25 via 192.0.2.3
route add 203.0.113.200/29 dev veth2 scope link
route add 198.18.0.0/16 via 192.0.2.2 dev veth0
route add 198.18.5.0/24 via 192.0.2.3 dev veth0 proto static
route add 198.18.5.7 dev veth0 src 192.0.2.5
route add blackhole 198.19.0.0/16
route add unreachable 198.19.1.0/24
route add default via 192.0.2.254
route add 203.0.113.8/29 via 192.0.2.2 table 100
route add 203.0.113.16/29 dev veth2 table 100 proto static
route add 2001:db8:5::/64 via 2001:db8::2
route add 2001:db8:6::/64 dev veth2 metric 300
neigh add 192.0.2.9 lladdr 02:00:00:00:00:09 dev veth0
neigh add 192.0.2.10 lladdr 02:00:00:00:00:10 dev veth0 nud stale
neigh add 192.0.2.11 lladdr 02:00:00:00:00:11 dev veth0 nud reachable
neigh add 192.0.2.12 lladdr 02:00:00:00:00:12 dev veth0 nud noarp
neigh add 203.0.113.9 lladdr 02:00:00:00:00:19 dev veth2 nud stale
neigh add 2001:db8::9 lladdr 02:00:00:00:00:29 dev veth0 nud delay
`;

/** A fresh namespace with the topology. */
function fresh(): string {
  const name = `${TEST_NETNS_PREFIX}${process.pid}-${randomBytes(3).toString('hex')}`;
  made.add(name);
  execFileSync('ip', ['netns', 'add', name]);
  // No DAD in the namespace: link-local addresses (and their routes) are final at once, in both.
  execFileSync('ip', ['netns', 'exec', name, 'sysctl', '-qw', 'net.ipv6.conf.default.accept_dad=0', 'net.ipv6.conf.all.accept_dad=0']);
  const r = ip(['-n', name, '-batch', '-'], TOPOLOGY);
  expect(r).toMatchObject({ code: 0, stderr: '' });
  return name;
}

function drop(name: string): void {
  spawnSync('ip', ['netns', 'del', name]);
  made.delete(name);
}

function sorted<T>(xs: T[]): T[] {
  return xs.map((x) => [JSON.stringify(x), x] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, x]) => x);
}

/**
 * A neighbour's state, with the states the kernel's timers move through (a probe failing, an
 * entry going stale) as one: two namespaces reach them at their own pace, the more so under load.
 */
function settled(state: string[] | undefined): string[] | undefined {
  const timed = ['INCOMPLETE', 'REACHABLE', 'STALE', 'DELAY', 'PROBE', 'FAILED'];
  return state?.map((s) => (timed.includes(s) ? 'dynamic' : s));
}

/** What ip lists of a namespace, for comparing two of them (lifetimes and neighbour timers out). */
function state(ns: string): unknown {
  // Sorted: the kernel's own routes (fe80::/64 on each link) come in the order the links came up.
  const j = (args: string[]): unknown[] => sorted(JSON.parse(execFileSync('ip', ['-j', '-n', ns, ...args], { encoding: 'utf8' }) || '[]') as unknown[]);
  return {
    addr: j(['addr', 'show']),
    routes: j(['route', 'show', 'table', 'all']),
    // Not the multicast entries IPv6 makes as links come up (when, is the kernel's business).
    neigh: sorted((j(['neigh', 'show', 'nud', 'all']) as { dst: string; dev: string; state?: string[] }[]).filter((n) => !n.dst.startsWith('ff')).map((n) => ({ dst: n.dst, dev: n.dev, state: settled(n.state) }))),
  };
}

/** Both namespaces list the same; operstates settle by themselves, so look again until they agree. */
async function expectSameState(ours: string, theirs: string): Promise<void> {
  for (let i = 0; i < 20 && !isDeepStrictEqual(state(ours), state(theirs)); i++) await new Promise((r) => setTimeout(r, 250));
  expect(state(ours)).toEqual(state(theirs));
}

/**
 * `ip -n A WORDS` and `rtnl -n B WORDS` on two namespaces made alike: the same exit status, the
 * same -s output (the flush round lines), and what they leave is equal.
 */
async function sameEffect(words: string, stats = false): Promise<{ ip: Run; rtnl: Run }> {
  const a = fresh();
  const b = fresh();
  try {
    const argv = words.split(/\s+/);
    const s = stats ? ['-s'] : [];
    const theirs = ip([...s, '-n', a, ...argv]);
    const ours = await rtnl([...s, '-n', b, ...argv]);
    expect({ words, code: ours.code, stdout: ours.stdout }).toEqual({ words, code: theirs.code, stdout: theirs.stdout });
    if (theirs.code === 0) expect(ours.stderr).toBe('');
    else expect(ours.stderr).not.toBe('');
    await expectSameState(b, a);
    return { ip: theirs, rtnl: ours };
  } finally {
    drop(a);
    drop(b);
  }
}

// Each flush case builds two namespaces: slow on a loaded machine, so each test gets two minutes.
const FLUSH_TIMEOUT = 120_000;

describe('flush: what rtnl leaves equals what ip leaves', () => {
  it('addr flush with dev, scope, label, to, primary/secondary, -4 / -6', async () => {
    for (const words of [
      'addr flush dev veth0',
      'addr flush dev veth2 scope link',
      'addr flush label veth0:*',
      'addr flush to 192.0.2.0/24',
      'addr flush to 2001:db8::/32',
      'addr flush dev veth0 secondary',
      'addr flush dev veth0 primary',
      '-6 addr flush dev veth0',
      '-4 addr flush scope global',
    ]) {
      await sameEffect(words);
    }
    // -s: ip's round lines, word for word.
    const r = await sameEffect('addr flush dev veth2', true);
    expect(r.rtnl.stdout).toMatch(/\*\*\* Round 1, deleting \d+ addresses \*\*\*/);
  }, FLUSH_TIMEOUT);

  it('route flush with table, dev, proto, type, scope, via, src, metric and prefixes', async () => {
    for (const words of [
      'route flush table 100',
      'route flush dev veth2',
      'route flush table main proto static',
      'route flush type blackhole',
      'route flush scope link',
      'route flush via 192.0.2.2',
      'route flush 198.18.0.0/16',
      'route flush root 198.18.0.0/16',
      'route flush match 198.18.5.7',
      'route flush src 192.0.2.5',
      'route flush metric 10',
      '-6 route flush dev veth2',
      'route flush table all proto static',
    ]) {
      await sameEffect(words);
    }
    const r = await sameEffect('route flush table 100', true);
    expect(r.rtnl.stdout).toContain('*** Round 1, deleting 2 entries ***');
    expect((await sameEffect('route flush table 100 proto bird', true)).rtnl.stdout).toBe('Nothing to flush.\n');
  }, FLUSH_TIMEOUT);

  it('neigh flush with dev, nud states, a prefix, -4 / -6', async () => {
    for (const words of ['neigh flush dev veth0', 'neigh flush dev veth0 nud stale', 'neigh flush dev veth0 nud all', 'neigh flush nud noarp dev veth0', 'neigh flush 192.0.2.0/24', '-6 neigh flush dev veth0', 'neigh flush to 203.0.113.0/24 nud stale']) {
      await sameEffect(words);
    }
  }, FLUSH_TIMEOUT);

  it('fails as ip fails: no selector, a missing device, a table that does not exist', async () => {
    for (const words of ['addr flush', 'route flush', 'neigh flush', 'addr flush dev nosuch', 'neigh flush dev nosuch', 'route flush dev nosuch', 'route flush table 999']) {
      await sameEffect(words);
    }
  }, FLUSH_TIMEOUT);
});

/** One namespace with the topology for the read-only comparisons. */
function shared(): { name: string } {
  const ns = { name: '' };
  beforeAll(() => {
    ns.name = fresh();
  });
  return ns;
}

/** `rtnl -n NS ARGS` succeeding. */
async function ok(ns: string, args: string): Promise<string> {
  const r = await rtnl(['-n', ns, ...args.split(/\s+/)]);
  expect({ args, code: r.code, stderr: r.stderr }).toEqual({ args, code: 0, stderr: '' });
  return r.stdout;
}

describe('route show selectors, next to ip -j', () => {
  const ns = shared();
  it('PREFIX, root, match, exact, proto, type, scope, via, src, tos, metric, table (incl. all), dev, from', async () => {
    for (const sel of [
      '198.18.0.0/16',
      'to 198.18.5.0/24',
      'root 198.18.0.0/16',
      'match 198.18.5.7',
      'exact 198.18.5.0/24',
      'match 203.0.113.70',
      'default',
      'root 0.0.0.0/0',
      'proto static',
      'proto all',
      'type blackhole',
      'type unreachable',
      'scope link',
      'scope all',
      'via 192.0.2.2',
      'via 192.0.2.0/24',
      'src 192.0.2.5',
      'tos 0',
      'metric 10',
      'table 100',
      'table 100 proto static',
      'table all',
      'table all type local',
      'table local root 192.0.2.0/24',
      'dev veth2',
      'dev veth0 via 192.0.2.3',
      'from 0.0.0.0/0',
      '2001:db8:5::/64',
    ]) {
      const theirs = JSON.parse(ip(['-j', '-n', ns.name, 'route', 'show', ...sel.split(' ')]).stdout || '[]') as unknown;
      const ours = JSON.parse(await ok(ns.name, `-j route show ${sel}`)) as unknown;
      expect({ sel, routes: ours }).toEqual({ sel, routes: theirs });
    }
    for (const sel of ['2001:db8:5::/64', 'root 2001:db8::/32', 'dev veth2', 'table all', 'metric 300']) {
      const theirs = JSON.parse(ip(['-6', '-j', '-n', ns.name, 'route', 'show', ...sel.split(' ')]).stdout || '[]') as unknown;
      const ours = JSON.parse(await ok(ns.name, `-6 -j route show ${sel}`)) as unknown;
      expect({ sel, routes: ours }).toEqual({ sel, routes: theirs });
    }
  });

  it('a table that does not exist fails as ip: exit 2 and the kernel\'s reason; the API lists none', async () => {
    for (const f of [[], ['-6']]) {
      const theirs = ip([...f, '-n', ns.name, 'route', 'show', 'table', '999']);
      const ours = await rtnl([...f, '-n', ns.name, 'route', 'show', 'table', '999']);
      expect(theirs.code).toBe(2);
      expect(theirs.stderr).toContain('FIB table does not exist');
      expect(ours).toEqual({ code: 2, stdout: '', stderr: `rtnl: ${f.length ? 'ipv6' : 'ipv4'}: FIB table does not exist; dump terminated\n` });
    }
    // The API: a table never used has no routes (a network manager lists it without a special case),
    // and tableExists() tells the two apart.
    const h = await Rtnl.open({ netns: ns.name });
    try {
      expect(await h.routes.list({ table: 999, family: 'inet' })).toEqual([]);
      expect(await h.routes.tableExists(999, 'inet')).toBe(false);
      expect(await h.routes.tableExists(100, 'inet')).toBe(true);
      expect(await h.routes.tableExists('main', 'inet6')).toBe(true);
      // An emptied table still exists: ip lists it empty, and so does rtnl.
      expect(await ok(ns.name, '-j route show table 100 proto bird')).toBe('[]\n');
    } finally {
      h.close();
    }
  });
});

describe('errors name the device', () => {
  const ns = shared();
  it('in the CLI as ip words them, with ip\'s exit status', async () => {
    for (const words of ['link set nosuch up', 'link del nosuch', 'addr add 192.0.2.9/24 dev nosuch', 'route add 198.51.100.0/24 dev nosuch', 'route show dev nosuch', 'neigh show dev nosuch', 'link show nosuch', 'addr show dev nosuch']) {
      const theirs = ip(['-n', ns.name, ...words.split(' ')]);
      const ours = await rtnl(['-n', ns.name, ...words.split(' ')]);
      expect({ words, code: ours.code, stderr: ours.stderr }).toEqual({ words, code: theirs.code, stderr: `rtnl: ${theirs.stderr.trim()}\n` });
    }
  });

  it('in the API: ENODEV naming the link and the user\'s request, not an internal RTM_GETLINK', async () => {
    const h = await Rtnl.open({ netns: ns.name });
    try {
      const set = await h.links.set('nosuch', { up: true }).catch((e: unknown) => e);
      expect(set).toBeInstanceOf(NetlinkError);
      expect(set).toMatchObject({ code: 'ENODEV', link: 'nosuch', request: { typeName: 'RTM_NEWLINK' } });
      expect((set as Error).message).toBe('RTM_NEWLINK: ENODEV (No such device): Cannot find device "nosuch"');
      const add = await h.addresses.add({ link: 'nosuch', address: '192.0.2.9/24' }).catch((e: unknown) => e);
      expect(add).toMatchObject({ code: 'ENODEV', link: 'nosuch', request: { typeName: 'RTM_NEWADDR', seq: 0 } });
      expect((add as Error).message).toBe('RTM_NEWADDR: ENODEV (No such device): Cannot find device "nosuch"');
      const route = await h.routes.delete({ dst: '198.51.100.0/24', oif: 'nosuch' }).catch((e: unknown) => e);
      expect(route).toMatchObject({ code: 'ENODEV', link: 'nosuch', request: { typeName: 'RTM_DELROUTE' } });
      const neigh = await h.neighbours.list({ link: 'nosuch' }).catch((e: unknown) => e);
      expect(neigh).toMatchObject({ code: 'ENODEV', link: 'nosuch', request: { typeName: 'RTM_GETNEIGH' } });
      // By index: the kernel's own ENODEV for the request, naming the index.
      const byIndex = await h.links.set(4242, { up: true }).catch((e: unknown) => e);
      expect(byIndex).toMatchObject({ code: 'ENODEV', link: 4242 });
      expect((byIndex as Error).message).toContain('Cannot find device with index 4242');
      expect(await h.links.find('nosuch')).toBeUndefined();
      // Traffic control too: the qdisc, class or filter request, not an RTM_GETLINK.
      for (const [typeName, call] of [
        ['RTM_NEWQDISC', () => h.qdiscs.add({ link: 'nosuch', parent: 'root', kind: 'pfifo' })],
        ['RTM_DELTCLASS', () => h.classes.delete({ link: 'nosuch', handle: '1:10' })],
        ['RTM_NEWTFILTER', () => h.filters.add({ link: 'nosuch', parent: 'ffff:', kind: 'u32', protocol: 'all', priority: 1 })],
      ] as const) {
        const e = await call().catch((err: unknown) => err);
        expect(e).toMatchObject({ code: 'ENODEV', link: 'nosuch', request: { typeName } });
        expect((e as Error).message).toBe(`${typeName}: ENODEV (No such device): Cannot find device "nosuch"`);
      }
    } finally {
      h.close();
    }
  });
});

describe('global options next to ip', () => {
  const ns = shared();
  it('-o: route and neigh lines as ip prints them', async () => {
    // Sorted: the order of the kernel's own fe80::/64 routes is not the same from one dump to the next.
    const lines = (text: string): string[] => text.split('\n').sort();
    for (const args of ['-o route show', '-o route show table all', '-o -6 route show', '-o route show table 100', '-o neigh show', '-o neigh show dev veth0', '-o -br link show']) {
      const theirs = ip(['-n', ns.name, ...args.split(' ')]);
      expect({ args, out: lines(await ok(ns.name, args)) }).toEqual({ args, out: lines(theirs.stdout) });
    }
  });

  it('-c=always -o: route and neigh lines in ip\'s colours; -c=never and -c=auto (no tty) plain', async () => {
    const lines = (text: string): string[] => text.split('\n').sort();
    const all: string[] = [];
    // A multipath route (its paths on `-o` line breaks, gateways coloured, devices not), for this test only.
    expect(ip(['-n', ns.name, 'route', 'add', '198.51.100.128/25', 'table', '101', 'nexthop', 'via', '192.0.2.3', 'dev', 'veth0', 'nexthop', 'via', '192.0.2.4', 'dev', 'veth0']).code).toBe(0);
    for (const args of ['-c=always -o route show table 101', '-o route show table 101']) {
      const theirs = ip(['-n', ns.name, ...args.split(' ')]);
      expect(theirs.stdout).toContain('\\\tnexthop via ');
      expect({ args, out: await ok(ns.name, args) }).toEqual({ args, out: theirs.stdout });
      all.push(theirs.stdout);
    }
    expect(ip(['-n', ns.name, 'route', 'flush', 'table', '101']).code).toBe(0);
    for (const args of ['-c=always -o route show', '-c=always -o route show table all', '-c=always -o -6 route show', '-c=always -o route show table 100', '-c=always -o neigh show', '-c=always -o -6 neigh show', '-c -o neigh show dev veth0']) {
      const theirs = ip(['-n', ns.name, ...args.split(' ')]);
      expect({ args, out: lines(await ok(ns.name, args)) }).toEqual({ args, out: lines(theirs.stdout) });
      all.push(theirs.stdout);
    }
    const text = all.join('');
    // The colours are really there: destinations, gateways and sources in their family's, devices as names, MACs.
    for (const re of [/^\x1b\[35m[0-9./]+ \x1b\[0m/m, /via \x1b\[35m[0-9.]+ \x1b\[0m/, /dev \x1b\[36m\S+ \x1b\[0m/, /src \x1b\[35m[0-9.]+ \x1b\[0m/, /^\x1b\[34m[0-9a-f:/]+ \x1b\[0m/m, /lladdr \x1b\[33m[0-9a-f:]+ \x1b\[0m/]) {
      expect({ re: String(re), found: re.test(text) }).toEqual({ re: String(re), found: true });
    }
    for (const args of ['-c=never -o route show', '-c=auto -o route show table all', '-c=never -o neigh show', '-c=auto -o neigh show']) {
      const theirs = ip(['-n', ns.name, ...args.split(' ')]);
      const ours = await ok(ns.name, args);
      expect({ args, out: lines(ours) }).toEqual({ args, out: lines(theirs.stdout) });
      expect(ours).not.toContain('\x1b');
    }
  });

  it('-br and -br -j for link and addr, with -c colours', async () => {
    for (const args of ['-br link show', '-br addr show', '-br -4 addr show', '-br link show dev veth0', '-br addr show dev veth2', '-c=always -br link show', '-c -br addr show', '-color=never -br link show', '-c=auto -br addr show']) {
      const theirs = ip(['-n', ns.name, ...args.split(' ')]);
      expect({ args, out: await ok(ns.name, args) }).toEqual({ args, out: theirs.stdout });
    }
    for (const args of ['-br -j link show', '-br -j addr show', '-br -j -6 addr show']) {
      const theirs = JSON.parse(ip(['-n', ns.name, ...args.split(' ')]).stdout) as unknown;
      expect({ args, out: JSON.parse(await ok(ns.name, args)) as unknown }).toEqual({ args, out: theirs });
    }
  });

  it('-s and -s -s: the counters ip prints, with the same keys and sane values', async () => {
    // Traffic on lo, so that the counters are not all 0: a UDP datagram to itself.
    spawnSync('ip', ['netns', 'exec', ns.name, process.execPath, '-e', "const s=require('dgram').createSocket('udp4');s.bind(0,'127.0.0.1',()=>s.send('x',s.address().port,'127.0.0.1',()=>s.close()))"]);
    for (const [level, args] of [[1, '-s -j link show'], [2, '-s -s -j link show'], [1, '-s -j addr show']] as const) {
      const theirs = JSON.parse(ip(['-n', ns.name, ...args.split(' ')]).stdout) as { ifname: string; stats64: { rx: Record<string, number>; tx: Record<string, number> } }[];
      const ours = JSON.parse(await ok(ns.name, args)) as typeof theirs;
      expect(ours.map((l) => l.ifname)).toEqual(theirs.map((l) => l.ifname));
      for (const [i, l] of ours.entries()) {
        const t = theirs[i].stats64;
        expect({ args, rx: Object.keys(l.stats64.rx), tx: Object.keys(l.stats64.tx) }).toEqual({ args, rx: Object.keys(t.rx), tx: Object.keys(t.tx) });
        // Counters only grow: ours were read after ip's.
        for (const dir of ['rx', 'tx'] as const) for (const [k, v] of Object.entries(l.stats64[dir])) expect(v).toBeGreaterThanOrEqual(t[dir][k]);
      }
      expect(ours.find((l) => l.ifname === 'lo')?.stats64.rx.packets).toBeGreaterThanOrEqual(1);
    }
  });

  it('-batch FILE and -batch - (stdin), with -force: errors, line numbers and exit status as ip', { timeout: FLUSH_TIMEOUT }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rtnl-batch-'));
    try {
      const file = join(dir, 'cmds');
      const veth = (suffix: string): string => `link add b${suffix}0 address 02:00:00:00:01:0${suffix === 'x' ? 1 : 2} type veth peer name b${suffix}1 address 02:00:00:00:02:0${suffix === 'x' ? 1 : 2}`;
      const script = (suffix: string): string => `# comment\n${veth(suffix)}\n\n${veth(suffix)}\nlink set b${suffix}0 up\n`;
      for (const force of [false, true]) {
        const a = fresh();
        const b = fresh();
        try {
          writeFileSync(file, script('x'));
          const f = force ? ['-force'] : [];
          const theirs = ip(['-n', a, ...f, '-batch', file]);
          const ours = await rtnl(['-n', b, ...f, '-batch', file]);
          expect(ours.code).toBe(theirs.code);
          expect(ours.stderr.split('\n').filter((l) => l.startsWith('Command failed'))).toEqual(theirs.stderr.split('\n').filter((l) => l.startsWith('Command failed')));
          await expectSameState(b, a);
          const upA = JSON.parse(execFileSync('ip', ['-j', '-n', a, 'link', 'show', 'bx0'], { encoding: 'utf8' })) as { flags: string[] }[];
          const upB = JSON.parse(execFileSync('ip', ['-j', '-n', b, 'link', 'show', 'bx0'], { encoding: 'utf8' })) as { flags: string[] }[];
          expect(upB[0].flags.includes('UP')).toBe(force);
          expect(upB[0].flags).toEqual(upA[0].flags);
          // The same from stdin: `-batch -`, and `Command failed -:3`.
          const theirsIn = ip(['-n', a, ...f, '-batch', '-'], script('y'));
          const oursIn = await rtnl(['-n', b, ...f, '-batch', '-'], script('y'));
          expect(oursIn.code).toBe(theirsIn.code);
          expect(oursIn.stderr).toContain('Command failed -:4\n');
          expect(theirsIn.stderr).toContain('Command failed -:4\n');
        } finally {
          drop(a);
          drop(b);
        }
      }
      // Every line succeeding: exit 0, the output of each command in turn.
      writeFileSync(file, 'link show lo\nlink show dev veth0\n');
      const r = await rtnl(['-n', ns.name, '-br', '-batch', file]);
      expect(r).toEqual({ code: 0, stdout: ip(['-n', ns.name, '-br', '-batch', file]).stdout, stderr: '' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

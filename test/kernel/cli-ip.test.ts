// `rtnl` next to `ip` for the forms of issue 13: flush (addr, route, neigh) with selectors, route
// show selectors, global options (-s, -br, -o, -batch, -force, -c), a table that does not exist,
// and errors naming the device. Two namespaces built by the same ip script: `ip` changes one,
// `rtnl` the other, and what each leaves (as `ip -j` lists it) must be equal.

import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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

/** What ip lists of a namespace, for comparing two of them (lifetimes and neighbour timers out). */
function state(ns: string): unknown {
  // Sorted: the kernel's own routes (fe80::/64 on each link) come in the order the links came up.
  const j = (args: string[]): unknown[] => sorted(JSON.parse(execFileSync('ip', ['-j', '-n', ns, ...args], { encoding: 'utf8' }) || '[]') as unknown[]);
  return {
    addr: j(['addr', 'show']),
    routes: j(['route', 'show', 'table', 'all']),
    // Not the multicast entries IPv6 makes as links come up (when, is the kernel's business).
    neigh: sorted((j(['neigh', 'show', 'nud', 'all']) as { dst: string; dev: string; state?: string[] }[]).filter((n) => !n.dst.startsWith('ff')).map((n) => ({ dst: n.dst, dev: n.dev, state: n.state }))),
  };
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
    expect(state(b)).toEqual(state(a));
    return { ip: theirs, rtnl: ours };
  } finally {
    drop(a);
    drop(b);
  }
}

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
  });

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
  });

  it('neigh flush with dev, nud states, a prefix, -4 / -6', async () => {
    for (const words of ['neigh flush dev veth0', 'neigh flush dev veth0 nud stale', 'neigh flush dev veth0 nud all', 'neigh flush nud noarp dev veth0', 'neigh flush 192.0.2.0/24', '-6 neigh flush dev veth0', 'neigh flush to 203.0.113.0/24 nud stale']) {
      await sameEffect(words);
    }
  });

  it('fails as ip fails: no selector, a missing device, a table that does not exist', async () => {
    for (const words of ['addr flush', 'route flush', 'neigh flush', 'addr flush dev nosuch', 'neigh flush dev nosuch', 'route flush dev nosuch', 'route flush table 999']) {
      await sameEffect(words);
    }
  });
});

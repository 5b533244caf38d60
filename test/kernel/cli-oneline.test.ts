// `rtnl -o link show` and `rtnl -o addr show` next to iproute2's `ip -o`, byte for byte (but for
// address lifetimes, which count down between the two reads), on a namespace with every part
// ip -o prints: a veth pair, a veth whose peer is in another named namespace (`link-netns NAME`)
// and one whose peer is in a namespace without a name (`link-netnsid N`), a bridge port
// (`master`), a macvlan on a down link (`@lower`, M-DOWN), an alias, altnames, protodown, and
// addresses with brd, peer, label, metric, secondary, noprefixroute, nodad, lifetimes, deprecated.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { runIp, useTestNetns } from '../harness/netns.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in process. */
async function rtnl(args: readonly string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  return { code, stdout, stderr };
}

function ip(args: readonly string[]): Run {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const a = useTestNetns();
const b = useTestNetns();

/** A process in a network namespace of its own that has no name under /run/netns. */
let unnamed: ChildProcess | undefined;
const killUnnamed = (): void => {
  unnamed?.kill('SIGKILL');
};

beforeAll(async () => {
  process.on('exit', killUnnamed);
  // No DAD: addresses are final at once, not tentative for a moment in one read and not the other.
  runIp(['netns', 'exec', a.name, 'sysctl', '-qw', 'net.ipv6.conf.default.accept_dad=0', 'net.ipv6.conf.all.accept_dad=0']);
  const script = `
link set lo up
link add veth0 address 02:00:00:00:00:01 type veth peer name veth1 address 02:00:00:00:00:02
link add vd0 address 02:00:00:00:00:05 type veth peer name vd1 address 02:00:00:00:00:06
link add vp0 address 02:00:00:00:00:03 type veth peer name vp1 netns ${b.name} address 02:00:00:00:00:04
link add br0 address 02:00:00:00:00:10 type bridge
link set veth1 master br0
link add mv0 link vd0 address 02:00:00:00:00:07 type macvlan mode bridge
link add vx0 address 02:00:00:00:00:08 type vxlan id 42 dstport 4789 local 192.0.2.1
link set vx0 protodown on
link set veth0 alias uplink
link property add dev veth0 altname uplink0
link property add dev veth0 altname up-link-zero
link set vd1 alias quiet
link property add dev vd1 altname quiet0
link set veth0 up
link set veth1 up
link set br0 up
link set vp0 up
addr add 192.0.2.1/24 brd + dev veth0
addr add 192.0.2.5/24 dev veth0
addr add 198.51.100.1/24 label veth0:1 dev veth0
addr add 203.0.113.1 peer 203.0.113.2/32 dev vp0
addr add 198.51.100.77/24 dev vp0 metric 50 noprefixroute
addr add 2001:db8::1/64 dev veth0 nodad
addr add 2001:db8:1::1/64 dev veth0 valid_lft 3000 preferred_lft 2000 nodad
addr add 2001:db8:2::1/64 dev veth0 valid_lft 3000 preferred_lft 0 nodad
addr add 2001:db8:3::1/64 dev br0 noprefixroute
`;
  const r = spawnSync('ip', ['-n', a.name, '-batch', '-'], { input: script, encoding: 'utf8' });
  expect({ code: r.status, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  // A veth whose peer lives in a namespace no name under /run/netns stands for: ip prints its
  // id. The namespace goes with the process (killed after the tests), and the pair with it.
  unnamed = spawn('unshare', ['--net', 'sleep', '600'], { stdio: 'ignore' });
  const pid = unnamed.pid as number;
  const own = readlinkSync('/proc/self/ns/net');
  for (let i = 0; i < 200; i++) {
    let ns: string | undefined;
    try {
      ns = readlinkSync(`/proc/${pid}/ns/net`);
    } catch {
      ns = undefined;
    }
    if (ns !== undefined && ns !== own) break;
    await sleep(10);
  }
  expect(readlinkSync(`/proc/${pid}/ns/net`)).not.toBe(own);
  runIp(['-n', a.name, 'link', 'add', 'vu0', 'address', '02:00:00:00:00:09', 'type', 'veth', 'peer', 'name', 'vu1', 'netns', String(pid)]);
});

afterAll(() => {
  killUnnamed();
  process.removeListener('exit', killUnnamed);
});

const LIFETIMES = /valid_lft (\d+|forever)(?:sec)? preferred_lft (-?\d+|forever)(?:sec)?/g;

/** The lifetimes of each line (seconds, or forever), and the text with them replaced by `N`. */
function lifetimes(text: string): { text: string; times: string[][] } {
  const times: string[][] = [];
  const out = text.replace(LIFETIMES, (_, valid: string, preferred: string) => {
    times.push([valid, preferred]);
    return `valid_lft ${valid === 'forever' ? valid : 'N'} preferred_lft ${preferred === 'forever' ? preferred : 'N'}`;
  });
  return { text: out, times };
}

/**
 * `rtnl -o ARGS` equals `ip -o ARGS`: byte for byte but for lifetimes, which count down between
 * ip's read and ours; ours were read after ip's, so each is at most ip's and a little below it.
 */
async function expectSameAsIp(ns: string, args: string): Promise<string> {
  const words = ['-n', ns, ...args.split(' ')];
  const theirs = ip(words);
  const ours = await rtnl(words);
  expect({ args, code: ours.code, stderr: ours.stderr }).toEqual({ args, code: theirs.code, stderr: '' });
  const t = lifetimes(theirs.stdout);
  const o = lifetimes(ours.stdout);
  expect({ args, out: o.text }).toEqual({ args, out: t.text });
  for (const [i, pair] of o.times.entries()) {
    for (const [j, v] of pair.entries()) {
      const their = t.times[i][j];
      if (v === 'forever' || their === 'forever') expect(v).toBe(their);
      else {
        expect(Number(v)).toBeLessThanOrEqual(Number(their));
        expect(Number(their) - Number(v)).toBeLessThanOrEqual(120);
      }
    }
  }
  return theirs.stdout;
}

describe('-o link show and -o addr show, next to ip -o', () => {
  it('link show: one line per link with its parts as ip prints them', async () => {
    const all = await expectSameAsIp(a.name, '-o link show');
    // The parts this test is about are really in ip's output (so the comparison covers them).
    for (const part of [
      '\\    link/ether 02:00:00:00:00:01 brd ff:ff:ff:ff:ff:ff',
      `link-netns ${b.name}`,
      'link-netnsid ',
      '\\    alias uplink\\    altname uplink0\\    altname up-link-zero',
      'master br0 ',
      'veth0@veth1: ',
      'vp0@if',
      'mv0@vd0: <BROADCAST,MULTICAST,M-DOWN>',
      ' protodown on ',
      'qlen 1000\\',
    ]) {
      expect({ part, found: all.includes(part) }).toEqual({ part, found: true });
    }
    expect(all.split('\n').filter((l) => l !== '')).toHaveLength(10);
    await expectSameAsIp(b.name, '-o link show');
    for (const dev of ['veth0', 'vp0', 'vu0', 'mv0', 'br0', 'vx0', 'lo']) await expectSameAsIp(a.name, `-o link show dev ${dev}`);
    await expectSameAsIp(a.name, '-o link show up');
    await expectSameAsIp(a.name, '-o link show master br0');
    await expectSameAsIp(a.name, '-o link show type veth');
  });

  it('addr show: one line per address, with -4, -6, dev, and -d / -s changing nothing (as ip)', async () => {
    const all = await expectSameAsIp(a.name, '-o addr show');
    for (const part of [
      '3: veth0    inet 192.0.2.1/24 brd 192.0.2.255 scope global veth0\\       valid_lft forever preferred_lft forever',
      'scope global veth0:1\\',
      'scope global secondary veth0\\',
      'inet 203.0.113.1 peer 203.0.113.2/32 scope global vp0\\',
      '/24 metric 50 scope global noprefixroute vp0\\',
      'scope global nodad deprecated dynamic \\       valid_lft ',
      'scope global nodad dynamic \\       valid_lft ',
      'preferred_lft 0sec',
      'inet6 ::1/128 scope host \\',
    ]) {
      expect({ part, found: all.includes(part) }).toEqual({ part, found: true });
    }
    for (const args of ['-o addr show dev veth0', '-o addr show dev vp0', '-o -4 addr show', '-o -6 addr show', '-o -6 addr show dev br0', '-o -d addr show', '-o -s addr show', '-o addr show dev vd0']) {
      await expectSameAsIp(a.name, args);
    }
    await expectSameAsIp(b.name, '-o addr show');
  });

  it('-s and -s -s link show: the counters, between the alias and the altnames', async () => {
    // Traffic on lo (nothing else sends there), so that its counters are not all 0.
    spawnSync('ip', ['netns', 'exec', a.name, process.execPath, '-e', "const s=require('dgram').createSocket('udp4');s.bind(0,'127.0.0.1',()=>{let n=0;const f=()=>s.send('x'.repeat(1000),s.address().port,'127.0.0.1',()=>++n<50?f():s.close());f()})"]);
    // Links whose counters do not move: lo once the datagrams are sent, and links that are down.
    for (const args of ['-o -s link show dev lo', '-o -s -s link show dev lo', '-o -s link show dev vd1', '-o -s -s link show dev vd1', '-o -s link show dev vx0']) {
      const out = await expectSameAsIp(a.name, args);
      expect(out).toContain('\\    RX:  bytes packets errors dropped  missed   mcast           \\');
    }
    expect(await expectSameAsIp(a.name, '-o -s -s link show dev lo')).toMatch(/\\    TX errors: aborted   fifo  window heartbt transns\\/);
    expect(await expectSameAsIp(a.name, '-o -s link show dev vd1')).toMatch(/\\    alias quiet\\    RX: .*\\    altname quiet0\n$/);
    const lo = JSON.parse(ip(['-n', a.name, '-s', '-j', 'link', 'show', 'dev', 'lo']).stdout) as { stats64: { rx: { packets: number } } }[];
    expect(lo[0].stats64.rx.packets).toBeGreaterThanOrEqual(50);
  });

  it('-o with -br is ip -br; -o -d link show is refused, not printed differently', async () => {
    for (const args of ['-o -br link show', '-o -br addr show']) await expectSameAsIp(a.name, args);
    // ip -br -j prints an address's metric too.
    const theirs = JSON.parse(ip(['-n', a.name, '-br', '-j', 'addr', 'show', 'dev', 'vp0']).stdout) as unknown;
    expect(theirs).toMatchObject([{ addr_info: [{}, { metric: 50 }] }]);
    expect(JSON.parse((await rtnl(['-n', a.name, '-br', '-j', 'addr', 'show', 'dev', 'vp0'])).stdout)).toEqual(theirs);
    const r = await rtnl(['-n', a.name, '-o', '-d', 'link', 'show']);
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'rtnl: -o with -d is not supported by "link show" (use -j -d)\n' });
  });
});

// Creating and changing links with the library, read back with `ip -j -d`, and the error cases:
// what the library refuses before sending, and what the kernel refuses.

import { execFileSync } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, NetlinkError } from '../../src/netlink/errors.js';
import type { Connection } from '../../src/netlink/connection.js';
import { Rtnl } from '../../src/rtnl/rtnl.js';
import { useTestNetns } from '../harness/netns.js';

const ns = useTestNetns();
const other = `rtnltest-${process.pid}-${randomBytes(3).toString('hex')}-other`;
let rtnl: Rtnl;

interface IpLink {
  ifname: string;
  ifindex: number;
  flags: string[];
  mtu: number;
  address: string;
  master?: string;
  txqlen: number;
  group: string | number;
  ifalias?: string;
  promiscuity: number;
  altnames?: string[];
  link?: string;
  link_netnsid?: number;
  linkinfo?: { info_kind?: string; info_data?: Record<string, unknown>; info_slave_kind?: string };
}

const show = (name: string): IpLink => ns.ipJson<IpLink[]>(['-d', 'link', 'show', 'dev', name])[0];

beforeAll(async () => {
  execFileSync('ip', ['netns', 'add', other]);
  rtnl = await Rtnl.open({ netns: ns.name });
});

afterAll(() => {
  rtnl?.close();
  execFileSync('ip', ['netns', 'delete', other]);
});

describe('create with the library, read with ip', () => {
  it('veth with its peer directly in another namespace', async () => {
    const link = await rtnl.links.add({ name: 'va0', kind: 'veth', peer: { name: 'vb0', netns: other, address: '02:00:00:00:0b:00', mtu: 1400 }, mtu: 1400, address: '02:00:00:00:0a:00' });
    expect(link).toMatchObject({ name: 'va0', mtu: 1400, address: '02:00:00:00:0a:00', kind: 'veth' });
    expect(link.linkNetnsid).toBeTypeOf('number');
    const ip = show('va0');
    expect(ip).toMatchObject({ ifname: 'va0', mtu: 1400, address: '02:00:00:00:0a:00', link_netnsid: link.linkNetnsid, linkinfo: { info_kind: 'veth' } });
    const peer = JSON.parse(execFileSync('ip', ['-n', other, '-j', 'link', 'show', 'dev', 'vb0'], { encoding: 'utf8' })) as IpLink[];
    expect(peer[0]).toMatchObject({ ifname: 'vb0', address: '02:00:00:00:0b:00', mtu: 1400 });
  });

  it('bridge with options, vxlan, macvlan, macvtap and ifb', async () => {
    await rtnl.links.add({ name: 'br1', kind: 'bridge', data: { stpState: 1, forwardDelay: 800, helloTime: 300, ageingTime: 60000, priority: 4096 } });
    expect(show('br1').linkinfo?.info_data).toMatchObject({ stp_state: 1, forward_delay: 800, hello_time: 300, ageing_time: 60000, priority: 4096 });
    await rtnl.links.add({ name: 'vx1', kind: 'vxlan', link: 'va0', data: { id: 4242, port: 4790, local: '192.0.2.10', group: '192.0.2.20', ttl: 16, learning: 0, ageing: 120 } });
    expect(show('vx1').linkinfo?.info_data).toMatchObject({ id: 4242, port: 4790, local: '192.0.2.10', remote: '192.0.2.20', ttl: 16, learning: false, ageing: 120, link: 'va0' });
    await rtnl.links.add({ name: 'mv1', kind: 'macvlan', link: 'va0', data: { mode: 'private' } });
    expect(show('mv1')).toMatchObject({ link: 'va0', linkinfo: { info_kind: 'macvlan', info_data: { mode: 'private' } } });
    await rtnl.links.add({ name: 'mt1', kind: 'macvtap', link: 'va0', data: { mode: 'vepa' } });
    expect(show('mt1').linkinfo?.info_data).toMatchObject({ mode: 'vepa' });
    const ifb = await rtnl.links.add({ name: 'ifb9', kind: 'ifb' });
    expect(ifb.kind).toBe('ifb');
    expect(show('ifb9').linkinfo?.info_kind).toBe('ifb');
  });
});

describe('change with the library, read with ip', () => {
  it('up/down, mtu, MAC, txqlen, group, alias, promiscuity', async () => {
    await rtnl.links.set('ifb9', { up: true, mtu: 1280, txqlen: 42, group: 7, alias: 'an alias', promisc: true });
    let ip = show('ifb9');
    expect(ip.flags).toContain('UP');
    expect(ip.flags).toContain('PROMISC');
    expect(ip).toMatchObject({ mtu: 1280, txqlen: 42, group: '7', ifalias: 'an alias', promiscuity: 1 });
    // ifb cannot change its MAC (EOPNOTSUPP): a veth can.
    await rtnl.links.add({ name: 'vm0', kind: 'veth', peer: { name: 'vm1' } });
    await rtnl.links.set('vm0', { address: '02:00:00:00:99:01' });
    expect(show('vm0').address).toBe('02:00:00:00:99:01');
    await rtnl.links.set('ifb9', { up: false, promisc: false, alias: '' });
    ip = show('ifb9');
    expect(ip.flags).not.toContain('UP');
    expect(ip.flags).not.toContain('PROMISC');
    expect(ip.ifalias).toBeUndefined();
  });

  it('rename, by index too', async () => {
    const l = await rtnl.links.get('ifb9');
    await rtnl.links.set({ index: l.index as number }, { name: 'ifb-renamed' });
    expect(show('ifb-renamed').ifindex).toBe(l.index);
    await rtnl.links.set('ifb-renamed', { name: 'ifb9' });
    expect((await rtnl.links.get('ifb9')).index).toBe(l.index);
  });

  it('master and nomaster', async () => {
    await rtnl.links.add({ name: 'vc0', kind: 'veth', peer: { name: 'vd0' } });
    await rtnl.links.set('vc0', { master: 'br1' });
    expect(show('vc0')).toMatchObject({ master: 'br1', linkinfo: { info_slave_kind: 'bridge' } });
    expect((await rtnl.links.list({ master: 'br1' })).map((l) => l.name)).toEqual(['vc0']);
    await rtnl.links.set('vc0', { master: null });
    expect(show('vc0').master).toBeUndefined();
  });

  it('alternative names', async () => {
    await rtnl.links.addAltNames('vc0', ['a-much-longer-alternative-name']);
    expect(show('vc0').altnames).toEqual(['a-much-longer-alternative-name']);
    expect((await rtnl.links.get('vc0')).altNames).toEqual(['a-much-longer-alternative-name']);
    await rtnl.links.deleteAltNames('vc0', ['a-much-longer-alternative-name']);
    expect(show('vc0').altnames).toBeUndefined();
  });

  it('move to another namespace by name, by pid and by fd', async () => {
    await rtnl.links.add({ name: 'mv-a', kind: 'ifb' });
    await rtnl.links.set('mv-a', { netns: other });
    expect(await rtnl.links.find('mv-a')).toBeUndefined();
    const there = await Rtnl.open({ netns: other });
    try {
      expect((await there.links.get('mv-a')).kind).toBe('ifb');
      // Back by fd, then by the pid of a process inside.
      const fd = openSync(ns.path, 'r');
      try {
        await there.links.set('mv-a', { netns: { fd } });
      } finally {
        closeSync(fd);
      }
      expect((await rtnl.links.get('mv-a')).name).toBe('mv-a');
      const child = execFileSync('ip', ['netns', 'pids', other], { encoding: 'utf8' }).trim();
      expect(child).toBe('');
    } finally {
      there.close();
    }
    const sleeper = (await import('../../src/ns/netns.js')).execInNetns(other, 'sleep', ['20'], { stdio: 'ignore' });
    try {
      await new Promise((r) => sleeper.once('spawn', r));
      await rtnl.links.set('mv-a', { netns: { pid: sleeper.pid as number } });
      expect(execFileSync('ip', ['-n', other, '-br', 'link'], { encoding: 'utf8' })).toContain('mv-a');
    } finally {
      sleeper.kill();
    }
  });

  it('delete', async () => {
    await rtnl.links.delete('vc0');
    expect(await rtnl.links.find('vc0')).toBeUndefined();
    expect(await rtnl.links.find('vd0')).toBeUndefined();
  });
});

describe('create with ip, read with the library', () => {
  it('settings ip made are what the library reads', async () => {
    ns.ip('link add ipmade type veth peer name ipmade-p');
    ns.ip('link set ipmade mtu 1300 address 02:00:00:00:77:01 txqueuelen 77 alias hello group 3 up');
    const l = await rtnl.links.get('ipmade');
    expect(l).toMatchObject({ name: 'ipmade', mtu: 1300, address: '02:00:00:00:77:01', txqlen: 77, alias: 'hello', group: 3, kind: 'veth' });
    expect(l.flags).toContain('up');
  });
});

describe('errors', () => {
  // A connection that fails the test if anything is sent: pre-send checks must not reach the kernel.
  function refusingRtnl(): Rtnl {
    const transport = {
      portId: 1,
      closed: false,
      send(): void {
        throw new Error('nothing may be sent');
      },
      receive: () => null,
      wait: async () => false,
      close(): void {},
    };
    return Rtnl.openSync({ transport });
  }

  it('refuses before sending, naming the field', async () => {
    const r = refusingRtnl();
    await expect(r.links.add({ name: 'way-too-long-name0', kind: 'dummy' })).rejects.toThrow(/^name: .* longer than 15 bytes/);
    await expect(r.links.add({ name: 'vl0', kind: 'vlan', link: 1, data: { id: 5000 } })).rejects.toMatchObject({ field: 'data.id' });
    await expect(r.links.add({ name: 'vx0', kind: 'vxlan', data: { id: 1 << 24 } })).rejects.toThrow(InvalidArgumentError);
    await expect(r.links.add({ name: 'br0', kind: 'bridge', data: { stpp: 1 } as never })).rejects.toMatchObject({ field: 'data.stpp' });
    await expect(r.links.add({ name: 'br0', kind: 'bridge', mtu: -1 })).rejects.toMatchObject({ field: 'mtu' });
    await expect(r.links.set(0, { up: true })).rejects.toMatchObject({ field: 'link.index' });
    await expect(r.links.add({ name: 'a/b', kind: 'dummy' })).rejects.toMatchObject({ field: 'name' });
    await expect(r.addresses.add({ link: 1, address: '192.0.2.1/33' })).rejects.toMatchObject({ field: 'address' });
    await expect(r.addresses.add({ link: 1, address: 'not-an-ip/24' })).rejects.toMatchObject({ field: 'address' });
    r.close();
  });

  it('what the kernel refuses: EEXIST, ENODEV, unknown kind, a bad value, with the kernel text', async () => {
    const dup = await rtnl.links.add({ name: 'br1', kind: 'bridge' }).catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(NetlinkError);
    expect(dup).toMatchObject({ code: 'EEXIST', errno: 17, request: { typeName: 'RTM_NEWLINK' } });
    await expect(rtnl.links.delete('nosuch')).rejects.toMatchObject({ code: 'ENODEV' });
    await expect(rtnl.links.set('nosuch', { up: true })).rejects.toMatchObject({ code: 'ENODEV' });
    const vlan = (await rtnl.links.add({ name: 'vl0', kind: 'vlan', link: 'va0', data: { id: 5 } }).catch((e: unknown) => e)) as NetlinkError;
    expect(vlan).toMatchObject({ code: 'EOPNOTSUPP', extack: { message: 'Unknown device type' } });
    expect(String(vlan)).toContain('RTM_NEWLINK: EOPNOTSUPP');
    const mtu = (await rtnl.links.set('va0', { mtu: 10 }).catch((e: unknown) => e)) as NetlinkError;
    expect(mtu).toMatchObject({ code: 'EINVAL', extack: { message: 'mtu less than device minimum' } });
    expect(mtu.request.bytes?.length).toBeGreaterThan(16);
    // Nothing half-made: the failed creations left no link behind.
    expect((await rtnl.links.list()).map((l) => l.name)).not.toContain('vl0');
  });

  it('points the attribute path at the refused attribute', async () => {
    // A vxlan port range with low > high: the kernel's extended ACK carries the offset of the range.
    const err = (await rtnl.links
      .add({ name: 'vxbad', kind: 'vxlan', data: { id: 7, portRange: { low: 2000, high: 1000 } } })
      .catch((e: unknown) => e)) as NetlinkError;
    expect(err).toBeInstanceOf(NetlinkError);
    expect(err.extack.message).toBe('Invalid source port range');
    expect(err.attributePath).toEqual(['linkinfo', 'data', 'portRange']);
  });

  it('a closed handle refuses requests', async () => {
    const r = await Rtnl.open({ netns: ns.name });
    r.close();
    await expect(r.links.list()).rejects.toThrow(/closed/);
    const conn: Connection = r.connection;
    expect(conn.transport.closed).toBe(true);
  });
});

// Namespace ids against the real kernel, between throwaway namespaces: ids the library assigns
// read back with `ip netns list-id`, ids ip assigns read back with the library, by name, path,
// pid and fd; a veth's link-netnsid named; the nsid-dump fixture decodes and re-encodes byte for
// byte; requests are the messages iproute2 sends.

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReplayTransport } from '../../src/netlink/capture/index.js';
import { NLM_F_ACK, NLM_F_ECHO } from '../../src/netlink/constants.js';
import { InvalidArgumentError, NetlinkError } from '../../src/netlink/errors.js';
import { NamespaceNotFoundError } from '../../src/ns/ref.js';
import { Rtnl } from '../../src/rtnl/rtnl.js';
import { nsidMessage, RTM_NEWNSID } from '../../src/rtnl/nsid/wire.js';
import { capturedDatagrams, decodeAndReencode, expectSameRequest, loadKernelFixture, receivedMessages, requestBytes } from '../harness/kernel-fixture.js';
import { runIp, TEST_NETNS_PREFIX, useTestNetns } from '../harness/netns.js';

interface ListId {
  nsid: number;
  name?: string;
  'current-nsid'?: number;
}

describe('kernel fixture nsid-dump', () => {
  const fx = loadKernelFixture('nsid-dump');

  it('decodes every RTM_NEWNSID and re-encodes it byte for byte', () => {
    const all = decodeAndReencode(nsidMessage, receivedMessages(fx, RTM_NEWNSID));
    expect(all.map((m) => m.nsid).sort()).toEqual([-1, 5, 5]);
  });

  it('replays through nsids.list(): the dump request iproute2 sent, the ids ip netns list-id printed', async () => {
    const rtnl = await Rtnl.open({ transport: new ReplayTransport(capturedDatagrams(fx), { fd: 3 }) });
    try {
      // The names came from the capture machine's /run/netns: compare the ids.
      const ids = await rtnl.nsids.list({ names: false });
      expect(ids).toEqual((fx.ipJson as ListId[]).map((e) => ({ nsid: e.nsid })));
    } finally {
      rtnl.close();
    }
  });
});

// What iproute2 6.1 sent (strace hex, nlmsg_seq zeroed) on kernel 6.18, the peer namespace's file
// open as fd 6. The library also asks for an ACK on a get and an echo on a set: those flags aside.
// The library checks that an fd is a network namespace before sending it: here a real one (this
// thread's namespace, nothing is sent to a kernel), its number in place of iproute2's 6.
const nsFd = fs.openSync('/proc/thread-self/ns/net', 'r');
afterAll(() => fs.closeSync(nsFd));
const fdHex = Buffer.from(new Uint32Array([nsFd]).buffer).toString('hex');
const IPROUTE2_REQUESTS: [string, (rtnl: Rtnl) => Promise<unknown>, string, number][] = [
  ['ip netns set PEER 7', (r) => r.nsids.set({ fd: nsFd }, 7), `240000005800050000000000000000000000000008000300${fdHex}0800010007000000`, NLM_F_ECHO],
  ['ip netns list-id (the question per name)', (r) => r.nsids.get({ fd: nsFd }), `1c0000005a00010000000000000000000000000008000300${fdHex}`, NLM_F_ACK],
];

describe('requests: the same messages iproute2 sends', () => {
  it.each(IPROUTE2_REQUESTS)('%s', async (_command, call, hex, ignored) => {
    expectSameRequest(nsidMessage, await requestBytes(call), hex, ignored);
  });
});

describe('nsids between namespaces', () => {
  const a = useTestNetns();
  const extra = (tag: string): string => `${TEST_NETNS_PREFIX}${process.pid}-${tag}${randomBytes(3).toString('hex')}`;
  const b = extra('b');
  const c = extra('c');
  const d = extra('d');
  const e = extra('e');
  let rtnl: Rtnl;
  let rtnlB: Rtnl;
  let sleeper: ChildProcess | undefined;

  beforeAll(async () => {
    for (const n of [b, c, d, e]) runIp(['netns', 'add', n]);
    // A process living in namespace e, to name it by pid.
    sleeper = spawn('ip', ['netns', 'exec', e, 'sleep', '60'], { stdio: 'ignore' });
    rtnl = await Rtnl.open({ netns: a.name });
    rtnlB = await Rtnl.open({ netns: b });
    // Wait until the sleeper is inside e.
    for (let i = 0; i < 100; i++) {
      const inside = runIp(['netns', 'pids', e]).split('\n').map(Number);
      if (sleeper.pid !== undefined && inside.includes(sleeper.pid)) break;
      await new Promise((r) => setTimeout(r, 20));
    }
  });

  afterAll(() => {
    rtnl?.close();
    rtnlB?.close();
    sleeper?.kill('SIGKILL');
    for (const n of [b, c, d, e]) {
      try {
        runIp(['netns', 'delete', n]);
      } catch {
        // already gone
      }
    }
  });

  const listId = (ns: string): ListId[] => JSON.parse(runIp(['-j', '-n', ns, 'netns', 'list-id']).trim() || '[]') as ListId[];
  const ours = [b, c, d, e];
  const mine = (xs: { nsid: number; name?: string }[]): { nsid: number; name?: string }[] =>
    xs.filter((x) => x.name !== undefined && (ours.includes(x.name) || x.name === a.name)).map((x) => ({ nsid: x.nsid, name: x.name })).sort((p, q) => p.nsid - q.nsid);

  it('a namespace without an id has none', async () => {
    expect(await rtnl.nsids.get(b)).toBeUndefined();
    expect(await rtnl.nsids.nameOfNsid(7)).toBeUndefined();
  });

  it('set by name, path and pid; ip netns list-id shows the same ids and names', async () => {
    expect(await rtnl.nsids.set(b, 7)).toBe(7);
    expect(await rtnl.nsids.set({ path: `/run/netns/${c}` }, 8)).toBe(8);
    const auto = await rtnl.nsids.set({ pid: sleeper?.pid as number });
    expect(auto).toBeGreaterThanOrEqual(0);
    const listed = await rtnl.nsids.list();
    expect(mine(listed)).toEqual(mine(listId(a.name)));
    expect(mine(listed)).toEqual(
      [
        { nsid: 7, name: b },
        { nsid: 8, name: c },
        { nsid: auto, name: e },
      ].sort((p, q) => p.nsid - q.nsid),
    );
    expect(await rtnl.nsids.get({ pid: sleeper?.pid as number })).toBe(auto);
    expect(await rtnl.nsids.get({ name: e })).toBe(auto);
    expect(await rtnl.nsids.nameOfNsid(7)).toBe(b);
  });

  it('set by ip, read by the library', async () => {
    a.ip(['netns', 'set', d, '42']);
    expect(await rtnl.nsids.get(d)).toBe(42);
    expect(await rtnl.nsids.nameOfNsid(42)).toBe(d);
    expect((await rtnl.nsids.list()).find((x) => x.nsid === 42)).toEqual({ nsid: 42, name: d });
  });

  it('entries of /run/netns that are no namespace (a directory, a symbolic link) neither fail nor name anything', async () => {
    const dir = `/run/netns/${extra('dir')}`;
    const link = `/run/netns/${extra('lnk')}`;
    fs.mkdirSync(dir);
    fs.symlinkSync(`/run/netns/${b}`, link);
    try {
      const listed = await rtnl.nsids.list();
      expect(listed.find((x) => x.nsid === 7)).toEqual({ nsid: 7, name: b });
      expect(listed.some((x) => x.name !== undefined && `/run/netns/${x.name}` === link)).toBe(false);
      expect(await rtnl.nsids.nameOfNsid(7)).toBe(b);
    } finally {
      fs.rmdirSync(dir);
      fs.unlinkSync(link);
    }
  });

  it('a veth whose peer is in another namespace: each side\'s link-netnsid, named', async () => {
    await rtnl.links.add({ name: 'vx0', kind: 'veth', peer: { name: 'vx1', netns: b } });
    const here = await rtnl.links.get('vx0');
    expect(here.linkNetnsid).toBe(7);
    expect(here.linkNetnsid).toBe(a.ipJson<{ link_netnsid: number }[]>('link show vx0')[0].link_netnsid);
    expect(await rtnl.nsids.nameOfNsid(here.linkNetnsid as number)).toBe(b);
    // From b: the kernel gave a an id when the veth was made; b's view names it.
    const there = await rtnlB.links.get('vx1');
    const ipThere = JSON.parse(runIp(['-j', '-n', b, 'link', 'show', 'vx1'])) as { link_netnsid: number }[];
    expect(there.linkNetnsid).toBe(ipThere[0].link_netnsid);
    expect(await rtnlB.nsids.get(a.name)).toBe(there.linkNetnsid);
    expect(await rtnlB.nsids.nameOfNsid(there.linkNetnsid as number)).toBe(a.name);
    expect(mine(await rtnlB.nsids.list())).toEqual(mine(listId(b)));
    expect(mine(await rtnlB.nsids.list())).toEqual([{ nsid: there.linkNetnsid, name: a.name }]);
  });

  describe('errors', () => {
    it('an id for a namespace that has one, or an id that is taken, is EEXIST with the kernel\'s text and attribute', async () => {
      const again = (await rtnl.nsids.set(b, 9).catch((err: unknown) => err)) as NetlinkError;
      expect(again).toBeInstanceOf(NetlinkError);
      expect(again.code).toBe('EEXIST');
      expect(again.extack.message).toBe('Peer netns already has a nsid assigned');
      expect(again.attributePath).toEqual(['fd']);
      const fresh = extra('f');
      runIp(['netns', 'add', fresh]);
      try {
        const taken = (await rtnl.nsids.set(fresh, 7).catch((err: unknown) => err)) as NetlinkError;
        expect(taken).toBeInstanceOf(NetlinkError);
        expect(taken.code).toBe('EEXIST');
        expect(taken.extack.message).toBe('The specified nsid is already used');
        // Nothing was assigned.
        expect(await rtnl.nsids.get(fresh)).toBeUndefined();
      } finally {
        runIp(['netns', 'delete', fresh]);
      }
    });

    it('a namespace that does not exist, and bad ids, are refused before sending', async () => {
      await expect(rtnl.nsids.get('rtnltest-no-such-namespace')).rejects.toBeInstanceOf(NamespaceNotFoundError);
      await expect(rtnl.nsids.set('rtnltest-no-such-namespace', 3)).rejects.toBeInstanceOf(NamespaceNotFoundError);
      const offline = await Rtnl.open({ transport: new ReplayTransport([]) });
      try {
        await expect(offline.nsids.set({ fd: 6 }, -2)).rejects.toMatchObject({ name: 'InvalidArgumentError', field: 'nsid' });
        await expect(offline.nsids.set({ fd: 6 }, 1.5)).rejects.toBeInstanceOf(InvalidArgumentError);
        await expect(offline.nsids.get({ pid: 0 })).rejects.toMatchObject({ name: 'InvalidArgumentError', field: 'netns.pid' });
        await expect(offline.nsids.get({ fd: -1 })).rejects.toMatchObject({ name: 'InvalidArgumentError', field: 'netns.fd' });
        await expect(offline.nsids.nameOfNsid(-1)).rejects.toMatchObject({ name: 'InvalidArgumentError', field: 'nsid' });
      } finally {
        offline.close();
      }
    });

    it('the kernel has no RTM_DELNSID request: EOPNOTSUPP', async () => {
      const err = await rtnl.connection.request({ type: 89, body: (w) => w.bytes(new Uint8Array([0, 0, 0, 0, 8, 0, 1, 0, 7, 0, 0, 0])) }).catch((x: unknown) => x);
      expect(err).toMatchObject({ name: 'NetlinkError', code: 'EOPNOTSUPP' });
      expect(await rtnl.nsids.get(b)).toBe(7);
    });
  });
});

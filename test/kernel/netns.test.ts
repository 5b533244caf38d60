// Network namespaces: everything `ip netns` does, handles inside any namespace, the seeds'
// scenarios, bad input and safety. Every namespace here is named rtnltest-<pid>-* (the global
// teardown removes leftovers of a crashed run) and deleted in afterAll.

import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readlinkSync, statSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/netlink/errors.js';
import {
  NamespaceExistsError,
  addNetns,
  addNetnsFaults,
  attachNetns,
  currentNetns,
  deleteNetns,
  execInNetns,
  execInNetnsSync,
  identifyNetns,
  listNetns,
  netnsExists,
  netnsIdentity,
  netnsPids,
  runInNetns,
} from '../../src/ns/netns.js';
import { NamespaceNotFoundError } from '../../src/ns/ref.js';
import { connectInNetns, listenInNetns } from '../../src/ns/sockets.js';
import { Rtnl } from '../../src/rtnl/rtnl.js';

const prefix = `rtnltest-${process.pid}-${randomBytes(3).toString('hex')}`;
const made = new Set<string>();
function ns(suffix: string): string {
  const name = `${prefix}-${suffix}`;
  addNetns(name);
  made.add(name);
  return name;
}
const closers: (() => void)[] = [];
afterAll(() => {
  for (const c of closers.splice(0)) c();
  for (const name of made) if (netnsExists(name)) deleteNetns(name);
});

const initialNetns = (): string => readlinkSync('/proc/thread-self/ns/net');
const initialLinks = execFileSync('ip', ['-br', 'link'], { encoding: 'utf8' });
afterAll(() => {
  // Nothing this file did touched the initial namespace's links.
  expect(execFileSync('ip', ['-br', 'link'], { encoding: 'utf8' }).replace(/\s+(UP|DOWN|UNKNOWN)\s+/g, ' ')).toBe(initialLinks.replace(/\s+(UP|DOWN|UNKNOWN)\s+/g, ' '));
});

function read(socket: net.Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (data += d));
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
}

function listening(server: net.Server): Promise<void> {
  return new Promise((resolve, reject) => {
    if (server.listening) resolve();
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
}

function serve(netns: string, reply: string, port: number, host?: string): net.Server {
  const server = listenInNetns(netns, net.createServer((c) => c.end(reply)), { port, ...(host ? { host } : {}) });
  closers.push(() => server.close());
  return server;
}

function httpGet(netns: string, host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request({ createConnection: () => connectInNetns(netns, { host, port }), path: '/' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}

async function withRtnl<T>(netns: string, fn: (r: Rtnl) => Promise<T>): Promise<T> {
  const r = await Rtnl.open({ netns });
  try {
    return await fn(r);
  } finally {
    r.close();
  }
}

describe('ip netns compatibility', () => {
  it('add, list, exists, identity and delete, visible to ip netns', () => {
    const name = ns('basic');
    expect(listNetns()).toContain(name);
    expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).toContain(name);
    expect(netnsExists(name)).toBe(true);
    const id = netnsIdentity(name);
    expect(id.inode).toBe(statSync(`/run/netns/${name}`).ino);
    expect(id.inode).not.toBe(currentNetns().inode);
    expect(() => addNetns(name)).toThrow(NamespaceExistsError);
    deleteNetns(name);
    made.delete(name);
    expect(netnsExists(name)).toBe(false);
    expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).not.toContain(name);
    expect(() => deleteNetns(name)).toThrow(NamespaceNotFoundError);
  });

  it('uses the same shared /run/netns mount as iproute2', () => {
    ns('mount');
    const mountinfo = execFileSync('cat', ['/proc/self/mountinfo'], { encoding: 'utf8' });
    const runNetns = mountinfo.split('\n').find((l) => l.split(' ')[4] === '/run/netns');
    expect(runNetns).toMatch(/shared:\d+/);
  });

  it('attach, pids and identify a process, like ip netns attach/pids/identify', async () => {
    const name = ns('pids');
    const child = execInNetns(name, 'sleep', ['30'], { stdio: 'ignore' });
    closers.push(() => child.kill());
    await new Promise((r) => child.once('spawn', r));
    const pid = child.pid as number;
    expect(netnsPids(name)).toEqual([pid]);
    expect(execFileSync('ip', ['netns', 'pids', name], { encoding: 'utf8' }).trim()).toBe(String(pid));
    expect(identifyNetns(pid)).toEqual([name]);
    expect(execFileSync('ip', ['netns', 'identify', String(pid)], { encoding: 'utf8' }).trim()).toBe(name);
    const alias = `${prefix}-alias`;
    attachNetns(alias, pid);
    made.add(alias);
    expect(identifyNetns(pid).sort()).toEqual([name, alias].sort());
    expect(netnsIdentity(alias).inode).toBe(netnsIdentity(name).inode);
    expect(identifyNetns(process.pid)).not.toContain(name);
  });

  it('opens a handle by name, path, pid and fd, whatever namespace the process is in', async () => {
    const name = ns('refs');
    await withRtnl(name, (r) => r.links.add({ name: 'marker0', kind: 'ifb' }));
    const child = execInNetns(name, 'sleep', ['30'], { stdio: 'ignore' });
    closers.push(() => child.kill());
    await new Promise((r) => child.once('spawn', r));
    const fdHandle = execFileSync('true') && (await import('node:fs')).openSync(`/run/netns/${name}`, 'r');
    for (const ref of [name, { name }, { path: `/run/netns/${name}` }, { pid: child.pid as number }, { fd: fdHandle }]) {
      const names = await withRtnl(name, async () => (await Rtnl.open({ netns: ref })).links.list().then((l) => l.map((x) => x.name)));
      expect(names).toEqual(['lo', 'marker0']);
    }
    // A handle keeps working from inside another namespace (the thread's namespace does not matter).
    const r = await Rtnl.open({ netns: name });
    const other = ns('elsewhere');
    const seen = runInNetns(other, () => initialNetns());
    expect(seen).not.toBe(initialNetns());
    expect((await r.links.list()).map((l) => l.name)).toEqual(['lo', 'marker0']);
    r.close();
  });
});

describe('run and exec', () => {
  it('run: the thread is inside the namespace during fn and restored after, also when fn throws', () => {
    const name = ns('run');
    const before = initialNetns();
    const inside = runInNetns(name, () => initialNetns());
    expect(inside).toBe(`net:[${netnsIdentity(name).inode}]`);
    expect(initialNetns()).toBe(before);
    expect(() =>
      runInNetns(name, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(initialNetns()).toBe(before);
  });

  it('run refuses an async function and still restores the namespace', () => {
    const name = ns('async');
    const before = initialNetns();
    expect(() => runInNetns(name, async () => 1)).toThrow(TypeError);
    expect(initialNetns()).toBe(before);
  });

  it('exec: a child inside the namespace, async and sync, like ip netns exec', async () => {
    const name = ns('exec');
    const sync = execInNetnsSync(name, 'readlink', ['/proc/self/ns/net'], { encoding: 'utf8' });
    expect(String(sync.stdout).trim()).toBe(`net:[${netnsIdentity(name).inode}]`);
    const child = execInNetns(name, 'ip', ['-br', 'link'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise((r) => child.on('close', r));
    expect(out.trim().split('\n').map((l) => l.split(/\s+/)[0])).toEqual(['lo']);
  });
});

describe('the seeds\u2019 scenarios', () => {
  it('1: a new namespace has only lo, down; with lo up a server on 127.0.0.1 in A answers A, not B', async () => {
    const a = ns('s1a');
    const b = ns('s1b');
    const links = await withRtnl(a, (r) => r.links.list());
    expect(links.map((l) => [l.name, l.flags?.includes('up')])).toEqual([['lo', false]]);
    for (const n of [a, b]) await withRtnl(n, (r) => r.links.set('lo', { up: true }));
    const server = serve(a, 'hello from A', 7001, '127.0.0.1');
    await listening(server);
    expect(await read(connectInNetns(a, { host: '127.0.0.1', port: 7001 }))).toBe('hello from A');
    await expect(read(connectInNetns(b, { host: '127.0.0.1', port: 7001 }))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    // And nothing listens in the initial namespace.
    expect(execFileSync('ss', ['-ltnH', 'sport = :7001'], { encoding: 'utf8' }).trim()).toBe('');
  });

  it('2: two namespaces joined by a veth pair: TCP both ways, two HTTP servers on port 8080', async () => {
    const a = ns('s2a');
    const b = ns('s2b');
    await withRtnl(a, async (r) => {
      await r.links.set('lo', { up: true });
      await r.links.add({ name: 'veth-a', kind: 'veth', peer: { name: 'veth-b', netns: b } });
      await r.links.set('veth-a', { up: true });
      await r.addresses.add({ link: 'veth-a', address: '192.0.2.1/24' });
    });
    await withRtnl(b, async (r) => {
      await r.links.set('lo', { up: true });
      await r.links.set('veth-b', { up: true });
      await r.addresses.add({ link: 'veth-b', address: '192.0.2.2/24' });
    });
    const sa = serve(a, 'tcp A', 9000);
    const sb = serve(b, 'tcp B', 9000);
    const ha = listenInNetns(a, http.createServer((_q, res) => res.end('http from A')), { port: 8080 });
    const hb = listenInNetns(b, http.createServer((_q, res) => res.end('http from B')), { port: 8080 });
    closers.push(() => ha.close(), () => hb.close());
    await Promise.all([sa, sb, ha, hb].map(listening));
    expect(await read(connectInNetns(a, { host: '192.0.2.2', port: 9000 }))).toBe('tcp B');
    expect(await read(connectInNetns(b, { host: '192.0.2.1', port: 9000 }))).toBe('tcp A');
    expect(await httpGet(a, '192.0.2.2', 8080)).toBe('http from B');
    expect(await httpGet(b, '192.0.2.1', 8080)).toBe('http from A');
    expect(await httpGet(a, '127.0.0.1', 8080)).toBe('http from A');
    expect(await httpGet(b, '127.0.0.1', 8080)).toBe('http from B');
  });

  it('3: a bridge in a host namespace joins three containers; all reach each other; the FDB maps each MAC to its port', async () => {
    const host = ns('s3host');
    const containers = ['s3c1', 's3c2', 's3c3'].map((c) => ns(c));
    const ips = containers.map((_, i) => `198.51.100.${21 + i}`);
    const macs: string[] = [];
    await withRtnl(host, async (h) => {
      await h.links.add({ name: 'br0', kind: 'bridge', data: { stpState: 0, forwardDelay: 0 }, up: true });
      for (const [i, c] of containers.entries()) {
        await h.links.add({ name: `port${i}`, kind: 'veth', peer: { name: 'eth0', netns: c }, master: 'br0', up: true });
      }
    });
    for (const [i, c] of containers.entries()) {
      await withRtnl(c, async (r) => {
        await r.links.set('lo', { up: true });
        await r.links.set('eth0', { up: true });
        await r.addresses.add({ link: 'eth0', address: `${ips[i]}/24` });
        macs.push((await r.links.get('eth0')).address as string);
      });
      await listening(serve(c, `I am ${i}`, 7100));
    }
    for (const [i, c] of containers.entries()) {
      for (const [j] of containers.entries()) {
        if (i !== j) expect(await read(connectInNetns(c, { host: ips[j], port: 7100 }))).toBe(`I am ${j}`);
      }
    }
    await withRtnl(host, async (h) => {
      const names = new Map((await h.links.list()).map((l) => [l.index, l.name]));
      const fdb = await h.neighbours.fdb.list({ bridge: 'br0' });
      for (const [i, mac] of macs.entries()) {
        const learned = fdb.filter((e) => e.lladdr === mac);
        expect(learned.map((e) => names.get(e.link))).toContain(`port${i}`);
      }
      // The same, as `bridge -j fdb show` reports it.
      const ipFdb = JSON.parse(execFileSync('bridge', ['-n', host, '-j', 'fdb', 'show', 'br', 'br0'], { encoding: 'utf8' })) as { mac: string; ifname: string }[];
      for (const [i, mac] of macs.entries()) expect(ipFdb.filter((e) => e.mac === mac).map((e) => e.ifname)).toContain(`port${i}`);
    });
  });

  it('4: private routing tables: each namespace resolves a destination through its own gateway', async () => {
    const setups = [
      { n: ns('s4a'), addr: '203.0.113.1/26', gw: '203.0.113.62' },
      { n: ns('s4b'), addr: '203.0.113.65/26', gw: '203.0.113.126' },
    ];
    for (const s of setups) {
      await withRtnl(s.n, async (r) => {
        await r.links.add({ name: 'up0', kind: 'veth', peer: { name: 'up1' }, up: true });
        await r.links.set('up1', { up: true });
        await r.addresses.add({ link: 'up0', address: s.addr });
        await r.routes.add({ dst: 'default', gateway: s.gw, oif: 'up0' });
      });
    }
    for (const s of setups) {
      const route = await withRtnl(s.n, (r) => r.routes.get({ to: '198.18.7.7' }));
      expect(route).toMatchObject({ gateway: s.gw, dst: '198.18.7.7/32' });
      // `ip route get` in the same namespace agrees.
      const ip = JSON.parse(execFileSync('ip', ['-n', s.n, '-j', 'route', 'get', '198.18.7.7'], { encoding: 'utf8' })) as { gateway: string }[];
      expect(ip[0].gateway).toBe(s.gw);
    }
  });

  it('5: identity: inode of a named namespace = /proc/<pid>/ns/net of a child started in it; identify names it; nsids agree with ip', async () => {
    const name = ns('s5');
    const peer = ns('s5peer');
    const child = execInNetns(name, 'sleep', ['30'], { stdio: 'ignore' });
    closers.push(() => child.kill());
    await new Promise((r) => child.once('spawn', r));
    expect(statSync(`/proc/${child.pid}/ns/net`).ino).toBe(statSync(`/run/netns/${name}`).ino);
    expect(identifyNetns(child.pid as number)).toEqual([name]);
    // An nsid assigned in one namespace for another, like `ip netns set`, seen by both sides.
    await withRtnl(name, (r) => r.nsids.set(peer, 42));
    const listed = await withRtnl(name, (r) => r.nsids.list());
    expect(listed).toContainEqual({ nsid: 42, name: peer });
    const ipList = JSON.parse(execFileSync('ip', ['-n', name, '-j', 'netns', 'list-id'], { encoding: 'utf8' })) as { nsid: number; name?: string }[];
    expect(ipList.find((e) => e.nsid === 42)?.name).toBe(peer);
    expect(await withRtnl(name, (r) => r.nsids.get({ pid: child.pid as number }))).toBeUndefined();
  });
});

describe('bad input and safety', () => {
  it('refuses bad names, missing namespaces and processes, naming what is wrong', async () => {
    for (const bad of ['', 'a/b', 'x\0y', '.', '..', 'n'.repeat(256)]) {
      expect(() => addNetns(bad)).toThrow(InvalidArgumentError);
    }
    expect(() => addNetns('a/b')).toThrow(/contains '\/'/);
    const missing = `${prefix}-missing`;
    expect(() => deleteNetns(missing)).toThrow(NamespaceNotFoundError);
    expect(() => runInNetns(missing, () => 1)).toThrow(/not found/);
    await expect(Rtnl.open({ netns: missing })).rejects.toThrow(NamespaceNotFoundError);
    expect(() => identifyNetns(2 ** 22 + 12345)).toThrow(/no process/);
    expect(() => attachNetns(`${prefix}-x`, 2 ** 22 + 12345)).toThrow(NamespaceNotFoundError);
    expect(existsSync(`/run/netns/${prefix}-x`)).toBe(false);
  });

  it('a failed add leaves no half-made mount or file behind', () => {
    const before = initialNetns();
    for (const step of ['afterCreate', 'afterUnshare'] as const) {
      const name = `${prefix}-fail-${step}`;
      addNetnsFaults[step] = () => {
        throw new Error(`injected failure ${step}`);
      };
      try {
        expect(() => addNetns(name)).toThrow(`injected failure ${step}`);
      } finally {
        delete addNetnsFaults[step];
      }
      expect(existsSync(`/run/netns/${name}`)).toBe(false);
      expect(execFileSync('cat', ['/proc/self/mountinfo'], { encoding: 'utf8' })).not.toContain(name);
      expect(initialNetns()).toBe(before);
    }
  });

  it('children started with exec really are inside (no leak into the initial namespace)', async () => {
    const name = ns('leak');
    const child = spawn('true');
    await new Promise((r) => child.on('close', r));
    const inside = execInNetnsSync(name, 'ip', ['-br', 'link'], { encoding: 'utf8' });
    expect(String(inside.stdout)).not.toContain('eth0');
  });
});

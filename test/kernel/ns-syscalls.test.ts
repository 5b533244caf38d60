// Namespace system calls against the real kernel.

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLONE_NEWNET,
  MNT_DETACH,
  MS_BIND,
  THREAD_NETNS_PATH,
  gettid,
  inNetns,
  mount,
  setns,
  umount2,
  unshare,
} from '../../src/sys/syscalls.js';
import { SocketError, SystemError } from '../../src/netlink/errors.js';
import { useTestNetns } from '../harness/netns.js';

const ns = useTestNetns();
let nsFd = -1;
let originalIno = 0;

const currentIno = (): number => fs.statSync(THREAD_NETNS_PATH).ino;

beforeAll(() => {
  nsFd = fs.openSync(ns.path, 'r');
  originalIno = currentIno();
});
afterAll(() => {
  if (nsFd >= 0) fs.closeSync(nsFd);
});

describe('inNetns', () => {
  it('runs fn inside the namespace and returns its value, then restores the original', () => {
    const nsIno = fs.statSync(ns.path).ino;
    expect(nsIno).not.toBe(originalIno);
    const inside = inNetns(nsFd, () => currentIno());
    expect(inside).toBe(nsIno);
    expect(currentIno()).toBe(originalIno);
  });

  it('restores the original namespace when fn throws, and rethrows', () => {
    const boom = new Error('boom');
    expect(() =>
      inNetns(nsFd, () => {
        expect(currentIno()).toBe(fs.statSync(ns.path).ino);
        throw boom;
      }),
    ).toThrow(boom);
    expect(currentIno()).toBe(originalIno);
  });

  it('refuses fn returning a Promise (TypeError), still restoring the namespace', () => {
    let ranInside = false;
    expect(() =>
      inNetns(nsFd, async () => {
        ranInside = currentIno() === fs.statSync(ns.path).ino;
        return 1;
      }),
    ).toThrow(TypeError);
    expect(ranInside).toBe(true);
    expect(currentIno()).toBe(originalIno);
    // Any thenable counts.
    expect(() => inNetns(nsFd, () => ({ then: () => undefined }))).toThrow(TypeError);
    expect(currentIno()).toBe(originalIno);
  });

  it('fails with SystemError(setns, EINVAL) for an fd that is not a namespace, leaving the thread alone', () => {
    const fd = fs.openSync('/proc/self/status', 'r');
    try {
      expect(() => inNetns(fd, () => 1)).toThrow(expect.objectContaining({ name: 'SystemError', syscall: 'setns', code: 'EINVAL' }));
    } finally {
      fs.closeSync(fd);
    }
    expect(currentIno()).toBe(originalIno);
  });

  it('does not leak the fd it saves', () => {
    const before = fs.readdirSync('/proc/self/fd').length;
    for (let i = 0; i < 50; i++) inNetns(nsFd, () => 0);
    expect(fs.readdirSync('/proc/self/fd').length).toBe(before);
  });
});

describe('other syscalls', () => {
  it('gettid is the pid on the main thread', () => {
    expect(gettid()).toBe(process.pid);
  });

  it('reports mount, umount2, setns and unshare failures as SystemError (not SocketError), with the path', () => {
    const caught = (fn: () => void): unknown => {
      try {
        fn();
      } catch (e) {
        return e;
      }
      return undefined;
    };
    const e1 = caught(() => setns(-1, CLONE_NEWNET));
    expect(e1).toBeInstanceOf(SystemError);
    expect(e1).not.toBeInstanceOf(SocketError);
    expect(e1).toMatchObject({ name: 'SystemError', syscall: 'setns', code: 'EBADF' });
    const e2 = caught(() => umount2('/nonexistent-rtnl-path'));
    expect(e2).not.toBeInstanceOf(SocketError);
    expect(e2).toMatchObject({ name: 'SystemError', syscall: 'umount2', code: 'ENOENT', path: '/nonexistent-rtnl-path' });
    const e3 = caught(() => mount('/nonexistent-rtnl-path', '/nonexistent-rtnl-path', 'none', MS_BIND));
    expect(e3).toMatchObject({ name: 'SystemError', syscall: 'mount', code: 'ENOENT' });
    expect(caught(() => unshare(-1))).toMatchObject({ name: 'SystemError', syscall: 'unshare', code: 'EINVAL' });
  });

  it('unshare + bind mount + setns back creates a named namespace the way `ip netns add` does', () => {
    const name = `rtnltest-${process.pid}-${randomBytes(4).toString('hex')}`;
    const path = `/run/netns/${name}`;
    const original = fs.openSync(THREAD_NETNS_PATH, 'r');
    let mounted = false;
    try {
      fs.writeFileSync(path, '', { flag: 'wx', mode: 0 });
      try {
        unshare(CLONE_NEWNET);
        mount(THREAD_NETNS_PATH, path, null, MS_BIND);
        mounted = true;
      } finally {
        setns(original, CLONE_NEWNET);
      }
      expect(currentIno()).toBe(originalIno);
      expect(fs.statSync(path).ino).not.toBe(originalIno);
      const links = execFileSync('ip', ['-n', name, '-br', 'link'], { encoding: 'utf8' });
      expect(links.trim().split(/\s+/)[0]).toBe('lo');
      expect(links.trim().split('\n')).toHaveLength(1);
    } finally {
      fs.closeSync(original);
      if (mounted) umount2(path, MNT_DETACH);
      fs.rmSync(path, { force: true });
    }
    expect(fs.existsSync(path)).toBe(false);
  });
});

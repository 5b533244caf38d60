// Namespace system calls (setns, unshare, mount, umount2, gettid) and inNetns, which runs a
// synchronous function inside another network namespace on the calling thread.

import { closeSync, openSync } from 'node:fs';
import { SystemError } from './errors.js';
import { libcFunction } from './libc.js';

/** unshare/setns flag: a network namespace. */
export const CLONE_NEWNET = 0x40000000;
/** unshare/setns flag: a mount namespace. */
export const CLONE_NEWNS = 0x00020000;
/** mount flag: bind mount. */
export const MS_BIND = 4096;
/** mount flag: apply recursively (with MS_BIND or a propagation flag). */
export const MS_REC = 16384;
/** mount propagation: private. */
export const MS_PRIVATE = 1 << 18;
/** mount propagation: slave (receives, does not send, propagation). */
export const MS_SLAVE = 1 << 19;
/** mount propagation: shared. */
export const MS_SHARED = 1 << 20;
/** umount2 flag: lazy unmount (detach now, clean up when no longer busy). */
export const MNT_DETACH = 2;
/** umount2 flag: do not follow a symbolic link at the target (never unmount what a link points to). */
export const UMOUNT_NOFOLLOW = 8;

const c = {
  setns: libcFunction('setns', 'i32', ['i32', 'i32']),
  unshare: libcFunction('unshare', 'i32', ['i32']),
  mount: libcFunction('mount', 'i32', ['string', 'string', 'string', 'u64', 'string']),
  umount2: libcFunction('umount2', 'i32', ['string', 'i32']),
  gettid: libcFunction('gettid', 'i32', []),
};

/**
 * setns(2): moves the calling thread into the namespace `fd` refers to.
 * @param nstype - CLONE_NEWNET (or 0: any type).
 * @throws {@link SystemError} `setns`.
 */
export function setns(fd: number, nstype: number): void {
  const r = c.setns(fd, nstype);
  if (r.value < 0) throw new SystemError('setns', r.errno);
}

/**
 * unshare(2): gives the calling thread new namespaces of the given kinds. For CLONE_NEWNET this
 * changes only the calling thread; restore it with {@link setns}.
 * @throws {@link SystemError} `unshare`.
 */
export function unshare(flags: number): void {
  const r = c.unshare(flags);
  if (r.value < 0) throw new SystemError('unshare', r.errno);
}

/**
 * mount(2). `null` is passed as an empty string (ignored by the kernel for bind mounts and
 * propagation changes).
 * @throws {@link SystemError} `mount`.
 */
export function mount(source: string | null, target: string, fstype: string | null, flags: number, data: string | null = null): void {
  const r = c.mount(source ?? '', target, fstype ?? '', flags, data ?? '');
  if (r.value < 0) throw new SystemError('mount', r.errno, target, target);
}

/**
 * umount2(2).
 * @param flags - MNT_DETACH and the like.
 * @throws {@link SystemError} `umount2`.
 */
export function umount2(target: string, flags = 0): void {
  const r = c.umount2(target, flags);
  if (r.value < 0) throw new SystemError('umount2', r.errno, target, target);
}

/** gettid(2): the calling thread's id. */
export function gettid(): number {
  return c.gettid().value;
}

/** The path of the calling thread's network namespace file. */
export const THREAD_NETNS_PATH = '/proc/thread-self/ns/net';

function isThenable(v: unknown): boolean {
  return (
    v !== null &&
    (typeof v === 'object' || typeof v === 'function') &&
    typeof (v as { then?: unknown }).then === 'function'
  );
}

/**
 * Runs `fn` synchronously with the calling thread inside the network namespace `netnsFd`, then
 * moves the thread back to its original namespace, also when `fn` throws.
 *
 * Only synchronous work is allowed: `fn` returning a thenable (a Promise) throws a TypeError
 * (after restoring the namespace), since the rest of an async function would run in whatever
 * namespace the thread is in later. What `fn` creates inside (sockets, spawned children) keeps
 * the namespace it was created in.
 * @param netnsFd - An fd of a network namespace file (such as `/run/netns/NAME`, opened read-only).
 * @throws {@link SystemError} `setns` when a namespace switch fails; if switching back fails the
 * error says so (the thread is then left in the wrong namespace, which should never happen for a
 * namespace that was just left).
 * @throws TypeError when `fn` returns a thenable.
 */
export function inNetns<T>(netnsFd: number, fn: () => T): T {
  const original = openSync(THREAD_NETNS_PATH, 'r');
  let result: T;
  try {
    setns(netnsFd, CLONE_NEWNET);
    try {
      result = fn();
    } finally {
      try {
        setns(original, CLONE_NEWNET);
      } catch (e) {
        const errno = e instanceof SystemError ? e.errno : 22;
        // eslint-disable-next-line no-unsafe-finally
        throw new SystemError('setns', errno, 'could not return to the original network namespace');
      }
    }
  } finally {
    closeSync(original);
  }
  if (isThenable(result)) {
    // Its failure is reported through this TypeError: keep it from also being an unhandled rejection.
    if (result instanceof Promise) result.catch(() => undefined);
    throw new TypeError('inNetns: fn must be synchronous; it returned a thenable (a Promise would run later in the wrong namespace)');
  }
  return result;
}

// Named network namespaces as iproute2 keeps them: a file under /run/netns bind-mounted from a
// namespace, on a shared mount so that unmounting frees it everywhere. Everything `ip netns` does
// without a child process: add, delete, list, attach, identify, pids, and running code inside one.

import type * as ChildProcesses from 'node:child_process';
import type { ChildProcess, SpawnOptions, SpawnSyncOptions, SpawnSyncReturns } from 'node:child_process';
import { createRequire } from 'node:module';
import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, statSync, unlinkSync, type Stats } from 'node:fs';
import { InvalidArgumentError, RtnetlinkError, SystemError } from '../netlink/errors.js';
import { checkFunction, checkString, describeValue } from '../netlink/args.js';
import { NETNS_RUN_DIR, NamespaceNotFoundError, checkNetnsRef, describeNetns, fileKind, isNamespaceFile, openNetns, validateNetnsName, type NetnsRef } from './ref.js';
import { CLONE_NEWNET, MNT_DETACH, MS_BIND, MS_REC, MS_SHARED, THREAD_NETNS_PATH, UMOUNT_NOFOLLOW, inNetns, mount, setns, umount2, unshare } from '../sys/syscalls.js';

/** A named namespace that already exists. */
export class NamespaceExistsError extends RtnetlinkError {
  /** The error's class name, `NamespaceExistsError`. */
  override name = 'NamespaceExistsError';
  /** The name. */
  readonly netns: string;

  constructor(name: string) {
    super(`network namespace ${JSON.stringify(name)} already exists (${NETNS_RUN_DIR}/${name})`);
    this.netns = name;
  }
}

/** The identity of a network namespace: the device and inode of its namespace file. */
export interface NetnsIdentity {
  /** Device number of the nsfs file. */
  dev: number;
  /** Inode number: what `ls -l /proc/PID/ns/net` shows as `net:[INODE]`. */
  inode: number;
}

const EINVAL = 22;

// node:child_process is loaded by the first exec, not at import: most users of this module (and
// every `rtnl` command but `netns exec`) never start a process, and loading it costs start-up time.
// (createRequire itself is called then too: it costs start-up time as well.)
let builtinRequire: NodeRequire | undefined;
const childProcesses = (): typeof ChildProcesses => (builtinRequire ??= createRequire(import.meta.url))('node:child_process') as typeof ChildProcesses;

/**
 * Fault injection for tests (not part of the public API): called between the steps of
 * {@link addNetns}, so a test can fail a step and check that nothing is left behind.
 * @internal
 */
export const addNetnsFaults: { afterCreate?: () => void; afterUnshare?: () => void } = {};

// Makes /run/netns a shared mount point, as iproute2 does, so that a namespace unmounted in one
// mount namespace is unmounted in all of them and can be freed.
function prepareRunDir(): void {
  mkdirSync(NETNS_RUN_DIR, { recursive: true, mode: 0o755 });
  try {
    mount('', NETNS_RUN_DIR, 'none', MS_SHARED | MS_REC);
  } catch (err) {
    if (!(err instanceof SystemError) || err.errno !== EINVAL) throw err;
    // Not a mount point yet: bind it onto itself, then make it shared.
    mount(NETNS_RUN_DIR, NETNS_RUN_DIR, 'none', MS_BIND | MS_REC);
    mount('', NETNS_RUN_DIR, 'none', MS_SHARED | MS_REC);
  }
}

// Creates the empty mount target; refuses to reuse an existing one.
function createTarget(name: string): string {
  validateNetnsName(name);
  prepareRunDir();
  const path = `${NETNS_RUN_DIR}/${name}`;
  try {
    closeSync(openSync(path, constants.O_RDONLY | constants.O_CREAT | constants.O_EXCL, 0));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new NamespaceExistsError(name);
    throw err;
  }
  return path;
}

// Undoes a half-made add: best effort, the add's own error is what the caller reports.
function removeTarget(path: string): void {
  try {
    umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW);
  } catch {
    // Not mounted: nothing to undo.
  }
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}

/** An errno exception of Node's fs as a SystemError naming the call and the path. */
function fsSystemError(syscall: string, path: string, err: unknown): unknown {
  const e = err as NodeJS.ErrnoException;
  if (!(err instanceof Error) || typeof e.errno !== 'number') return err;
  return new SystemError(syscall, Math.abs(e.errno), path, path);
}

/**
 * Creates a named network namespace, like `ip netns add NAME`: visible to `ip netns list`, and
 * alive until deleted even after this process exits. The calling thread's namespace is unchanged.
 * On failure nothing is left behind.
 * @throws {@link NamespaceExistsError} when the name is taken.
 * @throws {@link InvalidArgumentError} for an invalid name.
 */
export function addNetns(name: string): void {
  const path = createTarget(name);
  let original: number | undefined;
  try {
    addNetnsFaults.afterCreate?.();
    original = openSync(THREAD_NETNS_PATH, 'r');
    unshare(CLONE_NEWNET);
    try {
      addNetnsFaults.afterUnshare?.();
      mount(THREAD_NETNS_PATH, path, 'none', MS_BIND);
    } finally {
      setns(original, CLONE_NEWNET);
    }
  } catch (err) {
    removeTarget(path);
    throw err;
  } finally {
    if (original !== undefined) closeSync(original);
  }
}

/**
 * Gives a name to the network namespace of process `pid`, like `ip netns attach NAME PID`.
 * @throws {@link NamespaceExistsError} when the name is taken.
 * @throws {@link NamespaceNotFoundError} when the process does not exist.
 */
export function attachNetns(name: string, pid: number): void {
  validateNetnsName(name);
  checkPid(pid);
  const source = `/proc/${pid}/ns/net`;
  try {
    statSync(source);
  } catch {
    throw new NamespaceNotFoundError({ pid }, `no process ${pid}`);
  }
  const path = createTarget(name);
  try {
    mount(source, path, 'none', MS_BIND);
  } catch (err) {
    removeTarget(path);
    throw err;
  }
}

/** lstat of an entry under /run/netns, or undefined when there is none. */
function entryStat(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Deletes a named network namespace, like `ip netns delete NAME`: unmounts and removes its file.
 * The namespace itself lives on while processes or sockets still use it.
 *
 * Only what {@link addNetns} makes is deleted: a namespace bind-mounted on a file (or the empty
 * file an interrupted add left). A symbolic link, a directory or any other entry is refused and
 * left alone, and the unmount never follows a symbolic link (UMOUNT_NOFOLLOW).
 * @throws {@link NamespaceNotFoundError} when there is no such name, or its entry is not a
 * namespace made by addNetns.
 * @throws {@link SystemError} `umount2` or `unlink` (with the path) when the kernel refuses, such as
 * EPERM without CAP_SYS_ADMIN: the namespace is then still there.
 */
export function deleteNetns(name: string): void {
  validateNetnsName(name);
  const path = `${NETNS_RUN_DIR}/${name}`;
  const st = entryStat(path);
  if (st === undefined) throw new NamespaceNotFoundError(name, `${path} does not exist`);
  const mounted = isNamespaceFile(st);
  if (!mounted && !(st.isFile() && st.size === 0)) {
    throw new NamespaceNotFoundError(name, `${path} is ${fileKind(st)}, not a namespace made by addNetns; it was left alone`);
  }
  try {
    umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW);
  } catch (err) {
    // EINVAL: not a mount point, the empty file of an interrupted add: removing it is all there is to do.
    if (!(err instanceof SystemError) || err.code !== 'EINVAL' || mounted) throw err;
  }
  try {
    unlinkSync(path);
  } catch (err) {
    throw fsSystemError('unlink', path, err);
  }
}

/** Whether the entry `name` of /run/netns is a mounted namespace, without following a symlink. */
function isNamedNetns(name: string): boolean {
  const st = entryStat(`${NETNS_RUN_DIR}/${name}`);
  return st !== undefined && isNamespaceFile(st);
}

/**
 * The names of the named network namespaces, like `ip netns list` (sorted): the entries of
 * /run/netns that are mounted namespaces. Symbolic links, directories and files left behind by an
 * interrupted add are not namespaces and are not listed.
 */
export function listNetns(): string[] {
  let names: string[];
  try {
    names = readdirSync(NETNS_RUN_DIR);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names.filter(isNamedNetns).sort();
}

/**
 * Whether a named network namespace exists: a namespace is mounted at its file under /run/netns
 * (a symbolic link there, even to a namespace, is not one).
 * @throws {@link InvalidArgumentError} for an invalid name.
 */
export function netnsExists(name: string): boolean {
  validateNetnsName(name);
  return isNamedNetns(name);
}

/**
 * The identity (device and inode) of a network namespace.
 * @throws {@link NamespaceNotFoundError} when it does not exist.
 */
export function netnsIdentity(ref: NetnsRef = { path: THREAD_NETNS_PATH }): NetnsIdentity {
  const ns = openNetns(ref);
  try {
    const st = fstatSync(ns.fd);
    return { dev: st.dev, inode: st.ino };
  } finally {
    ns.close();
  }
}

/** The identity of a namespace and the names it has under /run/netns. */
export interface NamedNetnsIdentity extends NetnsIdentity {
  /** Its names under /run/netns (empty when it has none). */
  names: string[];
}

/** The identity of the namespace the calling thread is in, with its names. */
export function currentNetns(): NamedNetnsIdentity {
  const id = netnsIdentity({ path: THREAD_NETNS_PATH });
  return { ...id, names: namesOf(id) };
}

function namesOf(id: NetnsIdentity): string[] {
  return listNetns().filter((name) => {
    const st = entryStat(`${NETNS_RUN_DIR}/${name}`);
    return st !== undefined && st.dev === id.dev && st.ino === id.inode;
  });
}

/**
 * The names of the network namespace process `pid` is in, like `ip netns identify PID`
 * (empty when it has none).
 * @throws {@link NamespaceNotFoundError} when there is no such process.
 */
export function identifyNetns(pid: number): string[] {
  checkPid(pid);
  let id: NetnsIdentity;
  try {
    id = netnsIdentity({ pid });
  } catch (err) {
    if (err instanceof NamespaceNotFoundError) throw new NamespaceNotFoundError({ pid }, `no process ${pid}`);
    throw err;
  }
  return namesOf(id);
}

/**
 * The ids of the processes inside a network namespace, like `ip netns pids NAME` (ascending).
 * @throws {@link NamespaceNotFoundError} when it does not exist.
 */
export function netnsPids(ref: NetnsRef): number[] {
  // Required: without it, netnsIdentity would take the caller's namespace.
  checkNetnsRef(ref);
  const id = netnsIdentity(ref);
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const st = statSync(`/proc/${entry}/ns/net`);
      if (st.dev === id.dev && st.ino === id.inode) pids.push(Number(entry));
    } catch {
      // The process ended meanwhile, or is not ours to look at.
    }
  }
  return pids.sort((a, b) => a - b);
}

/**
 * Runs a synchronous function with the calling thread inside a network namespace, and always
 * restores the thread's namespace, also when `fn` throws. Sockets created inside and children
 * spawned inside stay in that namespace.
 *
 * Node creates some sockets after the call that asks for them: `server.listen(port, host)` binds
 * after a DNS lookup on a later tick, and `net.connect()` creates its descriptor when libuv
 * connects; both would land in the caller's namespace. Use {@link listenInNetns} and
 * {@link connectInNetns} for those; `server.listen(port)` without a host binds at once and works.
 *
 * `fn` must not return a Promise: an `await` would let unrelated code run in the wrong namespace.
 * @throws TypeError when `fn` returns a thenable (the namespace is restored first).
 * @throws {@link NamespaceNotFoundError} when the namespace does not exist.
 */
export function runInNetns<T>(ref: NetnsRef, fn: () => T): T {
  checkNetnsRef(ref);
  checkFunction('fn', fn, true);
  const ns = openNetns(ref);
  try {
    return inNetns(ns.fd, fn);
  } finally {
    ns.close();
  }
}

/**
 * Starts a child process inside a network namespace, like `ip netns exec NAME command args...`
 * (without remounting /sys or binding /etc/netns files). Returns Node's ChildProcess.
 */
export function execInNetns(ref: NetnsRef, command: string, args: readonly string[] = [], options: SpawnOptions = {}): ChildProcess {
  checkNetnsRef(ref);
  checkCommand(command, args, options);
  const { spawn } = childProcesses();
  return runInNetns(ref, () => spawn(command, args, options));
}

/** The synchronous variant of {@link execInNetns}: waits for the child and returns its output. */
export function execInNetnsSync(ref: NetnsRef, command: string, args: readonly string[] = [], options: SpawnSyncOptions = {}): SpawnSyncReturns<string | Buffer> {
  checkNetnsRef(ref);
  checkCommand(command, args, options);
  const { spawnSync } = childProcesses();
  return runInNetns(ref, () => spawnSync(command, args, options));
}

/** A process id: a positive integer. */
function checkPid(pid: unknown): void {
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid <= 0) throw new InvalidArgumentError('pid', `expected a process id (a positive integer), got ${describeValue(pid)}`);
}

/** The command, arguments and options of a child, checked before any namespace is entered. */
function checkCommand(command: unknown, args: unknown, options: unknown): void {
  checkString('command', command, true);
  if (!Array.isArray(args)) throw new InvalidArgumentError('args', `expected an array of strings, got ${describeValue(args)}`);
  args.forEach((a, i) => {
    if (typeof a !== 'string') throw new InvalidArgumentError(`args.${i}`, `expected a string, got ${describeValue(a)}`);
  });
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new InvalidArgumentError('options', `expected spawn options (an object), got ${describeValue(options)}`);
}

export { describeNetns };

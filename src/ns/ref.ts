// Resolving "which network namespace": by name (iproute2's /run/netns), path, pid or open fd.

import { closeSync, constants, fstatSync, openSync, statSync, type Stats } from 'node:fs';
import { InvalidArgumentError, RtnetlinkError, SystemError } from '../netlink/errors.js';
import { CLONE_NEWNET, inNetns } from '../sys/syscalls.js';

/** Where iproute2 keeps named network namespaces (bind mounts of namespace files). */
export const NETNS_RUN_DIR = '/run/netns';

/**
 * A network namespace: a name under /run/netns (as `ip netns` uses), a path to a namespace file
 * (such as `/proc/1234/ns/net` or a bind mount), a process id, or an open file descriptor.
 * A bare string is a name unless it contains a '/', then it is a path.
 */
export type NetnsRef =
  | string
  | {
      /** A name under /run/netns. */
      name: string;
    }
  | {
      /** A path to a namespace file. */
      path: string;
    }
  | {
      /** A process whose namespace it is. */
      pid: number;
    }
  | {
      /** An open file descriptor of a namespace file. */
      fd: number;
    };

/** A namespace that does not exist (no such name, path or process). */
export class NamespaceNotFoundError extends RtnetlinkError {
  /** The error's class name, `NamespaceNotFoundError`. */
  override name = 'NamespaceNotFoundError';
  /** The reference that did not resolve. */
  readonly ref: NetnsRef;

  constructor(ref: NetnsRef, detail: string) {
    super(`network namespace ${describeNetns(ref)} not found: ${detail}`);
    this.ref = ref;
  }
}

/**
 * Describes a reference for messages: `"blue"`, `/proc/1/ns/net`, `pid 1`, `fd 7`.
 * @throws {@link InvalidArgumentError} for something that is not a reference.
 */
export function describeNetns(ref: NetnsRef): string {
  checkNetnsRef(ref);
  if (typeof ref === 'string') return ref.includes('/') ? ref : JSON.stringify(ref);
  if ('name' in ref) return JSON.stringify(ref.name);
  if ('path' in ref) return ref.path;
  if ('pid' in ref) return `pid ${ref.pid}`;
  return `fd ${ref.fd}`;
}

/**
 * Checks a namespace name as iproute2 would accept it: non-empty, not '.' or '..', no '/' or NUL,
 * at most 255 bytes (NAME_MAX).
 * @throws {@link InvalidArgumentError} naming what is wrong.
 */
export function validateNetnsName(name: string): void {
  if (typeof name !== 'string' || name.length === 0) throw new InvalidArgumentError('netns.name', 'a namespace name must be a non-empty string');
  if (name === '.' || name === '..') throw new InvalidArgumentError('netns.name', `${JSON.stringify(name)} is not a valid namespace name`);
  if (name.includes('/')) throw new InvalidArgumentError('netns.name', `${JSON.stringify(name)} contains '/'`);
  if (name.includes('\0')) throw new InvalidArgumentError('netns.name', 'the name contains a NUL byte');
  if (Buffer.byteLength(name) > 255) throw new InvalidArgumentError('netns.name', `the name is ${Buffer.byteLength(name)} bytes long; the limit is 255`);
}

/** What `value` is, for messages: `null`, `an array`, `a number (42)`. */
function what(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return typeof value;
}

/**
 * Checks that `ref` has one of the shapes of a {@link NetnsRef} (a string, or an object with
 * exactly one of `name`, `path`, `pid`, `fd` of the right type), without touching the system.
 * @param field - The argument's name in messages. Default `netns`.
 * @throws {@link InvalidArgumentError} naming `field`.
 */
export function checkNetnsRef(ref: unknown, field = 'netns'): asserts ref is NetnsRef {
  const expected = 'a namespace name, a path, { name }, { path }, { pid } or { fd }';
  if (typeof ref === 'string') {
    if (ref.length === 0) throw new InvalidArgumentError(field, `expected ${expected}, got an empty string`);
    if (ref.includes('\0')) throw new InvalidArgumentError(field, 'contains a NUL byte');
    return;
  }
  if (ref === null || typeof ref !== 'object' || Array.isArray(ref)) throw new InvalidArgumentError(field, `expected ${expected}, got ${what(ref)}`);
  const keys = Object.keys(ref);
  const o = ref as Record<string, unknown>;
  if (keys.length !== 1) throw new InvalidArgumentError(field, `expected ${expected}, got an object with ${keys.length === 0 ? 'no keys' : `the keys ${keys.join(', ')}`}`);
  const key = keys[0] as string;
  const v = o[key];
  switch (key) {
    case 'name':
    case 'path':
      if (typeof v !== 'string' || v.length === 0) throw new InvalidArgumentError(`${field}.${key}`, `expected a non-empty string, got ${what(v)}`);
      if (v.includes('\0')) throw new InvalidArgumentError(`${field}.${key}`, 'contains a NUL byte');
      return;
    case 'pid':
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) throw new InvalidArgumentError(`${field}.pid`, `expected a process id (a positive integer), got ${what(v)}`);
      return;
    case 'fd':
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0 || v > 0x7fffffff) throw new InvalidArgumentError(`${field}.fd`, `expected a file descriptor (an integer from 0), got ${what(v)}`);
      return;
    default:
      throw new InvalidArgumentError(`${field}.${key}`, `unknown key; expected ${expected}`);
  }
}

let nsfsDevice: number | undefined;

/** The device number of nsfs, the kernel's namespace file system (every namespace file has it). */
export function nsfsDev(): number {
  nsfsDevice ??= statSync('/proc/self/ns/net').dev;
  return nsfsDevice;
}

/**
 * Whether `st` (from stat or fstat) is a namespace file: a file of nsfs, either under
 * /proc/PID/ns or bind-mounted (as under /run/netns).
 */
export function isNamespaceFile(st: Stats): boolean {
  return st.isFile() && st.dev === nsfsDev();
}

/** The kind of a file that is not a namespace, for messages. */
export function fileKind(st: Stats): string {
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isFile()) return st.dev === nsfsDev() ? 'a namespace file' : 'a regular file';
  return 'not a regular file';
}

/** The namespace file path a reference names (not for `{ fd }`). */
export function netnsPath(ref: Exclude<NetnsRef, { fd: number }>): string {
  checkNetnsRef(ref);
  if (typeof ref === 'string') {
    if (ref.includes('/')) return ref;
    validateNetnsName(ref);
    return `${NETNS_RUN_DIR}/${ref}`;
  }
  if ('name' in ref) {
    validateNetnsName(ref.name);
    return `${NETNS_RUN_DIR}/${ref.name}`;
  }
  if ('path' in ref) return ref.path;
  if (!Number.isInteger(ref.pid) || ref.pid <= 0) throw new InvalidArgumentError('netns.pid', `${ref.pid} is not a process id`);
  return `/proc/${ref.pid}/ns/net`;
}

/** An open namespace file descriptor; `close()` releases it when this side opened it. */
export interface OpenNetns {
  /** The file descriptor, usable with setns(2). */
  readonly fd: number;
  /** Closes the fd if it was opened here (an fd passed in by the caller is left open). */
  close(): void;
}

// Namespace files are opened without blocking (a FIFO put in their place must not hang the
// process in open(2)), and entries under /run/netns without following a symbolic link (only what
// addNetns made there is a named namespace). Node (libuv) opens every file with O_CLOEXEC.
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

/** Whether a reference designates a named namespace (an entry under /run/netns). */
function isName(ref: Exclude<NetnsRef, { fd: number }>): boolean {
  return typeof ref === 'string' ? !ref.includes('/') : 'name' in ref;
}

/**
 * Checks that an open fd is a network namespace: setns(CLONE_NEWNET) accepts it (the calling
 * thread is moved back at once). Only when it does not is the file looked at (fstat), to say what
 * it is: a command that opens a namespace saves the first stat calls of its process (the first
 * fstatSync took 0.21-0.26 ms here, later ones 12 us; `rtnl -n NS link show` after its bundle's
 * evaluation 12.1 -> 11.5 ms in one process); setns refuses with EINVAL whatever fstat would have
 * refused.
 */
function checkNetnsFd(fd: number, ref: NetnsRef, field: string): void {
  try {
    inNetns(fd, () => undefined);
  } catch (err) {
    if (!(err instanceof SystemError && err.syscall === 'setns' && err.code === 'EINVAL')) throw err;
    const st = fstatSync(fd);
    if (!isNamespaceFile(st)) {
      if (!(typeof ref === 'object' && 'fd' in ref) && isName(ref)) {
        throw new NamespaceNotFoundError(ref, `${netnsPath(ref)} is ${fileKind(st)}, not a namespace made by addNetns`);
      }
      throw new InvalidArgumentError(field, `${describeNetns(ref)} is not a network namespace file: it is ${fileKind(st)}`);
    }
    throw new InvalidArgumentError(field, `${describeNetns(ref)} is not a network namespace file: it is a namespace of another kind`);
  }
}

/**
 * Opens a namespace reference as a file descriptor, and checks that it is a network namespace.
 * Files are opened with O_NONBLOCK and O_CLOEXEC; a name under /run/netns also with O_NOFOLLOW
 * (a symbolic link there is not a named namespace).
 * @param field - The argument's name in error messages. Default `netns`.
 * @throws {@link NamespaceNotFoundError} when it does not exist, or a name's entry under
 * /run/netns is not a namespace (a symbolic link, a directory, a bare file).
 * @throws {@link InvalidArgumentError} for a malformed reference, or a path or fd that is not a
 * network namespace file.
 */
export function openNetns(ref: NetnsRef, field = 'netns'): OpenNetns {
  checkNetnsRef(ref, field);
  if (typeof ref === 'object' && 'fd' in ref) {
    try {
      checkNetnsFd(ref.fd, ref, field);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EBADF') throw new InvalidArgumentError(`${field}.fd`, `${ref.fd} is not an open file descriptor`);
      throw err;
    }
    return { fd: ref.fd, close: () => undefined };
  }
  const path = netnsPath(ref);
  const named = isName(ref);
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS | (named ? constants.O_NOFOLLOW : 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new NamespaceNotFoundError(ref, `${path} does not exist`);
    if (code === 'ELOOP' && named) throw new NamespaceNotFoundError(ref, `${path} is a symbolic link, not a namespace made by addNetns`);
    if (code === 'ESRCH' && typeof ref === 'object' && 'pid' in ref) throw new NamespaceNotFoundError(ref, `no process ${ref.pid}`);
    throw err;
  }
  try {
    checkNetnsFd(fd, ref, field);
  } catch (err) {
    closeSync(fd);
    throw err;
  }
  let open = true;
  return {
    fd,
    close() {
      if (open) closeSync(fd);
      open = false;
    },
  };
}

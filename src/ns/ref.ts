// Resolving "which network namespace": by name (iproute2's /run/netns), path, pid or open fd.

import { closeSync, openSync } from 'node:fs';
import { InvalidArgumentError, RtnetlinkError } from '../netlink/errors.js';

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

/** Describes a reference for messages: `"blue"`, `/proc/1/ns/net`, `pid 1`, `fd 7`. */
export function describeNetns(ref: NetnsRef): string {
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

/** The namespace file path a reference names (not for `{ fd }`). */
export function netnsPath(ref: Exclude<NetnsRef, { fd: number }>): string {
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

/**
 * Opens a namespace reference as a file descriptor.
 * @throws {@link NamespaceNotFoundError} when it does not exist.
 * @throws {@link InvalidArgumentError} for a malformed name or pid.
 */
export function openNetns(ref: NetnsRef): OpenNetns {
  if (typeof ref === 'object' && 'fd' in ref) {
    if (!Number.isInteger(ref.fd) || ref.fd < 0) throw new InvalidArgumentError('netns.fd', `${ref.fd} is not a file descriptor`);
    return { fd: ref.fd, close: () => undefined };
  }
  const path = netnsPath(ref);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new NamespaceNotFoundError(ref, `${path} does not exist`);
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

// The errors of the OS layer, and the base class of every error the library throws on purpose.
// They live here, at the bottom, so that the OS layer needs nothing from the layers above it;
// src/netlink/errors.ts re-exports them with the protocol's own errors.

import { ERRNO_NAMES, ERRNO_TEXT } from './errno-table.js';

/** The name of a Linux errno value, such as `EEXIST` for 17; `E<n>` when unknown. */
export function errnoName(errno: number): string {
  return ERRNO_NAMES[errno] ?? `E${errno}`;
}

/** The description of a Linux errno value, such as `File exists` for 17. */
export function errnoText(errno: number): string {
  return ERRNO_TEXT[errno] ?? `Unknown error ${errno}`;
}

/** Base class of every error this library throws on purpose. */
export class RtnetlinkError extends Error {
  /** The error's class name, `RtnetlinkError`. */
  override name = 'RtnetlinkError';
}

/**
 * A system call failed: mount, umount2, setns, unshare, unlink of a namespace file, and the like.
 * Socket calls fail with its subclass {@link SocketError}.
 *
 * The message reads like `umount2: EPERM (Operation not permitted): /run/netns/blue`.
 */
export class SystemError extends RtnetlinkError {
  /** The error's class name, `SystemError`. */
  override name = 'SystemError';
  /** The system call, such as `setns` or `umount2`. */
  readonly syscall: string;
  /** Positive errno value. */
  readonly errno: number;
  /** Errno name, such as `EPERM`. */
  readonly code: string;
  /** The file the call was about, when there is one. */
  readonly path?: string;

  /**
   * @param detail - Added to the message after the errno; for a call on a file, the path.
   * @param path - The file the call was about (also set as {@link SystemError.path}).
   */
  constructor(syscall: string, errno: number, detail?: string, path?: string) {
    const code = errnoName(errno);
    super(`${syscall}: ${code} (${errnoText(errno)})${detail ? `: ${detail}` : ''}`);
    this.syscall = syscall;
    this.errno = errno;
    this.code = code;
    if (path !== undefined) this.path = path;
  }
}

/** A system call on a socket failed (socket, bind, setsockopt, send, recv, poll, ...). */
export class SocketError extends SystemError {
  /** The error's class name, `SocketError`. */
  override name = 'SocketError';
}

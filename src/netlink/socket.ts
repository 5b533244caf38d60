// The kernel transport: a raw AF_NETLINK socket. Set-up goes through libc (ffi-rs); the
// per-datagram path goes through Node's own fs.writeSync/fs.readSync, which work on a socket fd
// and cost about 1-2 us per call against 12-16 us for an ffi-rs call with a buffer.

import fs from 'node:fs';
import os from 'node:os';
import type { Transport } from './transport.js';
import { InvalidArgumentError, RtnetlinkError, SocketError } from './errors.js';
import {
  AF_NETLINK,
  MSG_DONTWAIT,
  MSG_TRUNC,
  NETLINK_ADD_MEMBERSHIP,
  NETLINK_DROP_MEMBERSHIP,
  NETLINK_EXT_ACK,
  NETLINK_GET_STRICT_CHK,
  NETLINK_LISTEN_ALL_NSID,
  NETLINK_ROUTE,
  SOCK_CLOEXEC,
  SOCK_NONBLOCK,
  SOCK_RAW,
  SOL_NETLINK,
  SOL_SOCKET,
  SO_RCVBUF,
  SO_RCVBUFFORCE,
} from './constants.js';
import * as libc from '../sys/libc.js';
import type { NativeMemory } from '../sys/libc.js';
import { Errno } from '../sys/libc.js';
import { FdPoller } from '../sys/poller.js';
import type { FdWait } from '../sys/poller.js';
import { inNetns } from '../sys/syscalls.js';

/** Options of {@link NetlinkSocket.open}. */
export interface NetlinkSocketOptions {
  /** Netlink protocol (socket()'s third argument). Default 0, NETLINK_ROUTE. */
  protocol?: number;
  /** Multicast groups to join (NETLINK_ADD_MEMBERSHIP), such as 1 for RTNLGRP_LINK. */
  groups?: readonly number[];
  /**
   * The kernel's receive queue size in bytes (SO_RCVBUFFORCE, falling back to SO_RCVBUF, which
   * net.core.rmem_max caps, without CAP_NET_ADMIN). Default 8 MiB.
   */
  receiveBufferSize?: number;
  /**
   * Size of the buffer each datagram is read into; a larger datagram is reported as EMSGSIZE.
   * The kernel's dump datagrams are at most about 32 KiB. Default 1 MiB.
   */
  readBufferSize?: number;
  /** Ask for extended ACKs (NETLINK_EXT_ACK): the kernel's error text and offsets. Default true. */
  extendedAck?: boolean;
  /** Ask for strict checking of dump requests (NETLINK_GET_STRICT_CHK). Default true. */
  strictCheck?: boolean;
  /**
   * Open the socket inside this network namespace (an fd of a namespace file such as
   * `/run/netns/NAME`). The socket stays in it for its whole life. Default: the calling thread's.
   */
  netnsFd?: number;
}

/** What {@link NetlinkSocket.receiveWithNsid} returns for one datagram. */
export interface DatagramWithNsid {
  /** The datagram (a copy, owned by the caller). */
  datagram: Uint8Array;
  /**
   * The nsid, in the socket's namespace, of the namespace the message came from: present only on
   * a socket with {@link NetlinkSocket.setListenAllNsid} on, for multicast from a namespace that
   * has an nsid there.
   */
  nsid: number | undefined;
}

const DEFAULT_RECEIVE_BUFFER = 8 * 1024 * 1024;
const DEFAULT_READ_BUFFER = 1024 * 1024;

// Layout of the native block used by recvmsg (x86-64 / arm64 LP64):
// struct msghdr (56) | struct iovec (16) | struct sockaddr_nl (12, 16 reserved) | control | data
const MSGHDR = 0;
const IOVEC = 56;
const NAME = 72;
const CONTROL = 88;
const CONTROL_SIZE = 128;
const DATA = CONTROL + CONTROL_SIZE;
const CMSGHDR_SIZE = 16;

/** Converts an error thrown by Node's fs calls into a SocketError; rethrows anything else. */
function fsError(syscall: string, e: unknown): SocketError {
  const err = e as NodeJS.ErrnoException;
  if (e instanceof Error && typeof err.errno === 'number') return new SocketError(syscall, Math.abs(err.errno));
  throw e;
}

function checkPositiveInt(field: string, v: number): void {
  if (!Number.isSafeInteger(v) || v <= 0) throw new InvalidArgumentError(field, `must be a positive integer, got ${v}`);
}

/**
 * A netlink socket connected to the kernel: non-blocking, close-on-exec, bound to a port id the
 * kernel assigns, and `connect()`ed to the kernel so that unicast forged by other sockets is
 * refused. Extended ACKs and strict dump checking are on by default.
 */
export class NetlinkSocket implements Transport {
  /**
   * Opens a socket.
   * @throws {@link SocketError} when a system call fails (the fd is closed again).
   * @throws {@link InvalidArgumentError} for an invalid option.
   */
  static open(options: NetlinkSocketOptions = {}): NetlinkSocket {
    if (os.endianness() !== 'LE') throw new RtnetlinkError('rtnetlink supports little-endian hosts only');
    const protocol = options.protocol ?? NETLINK_ROUTE;
    const receiveBufferSize = options.receiveBufferSize ?? DEFAULT_RECEIVE_BUFFER;
    const readBufferSize = options.readBufferSize ?? DEFAULT_READ_BUFFER;
    checkPositiveInt('receiveBufferSize', receiveBufferSize);
    checkPositiveInt('readBufferSize', readBufferSize);
    for (const g of options.groups ?? []) checkPositiveInt('groups', g);
    if (options.netnsFd !== undefined && (!Number.isInteger(options.netnsFd) || options.netnsFd < 0)) {
      throw new InvalidArgumentError('netnsFd', `must be a file descriptor, got ${options.netnsFd}`);
    }

    const type = SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK;
    const fd =
      options.netnsFd === undefined
        ? libc.socket(AF_NETLINK, type, protocol)
        : inNetns(options.netnsFd, () => libc.socket(AF_NETLINK, type, protocol));
    try {
      setReceiveBuffer(fd, receiveBufferSize);
      if (options.extendedAck ?? true) libc.setsockoptInt(fd, SOL_NETLINK, NETLINK_EXT_ACK, 1);
      if (options.strictCheck ?? true) libc.setsockoptInt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1);
      libc.bind(fd, 0, 0);
      libc.connect(fd, 0, 0);
      const portId = libc.getsockname(fd);
      for (const g of options.groups ?? []) libc.setsockoptInt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, g);
      return new NetlinkSocket(fd, portId, readBufferSize);
    } catch (e) {
      fs.closeSync(fd);
      throw e;
    }
  }

  /** The port id (nl_pid) the kernel assigned; replies are addressed to it. */
  readonly portId: number;
  readonly #fd: number;
  readonly #readBuffer: Buffer;
  readonly #waits = new Set<FdWait>();
  #closed = false;
  #released = false;
  #replyRoom: number | undefined;
  #native: NativeMemory | undefined;

  private constructor(fd: number, portId: number, readBufferSize: number) {
    this.#fd = fd;
    this.portId = portId;
    this.#readBuffer = Buffer.allocUnsafeSlow(readBufferSize);
  }

  /** The socket's file descriptor (still the old number after {@link NetlinkSocket.close}). */
  get fd(): number {
    return this.#fd;
  }

  /** True once {@link NetlinkSocket.close} has run. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * The kernel handles every message of a datagram and answers each: the request engine may pack
   * many requests into one send, as many as the receive queue ({@link receiveBufferSize}) has room
   * for their replies.
   */
  get replyRoom(): number {
    // Asked once (a system call), after the queue size was set.
    return (this.#replyRoom ??= this.#closed ? 0 : this.receiveBufferSize);
  }

  /**
   * Sends one datagram (one or more netlink messages) to the kernel. rtnetlink requests are
   * processed inside this call: their replies are queued when it returns.
   * @throws {@link SocketError} `send` (EBADF after close).
   */
  send(datagram: Uint8Array): void {
    if (this.#closed) throw new SocketError('send', Errno.EBADF, 'socket is closed');
    let n: number;
    try {
      n = fs.writeSync(this.#fd, datagram);
    } catch (e) {
      throw fsError('send', e);
    }
    if (n !== datagram.byteLength) {
      throw new SocketError('send', Errno.EMSGSIZE, `sent ${n} of ${datagram.byteLength} bytes`);
    }
  }

  /**
   * Returns the next queued datagram, or `null` when none is queued. Never blocks. The bytes are
   * a view of a buffer that the next receive overwrites.
   * @throws {@link SocketError} `recv`: ENOBUFS after the receive queue overflowed (messages were
   * lost), EMSGSIZE for a datagram that did not fit the read buffer (it is dropped), EBADF after close.
   */
  receive(): Uint8Array | null {
    if (this.#closed) throw new SocketError('recv', Errno.EBADF, 'socket is closed');
    const buf = this.#readBuffer;
    let n: number;
    try {
      n = fs.readSync(this.#fd, buf, 0, buf.length, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') return null;
      throw fsError('recv', e);
    }
    // read() silently truncates a datagram to the buffer: a full buffer may mean a lost tail.
    if (n >= buf.length) {
      throw new SocketError('recv', Errno.EMSGSIZE, `datagram of at least ${n} bytes does not fit the ${buf.length}-byte read buffer; it was dropped`);
    }
    return buf.subarray(0, n);
  }

  /**
   * Like {@link NetlinkSocket.receive}, through recvmsg(2), and also returns the nsid control
   * message that a socket in NETLINK_LISTEN_ALL_NSID mode gets with multicast from other
   * namespaces. Slower than receive (an FFI call and a copy); meant for event sockets.
   * @throws {@link SocketError} as {@link NetlinkSocket.receive}.
   */
  receiveWithNsid(): DatagramWithNsid | null {
    if (this.#closed) throw new SocketError('recvmsg', Errno.EBADF, 'socket is closed');
    const dataSize = this.#readBuffer.length;
    if (this.#native === undefined) {
      const mem = libc.allocNative(DATA + dataSize);
      const b = mem.buffer;
      b.writeBigUInt64LE(BigInt(mem.address + NAME), MSGHDR + 0); // msg_name
      b.writeBigUInt64LE(BigInt(mem.address + IOVEC), MSGHDR + 16); // msg_iov
      b.writeBigUInt64LE(1n, MSGHDR + 24); // msg_iovlen
      b.writeBigUInt64LE(BigInt(mem.address + CONTROL), MSGHDR + 32); // msg_control
      b.writeBigUInt64LE(BigInt(mem.address + DATA), IOVEC + 0); // iov_base
      b.writeBigUInt64LE(BigInt(dataSize), IOVEC + 8); // iov_len
      this.#native = mem;
    }
    const mem = this.#native;
    const b = mem.buffer;
    b.writeUInt32LE(12, MSGHDR + 8); // msg_namelen
    b.writeBigUInt64LE(BigInt(CONTROL_SIZE), MSGHDR + 40); // msg_controllen
    b.writeInt32LE(0, MSGHDR + 48); // msg_flags
    const r = libc.recvmsgRaw(this.#fd, mem.address, MSG_DONTWAIT | MSG_TRUNC);
    if (r.value < 0) {
      if (r.errno === Errno.EAGAIN) return null;
      throw new SocketError('recvmsg', r.errno);
    }
    const n = r.value;
    const flags = b.readInt32LE(MSGHDR + 48);
    if (n > dataSize || (flags & MSG_TRUNC) !== 0) {
      throw new SocketError('recvmsg', Errno.EMSGSIZE, `datagram of ${n} bytes does not fit the ${dataSize}-byte read buffer; it was dropped`);
    }
    let nsid: number | undefined;
    const controlLen = Math.min(Number(b.readBigUInt64LE(MSGHDR + 40)), CONTROL_SIZE);
    for (let o = 0; o + CMSGHDR_SIZE <= controlLen; ) {
      const len = Number(b.readBigUInt64LE(CONTROL + o));
      if (len < CMSGHDR_SIZE || o + len > controlLen) break;
      const level = b.readInt32LE(CONTROL + o + 8);
      const type = b.readInt32LE(CONTROL + o + 12);
      if (level === SOL_NETLINK && type === NETLINK_LISTEN_ALL_NSID && len >= CMSGHDR_SIZE + 4) {
        nsid = b.readInt32LE(CONTROL + o + CMSGHDR_SIZE);
      }
      o += (len + 7) & ~7;
    }
    return { datagram: Buffer.from(b.subarray(DATA, DATA + n)), nsid };
  }

  /**
   * Resolves `true` when a datagram can be received, `false` after `timeoutMs`, when `signal`
   * aborts, or when the socket closes (promptly: the waiting thread is woken). Never blocks the
   * event loop and holds no thread of libuv's pool: a shared worker thread blocks in poll(2).
   * @param timeoutMs - Milliseconds; `Infinity` waits without limit.
   */
  wait(timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (this.#closed || signal?.aborted) return Promise.resolve(false);
    const w = FdPoller.shared().wait(this.#fd, timeoutMs);
    this.#waits.add(w);
    const onAbort = (): void => w.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    return w.promise.then((ready) => {
      signal?.removeEventListener('abort', onAbort);
      this.#waits.delete(w);
      // The poller no longer watches this fd for this wait: a deferred close can happen now.
      if (this.#closed) {
        if (this.#waits.size === 0) this.#release();
        return false;
      }
      return ready && !(signal?.aborted ?? false);
    });
  }

  /**
   * Joins a multicast group (NETLINK_ADD_MEMBERSHIP), such as 1 for RTNLGRP_LINK.
   * @throws {@link SocketError} `setsockopt`.
   */
  addMembership(group: number): void {
    checkPositiveInt('group', group);
    libc.setsockoptInt(this.#fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, group);
  }

  /**
   * Leaves a multicast group (NETLINK_DROP_MEMBERSHIP).
   * @throws {@link SocketError} `setsockopt`.
   */
  dropMembership(group: number): void {
    checkPositiveInt('group', group);
    libc.setsockoptInt(this.#fd, SOL_NETLINK, NETLINK_DROP_MEMBERSHIP, group);
  }

  /**
   * Turns NETLINK_LISTEN_ALL_NSID on or off: receive the joined groups' multicast from every
   * namespace that has an nsid in the socket's namespace (read it with
   * {@link NetlinkSocket.receiveWithNsid}).
   * @throws {@link SocketError} `setsockopt`.
   */
  setListenAllNsid(on: boolean): void {
    libc.setsockoptInt(this.#fd, SOL_NETLINK, NETLINK_LISTEN_ALL_NSID, on ? 1 : 0);
  }

  /**
   * Sets the kernel's receive queue size (SO_RCVBUFFORCE, or SO_RCVBUF without CAP_NET_ADMIN).
   * @throws {@link SocketError} `setsockopt`.
   */
  setReceiveBufferSize(bytes: number): void {
    checkPositiveInt('bytes', bytes);
    setReceiveBuffer(this.#fd, bytes);
    this.#replyRoom = undefined;
  }

  /** The kernel's receive queue size (SO_RCVBUF as reported by the kernel: twice the size set). */
  get receiveBufferSize(): number {
    return libc.getsockoptInt(this.#fd, SOL_SOCKET, SO_RCVBUF);
  }

  /**
   * Closes the socket. Pending waits resolve `false` promptly; the fd itself is closed once no
   * poller thread watches it any more (right away when nothing waits), so the number cannot be
   * reused under a running poll(). Idempotent.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#waits.size === 0) this.#release();
    else for (const w of this.#waits) w.cancel();
  }

  #release(): void {
    if (this.#released) return;
    this.#released = true;
    try {
      fs.closeSync(this.#fd);
    } finally {
      this.#native?.free();
      this.#native = undefined;
    }
  }
}

function setReceiveBuffer(fd: number, bytes: number): void {
  const v = Math.min(bytes, 0x7fffffff);
  try {
    libc.setsockoptInt(fd, SOL_SOCKET, SO_RCVBUFFORCE, v);
  } catch (e) {
    if (!(e instanceof SocketError) || e.errno !== Errno.EPERM) throw e;
    libc.setsockoptInt(fd, SOL_SOCKET, SO_RCVBUF, v);
  }
}

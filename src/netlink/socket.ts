// The kernel transport: a raw AF_NETLINK socket. Set-up goes through libc (ffi-rs); the
// per-datagram path goes through Node's own fs.writeSync/fs.readSync, which work on a socket fd
// and cost about 1-2 us per call against 12-16 us for an ffi-rs call with a buffer.

import { readSync, writeSync } from 'node:fs';
import type { Transport } from './transport.js';
import { checkBool, checkInt, checkOptions, describeValue } from './args.js';
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
import { waitReadable } from '../sys/poller.js';
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
  /**
   * The sender's port id (nl_pid of the source address): 0 for the kernel. Multicast that another
   * socket sent to a group (which needs CAP_NET_ADMIN) has that socket's port id.
   */
  senderPortId: number;
}

/** One datagram of {@link NetlinkSocket.receiveMany}. */
export interface ReceivedDatagram extends DatagramWithNsid {
  /**
   * The datagram did not fit the read buffer: `datagram` holds only its beginning and must not be
   * decoded (the rest is lost, as a receive would report with EMSGSIZE).
   */
  truncated: boolean;
}

const DEFAULT_RECEIVE_BUFFER = 8 * 1024 * 1024;
const DEFAULT_READ_BUFFER = 1024 * 1024;

/** How many datagrams one {@link NetlinkSocket.receiveMany} call can read. */
export const RECEIVE_MANY_MAX = 32;
// Layout of the native blocks used by recvmmsg (x86-64 / arm64 LP64): the array of struct mmsghdr
// (56-byte msghdr + msg_len: 64 each), then per slot a struct iovec (16), a struct sockaddr_nl (12,
// 16 reserved) and a control buffer (64). The slots' data buffers are a second, unzeroed block, so
// that only the pages the kernel writes into become resident.
const MMSGHDR_SIZE = 64;
const IOVECS = RECEIVE_MANY_MAX * MMSGHDR_SIZE;
const NAMES = IOVECS + RECEIVE_MANY_MAX * 16;
const CONTROLS = NAMES + RECEIVE_MANY_MAX * 16;
const CONTROL_SIZE = 64;
const HEADERS_SIZE = CONTROLS + RECEIVE_MANY_MAX * CONTROL_SIZE;
const CMSGHDR_SIZE = 16;

/** Converts an error thrown by Node's fs calls into a SocketError; rethrows anything else. */
function fsError(syscall: string, e: unknown): SocketError {
  const err = e as NodeJS.ErrnoException;
  if (e instanceof Error && typeof err.errno === 'number') return new SocketError(syscall, Math.abs(err.errno));
  throw e;
}

/**
 * The largest receive queue size accepted: the kernel caps SO_RCVBUF(FORCE) at INT_MAX / 2 (and
 * doubles it), silently; a larger request is refused rather than quietly cut.
 */
export const MAX_RECEIVE_BUFFER_SIZE = 0x3fffffff;
/** The largest read buffer accepted (a netlink datagram is far smaller). */
const MAX_READ_BUFFER_SIZE = 0x3fffffff;

function checkPositiveInt(field: string, v: number, max = Number.MAX_SAFE_INTEGER): void {
  checkInt(field, v, 1, max);
}

const SOCKET_OPTIONS = ['protocol', 'groups', 'receiveBufferSize', 'readBufferSize', 'extendedAck', 'strictCheck', 'netnsFd'] as const;

/**
 * Checks the options of {@link NetlinkSocket.open} (and of whatever passes them on) without opening
 * anything.
 * @throws {@link InvalidArgumentError} naming the option.
 */
export function checkSocketOptions(options: NetlinkSocketOptions | undefined, allowed: readonly string[] = SOCKET_OPTIONS): NetlinkSocketOptions {
  const o = checkOptions(options, 'options', allowed);
  checkInt('protocol', o.protocol, 0, 31);
  if (o.groups !== undefined) {
    if (!Array.isArray(o.groups)) throw new InvalidArgumentError('groups', `expected an array of group numbers, got ${describeValue(o.groups)}`);
    o.groups.forEach((g, i) => checkInt(`groups.${i}`, g, 1, 0x7fffffff));
  }
  checkInt('receiveBufferSize', o.receiveBufferSize, 1, MAX_RECEIVE_BUFFER_SIZE);
  checkInt('readBufferSize', o.readBufferSize, 1, MAX_READ_BUFFER_SIZE);
  checkBool('extendedAck', o.extendedAck);
  checkBool('strictCheck', o.strictCheck);
  checkInt('netnsFd', o.netnsFd, 0, 0x7fffffff);
  return o;
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
    // The byte order seen through a typed array (node:os would be loaded for os.endianness()).
    if (new Uint8Array(Uint16Array.of(1).buffer)[0] !== 1) throw new RtnetlinkError('rtnetlink supports little-endian hosts only');
    checkSocketOptions(options);
    const protocol = options.protocol ?? NETLINK_ROUTE;
    const receiveBufferSize = options.receiveBufferSize ?? DEFAULT_RECEIVE_BUFFER;
    const readBufferSize = options.readBufferSize ?? DEFAULT_READ_BUFFER;

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
      libc.close(fd);
      throw e;
    }
  }

  /** The port id (nl_pid) the kernel assigned; replies are addressed to it. */
  readonly portId: number;
  readonly #fd: number;
  readonly #readBuffer: Buffer;
  #lastView: Buffer | undefined;
  readonly #waits = new Set<FdWait>();
  #closed = false;
  #released = false;
  #replyRoom: number | undefined;
  #native: { headers: NativeMemory; data: NativeMemory } | undefined;

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
      n = writeSync(this.#fd, datagram);
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
      n = readSync(this.#fd, buf, 0, buf.length, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') return null;
      throw fsError('recv', e);
    }
    // read() silently truncates a datagram to the buffer: a full buffer may mean a lost tail.
    if (n >= buf.length) {
      throw new SocketError('recv', Errno.EMSGSIZE, `datagram of at least ${n} bytes does not fit the ${buf.length}-byte read buffer; it was dropped`);
    }
    // The view of the last datagram is handed out again for one of the same length (every ACK is
    // 36 bytes): the bytes are valid until the next receive either way.
    let view = this.#lastView;
    if (view === undefined || view.byteLength !== n) view = this.#lastView = buf.subarray(0, n);
    return view;
  }

  /**
   * Like {@link NetlinkSocket.receive}, and also returns the sender's port id and the nsid control
   * message that a socket in NETLINK_LISTEN_ALL_NSID mode gets with multicast from other
   * namespaces. Slower than receive (an FFI call and a copy); see {@link NetlinkSocket.receiveMany}.
   * @throws {@link SocketError} as {@link NetlinkSocket.receive}.
   */
  receiveWithNsid(): DatagramWithNsid | null {
    const [d] = this.receiveMany(1);
    if (d === undefined) return null;
    if (d.truncated) throw this.#tooLarge('recvmsg', d.datagram.length);
    return { datagram: d.datagram, nsid: d.nsid, senderPortId: d.senderPortId };
  }

  /**
   * Reads up to `max` queued datagrams in one recvmmsg(2) call, each with its sender's port id (0
   * for the kernel) and, in NETLINK_LISTEN_ALL_NSID mode, the nsid of its namespace. Never blocks;
   * an empty array when nothing is queued. Meant for event sockets, where multicast from other
   * sockets must be told apart from the kernel's (one FFI call for many datagrams).
   * @param max - At most 32 (`RECEIVE_MANY_MAX`).
   * @throws {@link SocketError} `recvmmsg`: ENOBUFS after the receive queue overflowed (reported
   * after the datagrams queued before the loss were returned), EBADF after close. A datagram
   * larger than the read buffer is returned with `truncated` set.
   */
  receiveMany(max: number = RECEIVE_MANY_MAX): ReceivedDatagram[] {
    if (this.#closed) throw new SocketError('recvmmsg', Errno.EBADF, 'socket is closed');
    if (!Number.isInteger(max) || max < 1 || max > RECEIVE_MANY_MAX) {
      throw new InvalidArgumentError('max', `must be an integer from 1 to ${RECEIVE_MANY_MAX}, got ${max}`);
    }
    const dataSize = this.#readBuffer.length;
    const { headers, data } = (this.#native ??= this.#allocNative(dataSize));
    const h = headers.buffer;
    for (let i = 0; i < max; i++) {
      const o = i * MMSGHDR_SIZE;
      h.writeUInt32LE(12, o + 8); // msg_namelen
      h.writeBigUInt64LE(BigInt(CONTROL_SIZE), o + 40); // msg_controllen
      h.writeInt32LE(0, o + 48); // msg_flags
    }
    const r = libc.recvmmsgRaw(this.#fd, headers.address, max, MSG_DONTWAIT | MSG_TRUNC);
    if (r.value < 0) {
      if (r.errno === Errno.EAGAIN) return [];
      throw new SocketError('recvmmsg', r.errno);
    }
    const out: ReceivedDatagram[] = new Array(r.value);
    for (let i = 0; i < r.value; i++) {
      const o = i * MMSGHDR_SIZE;
      const n = h.readUInt32LE(o + 56); // msg_len: the full length, with MSG_TRUNC
      const truncated = n > dataSize || (h.readInt32LE(o + 48) & MSG_TRUNC) !== 0;
      const start = i * dataSize;
      const datagram = Buffer.from(data.buffer.subarray(start, start + Math.min(n, dataSize)));
      const senderPortId = h.readUInt32LE(NAMES + i * 16 + 4);
      let nsid: number | undefined;
      const controlLen = Math.min(Number(h.readBigUInt64LE(o + 40)), CONTROL_SIZE);
      const control = CONTROLS + i * CONTROL_SIZE;
      for (let c = 0; c + CMSGHDR_SIZE <= controlLen; ) {
        const len = Number(h.readBigUInt64LE(control + c));
        if (len < CMSGHDR_SIZE || c + len > controlLen) break;
        const level = h.readInt32LE(control + c + 8);
        const type = h.readInt32LE(control + c + 12);
        if (level === SOL_NETLINK && type === NETLINK_LISTEN_ALL_NSID && len >= CMSGHDR_SIZE + 4) {
          nsid = h.readInt32LE(control + c + CMSGHDR_SIZE);
        }
        c += (len + 7) & ~7;
      }
      out[i] = { datagram, nsid, senderPortId, truncated };
    }
    return out;
  }

  #allocNative(dataSize: number): { headers: NativeMemory; data: NativeMemory } {
    const headers = libc.allocNative(HEADERS_SIZE);
    let data: NativeMemory;
    try {
      data = libc.allocNative(RECEIVE_MANY_MAX * dataSize, false);
    } catch (e) {
      headers.free();
      throw e;
    }
    const h = headers.buffer;
    const at = (offset: number): bigint => BigInt(headers.address + offset);
    for (let i = 0; i < RECEIVE_MANY_MAX; i++) {
      const o = i * MMSGHDR_SIZE;
      const iov = IOVECS + i * 16;
      h.writeBigUInt64LE(at(NAMES + i * 16), o + 0); // msg_name
      h.writeBigUInt64LE(at(iov), o + 16); // msg_iov
      h.writeBigUInt64LE(1n, o + 24); // msg_iovlen
      h.writeBigUInt64LE(at(CONTROLS + i * CONTROL_SIZE), o + 32); // msg_control
      h.writeBigUInt64LE(BigInt(data.address + i * dataSize), iov); // iov_base
      h.writeBigUInt64LE(BigInt(dataSize), iov + 8); // iov_len
    }
    return { headers, data };
  }

  #tooLarge(syscall: string, n: number): SocketError {
    return new SocketError(syscall, Errno.EMSGSIZE, `datagram of ${n} bytes does not fit the ${this.#readBuffer.length}-byte read buffer; it was dropped`);
  }

  /**
   * Resolves `true` when a datagram can be received, `false` after `timeoutMs`, when `signal`
   * aborts, or when the socket closes (promptly: the waiting thread is woken). Never blocks the
   * event loop and holds no thread of libuv's pool: a shared worker thread blocks in poll(2).
   * @param timeoutMs - Milliseconds; `Infinity` waits without limit.
   */
  wait(timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (this.#closed || signal?.aborted) return Promise.resolve(false);
    const w = waitReadable(this.#fd, timeoutMs);
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
    checkPositiveInt('group', group, 0x7fffffff);
    libc.setsockoptInt(this.#fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, group);
  }

  /**
   * Leaves a multicast group (NETLINK_DROP_MEMBERSHIP).
   * @throws {@link SocketError} `setsockopt`.
   */
  dropMembership(group: number): void {
    checkPositiveInt('group', group, 0x7fffffff);
    libc.setsockoptInt(this.#fd, SOL_NETLINK, NETLINK_DROP_MEMBERSHIP, group);
  }

  /**
   * Turns NETLINK_LISTEN_ALL_NSID on or off: receive the joined groups' multicast from every
   * namespace that has an nsid in the socket's namespace (read it with
   * {@link NetlinkSocket.receiveWithNsid}).
   * @throws {@link SocketError} `setsockopt`.
   */
  setListenAllNsid(on: boolean): void {
    checkBool('on', on);
    libc.setsockoptInt(this.#fd, SOL_NETLINK, NETLINK_LISTEN_ALL_NSID, on ? 1 : 0);
  }

  /**
   * Sets the kernel's receive queue size (SO_RCVBUFFORCE, or SO_RCVBUF without CAP_NET_ADMIN).
   * @throws {@link SocketError} `setsockopt`.
   */
  setReceiveBufferSize(bytes: number): void {
    checkPositiveInt('bytes', bytes, MAX_RECEIVE_BUFFER_SIZE);
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
    // close(2) through ffi-rs, as the fd was made: in a worker thread, Node's closeSync warns
    // ("closed but not opened in unmanaged mode") for an fd its fs did not open.
    try {
      libc.close(this.#fd);
    } finally {
      this.#native?.headers.free();
      this.#native?.data.free();
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

// Thin, typed wrappers over the few libc functions Node cannot call itself, through ffi-rs.
// Every wrapper returns the value or throws SocketError(syscall, errno). The per-message data
// path (read/write of datagrams) does not come through here: Node's fs calls are faster (see
// socket.ts).

import { createRequire } from 'node:module';
import type * as FfiRsModule from 'ffi-rs';
import type { DataType, JsExternal } from 'ffi-rs';
import { SocketError } from './errors.js';
import { loadFfiRs } from './ffi.js';
import { AF_NETLINK } from './constants.js';

/** The ffi-rs library key under which libc (the main program's symbols) is opened. */
const LIBC = 'libc';

/**
 * Absolute path of the ffi-rs entry point, for code that loads it again in a worker thread.
 * Resolved on first call: resolving it at import cost `rtnl link show` (which starts no worker)
 * a few milliseconds of package lookups.
 */
export function ffiRsPath(): string {
  return (ffiRsPathResolved ??= createRequire(import.meta.url).resolve('ffi-rs'));
}
let ffiRsPathResolved: string | undefined;

type FfiRs = typeof FfiRsModule;
let ffiRs: FfiRs | undefined;

/**
 * ffi-rs, loaded on the first system call rather than when the library is imported: its native
 * part is a prebuilt binary in a per-platform optional dependency (`@yuuang/ffi-rs-linux-x64-gnu`
 * and the like), which `npm install --omit=optional` (or an unsupported platform) leaves out. What
 * needs no system call (codecs, reading captures, replaying them) keeps working without it, and
 * everything else fails with one error that says what is missing and how to get it.
 */
function ffi(): FfiRs {
  if (ffiRs !== undefined) return ffiRs;
  let loaded: FfiRs;
  try {
    loaded = loadFfiRs() as FfiRs;
  } catch (cause) {
    const why = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    throw new Error(
      `rtnetlink needs the native part of ffi-rs for ${process.platform}-${process.arch}, which is not installed (${why}). ` +
        'It is a prebuilt binary that npm installs as an optional dependency of ffi-rs: reinstall without --omit=optional ' +
        '(and without --no-optional or optional=false in .npmrc).',
      { cause },
    );
  }
  loaded.open({ library: LIBC, path: '' });
  ffiRs = loaded;
  return loaded;
}

/** Linux errno values the OS layer tests for (generic numbering, x86-64 and arm64). */
export const Errno = {
  EPERM: 1,
  EINTR: 4,
  EBADF: 9,
  EAGAIN: 11,
  EINVAL: 22,
  EMSGSIZE: 90,
  ENOBUFS: 105,
  ECONNREFUSED: 111,
} as const;

/** The argument and return types a libc binding may use (a subset of ffi-rs's DataType). */
export type CType = 'i32' | 'u32' | 'i64' | 'u64' | 'buffer' | 'string' | 'pointer' | 'void';

/** The JavaScript value of a {@link CType}. */
export type CValue<T extends CType> = T extends 'buffer'
  ? Uint8Array
  : T extends 'string'
    ? string
    : T extends 'pointer'
      ? JsExternal
      : T extends 'void'
        ? undefined
        : number;

type CValues<T extends readonly CType[]> = { [K in keyof T]: T[K] extends CType ? CValue<T[K]> : never };

function dataType(t: CType): DataType {
  const { DataType: T } = ffi();
  const types: Record<CType, DataType> = {
    i32: T.I32,
    u32: T.U32,
    i64: T.I64,
    u64: T.U64,
    buffer: T.U8Array,
    string: T.String,
    pointer: T.External,
    void: T.Void,
  };
  return types[t];
}

/** What a raw libc call returned: the value and the errno right after the call. */
export interface RawResult<T> {
  /** The function's return value. */
  value: T;
  /** errno after the call; meaningful only when the value signals an error (usually -1). */
  errno: number;
}

/**
 * Binds one libc function through ffi-rs and returns a JavaScript function that calls it and
 * reports the errno. Used by the wrappers in this module and by `ns/syscalls.ts`.
 * @param name - The C symbol, such as `setns`.
 * @param ret - Its return type.
 * @param params - Its parameter types, in order.
 */
export function libcFunction<R extends CType, const P extends readonly CType[]>(
  name: string,
  ret: R,
  params: P,
): (...args: CValues<P>) => RawResult<CValue<R>> {
  // Resolved on the first call (see ffi()): binding a function must not load the native part.
  let types: { retType: DataType; paramsType: DataType[] } | undefined;
  const bufferArgs = params.flatMap((p, i) => (p === 'buffer' ? [i] : []));
  return (...args: CValues<P>): RawResult<CValue<R>> => {
    const values = args as unknown[];
    // ffi-rs accepts only Node Buffers for U8Array: view any other Uint8Array without copying.
    for (const i of bufferArgs) {
      const v = values[i] as Uint8Array;
      if (!Buffer.isBuffer(v)) values[i] = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    }
    types ??= { retType: dataType(ret), paramsType: params.map(dataType) };
    const r = ffi().load({
      library: LIBC,
      funcName: name,
      retType: types.retType,
      paramsType: types.paramsType,
      paramsValue: values,
      errno: true,
    }) as unknown as { value: CValue<R>; errnoCode: number };
    return { value: r.value, errno: r.errnoCode };
  };
}

/** Returns `r.value`, or throws SocketError(syscall, errno) when it is negative. */
function check(syscall: string, r: RawResult<number>): number {
  if (r.value < 0) throw new SocketError(syscall, r.errno || Errno.EINVAL);
  return r.value;
}

const c = {
  socket: libcFunction('socket', 'i32', ['i32', 'i32', 'i32']),
  bind: libcFunction('bind', 'i32', ['i32', 'buffer', 'u32']),
  connect: libcFunction('connect', 'i32', ['i32', 'buffer', 'u32']),
  getsockname: libcFunction('getsockname', 'i32', ['i32', 'buffer', 'buffer']),
  setsockopt: libcFunction('setsockopt', 'i32', ['i32', 'i32', 'i32', 'buffer', 'u32']),
  getsockopt: libcFunction('getsockopt', 'i32', ['i32', 'i32', 'i32', 'buffer', 'buffer']),
  close: libcFunction('close', 'i32', ['i32']),
  poll: libcFunction('poll', 'i32', ['buffer', 'u64', 'i32']),
  eventfd: libcFunction('eventfd', 'i32', ['u32', 'i32']),
  sendto: libcFunction('sendto', 'i64', ['i32', 'buffer', 'u64', 'i32', 'buffer', 'u32']),
  recv: libcFunction('recv', 'i64', ['i32', 'buffer', 'u64', 'i32']),
  recvmsg: libcFunction('recvmsg', 'i64', ['i32', 'u64', 'i32']),
  recvmmsg: libcFunction('recvmmsg', 'i32', ['i32', 'u64', 'u32', 'i32', 'u64']),
  malloc: libcFunction('malloc', 'pointer', ['u64']),
  free: libcFunction('free', 'void', ['pointer']),
  // memset(p, 0, n) returns p: the way to learn a native pointer's numeric address.
  memsetAddress: libcFunction('memset', 'u64', ['pointer', 'i32', 'u64']),
};

/** Size of struct sockaddr_nl. */
const SOCKADDR_NL_SIZE = 12;

function sockaddrNl(portId: number, groups: number): Buffer {
  const b = Buffer.alloc(SOCKADDR_NL_SIZE);
  b.writeUInt16LE(AF_NETLINK, 0);
  b.writeUInt32LE(portId >>> 0, 4);
  b.writeUInt32LE(groups >>> 0, 8);
  return b;
}

/**
 * socket(2).
 * @returns The new file descriptor.
 * @throws {@link SocketError} `socket`.
 */
export function socket(domain: number, type: number, protocol: number): number {
  return check('socket', c.socket(domain, type, protocol));
}

/**
 * bind(2) of a netlink socket to a struct sockaddr_nl.
 * @param portId - nl_pid to bind; 0 lets the kernel assign a unique one.
 * @param groups - nl_groups, the legacy bit mask of multicast groups 1-32.
 * @throws {@link SocketError} `bind`.
 */
export function bind(fd: number, portId = 0, groups = 0): void {
  check('bind', c.bind(fd, sockaddrNl(portId, groups), SOCKADDR_NL_SIZE));
}

/**
 * connect(2) of a netlink socket: sets the default destination and, for a destination of the
 * kernel (port 0), makes the kernel refuse unicast from any other socket with ECONNREFUSED.
 * @throws {@link SocketError} `connect`.
 */
export function connect(fd: number, portId = 0, groups = 0): void {
  check('connect', c.connect(fd, sockaddrNl(portId, groups), SOCKADDR_NL_SIZE));
}

/**
 * getsockname(2) of a netlink socket.
 * @returns The nl_pid (port id) the socket is bound to.
 * @throws {@link SocketError} `getsockname`.
 */
export function getsockname(fd: number): number {
  const addr = Buffer.alloc(SOCKADDR_NL_SIZE);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(SOCKADDR_NL_SIZE, 0);
  check('getsockname', c.getsockname(fd, addr, len));
  return addr.readUInt32LE(4);
}

/**
 * setsockopt(2) with an int value.
 * @throws {@link SocketError} `setsockopt`.
 */
export function setsockoptInt(fd: number, level: number, name: number, value: number): void {
  const v = Buffer.alloc(4);
  v.writeInt32LE(value | 0, 0);
  check('setsockopt', c.setsockopt(fd, level, name, v, 4));
}

/**
 * getsockopt(2) of an int value.
 * @throws {@link SocketError} `getsockopt`.
 */
export function getsockoptInt(fd: number, level: number, name: number): number {
  const v = Buffer.alloc(4);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(4, 0);
  check('getsockopt', c.getsockopt(fd, level, name, v, len));
  return v.readInt32LE(0);
}

/**
 * close(2). The fd is released even when close reports an error (Linux semantics), so an error
 * here must not lead to a second close.
 * @throws {@link SocketError} `close`.
 */
export function close(fd: number): void {
  check('close', c.close(fd));
}

/** One entry of a {@link poll} call. */
export interface PollFd {
  /** The file descriptor. */
  fd: number;
  /** Requested events, such as POLLIN. */
  events: number;
}

/**
 * poll(2), synchronously on the calling thread (use a timeout of 0 on the main thread). Retries
 * on EINTR only when the timeout is 0.
 * @returns The returned events (revents) of each entry, in order.
 * @throws {@link SocketError} `poll`.
 */
export function poll(fds: readonly PollFd[], timeoutMs: number): number[] {
  const b = Buffer.alloc(8 * Math.max(1, fds.length));
  fds.forEach((p, i) => {
    b.writeInt32LE(p.fd, i * 8);
    b.writeInt16LE(p.events, i * 8 + 4);
  });
  for (;;) {
    const r = c.poll(b, fds.length, Math.trunc(timeoutMs));
    if (r.value < 0 && r.errno === Errno.EINTR && timeoutMs === 0) continue;
    check('poll', r);
    return fds.map((_, i) => b.readUInt16LE(i * 8 + 6));
  }
}

/**
 * eventfd(2).
 * @param flags - EFD_CLOEXEC, EFD_NONBLOCK, EFD_SEMAPHORE.
 * @returns The new file descriptor.
 * @throws {@link SocketError} `eventfd`.
 */
export function eventfd(initval: number, flags: number): number {
  return check('eventfd', c.eventfd(initval, flags));
}

/**
 * sendto(2) of one datagram to a netlink address (port id and groups).
 * @returns The number of bytes sent.
 * @throws {@link SocketError} `sendto`.
 */
export function sendto(fd: number, data: Uint8Array, portId: number, groups = 0, flags = 0): number {
  return check('sendto', c.sendto(fd, data, data.byteLength, flags, sockaddrNl(portId, groups), SOCKADDR_NL_SIZE));
}

/**
 * recv(2) into `buf`.
 * @returns The datagram's length (with MSG_TRUNC, its full length even when longer than `buf`).
 * @throws {@link SocketError} `recv` (including EAGAIN on a non-blocking socket).
 */
export function recv(fd: number, buf: Uint8Array, flags = 0): number {
  return check('recv', c.recv(fd, buf, buf.byteLength, flags));
}

/**
 * recvmsg(2) with a struct msghdr the caller laid out in native memory (see {@link allocNative}).
 * @param msghdrAddress - The numeric address of the struct msghdr.
 * @returns The number of bytes received, or -1 with `errno` set; never throws.
 */
export function recvmsgRaw(fd: number, msghdrAddress: number, flags: number): RawResult<number> {
  return c.recvmsg(fd, msghdrAddress, flags);
}

/**
 * recvmmsg(2) into `vlen` struct mmsghdr the caller laid out in native memory, without a timeout.
 * @param msgvecAddress - The numeric address of the first struct mmsghdr.
 * @returns The number of datagrams received, or -1 with `errno` set; never throws.
 */
export function recvmmsgRaw(fd: number, msgvecAddress: number, vlen: number, flags: number): RawResult<number> {
  return c.recvmmsg(fd, msgvecAddress, vlen, flags, 0);
}

/** A block of native (malloc'ed) memory and a Buffer view of it. */
export interface NativeMemory {
  /** The numeric address of the first byte, to write into C structures. */
  readonly address: number;
  /** A view of the memory (no copy). Must not be used after {@link NativeMemory.free}. */
  readonly buffer: Buffer;
  /** Releases the memory. Idempotent. */
  free(): void;
}

/**
 * Allocates native memory that does not move, for C structures that hold pointers and for buffers
 * the kernel writes into.
 * @param zero - Zero the memory (default). A large block left unzeroed costs no resident memory
 * until its pages are first written (malloc maps it lazily).
 * @throws {@link SocketError} `malloc` (ENOMEM) when the allocation fails.
 */
export function allocNative(size: number, zero = true): NativeMemory {
  const ptr = c.malloc(size).value;
  if (ffi().isNullPointer(ptr)) throw new SocketError('malloc', 12);
  const address = c.memsetAddress(ptr, 0, zero ? size : 0).value;
  const buffer = ffi().createExternalBuffer(ptr, size);
  let freed = false;
  return {
    address,
    buffer,
    free(): void {
      if (freed) return;
      freed = true;
      c.free(ptr);
    },
  };
}

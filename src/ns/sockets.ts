// TCP servers and clients of Node's own `net` (and so `http`) inside a network namespace.
//
// Node creates a socket's file descriptor later than the call that asks for it: `listen(port,
// host)` after a DNS lookup on a later tick, `connect()` when libuv connects. Inside `runInNetns`
// that later tick runs in the caller's namespace, not the target's. These helpers create the
// descriptor synchronously inside the namespace (socket, bind, listen through libc) and hand it to
// Node, so the socket belongs to the namespace for its whole life.

import { Server, Socket } from 'node:net';
import { InvalidArgumentError, SocketError } from '../netlink/errors.js';
import { libcFunction } from '../sys/libc.js';
import { parseIPv4, parseIPv6 } from '../netlink/addr.js';
import { checkNetnsRef, openNetns, type NetnsRef } from './ref.js';
import { checkInt, checkOptions, describeValue } from '../netlink/args.js';
import { inNetns } from '../sys/syscalls.js';

const AF_INET = 2;
const AF_INET6 = 10;
const SOCK_STREAM = 1;
const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;
const SOL_SOCKET = 1;
const SO_REUSEADDR = 2;
const IPPROTO_IPV6 = 41;
const IPV6_V6ONLY = 26;

const c = {
  socket: libcFunction('socket', 'i32', ['i32', 'i32', 'i32']),
  bind: libcFunction('bind', 'i32', ['i32', 'buffer', 'u32']),
  listen: libcFunction('listen', 'i32', ['i32', 'i32']),
  setsockopt: libcFunction('setsockopt', 'i32', ['i32', 'i32', 'i32', 'buffer', 'u32']),
  close: libcFunction('close', 'i32', ['i32']),
};

function sockaddr(host: string, port: number): { family: number; addr: Buffer } {
  const v4 = parseIPv4(host);
  if (v4) {
    const b = Buffer.alloc(16);
    b.writeUInt16LE(AF_INET, 0);
    b.writeUInt16BE(port, 2);
    b.set(v4, 4);
    return { family: AF_INET, addr: b };
  }
  const v6 = parseIPv6(host);
  if (!v6) throw new InvalidArgumentError('host', `${JSON.stringify(host)} is not an IP address (names are not resolved inside a namespace)`);
  const b = Buffer.alloc(28);
  b.writeUInt16LE(AF_INET6, 0);
  b.writeUInt16BE(port, 2);
  b.set(v6, 8);
  return { family: AF_INET6, addr: b };
}

function check(call: string, r: { value: number; errno: number }): number {
  if (r.value < 0) throw new SocketError(call, r.errno);
  return r.value;
}

function setInt(fd: number, level: number, name: number, value: number): void {
  const b = Buffer.alloc(4);
  b.writeInt32LE(value, 0);
  check('setsockopt', c.setsockopt(fd, level, name, b, 4));
}

/** Where {@link listenInNetns} listens. */
export interface NetnsListenOptions {
  /** TCP port (0: the kernel picks one; read it from `server.address()`). */
  port: number;
  /** IP address to bind; default `::` (every IPv4 and IPv6 address of the namespace). */
  host?: string;
  /** Length of the accept queue. Default 511, as Node's. */
  backlog?: number;
}

/**
 * Makes `server` (a `net.Server`, or an `http.Server`, which is one) listen inside a network
 * namespace. Returns the server; it is listening when its `listening` event fires.
 * @throws {@link NamespaceNotFoundError} when the namespace does not exist.
 * @throws {@link SocketError} when bind or listen fails (e.g. `EADDRINUSE`, `EADDRNOTAVAIL`).
 */
export function listenInNetns<S extends Server>(netns: NetnsRef, server: S, options: NetnsListenOptions): S {
  checkNetnsRef(netns);
  if (!(server instanceof Server)) throw new InvalidArgumentError('server', `expected a net.Server (or http.Server), got ${describeValue(server)}`);
  if (options === undefined) throw new InvalidArgumentError('options', 'expected { port, host?, backlog? }');
  const { port, host = '::', backlog = 511 } = checkOptions(options, 'options', ['port', 'host', 'backlog']);
  if (port === undefined) throw new InvalidArgumentError('port', 'a TCP port is needed (0: the kernel picks one)');
  checkInt('port', port, 0, 65535);
  checkInt('backlog', backlog, 0, 0x7fffffff);
  if (typeof host !== 'string') throw new InvalidArgumentError('host', `expected an IP address, got ${describeValue(host)}`);
  const sa = sockaddr(host, port);
  const ns = openNetns(netns);
  let fd: number;
  try {
    fd = inNetns(ns.fd, () => check('socket', c.socket(sa.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)));
  } finally {
    ns.close();
  }
  try {
    setInt(fd, SOL_SOCKET, SO_REUSEADDR, 1);
    if (sa.family === AF_INET6 && host === '::') setInt(fd, IPPROTO_IPV6, IPV6_V6ONLY, 0);
    check('bind', c.bind(fd, sa.addr, sa.addr.length));
    check('listen', c.listen(fd, backlog));
  } catch (err) {
    c.close(fd);
    throw err;
  }
  return server.listen({ fd });
}

/** Where {@link connectInNetns} connects. */
export interface NetnsConnectOptions {
  /** TCP port. */
  port: number;
  /** IP address (names are not resolved). */
  host: string;
}

/**
 * Opens a TCP connection from inside a network namespace, as a Node `net.Socket` (connecting:
 * wait for its `connect` event). For HTTP pass `createConnection: () => connectInNetns(...)` to
 * `http.request` without an `agent` option (Node ignores `createConnection` when given an agent,
 * `agent: false` included, and would connect from the caller's namespace).
 * @throws {@link NamespaceNotFoundError} when the namespace does not exist.
 */
export function connectInNetns(netns: NetnsRef, options: NetnsConnectOptions): Socket {
  checkNetnsRef(netns);
  if (options === undefined) throw new InvalidArgumentError('options', 'expected { port, host }');
  const { port, host } = checkOptions(options, 'options', ['port', 'host']);
  if (port === undefined) throw new InvalidArgumentError('port', 'a TCP port is needed');
  checkInt('port', port, 1, 65535);
  if (typeof host !== 'string') throw new InvalidArgumentError('host', `expected an IP address, got ${describeValue(host)}`);
  const sa = sockaddr(host, port);
  const ns = openNetns(netns);
  let fd: number;
  try {
    fd = inNetns(ns.fd, () => check('socket', c.socket(sa.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)));
  } finally {
    ns.close();
  }
  // libuv adopts the descriptor and connects it where it was made: inside the namespace.
  const socket = new Socket({ fd, readable: true, writable: true });
  return socket.connect({ port, host });
}

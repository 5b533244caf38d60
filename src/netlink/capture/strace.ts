// strace hex dumps as captures: src/netlink/strace.ts's datagrams in the CapturedDatagram shape.

import { parseStraceDump, StraceParseError } from '../strace.js';
import { CaptureFormatError, type CapturedDatagram } from './types.js';

/** Options of {@link parseStraceCapture}. */
export interface StraceCaptureOptions {
  /** Keep only the datagrams of this file descriptor (iproute2, for one, uses a second socket for lookups). */
  fd?: number;
  /**
   * The netlink protocol to report for a socket whose `socket()` call is not in the output (add
   * `socket` to strace's `-e trace=` to have it). Default 0, NETLINK_ROUTE.
   */
  protocol?: number;
}

/** Netlink protocol names as strace prints socket()'s third argument. */
const NETLINK_PROTOCOLS: Readonly<Record<string, number>> = {
  NETLINK_ROUTE: 0,
  NETLINK_UNUSED: 1,
  NETLINK_USERSOCK: 2,
  NETLINK_FIREWALL: 3,
  NETLINK_SOCK_DIAG: 4,
  NETLINK_INET_DIAG: 4,
  NETLINK_NFLOG: 5,
  NETLINK_XFRM: 6,
  NETLINK_SELINUX: 7,
  NETLINK_ISCSI: 8,
  NETLINK_AUDIT: 9,
  NETLINK_FIB_LOOKUP: 10,
  NETLINK_CONNECTOR: 11,
  NETLINK_NETFILTER: 12,
  NETLINK_IP6_FW: 13,
  NETLINK_DNRTMSG: 14,
  NETLINK_KOBJECT_UEVENT: 15,
  NETLINK_GENERIC: 16,
  NETLINK_SCSITRANSPORT: 18,
  NETLINK_ECRYPTFS: 19,
  NETLINK_RDMA: 20,
  NETLINK_CRYPTO: 21,
  NETLINK_SMC: 22,
};

/**
 * Reads strace output holding hex dumps (see `parseStraceDump` for the expected strace
 * options) as netlink datagrams: the direction comes from the syscall (sendmsg/sendto/write are
 * `sent`, recvmsg/recvfrom/read `received`), the protocol from the traced `socket()` call, the
 * `fd` is kept. Datagrams of sockets that strace shows are not AF_NETLINK are dropped. strace's
 * timestamps are not read: every `timestamp` is 0.
 * @throws {@link CaptureFormatError} when the text is not strace output the parser understands
 * (the {@link StraceParseError}, which names the line, is its `cause`).
 */
export function parseStraceCapture(text: string, options: StraceCaptureOptions = {}): CapturedDatagram[] {
  let datagrams;
  try {
    datagrams = parseStraceDump(text);
  } catch (e) {
    if (e instanceof StraceParseError) throw new CaptureFormatError(e.message, -1, { cause: e });
    throw e;
  }
  const out: CapturedDatagram[] = [];
  for (const d of datagrams) {
    if (options.fd !== undefined && d.fd !== options.fd) continue;
    if (d.socket && d.socket.domain !== 'AF_NETLINK' && d.socket.domain !== 'PF_NETLINK') continue;
    out.push({ direction: d.direction, protocol: protocolOf(d.socket?.protocol, options.protocol ?? 0), timestamp: 0, bytes: d.bytes, fd: d.fd });
  }
  return out;
}

function protocolOf(name: string | undefined, fallback: number): number {
  if (name === undefined) return fallback;
  const known = NETLINK_PROTOCOLS[name];
  if (known !== undefined) return known;
  return /^\d+$/.test(name) ? Number(name) : fallback;
}

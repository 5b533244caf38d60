// OS constants: socket(2), setsockopt(2), recvmsg(2), poll(2) and eventfd(2) values used by the OS
// layer and the netlink socket. Values are the Linux x86-64 / arm64 (generic) ABI, from
// <linux/netlink.h>, <asm-generic/socket.h>, <bits/socket.h>, <asm-generic/poll.h> and
// <sys/eventfd.h>.

/** Address family of netlink sockets. */
export const AF_NETLINK = 16;
/** Netlink protocol (socket() third argument) of route netlink. */
export const NETLINK_ROUTE = 0;
/** Socket type: raw datagrams (netlink accepts SOCK_RAW and SOCK_DGRAM alike). */
export const SOCK_RAW = 3;
/** socket() type flag: the fd is not inherited across execve (O_CLOEXEC). */
export const SOCK_CLOEXEC = 0o2000000;
/** socket() type flag: the fd is non-blocking (O_NONBLOCK). */
export const SOCK_NONBLOCK = 0o4000;

/** setsockopt() level of generic socket options. */
export const SOL_SOCKET = 1;
/** SOL_SOCKET option: send buffer size (capped by net.core.wmem_max). */
export const SO_SNDBUF = 7;
/** SOL_SOCKET option: receive buffer size (capped by net.core.rmem_max). */
export const SO_RCVBUF = 8;
/** SOL_SOCKET option: send buffer size ignoring wmem_max (needs CAP_NET_ADMIN). */
export const SO_SNDBUFFORCE = 32;
/** SOL_SOCKET option: receive buffer size ignoring rmem_max (needs CAP_NET_ADMIN). */
export const SO_RCVBUFFORCE = 33;

/** setsockopt() level of netlink socket options. */
export const SOL_NETLINK = 270;
/** SOL_NETLINK option: join a multicast group (int group number, 1-based). */
export const NETLINK_ADD_MEMBERSHIP = 1;
/** SOL_NETLINK option: leave a multicast group. */
export const NETLINK_DROP_MEMBERSHIP = 2;
/** SOL_NETLINK option: deliver NETLINK_PKTINFO control messages (the group of each message). */
export const NETLINK_PKTINFO = 3;
/** SOL_NETLINK option: report multicast delivery errors to the sender. */
export const NETLINK_BROADCAST_ERROR = 4;
/** SOL_NETLINK option: do not report ENOBUFS after a receive-queue overrun. */
export const NETLINK_NO_ENOBUFS = 5;
/**
 * SOL_NETLINK option: receive multicast from every network namespace that has an nsid in the
 * socket's namespace; each message carries a control message (level SOL_NETLINK, this type) with
 * the int nsid of its origin.
 */
export const NETLINK_LISTEN_ALL_NSID = 8;
/** SOL_NETLINK option: list the joined multicast groups (getsockopt only). */
export const NETLINK_LIST_MEMBERSHIPS = 9;
/** SOL_NETLINK option: do not echo the request's payload in error ACKs. */
export const NETLINK_CAP_ACK = 10;
/** SOL_NETLINK option: the kernel adds extended-ACK attributes (NLMSGERR_ATTR_*) to ACKs. */
export const NETLINK_EXT_ACK = 11;
/** SOL_NETLINK option: the kernel checks dump requests strictly (header fields and filters). */
export const NETLINK_GET_STRICT_CHK = 12;

/** recv() flag: return the real datagram length even when it was truncated. */
export const MSG_PEEK = 0x02;
/** recvmsg() msg_flags: the control data was truncated (control buffer too small). */
export const MSG_CTRUNC = 0x08;
/** recv() flag / recvmsg() msg_flags: the datagram was longer than the buffer. */
export const MSG_TRUNC = 0x20;
/** recv()/send() flag: do not block for this call. */
export const MSG_DONTWAIT = 0x40;

/** poll() event: data to read. */
export const POLLIN = 0x001;
/** poll() revent: error condition. */
export const POLLERR = 0x008;
/** poll() revent: hang up. */
export const POLLHUP = 0x010;
/** poll() revent: the fd is not open. */
export const POLLNVAL = 0x020;

/** eventfd() flag: close on execve. */
export const EFD_CLOEXEC = 0o2000000;
/** eventfd() flag: non-blocking reads and writes. */
export const EFD_NONBLOCK = 0o4000;

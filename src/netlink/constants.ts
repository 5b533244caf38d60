// Protocol constants from <linux/netlink.h>.

/** Size of struct nlmsghdr. */
export const NLMSG_HDRLEN = 16;
/** Size of struct nlattr. */
export const NLA_HDRLEN = 4;

/** nlmsg_type values shared by every netlink family. */
export const NLMSG_NOOP = 1;
/** An error, or an ACK when its error code is 0. */
export const NLMSG_ERROR = 2;
/** End of a multi-part message (a dump). */
export const NLMSG_DONE = 3;
/** Data lost (unused by rtnetlink). */
export const NLMSG_OVERRUN = 4;
/** Types below this are control messages. */
export const NLMSG_MIN_TYPE = 0x10;

/** nlmsg_flags: it is a request message. */
export const NLM_F_REQUEST = 0x01;
/** Multipart message, terminated by NLMSG_DONE. */
export const NLM_F_MULTI = 0x02;
/** Reply with an ACK, with zero or an error code. */
export const NLM_F_ACK = 0x04;
/** Echo this request to the sender. */
export const NLM_F_ECHO = 0x08;
/** The dump was inconsistent because the data changed during it. */
export const NLM_F_DUMP_INTR = 0x10;
/** The dump was filtered as requested. */
export const NLM_F_DUMP_FILTERED = 0x20;
/** GET modifier: specify the tree root. */
export const NLM_F_ROOT = 0x100;
/** GET modifier: return all entries matching the criteria. */
export const NLM_F_MATCH = 0x200;
/** GET modifier: atomic GET. */
export const NLM_F_ATOMIC = 0x400;
/** GET modifier: a dump (ROOT | MATCH). */
export const NLM_F_DUMP = 0x300;
/** NEW modifier: override an existing object. */
export const NLM_F_REPLACE = 0x100;
/** NEW modifier: do not touch it if it exists. */
export const NLM_F_EXCL = 0x200;
/** NEW modifier: create it if it does not exist. */
export const NLM_F_CREATE = 0x400;
/** NEW modifier: add to the end of the list. */
export const NLM_F_APPEND = 0x800;
/** DELETE modifier: do not delete recursively. */
export const NLM_F_NONREC = 0x100;
/** DELETE modifier: delete multiple objects. */
export const NLM_F_BULK = 0x200;
/** ACK flag: the request was capped (the error message does not carry the whole request). */
export const NLM_F_CAPPED = 0x100;
/** ACK flag: extended ACK TLVs were included. */
export const NLM_F_ACK_TLVS = 0x200;

/** nlattr type flag: the payload is a nest of attributes. */
export const NLA_F_NESTED = 0x8000;
/** nlattr type flag: the payload is in network byte order. */
export const NLA_F_NET_BYTEORDER = 0x4000;
/** Mask of the attribute type number without its flags. */
export const NLA_TYPE_MASK = 0x3fff;

/** Extended ACK attributes (enum nlmsgerr_attrs). */
export const NLMSGERR_ATTR_MSG = 1;
/** Offset of the refused attribute inside the request. */
export const NLMSGERR_ATTR_OFFS = 2;
/** An opaque cookie. */
export const NLMSGERR_ATTR_COOKIE = 3;
/** The policy the refused attribute had to satisfy. */
export const NLMSGERR_ATTR_POLICY = 4;
/** Type of a missing attribute. */
export const NLMSGERR_ATTR_MISS_TYPE = 5;
/** Offset of the nest where an attribute was missing. */
export const NLMSGERR_ATTR_MISS_NEST = 6;

// ---------------------------------------------------------------------------------------------
// OS layer: socket(2), setsockopt(2), poll(2) and eventfd(2) constants used by libc.ts and
// socket.ts. Kept as one separate block (owned by the OS-layer work); values are Linux x86-64 /
// arm64 (generic) ABI, from <linux/netlink.h>, <asm-generic/socket.h>, <bits/socket.h>,
// <asm-generic/poll.h> and <sys/eventfd.h>.
// ---------------------------------------------------------------------------------------------

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

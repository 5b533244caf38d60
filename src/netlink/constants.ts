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

// OS-layer constants (sockets, netlink socket options, poll, eventfd) live in src/sys; re-exported here.
export {
  AF_NETLINK,
  NETLINK_ROUTE,
  SOCK_RAW,
  SOCK_CLOEXEC,
  SOCK_NONBLOCK,
  SOL_SOCKET,
  SO_SNDBUF,
  SO_RCVBUF,
  SO_SNDBUFFORCE,
  SO_RCVBUFFORCE,
  SOL_NETLINK,
  NETLINK_ADD_MEMBERSHIP,
  NETLINK_DROP_MEMBERSHIP,
  NETLINK_PKTINFO,
  NETLINK_BROADCAST_ERROR,
  NETLINK_NO_ENOBUFS,
  NETLINK_LISTEN_ALL_NSID,
  NETLINK_LIST_MEMBERSHIPS,
  NETLINK_CAP_ACK,
  NETLINK_EXT_ACK,
  NETLINK_GET_STRICT_CHK,
  MSG_PEEK,
  MSG_CTRUNC,
  MSG_TRUNC,
  MSG_DONTWAIT,
  POLLIN,
  POLLERR,
  POLLHUP,
  POLLNVAL,
  EFD_CLOEXEC,
  EFD_NONBLOCK,
} from '../sys/constants.js';

// Network namespace ids (RTM_NEWNSID / RTM_DELNSID / RTM_GETNSID): hand-written from
// <linux/net_namespace.h> and <linux/rtnetlink.h>, as the kernel has no YNL spec for them.

import { message } from '../../netlink/message.js';
import { attr, attrSet, enumOf, s32, struct, u32, u8 } from '../../netlink/schema/index.js';
import { AddressFamily } from '../generated/common.js';

/** NETNSA_NSID value of a namespace that has no id (NETNSA_NSID_NOT_ASSIGNED). */
export const NETNSA_NSID_NOT_ASSIGNED = -1;

/** struct rtgenmsg as nsid messages use it: the family, padded to 4 bytes (NLMSG_ALIGN). */
export const rtgenmsg = struct('rtgenmsg', {
  /** rtgenmsg.rtgen_family */
  family: enumOf(u8, AddressFamily),
  /** 3 bytes of padding */
  pad: 3,
});

/** Attributes of nsid messages (NETNSA_*). */
export const nsidAttrs = attrSet('nsid-attrs', {
  /** NETNSA_NSID: the id (-1: not assigned) */
  nsid: attr(1, s32),
  /** NETNSA_PID: selects the namespace by a process in it */
  pid: attr(2, u32),
  /** NETNSA_FD: selects the namespace by an open /proc/PID/ns/net or bind mount */
  fd: attr(3, u32),
  /** NETNSA_TARGET_NSID: ask for the id as seen from this namespace (by its id) */
  targetNsid: attr(4, s32),
  /** NETNSA_CURRENT_NSID: in replies to a request with targetNsid, the id of the current namespace in the target */
  currentNsid: attr(5, s32),
});

/** Message type RTM_NEWNSID: assign an id; the kernel's replies and notifications. */
export const RTM_NEWNSID = 88;
/** Message type RTM_DELNSID: a notification that an id was removed. */
export const RTM_DELNSID = 89;
/** Message type RTM_GETNSID: get the id of a namespace, or dump them. */
export const RTM_GETNSID = 90;

/** An nsid message (RTM_NEWNSID, RTM_DELNSID, RTM_GETNSID): struct rtgenmsg followed by nsid-attrs. */
export const nsidMessage = message('nsid', rtgenmsg, nsidAttrs);

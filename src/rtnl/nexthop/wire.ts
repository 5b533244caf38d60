// Nexthop objects (RTM_NEWNEXTHOP / RTM_DELNEXTHOP / RTM_GETNEXTHOP): hand-written from
// <linux/nexthop.h>, as the kernel has no YNL spec for them. Same DSL as the generated schemas.

import { NLA_F_NESTED } from '../../netlink/constants.js';
import { message } from '../../netlink/message.js';
import { attr, attrSet, binary, enumOf, flag, flagsOf, ip, multiAttr, struct, u16, u32, u64, u8, uint } from '../../netlink/schema/index.js';
import { AddressFamily, LwtunnelEncapType, RtnhFlags, RtProtocol, RtScope } from '../generated/common.js';
import { arrayOf } from '../schemas/codecs.js';

/** NHA_GROUP_TYPE values (NEXTHOP_GRP_TYPE_*), by name, for `enumOf`. */
export const NexthopGroupType = {
  /** NEXTHOP_GRP_TYPE_MPATH: hash-threshold multipath (the default). */
  mpath: 0,
  /** NEXTHOP_GRP_TYPE_RES: resilient (bucketed) group. */
  resilient: 1,
} as const;

/** NHA_OP_FLAGS bits (NHA_OP_FLAG_*), by name: masks for `flagsOf`. */
export const NexthopOpFlags = {
  /** NHA_OP_FLAG_DUMP_STATS: include the group members' packet counters. */
  'dump-stats': 0x1,
  /** NHA_OP_FLAG_DUMP_HW_STATS: include the hardware counters too. */
  'dump-hw-stats': 0x2,
  /** NHA_OP_FLAG_RESP_GRP_RESVD_0: (in replies) the reserved fields of NHA_GROUP entries are zero. */
  'resp-grp-resvd-0': 0x80000000,
} as const;

/** struct nhmsg: the header of nexthop messages. */
export const nhmsg = struct('nhmsg', {
  /** nhmsg.nh_family */
  family: enumOf(u8, AddressFamily),
  /** nhmsg.nh_scope (replies only) */
  scope: enumOf(u8, RtScope),
  /** nhmsg.nh_protocol: who installed the nexthop */
  protocol: enumOf(u8, RtProtocol),
  /** nhmsg.resvd: 1 byte of padding */
  resvd: 1,
  /** nhmsg.nh_flags (RTNH_F_*) */
  flags: flagsOf(u32, RtnhFlags),
});

/**
 * struct nexthop_grp: one member of a nexthop group. The member's weight is
 * `((weightHigh << 8) | weight) + 1`.
 */
export const nexthopGrp = struct('nexthop_grp', {
  /** nexthop_grp.id: the member nexthop */
  id: u32,
  /** nexthop_grp.weight: low 8 bits of the weight minus one */
  weight: u8,
  /** nexthop_grp.weight_high: high 8 bits of the weight minus one */
  weightHigh: u8,
  /** nexthop_grp.resvd2 (reserved) */
  resvd2: u16,
});

/** Attributes of NHA_RES_GROUP (NHA_RES_GROUP_*): a resilient group's parameters. */
export const nhaResGroupAttrs = attrSet('nha-res-group-attrs', {
  /** NHA_RES_GROUP_PAD */
  pad: attr(0, binary),
  /** NHA_RES_GROUP_BUCKETS: number of buckets */
  buckets: attr(1, u16),
  /** NHA_RES_GROUP_IDLE_TIMER: bucket idle timer (clock_t) */
  idleTimer: attr(2, u32),
  /** NHA_RES_GROUP_UNBALANCED_TIMER: unbalanced timer (clock_t) */
  unbalancedTimer: attr(3, u32),
  /** NHA_RES_GROUP_UNBALANCED_TIME: how long the group has been unbalanced (clock_t) */
  unbalancedTime: attr(4, u64),
});

/** Attributes of NHA_RES_BUCKET (NHA_RES_BUCKET_*): one bucket of a resilient group. */
export const nhaResBucketAttrs = attrSet('nha-res-bucket-attrs', {
  /** NHA_RES_BUCKET_PAD */
  pad: attr(0, binary),
  /** NHA_RES_BUCKET_INDEX */
  index: attr(1, u16),
  /** NHA_RES_BUCKET_IDLE_TIME (clock_t) */
  idleTime: attr(2, u64),
  /** NHA_RES_BUCKET_NH_ID: the nexthop the bucket is assigned to */
  nhId: attr(3, u32),
});

/** Attributes of NHA_GROUP_STATS_ENTRY (NHA_GROUP_STATS_ENTRY_*): the counters of one group member. */
export const nhaGroupStatsEntryAttrs = attrSet('nha-group-stats-entry-attrs', {
  /** NHA_GROUP_STATS_ENTRY_ID: the member nexthop */
  id: attr(1, u32),
  /** NHA_GROUP_STATS_ENTRY_PACKETS: packets forwarded through it */
  packets: attr(2, uint),
  /** NHA_GROUP_STATS_ENTRY_PACKETS_HW: packets forwarded through it in hardware */
  packetsHw: attr(3, uint),
});

/** Attributes of NHA_GROUP_STATS (NHA_GROUP_STATS_*). */
export const nhaGroupStatsAttrs = attrSet('nha-group-stats-attrs', {
  /** NHA_GROUP_STATS_ENTRY, one per member */
  entry: multiAttr(1, nhaGroupStatsEntryAttrs, NLA_F_NESTED),
});

/** Attributes of nexthop messages (NHA_*). */
export const nexthopAttrs = attrSet('nexthop-attrs', {
  /** NHA_ID: the nexthop id; 0 in a request means "assign one" */
  id: attr(1, u32),
  /** NHA_GROUP: the members of a group (struct nexthop_grp[]) */
  group: attr(2, arrayOf(nexthopGrp)),
  /** NHA_GROUP_TYPE */
  groupType: attr(3, enumOf(u16, NexthopGroupType)),
  /** NHA_BLACKHOLE: packets are dropped */
  blackhole: attr(4, flag),
  /** NHA_OIF: output device */
  oif: attr(5, u32),
  /** NHA_GATEWAY: IPv4 or IPv6 gateway address */
  gateway: attr(6, ip),
  /** NHA_ENCAP_TYPE */
  encapType: attr(7, enumOf(u16, LwtunnelEncapType)),
  /** NHA_ENCAP: light-weight tunnel encapsulation (a nest whose content depends on encapType), as raw bytes */
  encap: attr(8, binary),
  /** NHA_GROUPS: dump filter, only groups */
  groups: attr(9, flag),
  /** NHA_MASTER: dump filter, only nexthops whose device has this master */
  master: attr(10, u32),
  /** NHA_FDB: the nexthop belongs to a bridge FDB */
  fdb: attr(11, flag),
  /** NHA_RES_GROUP: resilient group parameters */
  resGroup: attr(12, nhaResGroupAttrs, NLA_F_NESTED),
  /** NHA_RES_BUCKET: one bucket (RTM_*NEXTHOPBUCKET) */
  resBucket: attr(13, nhaResBucketAttrs, NLA_F_NESTED),
  /** NHA_OP_FLAGS */
  opFlags: attr(14, flagsOf(u32, NexthopOpFlags)),
  /** NHA_GROUP_STATS: per-member counters (with the dump-stats op flag) */
  groupStats: attr(15, nhaGroupStatsAttrs, NLA_F_NESTED),
  /** NHA_HW_STATS_ENABLE: collect hardware counters */
  hwStatsEnable: attr(16, u32),
  /** NHA_HW_STATS_USED: whether a driver collects hardware counters (read-only) */
  hwStatsUsed: attr(17, u32),
});

/** Message type RTM_NEWNEXTHOP: create a nexthop; the kernel's replies and notifications. */
export const RTM_NEWNEXTHOP = 104;
/** Message type RTM_DELNEXTHOP: delete a nexthop. */
export const RTM_DELNEXTHOP = 105;
/** Message type RTM_GETNEXTHOP: get or dump nexthops. */
export const RTM_GETNEXTHOP = 106;
/** Message type RTM_NEWNEXTHOPBUCKET: a bucket of a resilient group (replies, notifications). */
export const RTM_NEWNEXTHOPBUCKET = 116;
/** Message type RTM_DELNEXTHOPBUCKET. */
export const RTM_DELNEXTHOPBUCKET = 117;
/** Message type RTM_GETNEXTHOPBUCKET: get or dump buckets of resilient groups. */
export const RTM_GETNEXTHOPBUCKET = 118;

/** A nexthop message (RTM_NEWNEXTHOP, RTM_DELNEXTHOP, RTM_GETNEXTHOP, and the bucket messages): struct nhmsg followed by nexthop-attrs. */
export const nexthopMessage = message('nexthop', nhmsg, nexthopAttrs);

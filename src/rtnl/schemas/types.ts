// Names of the rtnetlink message types (nlmsg_type), from the RTM_* enum of <linux/rtnetlink.h>.
// Hand-written; the generator (tools/ynl-gen.ts) also reads it to name the message types it emits.

/** The RTM_* name of every rtnetlink message type, by number (16 to 122). */
export const RTM_TYPE_NAMES: Record<number, string> = {
  16: 'RTM_NEWLINK',
  17: 'RTM_DELLINK',
  18: 'RTM_GETLINK',
  19: 'RTM_SETLINK',
  20: 'RTM_NEWADDR',
  21: 'RTM_DELADDR',
  22: 'RTM_GETADDR',
  24: 'RTM_NEWROUTE',
  25: 'RTM_DELROUTE',
  26: 'RTM_GETROUTE',
  28: 'RTM_NEWNEIGH',
  29: 'RTM_DELNEIGH',
  30: 'RTM_GETNEIGH',
  32: 'RTM_NEWRULE',
  33: 'RTM_DELRULE',
  34: 'RTM_GETRULE',
  36: 'RTM_NEWQDISC',
  37: 'RTM_DELQDISC',
  38: 'RTM_GETQDISC',
  40: 'RTM_NEWTCLASS',
  41: 'RTM_DELTCLASS',
  42: 'RTM_GETTCLASS',
  44: 'RTM_NEWTFILTER',
  45: 'RTM_DELTFILTER',
  46: 'RTM_GETTFILTER',
  48: 'RTM_NEWACTION',
  49: 'RTM_DELACTION',
  50: 'RTM_GETACTION',
  52: 'RTM_NEWPREFIX',
  58: 'RTM_GETMULTICAST',
  62: 'RTM_GETANYCAST',
  64: 'RTM_NEWNEIGHTBL',
  66: 'RTM_GETNEIGHTBL',
  67: 'RTM_SETNEIGHTBL',
  68: 'RTM_NEWNDUSEROPT',
  72: 'RTM_NEWADDRLABEL',
  73: 'RTM_DELADDRLABEL',
  74: 'RTM_GETADDRLABEL',
  78: 'RTM_GETDCB',
  79: 'RTM_SETDCB',
  80: 'RTM_NEWNETCONF',
  81: 'RTM_DELNETCONF',
  82: 'RTM_GETNETCONF',
  84: 'RTM_NEWMDB',
  85: 'RTM_DELMDB',
  86: 'RTM_GETMDB',
  88: 'RTM_NEWNSID',
  89: 'RTM_DELNSID',
  90: 'RTM_GETNSID',
  92: 'RTM_NEWSTATS',
  94: 'RTM_GETSTATS',
  95: 'RTM_SETSTATS',
  96: 'RTM_NEWCACHEREPORT',
  100: 'RTM_NEWCHAIN',
  101: 'RTM_DELCHAIN',
  102: 'RTM_GETCHAIN',
  104: 'RTM_NEWNEXTHOP',
  105: 'RTM_DELNEXTHOP',
  106: 'RTM_GETNEXTHOP',
  108: 'RTM_NEWLINKPROP',
  109: 'RTM_DELLINKPROP',
  110: 'RTM_GETLINKPROP',
  112: 'RTM_NEWVLAN',
  113: 'RTM_DELVLAN',
  114: 'RTM_GETVLAN',
  116: 'RTM_NEWNEXTHOPBUCKET',
  117: 'RTM_DELNEXTHOPBUCKET',
  118: 'RTM_GETNEXTHOPBUCKET',
  120: 'RTM_NEWTUNNEL',
  121: 'RTM_DELTUNNEL',
  122: 'RTM_GETTUNNEL',
};

/**
 * The message types each family's schema carries (see RTM_TYPE_NAMES): one list for both users,
 * registry.ts (every family, for capture decoding and dumpWire) and each family's class, which
 * registers its own on the connection it is built on to name attributes in errors
 * (Connection.nameAttributes) without loading the other families' schemas.
 */
export const FAMILY_MESSAGE_TYPES = {
  link: [16, 17, 18, 19, 108, 109], // NEW, DEL, GET, SETLINK; NEW, DELLINKPROP
  address: [20, 21, 22],
  route: [24, 25, 26],
  neigh: [28, 29, 30],
  rule: [32, 33, 34],
  nsid: [88, 89, 90],
  nexthop: [104, 105, 106],
} as const;

/** The RTM_* name of message type `type`, or `RTM_<type>` for a number rtnetlink does not define. */
export function rtmTypeName(type: number): string {
  return RTM_TYPE_NAMES[type] ?? `RTM_${type}`;
}

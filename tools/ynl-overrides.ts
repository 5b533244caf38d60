// Hand corrections that tools/ynl-gen.ts applies to the kernel's YNL specs before generating
// src/rtnl/generated. Each entry says why in a one-line comment. Entries are YNL-shaped (the
// netlink-raw.yaml schema), plus two generator extensions marked `x-`:
//   - attribute `x-codec`: a codec from src/rtnl/schemas/codecs.ts, for payloads YNL cannot describe;
//   - sub-message `x-default`: the format used when the selector has no format of its own;
//   - attribute `x-nested-flag`: the kernel sets NLA_F_NESTED on this nest (nla_nest_start, not _noflag).
//   - attribute `x-lazy`: decode on first access (large nests few readers need; keeps listing fast).
//   - attribute `x-first-index`: the type of an indexed array's first element, when not 0 (tc's
//     action lists start at 1).

import { tcOverrides } from './ynl-overrides-tc.js';

// ---------------------------------------------------------------------------------------------
// The YNL spec shapes the generator reads (a subset of netlink-raw.yaml).

/** An enum or flags entry. For flags, `value` is the bit position. */
export interface YnlEnumEntry {
  name: string;
  value?: number;
  doc?: string;
}

/** A struct member. */
export interface YnlMember {
  name: string;
  type: 'u8' | 'u16' | 'u32' | 'u64' | 's8' | 's16' | 's32' | 's64' | 'string' | 'binary' | 'pad';
  len?: number;
  'byte-order'?: 'little-endian' | 'big-endian';
  doc?: string;
  enum?: string;
  'enum-as-flags'?: boolean;
  'display-hint'?: string;
  struct?: string;
}

/** A definition: const, enum, flags or struct. */
export interface YnlDefinition {
  name: string;
  type: 'const' | 'enum' | 'flags' | 'struct';
  doc?: string;
  header?: string;
  value?: number | string;
  'value-start'?: number;
  entries?: (string | YnlEnumEntry)[];
  'render-max'?: boolean;
  'enum-name'?: string | null;
  'name-prefix'?: string;
  members?: YnlMember[];
}

/** Arguments of an `x-codec` call: a set, a struct, or a scalar described like a struct member. */
export type XCodecArg = { set: string } | { struct: string } | { scalar: Omit<YnlMember, 'name'> } | { literal: string };

/** Generator extension: the attribute's codec is a call to a helper of src/rtnl/schemas/codecs.ts. */
export interface XCodec {
  call: 'rtnexthops' | 'headerAndAttrs' | 'rtvia' | 'flagOrU8' | 'structAndArray' | 'mplsLabels' | 'routeDestination';
  args: XCodecArg[];
}

/** An attribute of an attribute set. */
export interface YnlAttr {
  name: string;
  type?:
    | 'unused' | 'pad' | 'flag' | 'binary' | 'bitfield32' | 'uint' | 'sint'
    | 'u8' | 'u16' | 'u32' | 'u64' | 's8' | 's16' | 's32' | 's64'
    | 'string' | 'nest' | 'indexed-array' | 'nest-type-value' | 'sub-message';
  doc?: string;
  value?: number;
  'byte-order'?: 'little-endian' | 'big-endian';
  'multi-attr'?: boolean;
  'nested-attributes'?: string;
  enum?: string;
  'enum-as-flags'?: boolean;
  checks?: unknown;
  'sub-type'?: string;
  'display-hint'?: string;
  struct?: string;
  'sub-message'?: string;
  selector?: string;
  /** Generator extension, see the top of this file. */
  'x-codec'?: XCodec;
  /** Generator extension: the attribute's type field carries NLA_F_NESTED (see the top of this file). */
  'x-nested-flag'?: boolean;
  /** Generator extension: decode the attribute on first access (see the top of this file). */
  'x-lazy'?: boolean;
  /** Generator extension: the type of an indexed array's first element (see the top of this file). */
  'x-first-index'?: number;
}

/** An attribute set. */
export interface YnlAttrSet {
  name: string;
  'name-prefix'?: string;
  'enum-name'?: string | null;
  doc?: string;
  header?: string;
  'subset-of'?: string;
  'attr-cnt-name'?: string;
  'attr-max-name'?: string;
  attributes: YnlAttr[];
}

/** A sub-message format. */
export interface YnlFormat {
  value: string;
  'fixed-header'?: string;
  'attribute-set'?: string;
}

/** A sub-message. */
export interface YnlSubMessage {
  name: string;
  formats: YnlFormat[];
  /** Generator extension: the format for selector values without one (instead of raw bytes). */
  'x-default'?: Omit<YnlFormat, 'value'>;
}

/** A request, reply or event of an operation. */
export interface YnlMsg {
  value?: number;
  attributes?: string[];
}

/** An operation. */
export interface YnlOp {
  name: string;
  doc?: string;
  value?: number;
  'attribute-set'?: string;
  'fixed-header'?: string;
  do?: { request?: YnlMsg; reply?: YnlMsg };
  dump?: { request?: YnlMsg; reply?: YnlMsg };
  notify?: string;
  event?: YnlMsg;
  mcgrp?: string;
}

/** A whole netlink-raw spec. */
export interface YnlSpec {
  name: string;
  doc?: string;
  protocol?: string;
  protonum?: number;
  'uapi-header'?: string;
  definitions?: YnlDefinition[];
  'attribute-sets': YnlAttrSet[];
  'sub-messages'?: YnlSubMessage[];
  operations: { 'enum-model'?: string; 'name-prefix'?: string; 'fixed-header'?: string; list: YnlOp[] };
  'mcast-groups'?: { list: { name: string; value?: number }[] };
}

// ---------------------------------------------------------------------------------------------
// The shape of the overrides.

/** A change to a struct member: patch it, rename its key, or insert a member after it. */
export interface MemberOverride {
  struct: string;
  member: string;
  /** Properties to set on the member. */
  patch?: Partial<YnlMember>;
  /** The member's key in the generated struct (instead of the generator's). */
  key?: string;
  /** A member to insert right after this one. */
  insertAfter?: YnlMember;
  /** Remove the member (after inserting `insertAfter`, if any): a flexible array an x-codec carries instead. */
  remove?: boolean;
}

/** A change to an attribute: patch it and/or rename its key. */
export interface AttrOverride {
  set: string;
  attr: string;
  /** Properties to set on the attribute (a `type` change drops the properties of the old type). */
  patch?: Partial<YnlAttr>;
  /** The attribute's key in the generated set (instead of the camelCase of its name). */
  key?: string;
}

/** A change to an enum or flags definition. */
export interface DefinitionOverride {
  definition: string;
  patch: Partial<YnlDefinition>;
}

/** Attributes appended to an attribute set of the spec (give each its `value`: the type number). */
export interface AppendOverride {
  set: string;
  attributes: YnlAttr[];
}

/** Everything overridden in one family. */
export interface FamilyOverrides {
  /** Definitions added to the family. */
  definitions?: YnlDefinition[];
  /** Changes to definitions of the spec. */
  definitionPatches?: DefinitionOverride[];
  /** Struct members changed. */
  members?: MemberOverride[];
  /** Attribute sets added to the family. */
  attributeSets?: YnlAttrSet[];
  /** Attributes changed. */
  attributes?: AttrOverride[];
  /** Attributes added at the end of sets of the spec (newer kernels' attributes YNL lacks). */
  appendAttributes?: AppendOverride[];
  /** Sub-messages added to the family. */
  subMessages?: YnlSubMessage[];
  /** Formats added to sub-messages of the spec. */
  formats?: { subMessage: string; format: YnlFormat }[];
}

// ---------------------------------------------------------------------------------------------
// Definitions shared by several families: emitted once, in src/rtnl/generated/common.ts.

/** Enums and flags YNL lacks that several families use. */
export const commonDefinitions: YnlDefinition[] = [
  // Address family of every rtnetlink header (AF_*, <linux/socket.h>), plus rtnetlink's own RTNL_FAMILY_IPMR/IP6MR for multicast routes.
  {
    name: 'address-family',
    type: 'enum',
    'name-prefix': 'af-',
    doc: 'Address family (AF_*) of an rtnetlink message header.',
    entries: [
      { name: 'unspec', value: 0 },
      { name: 'unix', value: 1 },
      { name: 'inet', value: 2 },
      { name: 'bridge', value: 7 },
      { name: 'inet6', value: 10 },
      { name: 'mpls', value: 28 },
      { name: 'mctp', value: 45 },
      { name: 'ipmr', value: 128, doc: 'RTNL_FAMILY_IPMR: IPv4 multicast routes.' },
      { name: 'ip6mr', value: 129, doc: 'RTNL_FAMILY_IP6MR: IPv6 multicast routes.' },
    ],
  },
  // rtm_scope / ifa_scope / nh_scope values (enum rt_scope_t, <linux/rtnetlink.h>); iproute2 prints these names.
  {
    name: 'rt-scope',
    type: 'enum',
    'name-prefix': 'rt-scope-',
    doc: 'Scope of a route, address or nexthop (RT_SCOPE_*).',
    entries: [
      { name: 'universe', value: 0 },
      { name: 'site', value: 200 },
      { name: 'link', value: 253 },
      { name: 'host', value: 254 },
      { name: 'nowhere', value: 255 },
    ],
  },
  // Routing protocol ids (RTPROT_*, <linux/rtnetlink.h>) named as in iproute2's rt_protos, used by routes, rules, neighbours and nexthops.
  {
    name: 'rt-protocol',
    type: 'enum',
    'name-prefix': 'rtprot-',
    doc: 'The protocol that installed a route, rule, neighbour or nexthop (RTPROT_*).',
    entries: [
      { name: 'unspec', value: 0 },
      { name: 'redirect', value: 1 },
      { name: 'kernel', value: 2 },
      { name: 'boot', value: 3 },
      { name: 'static', value: 4 },
      { name: 'gated', value: 8 },
      { name: 'ra', value: 9 },
      { name: 'mrt', value: 10 },
      { name: 'zebra', value: 11 },
      { name: 'bird', value: 12 },
      { name: 'dnrouted', value: 13 },
      { name: 'xorp', value: 14 },
      { name: 'ntk', value: 15 },
      { name: 'dhcp', value: 16 },
      { name: 'mrouted', value: 17 },
      { name: 'keepalived', value: 18 },
      { name: 'babel', value: 42 },
      { name: 'openr', value: 99 },
      { name: 'bgp', value: 186 },
      { name: 'isis', value: 187 },
      { name: 'ospf', value: 188 },
      { name: 'rip', value: 189 },
      { name: 'eigrp', value: 192 },
    ],
  },
  // Nexthop flags (RTNH_F_*, <linux/rtnetlink.h>) of struct rtnexthop and struct nhmsg.
  {
    name: 'rtnh-flags',
    type: 'flags',
    'name-prefix': 'rtnh-f-',
    doc: 'Flags of a nexthop (RTNH_F_*).',
    entries: ['dead', 'pervasive', 'onlink', 'offload', 'linkdown', 'unresolved', 'trap'],
  },
  // Light-weight tunnel encapsulation types (enum lwtunnel_encap_types, <linux/lwtunnel.h>) of RTA_ENCAP_TYPE and NHA_ENCAP_TYPE.
  {
    name: 'lwtunnel-encap-type',
    type: 'enum',
    'name-prefix': 'lwtunnel-encap-',
    doc: 'Light-weight tunnel encapsulation type (LWTUNNEL_ENCAP_*).',
    entries: ['none', 'mpls', 'ip', 'ila', 'ip6', 'seg6', 'bpf', 'seg6-local', 'rpl', 'ioam6', 'xfrm'],
  },
];

// ---------------------------------------------------------------------------------------------
// Per-family overrides.

/** Overrides by spec name. */
export const familyOverrides: Record<string, FamilyOverrides> = {
  tc: tcOverrides,
  'rt-link': {
    definitions: [
      // ifi_type (ARPHRD_*, <linux/if_arp.h>) named as iproute2's ll_types.c prints them in `ip -j link` "link_type".
      {
        name: 'link-type',
        type: 'enum',
        'name-prefix': 'arphrd-',
        doc: 'Link-layer type of a link (ARPHRD_*), named as iproute2 prints it ("link_type").',
        entries: [
          { name: 'netrom', value: 0 },
          { name: 'ether', value: 1 },
          { name: 'eether', value: 2 },
          { name: 'ax25', value: 3 },
          { name: 'pronet', value: 4 },
          { name: 'chaos', value: 5 },
          { name: 'ieee802', value: 6 },
          { name: 'arcnet', value: 7 },
          { name: 'atalk', value: 8 },
          { name: 'dlci', value: 15 },
          { name: 'atm', value: 19 },
          { name: 'metricom', value: 23 },
          { name: 'ieee1394', value: 24 },
          { name: 'infiniband', value: 32 },
          { name: 'slip', value: 256 },
          { name: 'cslip', value: 257 },
          { name: 'slip6', value: 258 },
          { name: 'cslip6', value: 259 },
          { name: 'rsrvd', value: 260 },
          { name: 'adapt', value: 264 },
          { name: 'rose', value: 270 },
          { name: 'x25', value: 271 },
          { name: 'hwx25', value: 272 },
          { name: 'can', value: 280 },
          { name: 'ppp', value: 512 },
          { name: 'hdlc', value: 513 },
          { name: 'lapb', value: 516 },
          { name: 'ddcmp', value: 517 },
          { name: 'rawhdlc', value: 518 },
          { name: 'ipip', value: 768 },
          { name: 'tunnel6', value: 769 },
          { name: 'frad', value: 770 },
          { name: 'skip', value: 771 },
          { name: 'loopback', value: 772 },
          { name: 'ltalk', value: 773 },
          { name: 'fddi', value: 774 },
          { name: 'bif', value: 775 },
          { name: 'sit', value: 776 },
          { name: 'ip/ddp', value: 777 },
          { name: 'gre', value: 778 },
          { name: 'pimreg', value: 779 },
          { name: 'hippi', value: 780 },
          { name: 'ash', value: 781 },
          { name: 'econet', value: 782 },
          { name: 'irda', value: 783 },
          { name: 'fcpp', value: 784 },
          { name: 'fcal', value: 785 },
          { name: 'fcpl', value: 786 },
          { name: 'fcfb0', value: 787 },
          { name: 'fcfb1', value: 788 },
          { name: 'fcfb2', value: 789 },
          { name: 'fcfb3', value: 790 },
          { name: 'fcfb4', value: 791 },
          { name: 'fcfb5', value: 792 },
          { name: 'fcfb6', value: 793 },
          { name: 'fcfb7', value: 794 },
          { name: 'fcfb8', value: 795 },
          { name: 'fcfb9', value: 796 },
          { name: 'fcfb10', value: 797 },
          { name: 'fcfb11', value: 798 },
          { name: 'fcfb12', value: 799 },
          { name: 'tr', value: 800 },
          { name: 'ieee802.11', value: 801 },
          { name: 'ieee802.11/prism', value: 802 },
          { name: 'ieee802.11/radiotap', value: 803 },
          { name: 'ieee802.15.4', value: 804 },
          { name: 'ieee802.15.4/monitor', value: 805 },
          { name: 'phonet', value: 820 },
          { name: 'phonet_pipe', value: 821 },
          { name: 'caif', value: 822 },
          { name: 'gre6', value: 823 },
          { name: 'netlink', value: 824 },
          { name: '6lowpan', value: 825 },
          { name: 'none', value: 65534 },
          { name: 'void', value: 65535 },
        ],
      },
      // IFLA_OPERSTATE values (IF_OPER_*, <linux/if.h>), lowercase of what iproute2 prints ("operstate").
      {
        name: 'oper-state',
        type: 'enum',
        'name-prefix': 'if-oper-',
        doc: 'RFC 2863 operational state of a link (IF_OPER_*).',
        entries: ['unknown', 'notpresent', 'down', 'lowerlayerdown', 'testing', 'dormant', 'up'],
      },
      // IFLA_LINKMODE values (IF_LINK_MODE_*, <linux/if.h>), lowercase of what iproute2 prints ("linkmode").
      {
        name: 'link-mode',
        type: 'enum',
        'name-prefix': 'if-link-mode-',
        doc: 'Link mode (IF_LINK_MODE_*).',
        entries: ['default', 'dormant', 'testing'],
      },
      // IFLA_INET6_ADDR_GEN_MODE values (IN6_ADDR_GEN_MODE_*, <linux/if_link.h>) named as iproute2 prints them.
      {
        name: 'in6-addr-gen-mode',
        type: 'enum',
        'name-prefix': 'in6-addr-gen-mode-',
        doc: 'How IPv6 link-local addresses are generated (IN6_ADDR_GEN_MODE_*).',
        entries: ['eui64', 'none', 'stable_secret', 'random'],
      },
      // VXLAN is not in this rt-link.yaml; struct ifla_vxlan_port_range of <linux/if_link.h>.
      {
        name: 'ifla-vxlan-port-range',
        type: 'struct',
        members: [
          { name: 'low', type: 'u16', 'byte-order': 'big-endian' },
          { name: 'high', type: 'u16', 'byte-order': 'big-endian' },
        ],
      },
      // IFLA_VXLAN_DF values (enum ifla_vxlan_df, <linux/if_link.h>).
      { name: 'vxlan-df', type: 'enum', 'name-prefix': 'vxlan-df-', entries: ['unset', 'set', 'inherit'] },
      // IFLA_VXLAN_LABEL_POLICY values (enum ifla_vxlan_label_policy, <linux/if_link.h>).
      { name: 'vxlan-label-policy', type: 'enum', 'name-prefix': 'vxlan-label-', entries: ['fixed', 'inherit'] },
      // IFLA_BRIDGE_FLAGS bits (BRIDGE_FLAGS_*, <linux/if_bridge.h>) for AF_BRIDGE af-spec.
      { name: 'bridge-flags', type: 'flags', 'name-prefix': 'bridge-flags-', entries: ['master', 'self'] },
      // IFLA_BRIDGE_MODE values (BRIDGE_MODE_*, <linux/if_bridge.h>).
      {
        name: 'bridge-mode',
        type: 'enum',
        'name-prefix': 'bridge-mode-',
        entries: [{ name: 'veb', value: 0 }, { name: 'vepa', value: 1 }, { name: 'undef', value: 65535 }],
      },
      // struct bridge_vlan_info flags (BRIDGE_VLAN_INFO_*, <linux/if_bridge.h>).
      {
        name: 'bridge-vlan-info-flags',
        type: 'flags',
        'name-prefix': 'bridge-vlan-info-',
        entries: ['master', 'pvid', 'untagged', 'range-begin', 'range-end', 'brentry', 'only-opts'],
      },
      // IFLA_BRIDGE_VLAN_INFO payload: struct bridge_vlan_info of <linux/if_bridge.h>.
      {
        name: 'bridge-vlan-info',
        type: 'struct',
        members: [
          { name: 'flags', type: 'u16', enum: 'bridge-vlan-info-flags' },
          { name: 'vid', type: 'u16' },
        ],
      },
      // IFLA_MACVLAN_MODE values (enum macvlan_mode, <linux/if_link.h>); not in this rt-link.yaml.
      {
        name: 'macvlan-mode',
        type: 'enum',
        'name-prefix': 'macvlan-mode-',
        entries: [
          { name: 'private', value: 1 },
          { name: 'vepa', value: 2 },
          { name: 'bridge', value: 4 },
          { name: 'passthru', value: 8 },
          { name: 'source', value: 16 },
        ],
      },
      // IFLA_MACVLAN_FLAGS bits (MACVLAN_FLAG_NOPROMISC / _NODST, <linux/if_link.h>); not in this rt-link.yaml.
      { name: 'macvlan-flags', type: 'flags', 'name-prefix': 'macvlan-flag-', entries: ['nopromisc', 'nodst'] },
      // IFLA_MACVLAN_MACADDR_MODE values (enum macvlan_macaddr_mode, <linux/if_link.h>); not in this rt-link.yaml.
      { name: 'macvlan-macaddr-mode', type: 'enum', 'name-prefix': 'macvlan-macaddr-', entries: ['add', 'del', 'flush', 'set'] },
      // IFLA_IPVLAN_MODE values (enum ipvlan_mode, <linux/if_link.h>); not in this rt-link.yaml.
      { name: 'ipvlan-mode', type: 'enum', 'name-prefix': 'ipvlan-mode-', entries: ['l2', 'l3', 'l3s'] },
      // IFLA_IPVLAN_FLAGS bits (IPVLAN_F_PRIVATE / _VEPA, <linux/if_link.h>; no bit set is iproute2's "bridge"); not in this rt-link.yaml.
      { name: 'ipvlan-flags', type: 'flags', 'name-prefix': 'ipvlan-f-', entries: ['private', 'vepa'] },
      // IFLA_GENEVE_DF values (enum ifla_geneve_df, <linux/if_link.h>); YNL has the attribute as a plain u8.
      { name: 'geneve-df', type: 'enum', 'name-prefix': 'geneve-df-', entries: ['unset', 'set', 'inherit'] },
      // IFLA_TUN_TYPE values (IFF_TUN / IFF_TAP, <linux/if_tun.h>: tun_fill_info puts flags & TUN_TYPE_MASK); YNL has a plain u8.
      { name: 'tun-type', type: 'enum', 'name-prefix': 'iff-', entries: [{ name: 'tun', value: 1 }, { name: 'tap', value: 2 }] },
    ],
    definitionPatches: [
      // The C enum starts at IPV4_DEVCONF_FORWARDING = 1, which the spec's own doc ("indexed by ipv4-devconf - 1") assumes.
      { definition: 'ipv4-devconf', patch: { 'value-start': 1 } },
    ],
    members: [
      // ifi_family is an address family.
      { struct: 'ifinfomsg', member: 'ifi-family', patch: { enum: 'address-family' } },
      // ifi_change is a mask of IFF_* bits, like ifi_flags.
      { struct: 'ifinfomsg', member: 'ifi-change', patch: { enum: 'ifinfo-flags' } },
      // ifi_type is an ARPHRD_* link type.
      { struct: 'ifinfomsg', member: 'ifi-type', patch: { enum: 'link-type' } },
      // rtgenmsg.rtgen_family is an address family.
      { struct: 'rtgenmsg', member: 'family', patch: { enum: 'address-family' } },
      // if_stats_msg.family is an address family.
      { struct: 'if-stats-msg', member: 'family', patch: { enum: 'address-family' } },
      // C struct rtnl_link_ifmap is 8-byte aligned: sizeof is 32 and the kernel requires (and sends) 32 bytes.
      { struct: 'rtnl-link-ifmap', member: 'port', insertAfter: { name: 'pad', type: 'pad', len: 4 } },
      // C struct ifla_vf_guid has 4 bytes of padding before the u64 guid.
      { struct: 'ifla-vf-guid', member: 'vf', insertAfter: { name: 'pad', type: 'pad', len: 4 } },
      // C struct ifla_vf_vlan_info ends with __be16 vlan_proto and 2 bytes of padding, not a u32.
      { struct: 'ifla-vf-vlan-info', member: 'vlan-proto', patch: { type: 'u16', 'byte-order': 'big-endian', enum: 'vlan-protocols' }, insertAfter: { name: 'pad', type: 'pad', len: 2 } },
      // struct ifla_bridge_id.prio is u8[2] holding the priority in network order.
      { struct: 'ifla-bridge-id', member: 'prio', patch: { 'byte-order': 'big-endian' } },
    ],
    attributeSets: [
      // VXLAN is not in this rt-link.yaml: IFLA_VXLAN_* of <linux/if_link.h>, types as vxlan_fill_info() puts them.
      {
        name: 'linkinfo-vxlan-attrs',
        'name-prefix': 'ifla-vxlan-',
        attributes: [
          { name: 'id', type: 'u32' },
          { name: 'group', type: 'binary', 'display-hint': 'ipv4' },
          { name: 'link', type: 'u32' },
          { name: 'local', type: 'binary', 'display-hint': 'ipv4' },
          { name: 'ttl', type: 'u8' },
          { name: 'tos', type: 'u8' },
          { name: 'learning', type: 'u8' },
          { name: 'ageing', type: 'u32' },
          { name: 'limit', type: 'u32' },
          { name: 'port-range', type: 'binary', struct: 'ifla-vxlan-port-range' },
          { name: 'proxy', type: 'u8' },
          { name: 'rsc', type: 'u8' },
          { name: 'l2miss', type: 'u8' },
          { name: 'l3miss', type: 'u8' },
          { name: 'port', type: 'u16', 'byte-order': 'big-endian' },
          { name: 'group6', type: 'binary', 'display-hint': 'ipv6' },
          { name: 'local6', type: 'binary', 'display-hint': 'ipv6' },
          { name: 'udp-csum', type: 'u8' },
          { name: 'udp-zero-csum6-tx', type: 'u8' },
          { name: 'udp-zero-csum6-rx', type: 'u8' },
          { name: 'remcsum-tx', type: 'u8' },
          { name: 'remcsum-rx', type: 'u8' },
          { name: 'gbp', type: 'flag' },
          { name: 'remcsum-nopartial', type: 'flag' },
          { name: 'collect-metadata', type: 'u8' },
          { name: 'label', type: 'u32', 'byte-order': 'big-endian' },
          { name: 'gpe', type: 'flag' },
          // The kernel parses IFLA_VXLAN_TTL_INHERIT as a flag but dumps it as a u8 0/1 (nla_put_u8 in vxlan_fill_info).
          { name: 'ttl-inherit', type: 'flag', 'x-codec': { call: 'flagOrU8', args: [] } },
          { name: 'df', type: 'u8', enum: 'vxlan-df' },
          { name: 'vnifilter', type: 'u8' },
          { name: 'localbypass', type: 'u8' },
          { name: 'label-policy', type: 'u32', enum: 'vxlan-label-policy' },
          { name: 'reserved-bits', type: 'binary' },
          { name: 'mc-route', type: 'u8' },
        ],
      },
      // veth is not in this rt-link.yaml: VETH_INFO_PEER of <linux/veth.h> is struct ifinfomsg followed by link attributes.
      {
        name: 'linkinfo-veth-attrs',
        'name-prefix': 'veth-info-',
        attributes: [
          { name: 'peer', type: 'binary', 'x-codec': { call: 'headerAndAttrs', args: [{ struct: 'ifinfomsg' }, { set: 'link-attrs' }] } },
        ],
      },
      // IFLA_AF_SPEC of AF_BRIDGE messages holds IFLA_BRIDGE_* (<linux/if_bridge.h>, starting at 0), not AF_* nests.
      {
        name: 'bridge-af-spec-attrs',
        'name-prefix': 'ifla-bridge-',
        attributes: [
          { name: 'flags', type: 'u16', value: 0, enum: 'bridge-flags' },
          { name: 'mode', type: 'u16', enum: 'bridge-mode' },
          { name: 'vlan-info', type: 'binary', struct: 'bridge-vlan-info', 'multi-attr': true },
          { name: 'vlan-tunnel-info', type: 'nest', 'nested-attributes': 'bridge-vlan-tunnel-info-attrs', 'multi-attr': true },
          { name: 'mrp', type: 'binary' },
          { name: 'cfm', type: 'binary' },
          { name: 'mst', type: 'binary' },
        ],
      },
      // IFLA_BRIDGE_VLAN_TUNNEL_* of <linux/if_bridge.h>.
      {
        name: 'bridge-vlan-tunnel-info-attrs',
        'name-prefix': 'ifla-bridge-vlan-tunnel-',
        attributes: [
          { name: 'id', type: 'u32' },
          { name: 'vid', type: 'u16' },
          { name: 'flags', type: 'u16', enum: 'bridge-vlan-info-flags' },
        ],
      },
      // IFLA_PROTO_DOWN_REASON is a nest of IFLA_PROTO_DOWN_REASON_MASK/VALUE (u32), not a string.
      {
        name: 'proto-down-reason-attrs',
        'name-prefix': 'ifla-proto-down-reason-',
        attributes: [
          { name: 'mask', type: 'u32' },
          { name: 'value', type: 'u32' },
        ],
      },
      // macvlan/macvtap are not in this rt-link.yaml: IFLA_MACVLAN_* of <linux/if_link.h>, types as macvlan_fill_info() and macvlan_policy put them.
      {
        name: 'linkinfo-macvlan-attrs',
        'name-prefix': 'ifla-macvlan-',
        attributes: [
          { name: 'mode', type: 'u32', enum: 'macvlan-mode' },
          { name: 'flags', type: 'u16', enum: 'macvlan-flags' },
          { name: 'macaddr-mode', type: 'u32', enum: 'macvlan-macaddr-mode' },
          { name: 'macaddr', type: 'binary', 'display-hint': 'mac' },
          { name: 'macaddr-data', type: 'nest', 'nested-attributes': 'linkinfo-macvlan-macaddr-attrs' },
          { name: 'macaddr-count', type: 'u32' },
          { name: 'bc-queue-len', type: 'u32' },
          { name: 'bc-queue-len-used', type: 'u32' },
          { name: 'bc-cutoff', type: 's32' },
        ],
      },
      // IFLA_MACVLAN_MACADDR_DATA nests one IFLA_MACVLAN_MACADDR (type 4) per source MAC (macvlan_fill_info_macaddr).
      {
        name: 'linkinfo-macvlan-macaddr-attrs',
        'name-prefix': 'ifla-macvlan-',
        attributes: [{ name: 'macaddr', type: 'binary', 'display-hint': 'mac', value: 4, 'multi-attr': true }],
      },
      // ipvlan/ipvtap are not in this rt-link.yaml: IFLA_IPVLAN_* of <linux/if_link.h>, both u16 (nla_put_u16 in ipvlan_nl_fillinfo).
      {
        name: 'linkinfo-ipvlan-attrs',
        'name-prefix': 'ifla-ipvlan-',
        attributes: [
          { name: 'mode', type: 'u16', enum: 'ipvlan-mode' },
          { name: 'flags', type: 'u16', enum: 'ipvlan-flags' },
        ],
      },
      // VRF port data is not in this rt-link.yaml: IFLA_VRF_PORT_TABLE of <linux/if_link.h> (nla_put_u32 in vrf_fill_slave_info).
      {
        name: 'linkinfo-vrf-port-attrs',
        'name-prefix': 'ifla-vrf-port-',
        attributes: [{ name: 'table', type: 'u32' }],
      },
    ],
    appendAttributes: [
      // Newer than this rt-link.yaml: IFLA_BOND_BROADCAST_NEIGH (u8, nla_put_u8 in bond_fill_info, after coupled-control).
      { set: 'linkinfo-bond-attrs', attributes: [{ name: 'broadcast-neigh', type: 'u8', value: 33 }] },
      // Newer than this rt-link.yaml: IFLA_BOND_SLAVE_ACTOR_PORT_PRIO (u16) and the churn states (u8), as bond_fill_slave_info puts them.
      {
        set: 'bond-slave-attrs',
        attributes: [
          { name: 'actor-port-prio', type: 'u16', value: 10 },
          { name: 'ad-churn-actor-state', type: 'u8', value: 11 },
          { name: 'ad-churn-partner-state', type: 'u8', value: 12 },
        ],
      },
      // Newer than this rt-link.yaml: IFLA_GENEVE_GRO_HINT, a flag (nla_put_flag in geneve_fill_info).
      { set: 'linkinfo-geneve-attrs', attributes: [{ name: 'gro-hint', type: 'flag', value: 16 }] },
    ],
    subMessages: [
      // IFLA_PROTINFO depends on the header's family: bridge port attributes (AF_BRIDGE) or IFLA_INET6_* (AF_INET6).
      {
        name: 'link-protinfo-msg',
        formats: [
          { value: 'bridge', 'attribute-set': 'linkinfo-brport-attrs' },
          { value: 'inet6', 'attribute-set': 'ifla6-attrs' },
        ],
      },
      // IFLA_AF_SPEC depends on the header's family: IFLA_BRIDGE_* for AF_BRIDGE, AF_* nests otherwise.
      {
        name: 'link-af-spec-msg',
        formats: [{ value: 'bridge', 'attribute-set': 'bridge-af-spec-attrs' }],
        'x-default': { 'attribute-set': 'af-spec-attrs' },
      },
    ],
    // Link kinds (IFLA_INFO_DATA by IFLA_INFO_KIND, IFLA_INFO_SLAVE_DATA by IFLA_INFO_SLAVE_KIND):
    //   from YNL: bond, bond port, bridge, bridge port, gre, gretap, erspan, ip6gre, geneve, hsr, ipip, sit, ip6tnl,
    //             tun, vlan, vrf, vti, vti6, netkit, ovpn (with the hand corrections under `attributes` and `appendAttributes`);
    //   by hand:  veth, vxlan, macvlan, macvtap, ipvlan, ipvtap, ip6gretap, vrf port (the formats below);
    //   no data:  dummy, ifb, nlmon, wireguard, team (no fill_info: only IFLA_INFO_KIND; see src/rtnl/link/kinds.ts).
    formats: [
      // VXLAN link data (not in this rt-link.yaml).
      { subMessage: 'linkinfo-data-msg', format: { value: 'vxlan', 'attribute-set': 'linkinfo-vxlan-attrs' } },
      // veth link data (not in this rt-link.yaml).
      { subMessage: 'linkinfo-data-msg', format: { value: 'veth', 'attribute-set': 'linkinfo-veth-attrs' } },
      // macvlan link data (not in this rt-link.yaml).
      { subMessage: 'linkinfo-data-msg', format: { value: 'macvlan', 'attribute-set': 'linkinfo-macvlan-attrs' } },
      // macvtap registers through macvlan_link_register: the same IFLA_MACVLAN_* data.
      { subMessage: 'linkinfo-data-msg', format: { value: 'macvtap', 'attribute-set': 'linkinfo-macvlan-attrs' } },
      // ipvlan link data (not in this rt-link.yaml).
      { subMessage: 'linkinfo-data-msg', format: { value: 'ipvlan', 'attribute-set': 'linkinfo-ipvlan-attrs' } },
      // ipvtap registers through ipvlan_link_register: the same IFLA_IPVLAN_* data.
      { subMessage: 'linkinfo-data-msg', format: { value: 'ipvtap', 'attribute-set': 'linkinfo-ipvlan-attrs' } },
      // ip6gretap shares ip6gre_fill_info (net/ipv6/ip6_gre.c) with ip6gre; YNL lists only ip6gre.
      { subMessage: 'linkinfo-data-msg', format: { value: 'ip6gretap', 'attribute-set': 'linkinfo-gre6-attrs' } },
      // VRF port data (IFLA_INFO_SLAVE_DATA of a VRF member; not in this rt-link.yaml).
      { subMessage: 'linkinfo-member-data-msg', format: { value: 'vrf', 'attribute-set': 'linkinfo-vrf-port-attrs' } },
    ],
    attributes: [
      // IFLA_IFNAME is the link's name: `name` reads better than `ifname` on a link object.
      { set: 'link-attrs', attr: 'ifname', key: 'name' },
      // IFLA_OPERSTATE values have names (iproute2 prints them).
      { set: 'link-attrs', attr: 'operstate', patch: { enum: 'oper-state' } },
      // IFLA_LINKMODE values have names (iproute2 prints them).
      { set: 'link-attrs', attr: 'linkmode', patch: { enum: 'link-mode' } },
      // IFLA_PROTINFO is a nest whose set depends on the family (see link-protinfo-msg), not a string.
      { set: 'link-attrs', attr: 'protinfo', patch: { type: 'sub-message', 'sub-message': 'link-protinfo-msg', selector: 'ifi-family' } },
      // IFLA_AF_SPEC holds IFLA_BRIDGE_* in AF_BRIDGE messages (see link-af-spec-msg).
      { set: 'link-attrs', attr: 'af-spec', patch: { type: 'sub-message', 'sub-message': 'link-af-spec-msg', selector: 'ifi-family' } },
      // IFLA_PROTO_DOWN_REASON is a nest, not a string.
      { set: 'link-attrs', attr: 'proto-down-reason', patch: { type: 'nest', 'nested-attributes': 'proto-down-reason-attrs' } },
      // IFLA_NETKIT_PEER_INFO is struct ifinfomsg followed by link attributes, like VETH_INFO_PEER.
      { set: 'linkinfo-netkit-attrs', attr: 'peer-info', patch: { 'x-codec': { call: 'headerAndAttrs', args: [{ struct: 'ifinfomsg' }, { set: 'link-attrs' }] } } },
      // The kernel puts IFLA_BR_VLAN_PROTOCOL with nla_put_be16 (an ETH_P_* in network order).
      { set: 'linkinfo-bridge-attrs', attr: 'vlan-protocol', patch: { 'byte-order': 'big-endian', enum: 'vlan-protocols' } },
      // The kernel sends these IFLA_BRPORT_* booleans as u8 0/1 (nla_put_u8 in br_port_fill_attrs), not as flags.
      ...[
        'mode', 'guard', 'protect', 'fast-leave', 'learning', 'unicast-flood', 'proxyarp', 'learning-sync', 'proxyarp-wifi',
        'mcast-flood', 'mcast-to-ucast', 'vlan-tunnel', 'bcast-flood', 'neigh-suppress', 'isolated', 'mrp-ring-open',
        'mrp-in-open', 'locked', 'mab', 'neigh-vlan-suppress',
      ].map((attr): AttrOverride => ({ set: 'linkinfo-brport-attrs', attr, patch: { type: 'u8' } })),
      // ip6tnl's IFLA_IPTUN_FLAGS is a host-order u32 (nla_put_u32 in ip6_tnl_fill_info); the subset would inherit ipip's big-endian.
      { set: 'linkinfo-ip6tnl-attrs', attr: 'flags', patch: { 'byte-order': 'little-endian' } },
      // sit's IFLA_IPTUN_FLAGS (SIT_ISATAP = 1) travels in host order: iproute2 writes and reads it with addattr16 / rta_getattr_u16.
      { set: 'linkinfo-iptun-attrs', attr: 'flags', patch: { 'byte-order': 'little-endian' } },
      // IFLA_BOND_SLAVE_PRIO is an s32 (NLA_S32 policy, nla_put_s32 in bond_fill_slave_info), not a u32.
      { set: 'bond-slave-attrs', attr: 'prio', patch: { type: 's32' } },
      // bond_fill_info opens IFLA_BOND_NS_IP6_TARGET with nla_nest_start (NLA_F_NESTED), unlike IFLA_BOND_ARP_IP_TARGET.
      { set: 'linkinfo-bond-attrs', attr: 'ns-ip6-target', patch: { 'x-nested-flag': true } },
      // rtnl_fill_ifinfo opens IFLA_PROP_LIST, IFLA_DEVLINK_PORT and IFLA_DPLL_PIN with nla_nest_start (NLA_F_NESTED);
      // the kernel also requires the flag on IFLA_PROP_LIST in RTM_NEWLINKPROP ("NLA_F_NESTED is missing").
      { set: 'link-attrs', attr: 'prop-list', patch: { 'x-nested-flag': true } },
      { set: 'link-attrs', attr: 'devlink-port', patch: { 'x-nested-flag': true } },
      { set: 'link-attrs', attr: 'dpll-pin', patch: { 'x-nested-flag': true } },
      // Per-family configuration and counters are most of a link's bytes and few readers need them:
      // decoded on first access, which halves the time to list links (see bench).
      { set: 'link-attrs', attr: 'af-spec', patch: { 'x-lazy': true } },
      { set: 'link-attrs', attr: 'stats', patch: { 'x-lazy': true } },
      { set: 'link-attrs', attr: 'stats64', patch: { 'x-lazy': true } },
      // IFLA_GENEVE_DF values have names (enum ifla_geneve_df).
      { set: 'linkinfo-geneve-attrs', attr: 'df', patch: { enum: 'geneve-df' } },
      // IFLA_TUN_TYPE values have names (IFF_TUN / IFF_TAP).
      { set: 'linkinfo-tun-attrs', attr: 'type', patch: { enum: 'tun-type' } },
      // IPv4 devconf values are ints (s32), not u32.
      { set: 'ifla-attrs', attr: 'conf', patch: { 'sub-type': 's32' } },
      // IPv6 devconf values are ints (s32; lo has use_tempaddr = -1), not u32.
      { set: 'ifla6-attrs', attr: 'conf', patch: { 'sub-type': 's32' } },
      // IFLA_INET6_TOKEN is a struct in6_addr.
      { set: 'ifla6-attrs', attr: 'token', patch: { 'display-hint': 'ipv6' } },
      // IFLA_INET6_ADDR_GEN_MODE values have names (iproute2 prints them).
      { set: 'ifla6-attrs', attr: 'addr-gen-mode', patch: { enum: 'in6-addr-gen-mode' } },
    ],
  },

  'rt-addr': {
    definitions: [
      // IFA_PROTO values (IFAPROT_*, <linux/if_addr.h>) named as in iproute2's rt_addrprotos.
      {
        name: 'ifa-proto',
        type: 'enum',
        'name-prefix': 'ifaprot-',
        doc: 'Who created an address (IFAPROT_*).',
        entries: ['unspec', 'kernel_lo', 'kernel_ra', 'kernel_ll'],
      },
    ],
    members: [
      // ifa_family is an address family.
      { struct: 'ifaddrmsg', member: 'ifa-family', patch: { enum: 'address-family' } },
      // ifa_scope is an rt scope.
      { struct: 'ifaddrmsg', member: 'ifa-scope', patch: { enum: 'rt-scope' } },
    ],
    attributes: [
      // IFA_ANYCAST is an IPv6 address (struct in6_addr).
      { set: 'addr-attrs', attr: 'anycast', patch: { 'display-hint': 'ipv4-or-v6' } },
      // IFA_MULTICAST is an IPv4 or IPv6 address.
      { set: 'addr-attrs', attr: 'multicast', patch: { 'display-hint': 'ipv4-or-v6' } },
      // IFA_TARGET_NETNSID is an s32 netns id (-1: none), not opaque bytes.
      { set: 'addr-attrs', attr: 'target-netnsid', patch: { type: 's32' } },
      // IFA_PROTO values have names.
      { set: 'addr-attrs', attr: 'proto', patch: { enum: 'ifa-proto' } },
    ],
  },

  'rt-route': {
    definitions: [
      // rtm_flags carries RTNH_F_* in its low byte and RTM_F_* above (<linux/rtnetlink.h>); RTM_F_OFFLOAD/TRAP/OFFLOAD_FAILED are prefixed rt- as iproute2 does.
      {
        name: 'rtm-flags',
        type: 'flags',
        doc: 'Flags of a route (RTNH_F_* and RTM_F_*).',
        entries: [
          { name: 'dead', value: 0 },
          { name: 'pervasive', value: 1 },
          { name: 'onlink', value: 2 },
          { name: 'offload', value: 3 },
          { name: 'linkdown', value: 4 },
          { name: 'unresolved', value: 5 },
          { name: 'trap', value: 6 },
          { name: 'notify', value: 8 },
          { name: 'cloned', value: 9 },
          { name: 'equalize', value: 10 },
          { name: 'prefix', value: 11 },
          { name: 'lookup-table', value: 12 },
          { name: 'fib-match', value: 13 },
          { name: 'rt-offload', value: 14 },
          { name: 'rt-trap', value: 15 },
          { name: 'rt-offload-failed', value: 29 },
        ],
      },
      // RTA_PREF values (ICMPV6_ROUTER_PREF_*, <linux/icmpv6.h>) named as iproute2 prints them.
      {
        name: 'route-pref',
        type: 'enum',
        'name-prefix': 'icmpv6-router-pref-',
        doc: 'IPv6 router preference (ICMPV6_ROUTER_PREF_*).',
        entries: [
          { name: 'medium', value: 0 },
          { name: 'high', value: 1 },
          { name: 'invalid', value: 2 },
          { name: 'low', value: 3 },
        ],
      },
      // RTA_MFC_STATS payload: struct rta_mfc_stats of <linux/rtnetlink.h>.
      {
        name: 'rta-mfc-stats',
        type: 'struct',
        members: [
          { name: 'mfcs-packets', type: 'u64' },
          { name: 'mfcs-bytes', type: 'u64' },
          { name: 'mfcs-wrong-if', type: 'u64' },
        ],
      },
    ],
    members: [
      // rtm_family is an address family.
      { struct: 'rtmsg', member: 'rtm-family', patch: { enum: 'address-family' } },
      // rtm_protocol is an RTPROT_* id.
      { struct: 'rtmsg', member: 'rtm-protocol', patch: { enum: 'rt-protocol' } },
      // rtm_scope is an rt scope.
      { struct: 'rtmsg', member: 'rtm-scope', patch: { enum: 'rt-scope' } },
      // rtm_flags are RTNH_F_* | RTM_F_* bits.
      { struct: 'rtmsg', member: 'rtm-flags', patch: { enum: 'rtm-flags' } },
      // struct rta_cacheinfo.rta_expires is __s32.
      { struct: 'rta-cacheinfo', member: 'rta-expires', patch: { type: 's32' } },
      // struct rta_cacheinfo has three more u32 (rta_id, rta_ts, rta_tsage) that the kernel sends (32 bytes).
      { struct: 'rta-cacheinfo', member: 'rta-used', insertAfter: { name: 'rta-id', type: 'u32' } },
      // (continued)
      { struct: 'rta-cacheinfo', member: 'rta-id', insertAfter: { name: 'rta-ts', type: 'u32' } },
      // (continued)
      { struct: 'rta-cacheinfo', member: 'rta-ts', insertAfter: { name: 'rta-tsage', type: 'u32' } },
    ],
    attributes: [
      // RTA_DST/SRC/GATEWAY/PREFSRC are IPv6 addresses in AF_INET6 routes, not only IPv4.
      // RTA_DST is an MPLS label in AF_MPLS routes, an IPv4 or IPv6 address in the others.
      { set: 'route-attrs', attr: 'dst', patch: { 'x-codec': { call: 'routeDestination', args: [] } } },
      // RTA_NEWDST is an MPLS label stack (struct mpls_label[], <linux/mpls.h>); YNL calls it binary.
      { set: 'route-attrs', attr: 'newdst', patch: { 'x-codec': { call: 'mplsLabels', args: [] } } },
      // (see dst)
      { set: 'route-attrs', attr: 'src', patch: { 'display-hint': 'ipv4-or-v6' } },
      // (see dst)
      { set: 'route-attrs', attr: 'gateway', patch: { 'display-hint': 'ipv4-or-v6' } },
      // (see dst)
      { set: 'route-attrs', attr: 'prefsrc', patch: { 'display-hint': 'ipv4-or-v6' } },
      // RTA_MULTIPATH is an array of struct rtnexthop, each followed by route attributes; YNL calls it binary.
      {
        set: 'route-attrs',
        attr: 'multipath',
        patch: { 'x-codec': { call: 'rtnexthops', args: [{ scalar: { type: 'u8', enum: 'rtnh-flags' } }, { set: 'route-attrs' }] } },
      },
      // RTA_VIA is struct rtvia (u16 family + address).
      { set: 'route-attrs', attr: 'via', patch: { 'x-codec': { call: 'rtvia', args: [{ scalar: { type: 'u16', enum: 'address-family' } }] } } },
      // RTA_MFC_STATS is struct rta_mfc_stats.
      { set: 'route-attrs', attr: 'mfc-stats', patch: { struct: 'rta-mfc-stats' } },
      // RTA_ENCAP_TYPE values have names.
      { set: 'route-attrs', attr: 'encap-type', patch: { enum: 'lwtunnel-encap-type' } },
      // RTA_PREF values have names.
      { set: 'route-attrs', attr: 'pref', patch: { enum: 'route-pref' } },
      // RTA_SPORT/RTA_DPORT are __be16 (nla_get_be16 / nla_put_be16 in the kernel, htons in iproute2).
      { set: 'route-attrs', attr: 'sport', patch: { 'byte-order': 'big-endian' } },
      // (see sport)
      { set: 'route-attrs', attr: 'dport', patch: { 'byte-order': 'big-endian' } },
    ],
  },

  'rt-neigh': {
    definitions: [],
    members: [
      // ndm_family is an address family.
      { struct: 'ndmsg', member: 'ndm-family', patch: { enum: 'address-family' } },
      // ndtmsg.ndtm_family is an address family.
      { struct: 'ndtmsg', member: 'family', patch: { enum: 'address-family' } },
    ],
    attributeSets: [
      // NDA_FDB_EXT_ATTRS is a nest of NFEA_* (<linux/neighbour.h>).
      {
        name: 'fdb-ext-attrs',
        'name-prefix': 'nfea-',
        attributes: [
          { name: 'activity-notify', type: 'u8' },
          { name: 'dont-refresh', type: 'flag' },
        ],
      },
    ],
    attributes: [
      // NDA_PROTOCOL is an RTPROT_* id (iproute2 names it with rt_protos).
      // NDA_IFINDEX (a dump filter the kernel rarely sends back) would take the key `ifindex` from
      // ndmsg's ndm_ifindex, which every entry has: the header keeps `ifindex`.
      { set: 'neighbour-attrs', attr: 'ifindex', key: 'ndaIfindex' },
      { set: 'neighbour-attrs', attr: 'protocol', patch: { enum: 'rt-protocol' } },
      // NDA_PORT is __be16 (nla_put_be16 in vxlan_fdb_info).
      { set: 'neighbour-attrs', attr: 'port', patch: { 'byte-order': 'big-endian' } },
      // NDA_FDB_EXT_ATTRS is a nest.
      { set: 'neighbour-attrs', attr: 'fdb-ext-attrs', patch: { type: 'nest', 'nested-attributes': 'fdb-ext-attrs' } },
      // NDA_NDM_STATE_MASK is a mask of NUD_* bits.
      { set: 'neighbour-attrs', attr: 'ndm-state-mask', patch: { enum: 'nud-state' } },
      // NDA_NDM_FLAGS_MASK is a mask of NTF_* bits.
      { set: 'neighbour-attrs', attr: 'ndm-flags-mask', patch: { enum: 'ntf-flags' } },
    ],
  },

  'rt-rule': {
    definitions: [
      // fib_rule_hdr.flags bits (FIB_RULE_*, <linux/fib_rules.h>); `invert` is iproute2's "not".
      {
        name: 'fib-rule-flags',
        type: 'flags',
        'name-prefix': 'fib-rule-',
        doc: 'Flags of a rule (FIB_RULE_*).',
        entries: [
          { name: 'permanent', value: 0 },
          { name: 'invert', value: 1 },
          { name: 'unresolved', value: 2 },
          { name: 'iif-detached', value: 3 },
          { name: 'oif-detached', value: 4 },
          { name: 'find-saddr', value: 16 },
        ],
      },
    ],
    members: [
      // fib_rule_hdr.family is an address family.
      { struct: 'fib-rule-hdr', member: 'family', patch: { enum: 'address-family' } },
      // fib_rule_hdr.flags are FIB_RULE_* bits.
      { struct: 'fib-rule-hdr', member: 'flags', patch: { enum: 'fib-rule-flags' } },
      // rtgenmsg.rtgen_family is an address family.
      { struct: 'rtgenmsg', member: 'family', patch: { enum: 'address-family' } },
    ],
    attributes: [
      // FRA_DST/FRA_SRC are addresses (4 or 16 bytes), not u32.
      { set: 'fib-rule-attrs', attr: 'dst', patch: { type: 'binary', 'display-hint': 'ipv4-or-v6' } },
      // (see dst)
      { set: 'fib-rule-attrs', attr: 'src', patch: { type: 'binary', 'display-hint': 'ipv4-or-v6' } },
      // FRA_TUN_ID is __be64 (nla_put_be64 in fib_nl_fill_rule).
      { set: 'fib-rule-attrs', attr: 'tun-id', patch: { 'byte-order': 'big-endian' } },
      // FRA_SUPPRESS_PREFIXLEN is an int, -1 when unset (the kernel dumps it as is).
      { set: 'fib-rule-attrs', attr: 'suppress-prefixlen', patch: { type: 's32' } },
      // FRA_SUPPRESS_IFGROUP is an int, -1 when unset.
      { set: 'fib-rule-attrs', attr: 'suppress-ifgroup', patch: { type: 's32' } },
      // FRA_PROTOCOL is an RTPROT_* id.
      { set: 'fib-rule-attrs', attr: 'protocol', patch: { enum: 'rt-protocol' } },
    ],
  },
};
